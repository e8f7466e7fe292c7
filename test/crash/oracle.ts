import { isDeepStrictEqual } from 'node:util';
import type { DatabaseHandle } from '../../src/db/database.js';
import { type Answer, type Random, read, readAll } from './client.js';
import { type CrashAccount, statusAfter, type WriteRecord } from './workload.js';

/**
 * The oracle of a crash round, run against the restarted server (same database). It proves:
 *
 * 1. Every write acknowledged with a 2xx is there with its events: exactly one event of each type the write
 *    announces (`employee.created`, `punch.created` + `punch.clock_in`, `time_off.updated` + `time_off.approved`,
 *    ...), whose object is the acknowledged answer, field for field; a punch also moved its employee's clock
 *    (`employee.updated`) and its time entry (`time_entry.created|updated`) at the punch's instant.
 * 2. A write refused with an answer (4xx/5xx) left nothing; a write the kill cut off left all of its events or none
 *    (never one without the other), and at most one of each — including after idempotent retries.
 * 3. Every object and its events agree (no object without its `.created` event, no event whose object is missing,
 *    the stored object is the object of its latest event, a `.deleted` one is gone: GET answers 404); an object whose
 *    writes were all answered, one after another, is the answer of the last acknowledged one (with the clock status
 *    its later punches set). Events are in commit order, so "latest" is the one a feed reader sees last.
 * 4. No event is without the request that made it (each names its request by the request's marker), and every event
 *    has its webhook delivery row (the outbox writes both in the change's transaction).
 *
 * It is strict on purpose and fails on anything it cannot explain.
 */

type ApiObject = Record<string, unknown> & { id: string; object: string };

interface FeedEvent {
  id: string;
  type: string;
  data: { object: ApiObject; previousAttributes?: Record<string, unknown> };
}

export interface AccountReport {
  /** Writes answered 2xx (the last answer of a retried write counts). */
  readonly acknowledged: number;
  /** Acknowledged writes whose every check passed. */
  readonly verified: number;
  readonly refused: number;
  /** Writes with no answer at all (cut off by the kill, and not retried to an answer). */
  readonly unanswered: number;
  readonly objects: number;
  readonly events: number;
  readonly violations: string[];
}

const TRACKED = new Set(['employee', 'location', 'punch', 'time_off', 'time_entry']);
const LISTS: Record<string, string> = {
  employee: '/v1/employees',
  location: '/v1/locations',
  punch: '/v1/punches',
  time_off: '/v1/time-off',
  time_entry: '/v1/time-entries',
};
const MARKER = /r\d+-\d+/;

/** The answer that counts for a write: its last retry's, else its own. */
export function finalAnswer(record: WriteRecord): Answer | undefined {
  return record.retries.at(-1) ?? record.answer;
}

function ok(answer: Answer | undefined): boolean {
  return answer !== undefined && answer.status >= 200 && answer.status < 300;
}

/** The event types a write announces, primary ones (the request's own object) only. */
function announced(record: WriteRecord): string[] {
  switch (record.kind) {
    case 'employee.create':
      return ['employee.created'];
    case 'employee.update':
      return ['employee.updated'];
    case 'employee.delete':
      return ['employee.deleted'];
    case 'location.create':
      return ['location.created'];
    case 'location.update':
      return ['location.updated'];
    case 'location.delete':
      return ['location.deleted'];
    case 'punch':
      return [
        'punch.created',
        ...(record.punchType === 'in' ? ['punch.clock_in'] : []),
        ...(record.punchType === 'out' ? ['punch.clock_out'] : []),
      ];
    case 'time_off.create':
      return ['time_off.created', 'time_off.requested'];
    case 'time_off.decide': {
      const status = { approve: 'approved', deny: 'denied', cancel: 'canceled' }[
        record.decision ?? 'approve'
      ];
      return ['time_off.updated', `time_off.${status}`];
    }
  }
}

/**
 * The request an event's object names, as a key into the round's records: `m:<marker>` for a marker carried in a
 * field the request set, `d:<id>` for deletions and time-off decisions (one request per object). Undefined for
 * events a request causes on other objects (an employee's clock status, a time entry).
 */
