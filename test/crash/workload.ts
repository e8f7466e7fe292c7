import type { ClockStatus, PunchType } from '../../src/db/tables.js';
import { type Answer, type Random, send, sleep } from './client.js';

/**
 * The writes of a crash round: workers that clock employees in and out, take and end breaks, create, change and
 * delete employees and locations, request time off and decide it, some with an Idempotency-Key — each worker one
 * request at a time, all of them at once (so as many requests are in flight), until the process is killed. Every
 * request is recorded with its answer, or with none when the kill cut it off: the oracle's input.
 *
 * Each request carries a marker unique in the round (an employee's email or phone, a location's name or address, a
 * time-off note, a punch's accuracyMeters) that its event's object shows, so every event names the request that
 * made it: an acknowledged write must have exactly one, an unanswered one at most one, a refused one none.
 */

export type WriteKind =
  | 'employee.create'
  | 'employee.update'
  | 'employee.delete'
  | 'location.create'
  | 'location.update'
  | 'location.delete'
  | 'punch'
  | 'time_off.create'
  | 'time_off.decide';

export type Decision = 'approve' | 'deny' | 'cancel';

export interface WriteRecord {
  readonly seq: number;
  readonly marker: string;
  /** Index of the account in the round. */
  readonly account: number;
  /** -1 for the setup of an account's shared objects. */
  readonly worker: number;
  readonly kind: WriteKind;
  readonly method: 'POST' | 'PATCH' | 'DELETE';
  readonly path: string;
  readonly body: Record<string, unknown> | undefined;
  readonly idempotencyKey: string | undefined;
  /** The object written: known up front for updates, deletes and decisions, from the answer for creates. */
  objectId: string | undefined;
  /** The employee a punch or a time-off request is for. */
  readonly employeeId?: string;
  readonly punchType?: PunchType;
  readonly decision?: Decision;
  readonly sentAt: number;
  /** Undefined while in flight, and forever for a request the kill cut off. */
  answer: Answer | undefined;
  answeredAt: number | undefined;
  /** Why a request got no answer. */
  error: string | undefined;
  /** Retries after the restart with the same Idempotency-Key (see crash.ts). */
  readonly retries: Answer[];
}

export interface CrashAccount {
  readonly index: number;
  readonly accountId: string;
  readonly key: string;
  sharedEmployeeId: string;
  sharedLocationId: string;
}

/** What the load did; `records` in the order they were sent. */
export interface Load {
  readonly records: WriteRecord[];
  /** Answers the workload does not expect from a healthy server while it runs (5xx, unexpected 4xx). */
  readonly unexpected: string[];
  /** Requests that failed without an answer before the kill. */
  readonly transportErrors: string[];
}

/** The clock status a punch of `type` moves an employee to. */
export function statusAfter(type: PunchType): ClockStatus {
  return type === 'out' ? 'out' : type === 'break_start' ? 'on_break' : 'in';
}

/** The punches an employee may make now, in the state machine of src/resources/punches/service.ts. */
function nextPunches(status: ClockStatus): PunchType[] {
  if (status === 'out') return ['in'];
  if (status === 'in') return ['break_start', 'out', 'out'];
  return ['break_end', 'out'];
}

interface OwnEmployee {
  status: ClockStatus;
  /** It has punches or time off: deleting it would be 409 in_use. */
  hasTime: boolean;
}

const EMPLOYEE_CAP = 5;
const LOCATION_CAP = 3;

/**
 * Issues and records the round's requests. `url` is read for every request, so the load follows a server that is
 * replaced (it is not, while it runs: the kill ends it).
 */
export class Workload {
  readonly records: WriteRecord[] = [];
  readonly unexpected: string[] = [];
  readonly transportErrors: string[] = [];
  #seq = 0;
  #stopped = false;

  constructor(
    readonly round: number,
    readonly url: () => string,
  ) {}

