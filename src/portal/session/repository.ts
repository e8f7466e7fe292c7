import type { Db, PortalSessionRow } from '../../db/tables.js';

export async function insertSession(db: Db, row: PortalSessionRow): Promise<void> {
  await db.insertInto('portal_sessions').values(row).execute();
}

/** The session of a token hash while it lives (before its idle and its absolute expiry). */
export async function findLiveSession(
  db: Db,
  tokenHash: string,
  now: string,
  idleSince: string,
): Promise<PortalSessionRow | undefined> {
  return db
    .selectFrom('portal_sessions')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .where('expires_at', '>', now)
    .where('last_seen_at', '>', idleSince)
    .executeTakeFirst();
}

export async function touchSession(db: Db, tokenHash: string, now: string): Promise<void> {
  await db
    .updateTable('portal_sessions')
    .set({ last_seen_at: now })
    .where('token_hash', '=', tokenHash)
    .execute();
}

export async function deleteSession(db: Db, tokenHash: string): Promise<void> {
  await db.deleteFrom('portal_sessions').where('token_hash', '=', tokenHash).execute();
}

/** Ended sessions are useless: removed when someone signs in, so the table holds only live ones and a few more. */
export async function deleteEndedSessions(db: Db, now: string, idleSince: string): Promise<void> {
  await db
    .deleteFrom('portal_sessions')
    .where((eb) => eb.or([eb('expires_at', '<=', now), eb('last_seen_at', '<=', idleSince)]))
    .execute();
}