function attribution(event: FeedEvent): string | undefined {
  const object = event.data.object;
  const changed = event.data.previousAttributes ?? {};
  const marker = (value: unknown) => {
    const match = typeof value === 'string' ? MARKER.exec(value) : null;
    return match ? `m:${match[0]}` : undefined;
  };
  switch (event.type) {
    case 'employee.created':
      return marker(object.email);
    case 'employee.updated':
      // A punch moves the clock; a PATCH (each sets a new phone marker) never does. A PATCH applied twice shows
      // its marker twice, the second time unchanged.
      return 'clockStatus' in changed ? undefined : marker(object.phone);
    case 'location.created':
      return marker(object.name);
    case 'location.updated':
      return marker(object.address);
    case 'employee.deleted':
    case 'location.deleted':
      return `d:${object.id}`;
    case 'punch.created':
    case 'punch.clock_in':
    case 'punch.clock_out':
      return `s:${String(object.accuracyMeters)}`;
    case 'time_off.created':
    case 'time_off.requested':
      return marker(object.note);
    case 'time_off.updated':
    case 'time_off.approved':
    case 'time_off.denied':
    case 'time_off.canceled':
      return `d:${object.id}`;
    default:
      return undefined;
  }
}

function attributionOf(record: WriteRecord): string {
  if (record.kind === 'punch') return `s:${record.seq}`;
  if (record.kind.endsWith('.delete') || record.kind === 'time_off.decide') return `d:${record.objectId}`;
  return `m:${record.marker}`;
}

function brief(value: unknown): string {
  const text = JSON.stringify(value);
  return text.length > 600 ? `${text.slice(0, 600)}…` : text;
}

