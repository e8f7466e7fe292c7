/**
 * `npm run crash [-- --seed N --rounds N --dialect sqlite|postgres --kill-after MIN-MAX]`: the crash script of
 * issue 11. SQLite, then PostgreSQL when TEST_DATABASE_URL is set (with Redis when TEST_REDIS_URL is set): 20 rounds
 * each by default of concurrent writes, SIGKILL at a random (seeded) moment, restart, and the oracle of oracle.ts —
 * every acknowledged write present with its events, nothing half-applied, idempotent retries applied once. Prints
 * each round and a summary per dialect, and exits non-zero on any violation.
 */
import { parseArgs } from 'node:util';
import type { Dialect } from '../../src/db/database.js';
import { buildServer } from '../helpers/server-process.js';
import { runCrash } from './crash.js';

const { values } = parseArgs({
  options: {
    seed: { type: 'string' },
    rounds: { type: 'string', default: '20' },
    dialect: { type: 'string', multiple: true },
    'kill-after': { type: 'string', default: '250-2500' },
  },
});

function positiveInteger(name: string, raw: string): number {
  if (!/^\d+$/.test(raw) || Number(raw) < 1)
    throw new Error(`--${name} takes a positive integer, got "${raw}"`);
  return Number(raw);
}

const seed =
  values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : positiveInteger('seed', values.seed);
const rounds = positiveInteger('rounds', values.rounds);
const range = /^(\d+)-(\d+)$/.exec(values['kill-after']);
if (!range || Number(range[1]) > Number(range[2]))
  throw new Error('--kill-after takes MIN-MAX in milliseconds');
const available: Dialect[] = process.env.TEST_DATABASE_URL ? ['sqlite', 'postgres'] : ['sqlite'];
const dialects = (values.dialect ?? available) as Dialect[];
for (const dialect of dialects) {
  if (!available.includes(dialect))
    throw new Error(`dialect ${dialect} is not available (TEST_DATABASE_URL?)`);
}

const started = Date.now();
console.log(
  `crash: seed ${seed}, ${rounds} rounds per dialect on ${dialects.join(', ')}` +
    `${process.env.TEST_DATABASE_URL && !process.env.TEST_REDIS_URL ? ' (PostgreSQL without Redis: TEST_REDIS_URL is not set)' : ''}` +
    `${process.env.TEST_DATABASE_URL ? '' : ' (PostgreSQL skipped: TEST_DATABASE_URL is not set)'}`,
);
buildServer();
const summaries = await runCrash({
  dialects,
  rounds,
  seed,
  killAfterMs: [Number(range[1]), Number(range[2])],
  log: (line) => console.log(line),
});
const violations = summaries.reduce((n, summary) => n + summary.violations.length, 0);
console.log(
  `crash: ${violations === 0 ? 'nothing lost' : `${violations} violations`} in ${((Date.now() - started) / 1000).toFixed(1)} s (seed ${seed})`,
);
process.exit(violations === 0 ? 0 : 1);
