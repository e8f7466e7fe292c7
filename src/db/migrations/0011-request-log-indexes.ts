import type { Kysely } from 'kysely';

/**
 * Every /v1 request inserts a row into api_request_log, and every index on it is one more B-tree written per request;
 * the portal reads the log only when an administrator opens its page. What the reads use
 * (platform/request-log/repository.ts):
 * - the page of requests (`account_id = ?`, newest first by id, keyset on id, optional filters on key, status, path
 *   and time): api_request_log_account_idx (account_id, id) — it reads the account's rows newest first and stops at
 *   a full page;
 * - requests per hour and the refusal bursts (`account_id = ?` and a time range): the same index (SQLite plans
 *   without statistics, and picked (account_id, …) for them before too);
 * - the retention sweep (`created_at < ?`, all accounts): api_request_log_created_idx;
 * - a request by id: the primary key.
 * api_request_log_key_idx (account_id, key_id, id) served only the key filter, which now filters the account's rows
 * like the status and path filters do: a page filtered by a rarely used key reads further back through the account's
 * rows. The B-tree it added to every request's insert is the dearer side of that trade.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('api_request_log_key_idx').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('api_request_log_key_idx')
    .on('api_request_log')
    .columns(['account_id', 'key_id', 'id'])
    .execute();
}
