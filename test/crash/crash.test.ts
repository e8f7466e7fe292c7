/**
 * The short pass of the crash script (`npm run crash` runs 20 rounds per dialect): 2 rounds per dialect with a fixed
 * seed, each killing a real server process (SIGKILL) with at least 8 writes in flight — clock-ins and -outs, breaks,
 * employees, locations, time off — then restarting it on the same database. It proves what crash.ts and oracle.ts
 * check: every acknowledged write is there with its events, nothing is half-applied, the database opens intact
 * with its migrations, and the server answers /readyz; then the cut-off idempotent writes are retried and take
 * effect once.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { DIALECTS } from '../helpers/dialects.js';
import { buildServer } from '../helpers/server-process.js';
import { runCrash } from './crash.js';

const SEED = 20_261_105;
const WORKERS = 9;

describe('crash: a server killed under concurrent writes loses no acknowledged write', () => {
  before(() => buildServer());

  for (const dialect of DIALECTS) {
    test(`${dialect}: 2 rounds of SIGKILL and restart`, { timeout: 120_000 }, async (t) => {
      const [summary] = await runCrash({
        dialects: [dialect],
        rounds: 2,
        seed: SEED,
        killAfterMs: [300, 1200],
        accounts: 3,
        workers: WORKERS,
        log: (line) => t.diagnostic(line),
      });
      assert.ok(summary);
      assert.equal(summary.rounds.length, 2);
      for (const round of summary.rounds) {
        assert.ok(round.acknowledged > 0, `round ${round.round} acknowledged writes`);
        assert.ok(
          round.inFlightAtKill >= 8,
          `round ${round.round} killed ${round.inFlightAtKill} writes in flight`,
        );
      }
      assert.deepEqual(summary.violations, []);
    });
  }
});
