/**
 * Lists at scale (DESIGN §3.4: "page cost must not grow with cursor depth"). Prints, never asserts.
 *
 *   (a) 1,000,000 punches and 1,000,000 time entries in one account: p50 latency of the first page
 *       (`?limit=100`) against a page ~1,000,000 rows deep (`startingAfter=<the id that many rows down>`), measured
 *       side by side through app.inject. Target: deep ÷ first ≤ 1.2.
 *   (b) one biweekly pay period's time cards for 1,000 employees with 4 punches a day (2 entries a day).
 *
 * SQLite (a file in a temp dir) always; PostgreSQL too when DATABASE_URL or TEST_DATABASE_URL is set, in a schema of
 * its own that is dropped at the end. Rows go straight into the tables in multi-row batches inside transactions.
 *
 * Run: npx tsx bench/lists.ts — BENCH_LIST_ROWS=50000 for a quick run (default 1,000,000 rows per table).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { type Insertable, type Kysely, sql } from 'kysely';
import pg from 'pg';
import { type App, buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { type DatabaseHandle, type Dialect, migrateToLatest, openDatabase } from '../src/db/database.js';
import type { Database, PunchesTable, TimeEntriesTable } from '../src/db/tables.js';
import { createAccountWithAdmin } from '../src/platform/accounts/service.js';
import { createApiKey } from '../src/platform/api-keys/service.js';
import { LATEST_API_VERSION } from '../src/platform/versioning/versions.js';
import { EMPLOYEES } from '../src/resources/employees/resource.js';
import { datesBetween } from '../src/resources/pay-periods/calendar.js';
import { currentPayPeriodRow } from '../src/resources/pay-periods/service.js';
import { updatePaySchedule } from '../src/resources/pay-schedule/service.js';
import { PUNCHES } from '../src/resources/punches/resource.js';
import { computePayPeriodCards } from '../src/resources/time-cards/service.js';
import { ManualClock } from '../src/shared/clock.js';
import { newId } from '../src/shared/ids.js';
import { BENCH_RATE_LIMITS, employeeRow, entryRow, ratio } from './support.js';

const ROWS = Number(process.env.BENCH_LIST_ROWS ?? 1_000_000);
const PAGE_SIZE = 100;
const WARMUP_REQUESTS = 200;
const MEASURED_REQUESTS = 1_000;
/** Rows per INSERT: under SQLite's 32,766 bound parameters and PostgreSQL's 65,535 for the widest table. */
const INSERT_BATCH = 1_000;
/** Batches per transaction: one commit per 100,000 rows keeps the WAL and the pg transaction moderate. */
const BATCHES_PER_TRANSACTION = 100;
const LIST_EMPLOYEES = 1_000;
const PAYROLL_EMPLOYEES = 1_000;
/** Recomputations of the period measured after the first (which also inserts the card rows). */
const CARD_RUNS = 5;
/** A fixed "now" so every run computes the same pay period. */
const BENCH_NOW = '2026-11-20T17:00:00.000Z';
const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

type Db = Kysely<Database>;

interface Target {
  dialect: Dialect;
  database: DatabaseHandle;
  cleanup(): Promise<void>;
}

