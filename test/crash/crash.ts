import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { isDeepStrictEqual } from 'node:util';
import type { Dialect } from '../../src/db/database.js';
import { createAccountWithAdmin } from '../../src/platform/accounts/service.js';
import { createApiKey } from '../../src/platform/api-keys/service.js';
import { systemClock } from '../../src/shared/clock.js';
import { serviceContext } from '../helpers/app.js';
import { type ProcessStorage, processStorage } from '../helpers/process-storage.js';
import {
  type ServerProcess,
  serverProcessEnv,
  startServerProcess,
  stopServerProcess,
} from '../helpers/server-process.js';
import { insertEndpoint } from '../helpers/webhooks.js';
import { type Answer, Random, roundSeed, send } from './client.js';
import { type AccountReport, verifyAccount } from './oracle.js';
import { checkAfterCrash } from './storage.js';
import { type CrashAccount, Workload, type WriteRecord } from './workload.js';

/**
 * The crash script's engine (`npm run crash`, and the short pass of crash.test.ts). For each dialect it runs rounds
 * against real server processes (`node dist/main.js`) on one database that lives through all of them: fresh
 * enterprise accounts, each with a webhook endpoint; many writers at once (≥ 8 requests in flight: clock-ins and
 * -outs, breaks, employees, locations, time off and its decisions, some idempotent); SIGKILL at a random moment
 * (seeded); a check that the database opens, is intact and needs no migration; a restart that answers /readyz; the
 * oracle (oracle.ts) over everything the round wrote; retries with the same Idempotency-Key of the writes the kill
 * cut off, which must take effect exactly once; and the oracle again. After the last round the server must still
 * stop cleanly (SIGTERM, exit 0). Any violation fails the run.
 */

export interface CrashOptions {
  readonly dialects: readonly Dialect[];
  readonly rounds: number;
  readonly seed: number;
  /** The kill comes this many ms after the load starts, drawn uniformly (seeded) from the range. */
  readonly killAfterMs: readonly [number, number];
  readonly accounts?: number;
  readonly workers?: number;
  readonly log?: (line: string) => void;
}

export interface RetryStats {
  /** Cut-off idempotent writes retried after the restart. */
  retried: number;
  /** … answered with the stored answer (`Idempotent-Replayed`): the write had completed before the kill. */
  replayed: number;
  /** … 409 idempotency_key_in_use at first: the dead process's claim, until its lock lapsed. */
  heldByDeadProcess: number;
  /** … run after the restart (2xx): the write had not taken effect, or it had and runs twice (a violation). */
  ranAfterRestart: number;
  /** … refused after the restart (e.g. 409 already_clocked_in because the cut-off write had applied). */
  refusedAfterRestart: number;
}

export interface RoundResult {
  readonly dialect: Dialect;
  readonly round: number;
  readonly seed: number;
  readonly killAfterMs: number;
  readonly sent: number;
  readonly acknowledged: number;
  readonly refused: number;
  readonly inFlightAtKill: number;
  /** Acknowledged writes every check passed for (after the retries). */
  readonly verified: number;
  readonly objects: number;
  readonly events: number;
  readonly retries: RetryStats;
  readonly violations: string[];
  readonly durationMs: number;
}

export interface DialectSummary {
  readonly dialect: Dialect;
  readonly storage: string;
  readonly rounds: RoundResult[];
  readonly violations: string[];
  readonly durationMs: number;
}

const DEFAULT_ACCOUNTS = 6;
const DEFAULT_WORKERS = 12;

