import type { Kysely } from 'kysely';
import type { ApiRequestLogRow, Database, NewApiRequestLogRow } from '../../../src/db/tables.js';
import type { RequestLogLogger } from '../../../src/platform/request-log/writer.js';
import { newRequestId } from '../../../src/shared/ids.js';

/** A plausible row; tests override what they look at. */
export function logRow(overrides: Partial<NewApiRequestLogRow> = {}): NewApiRequestLogRow {
  return {
    id: newRequestId(),
    account_id: 'acct_A',
    key_id: 'key_A1',
    method: 'GET',
    route: '/v1/employees',
    path: '/v1/employees',
    status: 200,
    error_code: null,
    duration_ms: 3,
    ip: '127.0.0.1',
    user_agent: 'test',
    api_version: '2026-11-01',
    created_at: '2026-11-01T12:00:00.000Z',
    ...overrides,
  };
}

export async function allLogRows(db: Kysely<Database>): Promise<ApiRequestLogRow[]> {
  return db.selectFrom('api_request_log').selectAll().orderBy('id').execute();
}

export async function countLogRows(db: Kysely<Database>): Promise<number> {
  return (await allLogRows(db)).length;
}

/** A logger that keeps what it is told, for asserting how often the writer complains. */
export class CapturingLogger implements RequestLogLogger {
  readonly errors: { details: Record<string, unknown>; message: string }[] = [];
  readonly infos: { details: Record<string, unknown>; message: string }[] = [];
  error(details: object, message: string): void {
    this.errors.push({ details: details as Record<string, unknown>, message });
  }
  info(details: object, message: string): void {
    this.infos.push({ details: details as Record<string, unknown>, message });
  }
}

/** Polls until `check` holds (background work finishing); fails after `timeoutMs`. */
export async function eventually(
  check: () => Promise<boolean>,
  what: string,
  timeoutMs = 5000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