/** Checks one account of a round; `records` are that account's writes. */
export async function verifyAccount(
  url: string,
  account: CrashAccount,
  records: readonly WriteRecord[],
  database: DatabaseHandle,
  random: Random,
): Promise<AccountReport> {
  const violations: string[] = [];
  const fail = (message: string) => violations.push(`account ${account.index}: ${message}`);

  const feed = (await readAll(url, account.key, '/v1/events')) as unknown as FeedEvent[];
  const events = feed.filter((event) => TRACKED.has(event.data.object.object));
  const stored = new Map<string, ApiObject>();
  for (const [object, path] of Object.entries(LISTS)) {
    for (const item of (await readAll(url, account.key, path)) as ApiObject[]) {
      if (item.object !== object) fail(`${path} lists a ${item.object}`);
      stored.set(item.id, item);
    }
  }

  // 4. Every event names its request, or is a side effect of a punch (clock status, time entry).
  const byRequest = new Map<string, FeedEvent[]>();
  for (const event of events) {
    const key = attribution(event);
    if (key === undefined) continue;
    byRequest.set(key, [...(byRequest.get(key) ?? []), event]);
  }
  const known = new Set(records.map(attributionOf));
  for (const [key, attributed] of byRequest) {
    if (!known.has(key)) {
      fail(`events no request of the round made: ${attributed.map((e) => `${e.type} ${e.id}`).join(', ')}`);
    }
  }

  // 1 and 2. Each write against its events.
  let acknowledged = 0;
  let verified = 0;
  let refused = 0;
  let unanswered = 0;
  for (const record of records) {
    const answer = finalAnswer(record);
    const mine = byRequest.get(attributionOf(record)) ?? [];
    const expected = announced(record);
    const counts = expected.map((type) => mine.filter((event) => event.type === type).length);
    const unexpectedTypes = mine.filter((event) => !expected.includes(event.type));
    const label = `#${record.seq} ${record.method} ${record.path}${record.idempotencyKey ? ` [${record.idempotencyKey}]` : ''}`;
    const before = violations.length;
    if (unexpectedTypes.length > 0) {
      fail(`${label}: unexpected events ${unexpectedTypes.map((e) => `${e.type} ${e.id}`).join(', ')}`);
    }
    if (answer !== undefined && ok(answer)) {
      acknowledged++;
      expected.forEach((type, index) => {
        if (counts[index] !== 1) {
          const twice = (counts[index] ?? 0) > 1 && record.retries.length > 0;
          fail(
            `${label} was acknowledged (${answer.status}${answer.replayed ? ', replayed' : ''}) but has ${counts[index]} ${type} events${twice ? ': applied by the request the kill cut off and again by its retry with the same Idempotency-Key' : ''}: ${mine.map((e) => `${e.type} ${e.id}`).join(', ')}`,
          );
          return;
        }
        const event = mine.find((e) => e.type === type) as FeedEvent;
        if (record.method === 'DELETE') {
          if (event.data.object.id !== record.objectId)
            fail(`${label}: ${type} names ${event.data.object.id}`);
        } else if (!isDeepStrictEqual(event.data.object, answer.body)) {
          fail(
            `${label}: its ${type} event ${event.id} is not the acknowledged object\n  answer ${brief(answer.body)}\n  event  ${brief(event.data.object)}`,
          );
        }
      });
      if (record.kind === 'punch') checkPunchEffects(record, answer, events, fail, label);
      if (violations.length === before) verified++;
    } else {
      if (answer) refused++;
      else unanswered++;
      const total = counts.reduce((sum, count) => sum + count, 0);
      // A refused write left nothing, a cut-off one all or nothing: at most one event of each type, and only with
      // its retries (an original the kill cut off may have applied; then its retry is the next check's business).
      const allowed = answer && record.retries.length === 0 ? 0 : 1;
      if (counts.some((count) => count > allowed)) {
        fail(
          `${label} ${answer ? `was refused (${answer.status})` : 'got no answer'} but has events ${mine.map((e) => `${e.type} ${e.id}`).join(', ')}`,
        );
      } else if (total > 0 && counts.some((count) => count === 0)) {
        fail(
          `${label} is half-applied: events ${mine.map((e) => e.type).join(', ')} of ${expected.join(', ')}`,
        );
      } else if (total > 0 && answer && record.retries.length > 0) {
        // The contract: a retry with the same key gets the first response back, not a verdict on a second run.
        fail(
          `${label} was applied by the request the kill cut off, but its retry with the same Idempotency-Key answered ${answer.status} ${brief(answer.body)} instead of that request's response`,
        );
      }
      // A cut-off punch that applied moved the clock and the time entry with it, as an acknowledged one does.
      const recorded = mine.find((event) => event.type === 'punch.created');
      if (record.kind === 'punch' && recorded) {
        const asAnswered: Answer = {
          status: 201,
          body: recorded.data.object,
          replayed: false,
          retryAfterSeconds: null,
        };
        checkPunchEffects(record, asAnswered, events, fail, `${label} (cut off, applied)`);
      }
    }
  }

  // 3. Objects and their events.
  const history = new Map<string, FeedEvent[]>();
  for (const event of events) {
    const id = event.data.object.id;
    history.set(id, [...(history.get(id) ?? []), event]);
  }
  const markers = new Map<string, string[]>();
  for (const object of stored.values()) {
    const marker = MARKER.exec(String(object.email ?? object.name ?? object.note ?? ''))?.[0];
    if (marker)
      markers.set(`${object.object}:${marker}`, [
        ...(markers.get(`${object.object}:${marker}`) ?? []),
        object.id,
      ]);
  }
  for (const [marker, ids] of markers) {
    if (ids.length > 1) fail(`${marker} was created ${ids.length} times: ${ids.join(', ')}`);
  }
  for (const object of stored.values()) {
    const chain = history.get(object.id) ?? [];
    if (chain.length === 0) {
      fail(`${object.object} ${object.id} exists without any event: ${brief(object)}`);
      continue;
    }
    if (chain[0]?.type !== `${object.object}.created`) {
      fail(
        `${object.object} ${object.id}: its first event is ${chain[0]?.type}, not ${object.object}.created`,
      );
    }
  }
  for (const [id, chain] of history) {
    const latest = chain.at(-1) as FeedEvent;
    const object = stored.get(id);
    if (latest.type.endsWith('.deleted')) {
      if (object)
        fail(`${latest.data.object.object} ${id} still exists after its ${latest.type} event ${latest.id}`);
      continue;
    }
    if (!object) {
      fail(
        `${latest.data.object.object} ${id} is missing but its latest event is ${latest.type} ${latest.id}`,
      );
    } else if (!isDeepStrictEqual(object, latest.data.object)) {
      fail(
        `${object.object} ${id} is not the object of its latest event ${latest.type} ${latest.id}\n  stored ${brief(object)}\n  event  ${brief(latest.data.object)}`,
      );
    }
  }
  checkLastAnswers(records, stored, fail);

  // GET of single objects: deleted ones are 404, a sample of the others is what the lists show.
  const deleted = [...history.values()]
    .map((chain) => chain.at(-1) as FeedEvent)
    .filter((event) => event.type.endsWith('.deleted'));
  const sample = [...stored.values()].filter(() => random.chance(0.1)).slice(0, 15);
  for (const event of deleted) {
    const path = `${LISTS[event.data.object.object]}/${event.data.object.id}`;
    const answer = await read(url, account.key, path);
    if (answer.status !== 404) fail(`GET ${path} after ${event.type} answered ${answer.status}`);
  }
  for (const object of sample) {
    const path = `${LISTS[object.object]}/${object.id}`;
    const answer = await read(url, account.key, path);
    if (answer.status !== 200 || !isDeepStrictEqual(answer.body, object)) {
      fail(`GET ${path} answered ${answer.status} ${brief(answer.body)}, the list ${brief(object)}`);
    }
  }

  // The outbox: each event has exactly one delivery to the account's endpoint (subscribed to every event).
  const deliveries = await database.db
    .selectFrom('events')
    .leftJoin('webhook_deliveries', 'webhook_deliveries.event_id', 'events.id')
    .select(['events.id as id', (eb) => eb.fn.count<string | number>('webhook_deliveries.id').as('n')])
    .where('events.account_id', '=', account.accountId)
    .groupBy('events.id')
    .execute();
  const deliveryCount = new Map(deliveries.map((row) => [row.id, Number(row.n)]));
  for (const event of feed) {
    const count = deliveryCount.get(event.id);
    if (count !== 1) fail(`event ${event.type} ${event.id} has ${count ?? 0} webhook deliveries, not 1`);
  }
  if (deliveryCount.size !== feed.length) {
    fail(`the events table holds ${deliveryCount.size} events, the feed ${feed.length}`);
  }

  return {
    acknowledged,
    verified,
    refused,
    unanswered,
    objects: stored.size,
    events: events.length,
    violations,
  };
}

