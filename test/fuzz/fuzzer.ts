/**
 * One fuzz run against one target (see target.ts): discovers the operations from the app's OpenAPI document,
 * makes real objects, then alternates two kinds of batch until the requested number of requests is sent:
 *
 *   mixed batches    valid and broken requests (about 40 % valid) to every /v1 operation, `concurrency` at a time;
 *   refusal batches  only writes the contract must refuse, sent concurrently while nothing else writes; the account's
 *                    rows are compared before and after (snapshot.ts), so a refused request that stored anything
 *                    is caught.
 *
 * Every response goes through the per-response rules (checks.ts); at the end the webhook audit (webhook-audit.ts)
 * proves no delivery or attempt was lost. The result is a report; printing it is report.ts's job.
 */
import type { Dialect } from '../../src/db/database.js';
import { RESOURCES } from '../../src/resources/registry.js';
import { checkResponse, errorCodeOf, type Violation } from './checks.js';
import { type FuzzOperation, loadFuzzDocument } from './document.js';
import { isWireError, WireClient, type WireOutcome } from './http.js';
import { fuzzFactories, ObjectPools } from './pools.js';
import { Random } from './random.js';
import {
  type BuildContext,
  type FuzzRequest,
  type IdempotentWrite,
  isWrite,
  mutatedRequest,
  validRequest,
} from './requests.js';
import { diffSnapshots, quiesce, snapshotAccount } from './snapshot.js';
import { FUZZ_HOOKS_PATH, type FuzzTarget, type PlantFaults, startTarget } from './target.js';
import { auditWebhooks, type WebhookAudit } from './webhook-audit.js';

export interface FuzzOptions {
  readonly dialect: Dialect;
  readonly seed: number;
  /** Requests to send in all (mixed and refusal batches together). */
  readonly requests: number;
  readonly concurrency: number;
  /** Progress lines (stderr in the CLI, nothing in the test). */
  readonly progress?: (line: string) => void;
  /** Called with one JSON line per request and its answer (`--trace FILE` in the CLI). */
  readonly trace?: (line: string) => void;
  /** Faults to plant in the app first: only the fuzzer's own test uses it, to see every rule fail. */
  readonly plant?: PlantFaults;
}

/** One failed rule, with what reproduces it. */
export interface Failure {
  readonly check: Violation['check'];
  readonly detail: string;
  /** The operation, or `(batch)` / `(webhooks)` for whole-run checks. */
  readonly operation: string;
  readonly request?: FuzzRequest;
  readonly outcome?: WireOutcome;
  /** Server log lines for the request (5xx). */
  readonly serverLog?: readonly string[];
}

export interface FuzzReport {
  readonly dialect: Dialect;
  readonly seed: number;
  readonly concurrency: number;
  readonly sent: number;
  readonly durationMs: number;
  /** `200`, `400 parameter_invalid`, ... → count. */
  readonly byStatus: ReadonlyMap<string, number>;
  /** `valid`, `bad-id`, ... → count. */
  readonly byKind: ReadonlyMap<string, number>;
  /** Refusal batches whose before/after snapshots were compared (a batch without quiet moments is not). */
  readonly refusalBatches: number;
  /** Operations that never answered 2xx: their valid requests could not succeed (fixtures used up, ...). */
  readonly neverSucceeded: readonly string[];
  readonly operations: number;
  readonly webhooks: WebhookAudit;
  readonly failures: readonly Failure[];
  /** Response times of the first and the last tenth of the run (a server that slows as data grows shows here). */
  readonly latency: { readonly first: LatencySummary; readonly last: LatencySummary };
  /** The run's API keys → their role, so a printed request never shows a key. */
  readonly keyNames: ReadonlyMap<string, string>;
}

export interface LatencySummary {
  readonly meanMs: number;
  readonly p99Ms: number;
}

function summarise(ms: readonly number[]): LatencySummary {
  const sorted = [...ms].sort((a, b) => a - b);
  const mean = sorted.reduce((sum, value) => sum + value, 0) / Math.max(1, sorted.length);
  return { meanMs: Math.round(mean), p99Ms: sorted[Math.floor(sorted.length * 0.99)] ?? 0 };
}

/** Share of requests in refusal batches, and of valid requests in mixed ones. */
const REFUSAL_SHARE = 0.2;
const VALID_SHARE = 0.4;
/** Objects per resource made before the run, and added after each mixed batch. */
const INITIAL_OBJECTS = 4;
const TOP_UP_OBJECTS = 1;

/** Runs `work` on the items, `concurrency` at a time, in order of index. */
async function inParallel<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const progress = options.progress ?? (() => undefined);
  const started = performance.now();
  const target = await startTarget(options.dialect, options.plant);
  try {
    return await fuzz(options, target, progress, started);
  } finally {
    await target.close();
  }
}

