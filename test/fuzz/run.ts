/**
 * `npm run fuzz`: the API fuzzer (issue 11) against SQLite, then PostgreSQL + Redis when TEST_DATABASE_URL and
 * TEST_REDIS_URL are set. Prints the seed (repeat a run with `--seed`), per target the counts by status and code and
 * every failure with a request that reproduces it, and exits non-zero on any failure.
 *
 *   npm run fuzz -- [--requests 20000] [--seed S] [--concurrency 8] [--target sqlite|postgres] [--trace FILE]
 *
 * `--trace FILE` writes one JSON line per request (operation, kind, path, body, status, code, response), cut short.
 */
import { createWriteStream } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Dialect } from '../../src/db/database.js';
import { runFuzz } from './fuzzer.js';
import { randomSeed } from './random.js';
import { formatReport } from './report.js';
import { availableTargets } from './target.js';

function positiveInteger(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw new Error(`--${name} must be a positive integer, not ${value}`);
  return Number(value);
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      requests: { type: 'string' },
      seed: { type: 'string' },
      concurrency: { type: 'string' },
      target: { type: 'string', multiple: true },
      trace: { type: 'string' },
    },
  });
  const requests = positiveInteger('requests', values.requests, 20_000);
  const seed = positiveInteger('seed', values.seed, randomSeed());
  const concurrency = positiveInteger('concurrency', values.concurrency, 8);
  const available = availableTargets();
  const targets = (values.target ?? available) as Dialect[];
  for (const target of targets) {
    if (!available.includes(target))
      throw new Error(`Target ${target} is not available (set TEST_DATABASE_URL and TEST_REDIS_URL).`);
  }
  console.log(
    `fuzz: seed ${seed}, ${requests} requests per target, concurrency ${concurrency}, targets ${targets.join(', ')}`,
  );
  if (!available.includes('postgres'))
    console.log('fuzz: PostgreSQL skipped (TEST_DATABASE_URL/TEST_REDIS_URL not set)');
  const trace = values.trace ? createWriteStream(values.trace) : undefined;
  let failures = 0;
  for (const dialect of targets) {
    const report = await runFuzz({
      dialect,
      seed,
      requests,
      concurrency,
      progress: (line) => process.stderr.write(`${line}\n`),
      ...(trace ? { trace: (line: string) => trace.write(`${line}\n`) } : {}),
    });
    console.log(formatReport(report));
    failures += report.failures.length;
  }
  await new Promise((resolve) => (trace ? trace.end(resolve) : resolve(undefined)));
  console.log(
    failures === 0 ? `fuzz: no failures (seed ${seed})` : `fuzz: ${failures} failures (seed ${seed})`,
  );
  return failures === 0 ? 0 : 1;
}

process.exitCode = await main();
