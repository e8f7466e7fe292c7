/**
 * Benchmarks that back two claims of the design (DESIGN §3.1, §3.4) with figures. Prints, never asserts:
 * timings depend on the machine, the ratios are what to read.
 *
 *   (a) keyset pagination: a page deep in a 20,000-employee list costs what the first page costs;
 *   (b) authentication: a warm key cache serves authenticated requests without a key lookup, and a token with a
 *       bad checksum is refused before any database read.
 *
 * Everything runs in this process on 127.0.0.1 with a throw-away SQLite file. Run: npm run bench
 *
 * The rate limiter runs on every request with limits out of reach (see bench/support.ts).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { migrateToLatest, openDatabase } from '../src/db/database.js';
import type { NewEmployeeRow } from '../src/db/tables.js';
import { createAccountWithAdmin } from '../src/platform/accounts/service.js';
import { generateApiKey } from '../src/platform/api-keys/format.js';
import { createApiKey } from '../src/platform/api-keys/service.js';
import { DEFAULT_LIMIT } from '../src/platform/pagination/schema.js';
import { LATEST_API_VERSION } from '../src/platform/versioning/versions.js';
import { EMPLOYEES as EMPLOYEE_RESOURCE } from '../src/resources/employees/resource.js';
import { newId } from '../src/shared/ids.js';
import { BENCH_RATE_LIMITS, ratio, runLoad } from './support.js';

const EMPLOYEES = 20_000;
const SEED_BATCH = 500;
const DURATION_SECONDS = 3;
const WARMUP_SECONDS = 1;
const CONNECTIONS = 10;

interface Measurement {
  group: string;
  name: string;
  requestsPerSecond: number;
  /**
   * Mean time per request in ms by Little's law (connections ÷ throughput): autocannon's latency histogram
   * counts whole milliseconds, too coarse for sub-millisecond requests.
   */
  msPerRequest: number;
  latencyP99: number;
  queriesPerRequest: number;
  statuses: string;
}