/** Answers every webhook delivery with 200, so the dispatcher keeps writing while the load runs. */
async function startReceiver(): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((request, response) => {
    request.resume();
    request.on('end', () => response.writeHead(200).end('ok'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function serverEnv(storage: ProcessStorage): NodeJS.ProcessEnv {
  return serverProcessEnv({ PUNCHCLOCK_WEBHOOK_ALLOW_PRIVATE: 'true', ...storage.env });
}

/** Lines the server logged at level error or above (pino: 50+). */
function errorLines(server: ServerProcess): string[] {
  return server.output
    .join('')
    .split('\n')
    .filter((line) => /"level":(5\d|60)/.test(line))
    .map((line) => (line.length > 400 ? `${line.slice(0, 400)}…` : line));
}

async function createAccounts(
  storage: ProcessStorage,
  round: number,
  count: number,
  receiverUrl: string,
): Promise<CrashAccount[]> {
  const database = storage.open();
  try {
    const ctx = serviceContext(database, systemClock);
    const accounts: CrashAccount[] = [];
    for (let index = 0; index < count; index++) {
      const { account, admin } = await createAccountWithAdmin(ctx, {
        name: `Crash round ${round} #${index}`,
        plan: 'enterprise',
        adminEmail: `crash-${round}-${index}-${Date.now()}@crash.test`,
      });
      // The endpoint first, so that every event of the account, the key's own included, has its delivery.
      await insertEndpoint(database.db, systemClock, account.id, { url: `${receiverUrl}/hook/${index}` });
      const { key } = await createApiKey(ctx, account.id, {
        name: 'Crash load',
        scopes: ['*'],
        createdBy: admin.id,
      });
      accounts.push({ index, accountId: account.id, key, sharedEmployeeId: '', sharedLocationId: '' });
    }
    return accounts;
  } finally {
    await database.close();
  }
}

function errorCode(answer: Answer | undefined): string | undefined {
  return (answer?.body as { error?: { code?: string } } | undefined)?.error?.code;
}

/**
 * Retries every cut-off write that had an Idempotency-Key, with the same key and request. A claim the dead process
 * still holds answers 409 idempotency_key_in_use until its lock lapses (60 s); the lapse is brought forward by
 * moving that claim's `locked_until` into the past, exactly what waiting would do, and the write is retried again.
 * Then once more: that must replay the answer just given, whatever it was.
 */
async function retryCutOff(
  url: string,
  storage: ProcessStorage,
  accounts: readonly CrashAccount[],
  records: readonly WriteRecord[],
  violations: string[],
): Promise<RetryStats> {
  const stats: RetryStats = {
    retried: 0,
    replayed: 0,
    heldByDeadProcess: 0,
    ranAfterRestart: 0,
    refusedAfterRestart: 0,
  };
  const cutOff = records.filter((record) => record.answer === undefined && record.idempotencyKey);
  const retry = async (record: WriteRecord) => {
    const account = accounts[record.account] as CrashAccount;
    const answer = await send(url, account.key, record.method, record.path, {
      body: record.body,
      idempotencyKey: record.idempotencyKey,
    });
    record.retries.push(answer);
    return answer;
  };
  stats.retried = cutOff.length;
  await Promise.all(cutOff.map(retry));

  const held = cutOff.filter((record) => errorCode(record.retries.at(-1)) === 'idempotency_key_in_use');
  stats.heldByDeadProcess = held.length;
  if (held.length > 0) {
    const database = storage.open();
    try {
      for (const record of held) {
        await database.db
          .updateTable('idempotency_keys')
          .set({ locked_until: new Date(Date.now() - 1000).toISOString() })
          .where('account_id', '=', (accounts[record.account] as CrashAccount).accountId)
          .where('idempotency_key', '=', record.idempotencyKey as string)
          .where('state', '=', 'in_progress')
          .execute();
      }
    } finally {
      await database.close();
    }
    await Promise.all(held.map(retry));
  }

  for (const record of cutOff) {
    const answer = record.retries.at(-1) as Answer;
    if (answer.replayed) stats.replayed++;
    else if (answer.status < 300) stats.ranAfterRestart++;
    else stats.refusedAfterRestart++;
    const label = `#${record.seq} ${record.method} ${record.path} [${record.idempotencyKey}]`;
    if (answer.status >= 500 || errorCode(answer) === 'idempotency_key_in_use') {
      violations.push(
        `${label}: retried after the restart, answered ${answer.status} ${JSON.stringify(answer.body)}`,
      );
    }
  }

  // A further retry replays what the last one answered.
  await Promise.all(
    cutOff.map(async (record) => {
      const previous = record.retries.at(-1) as Answer;
      if (previous.status >= 500 || previous.status === 400 || previous.status === 429) return;
      const again = await retry(record);
      if (
        !again.replayed ||
        again.status !== previous.status ||
        !isDeepStrictEqual(again.body, previous.body)
      ) {
        violations.push(
          `#${record.seq} ${record.method} ${record.path} [${record.idempotencyKey}]: a repeated retry answered ${again.status}${again.replayed ? ' (replayed)' : ''} ${JSON.stringify(again.body)}, not the replay of ${previous.status} ${JSON.stringify(previous.body)}`,
        );
      }
    }),
  );
  return stats;
}

interface Verification {
  reports: AccountReport[];
  violations: string[];
}

async function verify(
  url: string,
  storage: ProcessStorage,
  accounts: readonly CrashAccount[],
  records: readonly WriteRecord[],
  random: Random,
  stage: string,
): Promise<Verification> {
  const database = storage.open();
  try {
    const reports: AccountReport[] = [];
    for (const account of accounts) {
      reports.push(
        await verifyAccount(
          url,
          account,
          records.filter((record) => record.account === account.index),
          database,
          random,
        ),
      );
    }
    return { reports, violations: reports.flatMap((r) => r.violations.map((v) => `${stage}: ${v}`)) };
  } finally {
    await database.close();
  }
}

/** One round: load, SIGKILL, checks, restart, oracle, idempotent retries, oracle. Returns the restarted server. */
async function runRound(
  storage: ProcessStorage,
  server: ServerProcess,
  receiverUrl: string,
  options: CrashOptions,
  round: number,
): Promise<{ result: RoundResult; server: ServerProcess }> {
  const started = Date.now();
  const seed = roundSeed(options.seed, storage.dialect, round);
  const random = new Random(seed);
  const accounts = await createAccounts(storage, round, options.accounts ?? DEFAULT_ACCOUNTS, receiverUrl);
  const workload = new Workload(round, () => server.url);
  for (const account of accounts) await workload.setUpShared(account);

  const [minKill, maxKill] = options.killAfterMs;
  const killAfterMs = random.int(minKill, maxKill);
  const workers = Array.from({ length: options.workers ?? DEFAULT_WORKERS }, (_, worker) =>
    workload.runWorker(
      accounts[worker % accounts.length] as CrashAccount,
      worker,
      new Random(seed + worker + 1),
    ),
  );
  await new Promise((resolve) => setTimeout(resolve, killAfterMs));
  // In one tick: no request starts after this, and the process dies with whatever is in flight.
  workload.stop();
  const killed = stopServerProcess(server, 'SIGKILL');
  const inFlightAtKill = workload.records.filter((record) => record.answer === undefined).length;
  await killed;
  await Promise.all(workers);

  const violations: string[] = [
    ...workload.transportErrors.map((error) => `during the load, no answer: ${error}`),
    ...workload.unexpected.map((answer) => `during the load, unexpected answer: ${answer}`),
    ...(await checkAfterCrash(storage)),
  ];

  const restarted = await startServerProcess(serverEnv(storage));
  const ready = await send(restarted.url, '', 'GET', '/readyz');
  if (ready.status !== 200) violations.push(`/readyz after the restart answered ${ready.status}`);

  const before = await verify(
    restarted.url,
    storage,
    accounts,
    workload.records,
    random,
    'after the restart',
  );
  violations.push(...before.violations);
  const retries = await retryCutOff(restarted.url, storage, accounts, workload.records, violations);
  const after = await verify(restarted.url, storage, accounts, workload.records, random, 'after the retries');
  violations.push(...after.violations);

  const sum = (pick: (report: AccountReport) => number) => after.reports.reduce((n, r) => n + pick(r), 0);
  const records = workload.records;
  return {
    server: restarted,
    result: {
      dialect: storage.dialect,
      round,
      seed,
      killAfterMs,
      sent: records.length,
      acknowledged: records.filter((record) => {
        const answer = record.answer;
        return answer !== undefined && answer.status < 300;
      }).length,
      refused: records.filter((record) => record.answer !== undefined && record.answer.status >= 300).length,
      inFlightAtKill,
      verified: sum((r) => r.verified),
      objects: sum((r) => r.objects),
      events: sum((r) => r.events),
      retries,
      violations: [...new Set(violations)],
      durationMs: Date.now() - started,
    },
  };
}

export function formatRound(result: RoundResult, rounds: number): string {
  const r = result.retries;
  const ackAfterRetries = result.verified;
  return (
    `[${result.dialect}] round ${result.round}/${rounds} seed ${result.seed} kill at ${result.killAfterMs} ms: ` +
    `${result.sent} writes sent, ${result.acknowledged} acknowledged, ${result.refused} refused, ` +
    `${result.inFlightAtKill} in flight at kill; retried ${r.retried} (replayed ${r.replayed}, ` +
    `held by the dead process ${r.heldByDeadProcess}, ran after restart ${r.ranAfterRestart}, ` +
    `refused ${r.refusedAfterRestart}); verified ${ackAfterRetries} acknowledged writes, ` +
    `${result.objects} objects, ${result.events} events; ${result.violations.length} violations ` +
    `(${(result.durationMs / 1000).toFixed(1)} s)`
  );
}

export function formatSummary(summary: DialectSummary): string {
  const total = (pick: (round: RoundResult) => number) => summary.rounds.reduce((n, r) => n + pick(r), 0);
  return (
    `[${summary.dialect}] ${summary.rounds.length} rounds on ${summary.storage}: ${total((r) => r.sent)} writes, ` +
    `${total((r) => r.acknowledged)} acknowledged, ${total((r) => r.inFlightAtKill)} in flight at kills, ` +
    `${total((r) => r.retries.retried)} retried with their Idempotency-Key ` +
    `(${total((r) => r.retries.heldByDeadProcess)} held by a dead process), ${total((r) => r.verified)} verified; ` +
    `${summary.violations.length} violations; ${(summary.durationMs / 1000).toFixed(1)} s`
  );
}

/** Runs `rounds` rounds on each dialect, one database per dialect. The caller builds dist/ first. */
export async function runCrash(options: CrashOptions): Promise<DialectSummary[]> {
  const log = options.log ?? (() => undefined);
  const summaries: DialectSummary[] = [];
  const receiver = await startReceiver();
  try {
    for (const dialect of options.dialects) {
      const started = Date.now();
      const storage = await processStorage(dialect, { redis: true });
      const rounds: RoundResult[] = [];
      const violations: string[] = [];
      let server: ServerProcess | undefined;
      const loggedErrors: string[] = [];
      try {
        server = await startServerProcess(serverEnv(storage));
        for (let round = 1; round <= options.rounds; round++) {
          const previous: ServerProcess = server;
          const { result, server: restarted } = await runRound(
            storage,
            previous,
            receiver.url,
            options,
            round,
          );
          loggedErrors.push(...errorLines(previous));
          server = restarted;
          rounds.push(result);
          violations.push(...result.violations.map((v) => `round ${round}: ${v}`));
          log(formatRound(result, options.rounds));
          for (const violation of result.violations.slice(0, 20)) log(`  ✗ ${violation}`);
          if (result.violations.length > 20) log(`  … and ${result.violations.length - 20} more`);
        }
        const last: ServerProcess = server;
        await stopServerProcess(last, 'SIGTERM');
        loggedErrors.push(...errorLines(last));
        if (last.process.exitCode !== 0) {
          violations.push(`the last server did not stop cleanly: exit ${last.process.exitCode}`);
        }
      } finally {
        if (server) await stopServerProcess(server, 'SIGKILL');
        await storage.dispose();
      }
      const summary: DialectSummary = {
        dialect,
        storage: storage.description,
        rounds,
        violations,
        durationMs: Date.now() - started,
      };
      summaries.push(summary);
      log(formatSummary(summary));
      if (loggedErrors.length > 0) {
        log(`[${dialect}] the servers logged ${loggedErrors.length} errors (not violations by themselves):`);
        for (const line of loggedErrors.slice(0, 5)) log(`  ${line}`);
      }
    }
  } finally {
    await receiver.close();
  }
  return summaries;
}