async function fuzz(
  options: FuzzOptions,
  target: FuzzTarget,
  progress: (line: string) => void,
  started: number,
): Promise<FuzzReport> {
  const document = await loadFuzzDocument(target.t);

  const eventTypes = RESOURCES.events.map((event) => event.type).sort();
  const rareEventTypes = eventTypes.filter((type) => type.endsWith('.deleted')).slice(0, 3);
  const webhookUrl = `${target.receiver.url}${FUZZ_HOOKS_PATH}`;
  const factories = fuzzFactories(webhookUrl, rareEventTypes);
  const pools = new ObjectPools(factories, document.operations);
  const poolsOfB = new ObjectPools(factories, document.operations);
  await pools.add(target.t, target.a.key, INITIAL_OBJECTS);
  await poolsOfB.add(target.t, target.b.key, 1);
  pools.settle();
  poolsOfB.settle();

  const idempotentWrites: IdempotentWrite[] = [];
  const context: BuildContext = {
    seed: options.seed,
    target,
    factories,
    pools,
    poolsOfB,
    sources: {
      idsWithPrefix: (prefix) => pools.idsWithPrefix(prefix),
      webhookUrl,
      rareEventTypes,
      eventTypes,
    },
    idempotentWrites,
  };

  const client = new WireClient(target.origin, options.concurrency);
  const byStatus = new Map<string, number>();
  const byKind = new Map<string, number>();
  const succeeded = new Set<string>();
  const failures: Failure[] = [];
  const writes = document.operations.filter(isWrite);
  let sent = 0;
  const durations: number[] = [];
  let refusalBatches = 0;

  const count = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);

  /** Sends a batch, checks every answer, and keeps the pools and idempotency records up to date. */
  const send = async (requests: readonly FuzzRequest[]) => {
    await inParallel(requests, options.concurrency, async (request) => {
      const outcome = await client.send(request);
      sent++;
      durations[request.index] = outcome.ms;
      const status = isWireError(outcome) ? 'no answer' : String(outcome.status);
      const code = errorCodeOf(outcome);
      count(byStatus, code ? `${status} ${code}` : status);
      count(byKind, request.kind);
      options.trace?.(
        JSON.stringify({
          target: options.dialect,
          index: request.index,
          operation: request.operation.label,
          kind: request.kind,
          variant: request.variant,
          refusal: request.refusal,
          method: request.method,
          path: request.path.slice(0, 500),
          body: request.body?.subarray(0, 500).toString('utf8'),
          status,
          code,
          ms: outcome.ms,
          response: isWireError(outcome) ? outcome.error : outcome.text.slice(0, 500),
        }),
      );
      for (const violation of checkResponse(document, request, outcome)) {
        const requestId = isWireError(outcome) ? undefined : outcome.headers['x-request-id'];
        failures.push({
          ...violation,
          operation: request.operation.label,
          request,
          outcome,
          serverLog: requestId ? target.serverLog.filter((line) => line.includes(String(requestId))) : [],
        });
      }
      if (isWireError(outcome)) return;
      const op = request.operation;
      if (outcome.status < 300) succeeded.add(op.label);
      if (op.method === 'POST' && op.path === op.documented.resourcePath && outcome.status === 201) {
        const id = (JSON.parse(outcome.text) as { id?: unknown }).id;
        if (typeof id === 'string') pools.noteCreated(op.documented.resourcePath, id);
      }
      if (
        request.kind === 'valid' &&
        (outcome.status === 404 || (op.method === 'DELETE' && outcome.status < 300))
      ) {
        for (const id of request.pathIds) pools.noteGone(id);
      }
      if (request.idempotencyKey && outcome.status < 300) {
        idempotentWrites.push({ key: request.idempotencyKey, request });
      }
    });
  };

  const cycles = Math.max(2, Math.round(options.requests / 500));
  const mixedPerCycle = Math.max(1, Math.round((options.requests * (1 - REFUSAL_SHARE)) / cycles));
  let index = 0;
  let comparedBatches = 0;
  /** Where the time goes: building and sending mixed batches; quiet waits, snapshots and refusal batches. */
  const timings = { mixed: 0, refusal: 0 };
  for (let cycle = 0; cycle < cycles && index < options.requests; cycle++) {
    const cycleStarted = performance.now();
    // Mixed batch.
    const mixed: FuzzRequest[] = [];
    const mixedEnd = Math.min(options.requests, index + mixedPerCycle);
    for (; index < mixedEnd; index++) {
      const random = Random.derive(options.seed, index);
      const op = random.pick(document.operations);
      // Now and then an earlier idempotent write is sent again as it was, key and all.
      if (idempotentWrites.length > 0 && random.chance(0.02)) {
        mixed.push(replay(random.pick(idempotentWrites), index));
      } else if (random.chance(VALID_SHARE)) {
        mixed.push(await validRequest(context, random, op, index));
      } else {
        mixed.push(await mutatedRequest(context, random, op, index));
      }
    }
    await send(mixed);
    const mixedSent = performance.now();
    pools.settle();
    await pools.add(target.t, target.a.key, TOP_UP_OBJECTS);
    pools.settle();

    // Refusal batch: built first (building may create objects through the fixture factories), then sent in quiet.
    const refusalEnd =
      cycle === cycles - 1
        ? options.requests
        : Math.min(options.requests, index + Math.round((options.requests * REFUSAL_SHARE) / cycles));
    const refusals: FuzzRequest[] = [];
    for (; index < refusalEnd; index++)
      refusals.push(await refusalRequest(context, writes, options.seed, index));
    if (refusals.length === 0) continue;
    const accounts = [target.a.account.id];
    const sendingEnded = performance.now();
    // A comparison is sound only between quiet moments (see snapshot.ts): without one, the batch is still sent and
    // checked response by response, and the dispatcher's slowness is a failure of its own.
    const quietBefore = await quiesce(target.t.db.db, accounts);
    const before = quietBefore ? await snapshotAccount(target.t.db.db, target.a.account.id) : undefined;
    await send(refusals);
    const quietAfter = await quiesce(target.t.db.db, accounts);
    if (!quietBefore || !quietAfter) {
      failures.push({
        check: 'webhooks',
        operation: '(batch)',
        detail: `the dispatcher did not settle within 120 s ${quietBefore ? 'after' : 'before'} refusal batch ${refusalBatches + 1}; its snapshot comparison was skipped`,
      });
    }
    const after =
      before && quietAfter ? await snapshotAccount(target.t.db.db, target.a.account.id) : undefined;
    refusalBatches++;
    const differences = before && after ? diffSnapshots(before, after) : [];
    if (before && after) comparedBatches++;
    if (differences.length > 0) {
      failures.push({
        check: 'stored-change',
        operation: '(batch)',
        detail: [
          `refusal batch ${refusalBatches} (requests ${refusals[0]?.index}–${refusals.at(-1)?.index}) changed account data:`,
          ...differences,
          'the batch:',
          ...refusals.map(
            (r) => `  #${r.index} ${r.method} ${r.path.slice(0, 120)} [${r.kind}: ${r.variant}]`,
          ),
        ].join('\n'),
      });
    }
    timings.mixed += mixedSent - cycleStarted;
    timings.refusal += performance.now() - sendingEnded;
    progress(
      `${options.dialect}: ${sent}/${options.requests} requests, ${failures.length} failures, ${Math.round(
        (performance.now() - started) / 1000,
      )} s (mixed batches ${Math.round(timings.mixed / 1000)} s, refusal batches ${Math.round(timings.refusal / 1000)} s)`,
    );
  }
  client.close();

  const webhooks = await auditWebhooks(target);
  for (const problem of webhooks.problems)
    failures.push({ check: 'webhooks', operation: '(webhooks)', detail: problem });
  return {
    dialect: options.dialect,
    seed: options.seed,
    concurrency: options.concurrency,
    sent,
    durationMs: performance.now() - started,
    byStatus,
    byKind,
    refusalBatches: comparedBatches,
    neverSucceeded: document.operations.map((op) => op.label).filter((label) => !succeeded.has(label)),
    operations: document.operations.length,
    webhooks,
    failures,
    latency: {
      first: summarise(durations.slice(0, Math.ceil(options.requests / 10))),
      last: summarise(durations.slice(-Math.ceil(options.requests / 10))),
    },
    keyNames: new Map([
      [target.a.key, 'A full access'],
      [target.readOnlyKey, 'A read-only'],
      [target.revokedKey, 'A revoked'],
      [target.b.key, 'B full access'],
    ]),
  };
}

/** The earlier write again, byte for byte: a 2xx replay with `Idempotent-Replayed: true`. */
function replay(write: IdempotentWrite, index: number): FuzzRequest {
  return {
    ...write.request,
    index,
    kind: 'idempotent-replay',
    variant: write.key,
    refusal: false,
    crossAccount: false,
    pathIds: [],
    idempotencyKey: undefined,
  };
}

/** A write the contract must refuse; a few draws until the document agrees it is refused. */
async function refusalRequest(
  context: BuildContext,
  writes: readonly FuzzOperation[],
  seed: number,
  index: number,
): Promise<FuzzRequest> {
  for (let attempt = 0; attempt < 12; attempt++) {
    const random = Random.derive(seed, index, attempt + 1);
    const request = await mutatedRequest(context, random, random.pick(writes), index);
    if (request.refusal) return request;
  }
  // Practically never reached: a missing key is refused by every secured write.
  const random = Random.derive(seed, index, 0);
  const request = await validRequest(context, random, random.pick(writes), index);
  const { authorization: _dropped, ...headers } = request.headers;
  return { ...request, headers, kind: 'bad-key', variant: 'missing', refusal: true };
}