async function sqliteTarget(): Promise<Target> {
  const dir = await mkdtemp(path.join(tmpdir(), 'punchclock-bench-lists-'));
  const database = openDatabase({ sqliteFile: path.join(dir, 'bench.sqlite') });
  return {
    dialect: 'sqlite',
    database,
    cleanup: async () => {
      await database.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function postgresTarget(url: string): Promise<Target> {
  const schema = `bench_lists_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  const database = openDatabase({ databaseUrl: url, schema });
  return {
    dialect: 'postgres',
    database,
    cleanup: async () => {
      await database.close();
      await admin.query(`drop schema ${schema} cascade`);
      await admin.end();
    },
  };
}

/**
 * `count` rows made by `rowAt`, inserted `INSERT_BATCH` at a time. Each table gets its own typed call (Kysely's
 * insert types do not survive a generic table name); this is the batching and transaction framing they share.
 */
async function insertInBatches<R>(
  db: Db,
  count: number,
  rowAt: (index: number) => R,
  insert: (trx: Db, rows: R[]) => Promise<unknown>,
): Promise<void> {
  const perTransaction = INSERT_BATCH * BATCHES_PER_TRANSACTION;
  for (let first = 0; first < count; first += perTransaction) {
    await db.transaction().execute(async (trx) => {
      const last = Math.min(first + perTransaction, count);
      for (let offset = first; offset < last; offset += INSERT_BATCH) {
        const rows: R[] = [];
        for (let index = offset; index < Math.min(offset + INSERT_BATCH, last); index++)
          rows.push(rowAt(index));
        await insert(trx, rows);
      }
    });
  }
}

async function seedEmployees(db: Db, accountId: string, count: number, at: string): Promise<string[]> {
  const ids = Array.from({ length: count }, () => newId(EMPLOYEES));
  await insertInBatches(
    db,
    count,
    (i) => employeeRow(accountId, ids[i] as string, i, at),
    (trx, rows) => trx.insertInto('employees').values(rows).execute(),
  );
  return ids;
}

function punchRow(
  accountId: string,
  employeeId: string,
  type: PunchesTable['type'],
  punchedAt: string,
  timeEntryId: string | null,
): Insertable<PunchesTable> {
  return {
    id: newId(PUNCHES),
    account_id: accountId,
    employee_id: employeeId,
    type,
    punched_at: punchedAt,
    counted_at: punchedAt,
    location_id: null,
    department_code_id: null,
    cost_code_id: null,
    latitude: null,
    longitude: null,
    accuracy_meters: null,
    source: 'api',
    within_geofence: null,
    distance_meters: null,
    geofence_id: null,
    time_entry_id: timeEntryId,
    created_at: punchedAt,
    updated_at: punchedAt,
  };
}

/** (a): ROWS punches and ROWS closed time entries spread over the account's employees, one every few minutes. */
async function seedLists(db: Db, accountId: string): Promise<void> {
  const employees = await seedEmployees(db, accountId, LIST_EMPLOYEES, '2020-01-01T00:00:00.000Z');
  const origin = Date.parse('2020-01-01T00:00:00.000Z');
  const employeeAt = (i: number) => employees[i % LIST_EMPLOYEES] as string;
  const at = (ms: number) => new Date(ms).toISOString();
  await insertInBatches(
    db,
    ROWS,
    (i) => punchRow(accountId, employeeAt(i), i % 2 === 0 ? 'in' : 'out', at(origin + i * MINUTE_MS), null),
    (trx, rows) => trx.insertInto('punches').values(rows).execute(),
  );
  await insertInBatches(
    db,
    ROWS,
    (i) =>
      entryRow(
        accountId,
        employeeAt(i),
        at(origin + i * MINUTE_MS),
        at(origin + i * MINUTE_MS + 4 * HOUR_MS),
      ),
    (trx, rows) => trx.insertInto('time_entries').values(rows).execute(),
  );
}

/** Fresh planner statistics, as autovacuum (PostgreSQL) or `PRAGMA optimize` (SQLite) would leave them. */
async function analyze(db: Db): Promise<void> {
  await sql`analyze`.execute(db);
}

/** The id `depth` rows down the newest-first list: one query, so the bench need not page its way there. */
async function cursorAtDepth(
  db: Db,
  table: 'punches' | 'time_entries',
  accountId: string,
  depth: number,
): Promise<string> {
  const row = await db
    .selectFrom(table)
    .select('id')
    .where('account_id', '=', accountId)
    .orderBy('id', 'desc')
    .offset(depth)
    .limit(1)
    .executeTakeFirstOrThrow();
  return row.id;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? Number.NaN;
}

interface PageLatency {
  p50: number;
  p99: number;
}

/**
 * Sequential requests through app.inject after a warm-up, the two URLs alternating so drift hits both alike.
 * Every response must be a full page: a failing route would otherwise be measured as a fast one.
 */
async function measurePair(
  app: App,
  headers: Record<string, string>,
  urls: [string, string],
): Promise<[PageLatency, PageLatency]> {
  const samples: [number[], number[]] = [[], []];
  for (let round = 0; round < WARMUP_REQUESTS + MEASURED_REQUESTS; round++) {
    for (const which of [0, 1] as const) {
      const started = performance.now();
      const response = await app.inject({ method: 'GET', url: urls[which], headers });
      const elapsed = performance.now() - started;
      if (response.statusCode !== 200) {
        throw new Error(`${urls[which]} → ${response.statusCode} ${response.body.slice(0, 300)}`);
      }
      if (round === 0) {
        const { data } = response.json<{ data: unknown[] }>();
        if (data.length !== PAGE_SIZE) throw new Error(`${urls[which]} returned ${data.length} objects`);
      }
      if (round >= WARMUP_REQUESTS) samples[which].push(elapsed);
    }
  }
  return samples.map((values) => {
    const sorted = [...values].sort((a, b) => a - b);
    return { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99) };
  }) as [PageLatency, PageLatency];
}

interface ListResult {
  dialect: Dialect;
  list: string;
  first: PageLatency;
  deep: PageLatency;
}

async function benchLists(target: Target, app: App, key: string, accountId: string): Promise<ListResult[]> {
  const { db } = target.database;
  const seedStart = performance.now();
  await seedLists(db, accountId);
  await analyze(db);
  console.log(
    `  [${target.dialect}] seeded ${ROWS.toLocaleString('en')} punches + ${ROWS.toLocaleString('en')} time entries ` +
      `in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`,
  );
  const headers = { authorization: `Bearer ${key}`, 'x-api-version': LATEST_API_VERSION };
  const results: ListResult[] = [];
  for (const [list, table] of [
    ['/v1/punches', 'punches'],
    ['/v1/time-entries', 'time_entries'],
  ] as const) {
    // The deep page is the last full page: its cursor sits ROWS - PAGE_SIZE - 1 rows below the newest.
    const cursor = await cursorAtDepth(db, table, accountId, ROWS - PAGE_SIZE - 1);
    const [first, deep] = await measurePair(app, headers, [
      `${list}?limit=${PAGE_SIZE}`,
      `${list}?limit=${PAGE_SIZE}&startingAfter=${cursor}`,
    ]);
    results.push({ dialect: target.dialect, list, first, deep });
    console.log(`  [${target.dialect}] measured ${list}`);
  }
  return results;
}

/**
 * (b): a workday of two entries (≈ 8:00–12:00 and 12:30–17:00 in New York) and their four punches, for every
 * employee on every day of the period.
 */
async function seedPayPeriod(db: Db, accountId: string, dates: readonly string[]): Promise<void> {
  const employees = await seedEmployees(db, accountId, PAYROLL_EMPLOYEES, BENCH_NOW);
  const workdays = employees.flatMap((employeeId) => dates.map((date) => ({ employeeId, date })));
  const halves = [
    ['13:00', '17:00'],
    ['17:30', '22:00'],
  ] as const;
  const entries = workdays.flatMap(({ employeeId, date }) =>
    halves.map(([from, to]) =>
      entryRow(accountId, employeeId, `${date}T${from}:00.000Z`, `${date}T${to}:00.000Z`),
    ),
  );
  await insertInBatches(
    db,
    entries.length,
    (i) => entries[i] as Insertable<TimeEntriesTable>,
    (trx, rows) => trx.insertInto('time_entries').values(rows).execute(),
  );
  const punches = entries.flatMap((entry) => [
    punchRow(accountId, entry.employee_id, 'in', entry.start_at, entry.id),
    punchRow(accountId, entry.employee_id, 'out', entry.end_at as string, entry.id),
  ]);
  await insertInBatches(
    db,
    punches.length,
    (i) => punches[i] as Insertable<PunchesTable>,
    (trx, rows) => trx.insertInto('punches').values(rows).execute(),
  );
}

interface CardsResult {
  dialect: Dialect;
  period: string;
  cards: number;
  entries: number;
  firstMs: number;
  recomputeP50Ms: number;
}

async function benchTimeCards(target: Target, app: App): Promise<CardsResult> {
  const ctx = app.context;
  const { account } = await createAccountWithAdmin(ctx, {
    name: 'Bench Payroll Co',
    plan: 'enterprise',
    timezone: 'America/New_York',
    adminEmail: `bench-payroll-${target.dialect}@example.com`,
    adminPassword: 'correct horse battery staple',
  });
  await updatePaySchedule(ctx, account.id, {
    frequency: 'biweekly',
    anchorDate: '2024-01-01',
    overtimeRule: { type: 'weekly40' },
  });
  const period = await currentPayPeriodRow(ctx, account.id);
  const dates = datesBetween(period.start_date, period.end_date);
  await seedPayPeriod(target.database.db, account.id, dates);
  await analyze(target.database.db);

  const time = async () => {
    const started = performance.now();
    const cards = await computePayPeriodCards(ctx, account.id, period);
    return { ms: performance.now() - started, cards };
  };
  const first = await time();
  const again: number[] = [];
  for (let run = 0; run < CARD_RUNS; run++) again.push((await time()).ms);
  const workedHours = first.cards.reduce((sum, card) => sum + card.workedSeconds, 0) / 3600;
  const expectedHours = PAYROLL_EMPLOYEES * dates.length * 8.5;
  if (first.cards.length !== PAYROLL_EMPLOYEES || Math.abs(workedHours - expectedHours) > 0.01) {
    throw new Error(
      `expected ${PAYROLL_EMPLOYEES} cards of ${expectedHours} h, got ${first.cards.length} of ${workedHours} h`,
    );
  }
  console.log(`  [${target.dialect}] measured time cards`);
  return {
    dialect: target.dialect,
    period: `${period.start_date} – ${period.end_date}`,
    cards: first.cards.length,
    entries: PAYROLL_EMPLOYEES * dates.length * 2,
    firstMs: first.ms,
    recomputeP50Ms: percentile(
      again.sort((a, b) => a - b),
      0.5,
    ),
  };
}

async function runTarget(target: Target): Promise<{ lists: ListResult[]; cards: CardsResult }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'punchclock-bench-lists-app-'));
  const config = loadConfig({ LOG_LEVEL: 'silent', PUNCHCLOCK_DATA_DIR: dir, PUNCHCLOCK_DEMO: 'false' });
  let app: App | undefined;
  try {
    await migrateToLatest(target.database.db);
    app = await buildApp(config, {
      database: target.database,
      clock: new ManualClock(BENCH_NOW),
      logger: false,
      rateLimit: { policy: BENCH_RATE_LIMITS },
    });
    const created = await createAccountWithAdmin(app.context, {
      name: 'Bench Lists Co',
      plan: 'enterprise',
      timezone: 'America/New_York',
      adminEmail: `bench-lists-${target.dialect}@example.com`,
      adminPassword: 'correct horse battery staple',
    });
    const { key } = await createApiKey(app.context, created.account.id, {
      name: 'Bench',
      scopes: ['*'],
      createdBy: created.admin.id,
    });
    const lists = await benchLists(target, app, key, created.account.id);
    return { lists, cards: await benchTimeCards(target, app) };
  } finally {
    await app?.close();
    await target.cleanup();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Left-aligned text columns, right-aligned figures. */
function printTable(header: string[], body: string[][], textColumns: number): void {
  const widths = header.map((cell, i) => Math.max(cell.length, ...body.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i < textColumns ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of body) console.log(line(row));
}

function printLists(results: ListResult[]): void {
  console.log(
    `\n(a) ${PAGE_SIZE}-object pages, p50 of ${MEASURED_REQUESTS.toLocaleString('en')} sequential requests each ` +
      `(after ${WARMUP_REQUESTS}), ${ROWS.toLocaleString('en')} rows per table`,
  );
  printTable(
    ['dialect', 'list', 'first p50 ms', 'deep p50 ms', 'first p99', 'deep p99', 'deep ÷ first'],
    results.map((r) => [
      r.dialect,
      r.list,
      r.first.p50.toFixed(2),
      r.deep.p50.toFixed(2),
      r.first.p99.toFixed(2),
      r.deep.p99.toFixed(2),
      ratio(r.deep.p50, r.first.p50),
    ]),
    2,
  );
  console.log('  target: deep ÷ first ≤ 1.20× (keyset pagination: cost independent of depth)');
}

function printCards(results: CardsResult[]): void {
  console.log(
    `\n(b) computePayPeriodCards: one biweekly period, ${PAYROLL_EMPLOYEES.toLocaleString('en')} employees, ` +
      `4 punches (2 entries) a day, weekly40`,
  );
  printTable(
    ['dialect', 'period', 'cards', 'entries', 'first ms', `recompute p50 ms (${CARD_RUNS})`],
    results.map((r) => [
      r.dialect,
      r.period,
      r.cards.toLocaleString('en'),
      r.entries.toLocaleString('en'),
      r.firstMs.toFixed(0),
      r.recomputeP50Ms.toFixed(0),
    ]),
    2,
  );
  console.log(
    '  first = also inserts the card rows; recompute = cards exist, everything is read and computed again',
  );
}

async function main(): Promise<void> {
  console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`);
  const pgUrl = process.env.DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  const targets: (() => Promise<Target>)[] = [sqliteTarget];
  if (pgUrl) targets.push(() => postgresTarget(pgUrl));
  const lists: ListResult[] = [];
  const cards: CardsResult[] = [];
  for (const open of targets) {
    const result = await runTarget(await open());
    lists.push(...result.lists);
    cards.push(result.cards);
  }
  printLists(lists);
  printCards(cards);
}

await main();