/** A key with the right shape whose CRC32 does not match: refused by the format check alone. */
function badChecksum(key: string): string {
  const last = key.at(-1) === '0' ? '1' : '0';
  return key.slice(0, -1) + last;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'punchclock-bench-'));
  let queries = 0;
  const database = openDatabase({
    sqliteFile: path.join(dir, 'bench.sqlite'),
    onQuery: () => {
      queries++;
    },
  });
  const config = loadConfig({ LOG_LEVEL: 'silent', PUNCHCLOCK_DATA_DIR: dir, PUNCHCLOCK_DEMO: 'false' });
  const app = await buildApp(config, { database, logger: false, rateLimit: { policy: BENCH_RATE_LIMITS } });
  try {
    await migrateToLatest(database.db);
    const created = await createAccountWithAdmin(app.context, {
      name: 'Bench Co',
      plan: 'enterprise',
      timezone: 'America/New_York',
      adminEmail: 'bench@example.com',
      adminPassword: 'correct horse battery staple',
    });
    const accountId = created.account.id;
    const { key } = await createApiKey(app.context, accountId, {
      name: 'Bench',
      scopes: ['*'],
      createdBy: created.admin.id,
    });

    const seedStart = performance.now();
    const ids = await seedEmployees(database.db, accountId);
    console.log(
      `seeded ${EMPLOYEES.toLocaleString('en')} employees in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`,
    );

    const origin = await app.listen({ host: '127.0.0.1', port: 0 });
    const headers = { authorization: `Bearer ${key}`, 'x-api-version': LATEST_API_VERSION };
    // Newest first: the first page starts at the last id inserted; this cursor leaves two pages of older rows.
    const deepCursor = ids[2 * DEFAULT_LIMIT] as string;
    const deepPageNumber = Math.round((EMPLOYEES - 2 * DEFAULT_LIMIT) / DEFAULT_LIMIT) + 1;

    const measure = async (
      group: string,
      name: string,
      url: string,
      requestHeaders: Record<string, string>,
    ) => {
      const result = await runLoad({
        url: origin + url,
        headers: requestHeaders,
        connections: CONNECTIONS,
        warmupSeconds: WARMUP_SECONDS,
        durationSeconds: DURATION_SECONDS,
        beforeMeasure: () => {
          queries = 0;
        },
      });
      const measurement: Measurement = {
        group,
        name,
        requestsPerSecond: result.requestsPerSecond,
        msPerRequest: result.msPerRequest,
        latencyP99: result.latencyP99,
        queriesPerRequest: queries / result.total,
        statuses: result.statuses,
      };
      console.log(`  measured ${group} / ${name}`);
      return measurement;
    };

    console.log(
      `\nautocannon: ${CONNECTIONS} connections, ${DURATION_SECONDS} s per row after ${WARMUP_SECONDS} s warm-up`,
    );
    const firstPage = await measure('(a) pagination', 'GET /v1/employees (page 1)', '/v1/employees', headers);
    const deepPage = await measure(
      '(a) pagination',
      `GET /v1/employees (page ${deepPageNumber}, startingAfter)`,
      `/v1/employees?startingAfter=${deepCursor}`,
      headers,
    );
    const deepCounted = await measure(
      '(a) pagination',
      'same deep page + include=totalCount',
      `/v1/employees?startingAfter=${deepCursor}&include=totalCount`,
      headers,
    );
    const warmKey = await measure(
      '(b) authentication',
      'valid key, cache warm (GET /v1/api-key)',
      '/v1/api-key',
      headers,
    );
    const badKey = await measure('(b) authentication', 'bad-checksum key → 401', '/v1/api-key', {
      ...headers,
      authorization: `Bearer ${badChecksum(key)}`,
    });
    const unknownKey = await measure('(b) authentication', 'well-formed unknown key → 401', '/v1/api-key', {
      ...headers,
      // Valid checksum, never stored: passes the format check, so each request costs a key lookup.
      authorization: `Bearer ${generateApiKey()}`,
    });

    const rows = [firstPage, deepPage, deepCounted, warmKey, badKey, unknownKey];
    printTable(rows);
    console.log('\nratios');
    const report = (label: string, value: string, meaning: string) =>
      console.log(`  ${label.padEnd(42)} ${value.padStart(6)}  ${meaning}`);
    report(
      '(a) deep page ÷ page 1, time per request',
      ratio(deepPage.msPerRequest, firstPage.msPerRequest),
      '≈1: keyset pagination, cost independent of depth',
    );
    report(
      '(a) with include=totalCount ÷ without',
      ratio(deepCounted.msPerRequest, deepPage.msPerRequest),
      'counting grows with the table: why it is opt-in from 2026-11-01',
    );
    report(
      '(b) warm valid key ÷ bad checksum, time',
      ratio(warmKey.msPerRequest, badKey.msPerRequest),
      'a whole authenticated request vs a refusal by the format check',
    );
    report(
      '(b) unknown key ÷ bad checksum, time',
      ratio(unknownKey.msPerRequest, badKey.msPerRequest),
      'one key lookup per request vs none',
    );
    console.log(
      `  (b) db queries per request: warm key ${warmKey.queriesPerRequest.toFixed(2)} (auth hit the cache; what remains is request-log batches), ` +
        `bad checksum ${badKey.queriesPerRequest.toFixed(2)}, unknown key ${unknownKey.queriesPerRequest.toFixed(2)}`,
    );
    const limited = rows.filter((row) => row.statuses.includes('429'));
    if (limited.length > 0) {
      console.log(
        `\nnote: ${limited.map((r) => r.name).join(', ')} met the rate limiter (429); those rows measure it too.`,
      );
    }
  } finally {
    await app.close();
    await database.close();
    await rm(dir, { recursive: true, force: true });
  }
}

async function seedEmployees(
  db: ReturnType<typeof openDatabase>['db'],
  accountId: string,
): Promise<string[]> {
  const ids: string[] = [];
  const start = Date.parse('2025-01-01T00:00:00.000Z');
  await db.transaction().execute(async (trx) => {
    for (let offset = 0; offset < EMPLOYEES; offset += SEED_BATCH) {
      const rows: NewEmployeeRow[] = [];
      for (let i = offset; i < Math.min(offset + SEED_BATCH, EMPLOYEES); i++) {
        const id = newId(EMPLOYEE_RESOURCE);
        const at = new Date(start + i * 60_000).toISOString();
        ids.push(id);
        rows.push({
          id,
          account_id: accountId,
          first_name: `First${i}`,
          last_name: `Last${i}`,
          email: `employee${i}@example.com`,
          employee_ref: `HR-${i}`,
          phone: null,
          active: 1,
          role: 'employee',
          pay_rate_cents: 2450,
          timezone: null,
          created_at: at,
          updated_at: at,
        });
      }
      await trx.insertInto('employees').values(rows).execute();
    }
  });
  return ids;
}

function printTable(rows: Measurement[]): void {
  const header = ['benchmark', 'req/s', 'ms/req', 'p99 ms', 'db q/req', 'statuses'];
  const body = rows.map((row) => [
    `${row.group} ${row.name}`,
    row.requestsPerSecond.toFixed(0),
    row.msPerRequest.toFixed(3),
    row.latencyP99.toFixed(0),
    row.queriesPerRequest.toFixed(2),
    row.statuses,
  ]);
  const widths = header.map((cell, i) => Math.max(cell.length, ...body.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) =>
        i === 0 || i === cells.length - 1 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0),
      )
      .join('  ');
  console.log(`\n${line(header)}`);
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of body) console.log(line(row));
}

await main();