  /** No request starts after this; requests in flight finish or fail with the process. */
  stop(): void {
    this.#stopped = true;
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  /** Sends one write and records it; resolves with its record (answered or not), never rejects. */
  async write(
    account: CrashAccount,
    worker: number,
    spec: Omit<
      WriteRecord,
      'seq' | 'marker' | 'account' | 'worker' | 'sentAt' | 'answer' | 'answeredAt' | 'error' | 'retries'
    >,
    marker: string,
    seq: number,
  ): Promise<WriteRecord> {
    const record: WriteRecord = {
      ...spec,
      seq,
      marker,
      account: account.index,
      worker,
      sentAt: Date.now(),
      answer: undefined,
      answeredAt: undefined,
      error: undefined,
      retries: [],
    };
    this.records.push(record);
    try {
      record.answer = await send(this.url(), account.key, record.method, record.path, {
        body: record.body,
        idempotencyKey: record.idempotencyKey,
      });
      record.answeredAt = Date.now();
      if (record.objectId === undefined && record.answer.status < 300) {
        record.objectId = (record.answer.body as { id?: string } | undefined)?.id;
      }
    } catch (error) {
      record.error = describeError(error);
      if (!this.#stopped) {
        this.transportErrors.push(`#${seq} ${record.method} ${record.path}: ${record.error}`);
      }
    }
    return record;
  }

  /** The next marker and sequence number of the round. */
  nextMarker(): { marker: string; seq: number } {
    const seq = ++this.#seq;
    return { marker: `r${this.round}-${seq}`, seq };
  }

  /** Creates the account's shared employee and location, which every worker of the account changes at once. */
  async setUpShared(account: CrashAccount): Promise<void> {
    const employee = await this.#setup(account, 'employee.create', '/v1/employees', (m) => ({
      firstName: 'Shared',
      lastName: `Account ${account.index}`,
      email: `${m}@crash.test`,
    }));
    const location = await this.#setup(account, 'location.create', '/v1/locations', (m) => ({
      name: `Shared ${m}`,
    }));
    account.sharedEmployeeId = employee;
    account.sharedLocationId = location;
  }

  async #setup(
    account: CrashAccount,
    kind: WriteKind,
    path: string,
    body: (marker: string) => Record<string, unknown>,
  ): Promise<string> {
    const { marker, seq } = this.nextMarker();
    const record = await this.write(
      account,
      -1,
      { kind, method: 'POST', path, body: body(marker), idempotencyKey: undefined, objectId: undefined },
      marker,
      seq,
    );
    if (record.answer?.status !== 201 || !record.objectId) {
      throw new Error(
        `setup ${path} answered ${record.answer?.status}: ${JSON.stringify(record.answer?.body)}`,
      );
    }
    return record.objectId;
  }

  /** One worker's loop: a random valid write at a time until `stop`. */
  async runWorker(account: CrashAccount, worker: number, random: Random): Promise<void> {
    const employees = new Map<string, OwnEmployee>();
    const locations = new Map<string, { used: boolean }>();
    const pendingTimeOff: string[] = [];

    const idempotencyKey = (marker: string, method: string) =>
      method !== 'DELETE' && random.chance(0.35) ? `crash-${marker}` : undefined;

    while (!this.#stopped) {
      const { marker, seq } = this.nextMarker();
      const choices: [number, () => Omit<WriteRecord, MarkerFields> | undefined][] = [
        [employees.size > 0 ? 40 : 0, () => this.#punch(account, employees, random, seq)],
        [
          employees.size < EMPLOYEE_CAP ? (employees.size === 0 ? 200 : 8) : 0,
          () => this.#hire(marker, locations, random),
        ],
        [
          employees.size > 0 ? 8 : 0,
          () => this.#changeEmployee(random.pick([...employees.keys()]), marker, random),
        ],
        [6, () => this.#changeEmployee(account.sharedEmployeeId, marker, random)],
        [3, () => this.#fire(employees, random)],
        [locations.size < LOCATION_CAP ? 5 : 0, () => this.#location(marker, random)],
        [
          8,
          () =>
            this.#changeLocation(
              random.chance(0.5) ? account.sharedLocationId : undefined,
              locations,
              marker,
              random,
            ),
        ],
        [3, () => this.#closeLocation(locations, random)],
        [employees.size > 0 ? 6 : 0, () => this.#requestTimeOff(employees, marker, random)],
        [pendingTimeOff.length > 0 ? 5 : 0, () => this.#decide(pendingTimeOff, random)],
      ];
      const spec = weighted(random, choices);
      if (!spec) continue;
      const record = await this.write(
        account,
        worker,
        { ...spec, idempotencyKey: idempotencyKey(marker, spec.method) },
        marker,
        seq,
      );
      const answer = record.answer;
      if (!answer) return;
      if (answer.status === 429) {
        await sleep(Math.min(1, answer.retryAfterSeconds ?? 1) * 1000);
        continue;
      }
      if (answer.status >= 300) {
        this.unexpected.push(
          `#${seq} ${record.method} ${record.path} ${JSON.stringify(record.body ?? null)} → ${answer.status} ${JSON.stringify(answer.body)}`,
        );
        continue;
      }
      // The worker's own picture of its objects, from acknowledged answers only.
      const id = record.objectId;
      switch (record.kind) {
        case 'employee.create': {
          if (id) employees.set(id, { status: 'out', hasTime: false });
          const linked = record.body?.locationIds as string[] | undefined;
          for (const location of linked ?? []) {
            const own = locations.get(location);
            if (own) own.used = true;
          }
          break;
        }
        case 'employee.delete':
          if (id) employees.delete(id);
          break;
        case 'location.create':
          if (id) locations.set(id, { used: false });
          break;
        case 'location.delete':
          if (id) locations.delete(id);
          break;
        case 'punch': {
          const employee = record.employeeId ? employees.get(record.employeeId) : undefined;
          if (employee && record.punchType) {
            employee.status = statusAfter(record.punchType);
            employee.hasTime = true;
          }
          const location = record.body?.locationId as string | undefined;
          const own = location ? locations.get(location) : undefined;
          if (own) own.used = true;
          break;
        }
        case 'time_off.create': {
          const employee = record.employeeId ? employees.get(record.employeeId) : undefined;
          if (employee) employee.hasTime = true;
          if (id) pendingTimeOff.push(id);
          break;
        }
        default:
          break;
      }
    }
  }

  #punch(
    account: CrashAccount,
    employees: Map<string, OwnEmployee>,
    random: Random,
    seq: number,
  ): Omit<WriteRecord, MarkerFields> {
    const employeeId = random.pick([...employees.keys()]);
    const employee = employees.get(employeeId) as OwnEmployee;
    const type = random.pick(nextPunches(employee.status));
    const body: Record<string, unknown> = { employeeId, type, accuracyMeters: seq };
    if (random.chance(0.3)) body.locationId = account.sharedLocationId;
    return {
      kind: 'punch',
      method: 'POST',
      path: '/v1/punches',
      body,
      objectId: undefined,
      employeeId,
      punchType: type,
    };
  }

  #hire(
    marker: string,
    locations: Map<string, { used: boolean }>,
    random: Random,
  ): Omit<WriteRecord, MarkerFields> {
    const body: Record<string, unknown> = {
      firstName: 'Crash',
      lastName: `Worker ${marker}`,
      email: `${marker}@crash.test`,
      payRate: random.int(1500, 4500) / 100,
    };
    if (locations.size > 0 && random.chance(0.3)) body.locationIds = [random.pick([...locations.keys()])];
    return { kind: 'employee.create', method: 'POST', path: '/v1/employees', body, objectId: undefined };
  }

  #changeEmployee(id: string, marker: string, random: Random): Omit<WriteRecord, MarkerFields> {
    const body: Record<string, unknown> = { phone: marker };
    if (random.chance(0.5)) body.payRate = random.int(1500, 4500) / 100;
    if (random.chance(0.3)) body.lastName = `Changed ${marker}`;
    return { kind: 'employee.update', method: 'PATCH', path: `/v1/employees/${id}`, body, objectId: id };
  }

  #fire(employees: Map<string, OwnEmployee>, random: Random): Omit<WriteRecord, MarkerFields> | undefined {
    const idle = [...employees.entries()].filter(([, e]) => !e.hasTime).map(([id]) => id);
    if (idle.length === 0) return undefined;
    const id = random.pick(idle);
    return {
      kind: 'employee.delete',
      method: 'DELETE',
      path: `/v1/employees/${id}`,
      body: undefined,
      objectId: id,
    };
  }

  #location(marker: string, random: Random): Omit<WriteRecord, MarkerFields> {
    const body: Record<string, unknown> = { name: `Site ${marker}` };
    if (random.chance(0.5)) body.capacity = random.int(1, 500);
    return { kind: 'location.create', method: 'POST', path: '/v1/locations', body, objectId: undefined };
  }

  #changeLocation(
    shared: string | undefined,
    locations: Map<string, { used: boolean }>,
    marker: string,
    random: Random,
  ): Omit<WriteRecord, MarkerFields> | undefined {
    const id = shared ?? (locations.size > 0 ? random.pick([...locations.keys()]) : undefined);
    if (!id) return undefined;
    const body: Record<string, unknown> = { address: `${marker} Crash Street` };
    if (random.chance(0.5)) body.capacity = random.int(1, 500);
    return { kind: 'location.update', method: 'PATCH', path: `/v1/locations/${id}`, body, objectId: id };
  }

  #closeLocation(
    locations: Map<string, { used: boolean }>,
    random: Random,
  ): Omit<WriteRecord, MarkerFields> | undefined {
    const unused = [...locations.entries()].filter(([, l]) => !l.used).map(([id]) => id);
    if (unused.length === 0) return undefined;
    const id = random.pick(unused);
    return {
      kind: 'location.delete',
      method: 'DELETE',
      path: `/v1/locations/${id}`,
      body: undefined,
      objectId: id,
    };
  }

  #requestTimeOff(
    employees: Map<string, OwnEmployee>,
    marker: string,
    random: Random,
  ): Omit<WriteRecord, MarkerFields> {
    const employeeId = random.pick([...employees.keys()]);
    const start = random.int(1, 300);
    const date = (offset: number) => new Date(Date.UTC(2027, 0, offset)).toISOString().slice(0, 10);
    const body = {
      employeeId,
      type: random.pick(['vacation', 'sick', 'personal', 'unpaid']),
      startDate: date(start),
      endDate: date(start + random.int(0, 4)),
      note: marker,
    };
    return {
      kind: 'time_off.create',
      method: 'POST',
      path: '/v1/time-off',
      body,
      objectId: undefined,
      employeeId,
    };
  }

  #decide(pending: string[], random: Random): Omit<WriteRecord, MarkerFields> {
    const id = pending.splice(Math.floor(random.next() * pending.length), 1)[0] as string;
    const decision = random.pick<Decision>(['approve', 'approve', 'deny', 'cancel']);
    return {
      kind: 'time_off.decide',
      method: 'POST',
      path: `/v1/time-off/${id}/${decision}`,
      body: undefined,
      objectId: id,
      decision,
    };
  }
}

type MarkerFields =
  | 'seq'
  | 'marker'
  | 'account'
  | 'worker'
  | 'sentAt'
  | 'answer'
  | 'answeredAt'
  | 'error'
  | 'retries'
  | 'idempotencyKey';

function weighted<T>(random: Random, choices: readonly [number, () => T | undefined][]): T | undefined {
  const total = choices.reduce((sum, [weight]) => sum + weight, 0);
  let point = random.next() * total;
  for (const [weight, make] of choices) {
    if (point < weight) return make();
    point -= weight;
  }
  return undefined;
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause ? `${error.message} (${cause.code ?? cause.message})` : error.message;
}