/** An acknowledged punch moved its employee's clock and its time entry, at the punch's instant. */
function checkPunchEffects(
  record: WriteRecord,
  answer: Answer,
  events: readonly FeedEvent[],
  fail: (message: string) => void,
  label: string,
): void {
  const punch = answer.body as { createdAt: string; timeEntryId: string; type: string };
  const clock = events.filter(
    (event) =>
      event.type === 'employee.updated' &&
      event.data.object.id === record.employeeId &&
      event.data.object.updatedAt === punch.createdAt &&
      event.data.object.clockStatus === statusAfter(record.punchType ?? 'in') &&
      'clockStatus' in (event.data.previousAttributes ?? {}),
  );
  if (clock.length !== 1)
    fail(`${label}: ${clock.length} employee.updated events move the clock at ${punch.createdAt}`);
  if (punch.type === 'break_start') return;
  const entryType = punch.type === 'in' ? 'time_entry.created' : 'time_entry.updated';
  const entry = events.filter(
    (event) =>
      event.type === entryType &&
      event.data.object.id === punch.timeEntryId &&
      event.data.object.updatedAt === punch.createdAt,
  );
  if (entry.length !== 1)
    fail(`${label}: ${entry.length} ${entryType} events for ${punch.timeEntryId} at ${punch.createdAt}`);
}

/**
 * Per-object order: an object whose writes were all answered, each sent after the previous one's answer, is the
 * answer of its last acknowledged write (absent after a delete), with the clock status and `updatedAt` of the
 * acknowledged punches of an employee after it.
 */
function checkLastAnswers(
  records: readonly WriteRecord[],
  stored: ReadonlyMap<string, ApiObject>,
  fail: (message: string) => void,
): void {
  const touching = new Map<string, WriteRecord[]>();
  for (const record of records) {
    const ids = [record.objectId, record.kind === 'punch' ? record.employeeId : undefined];
    for (const id of ids) if (id) touching.set(id, [...(touching.get(id) ?? []), record]);
  }
  for (const [id, writes] of touching) {
    const serial = writes.every(
      (write, index) =>
        write.retries.length === 0 &&
        write.answer !== undefined &&
        (index === 0 || (writes[index - 1]?.answeredAt ?? Number.POSITIVE_INFINITY) < write.sentAt),
    );
    if (!serial) continue;
    let expected: Record<string, unknown> | null | undefined;
    for (const write of writes) {
      if (!write.answer || !ok(write.answer)) continue;
      if (write.kind === 'punch' && write.objectId !== id) {
        if (expected) {
          const punch = write.answer.body as { createdAt: string };
          expected = {
            ...expected,
            clockStatus: statusAfter(write.punchType ?? 'in'),
            updatedAt: punch.createdAt,
          };
        }
      } else if (write.method === 'DELETE') {
        expected = null;
      } else {
        expected = write.answer.body as Record<string, unknown>;
      }
    }
    if (expected === undefined) continue;
    const object = stored.get(id);
    if (expected === null) {
      if (object) fail(`${id} exists after its acknowledged delete`);
    } else if (!object) {
      fail(`${id} is missing; its last acknowledged write answered ${brief(expected)}`);
    } else if (!isDeepStrictEqual(object, expected)) {
      fail(
        `${id} is not its last acknowledged answer\n  stored   ${brief(object)}\n  answered ${brief(expected)}`,
      );
    }
  }
}
