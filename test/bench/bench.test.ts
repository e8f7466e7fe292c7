/**
 * The benchmark's scripts still work against the app as it is now (bench/, issue 12): its server answers every
 * request of the mixed workload and of the soak with a 2xx, a run cut short mid-turn leaves nothing that makes the
 * next run fail, and bench/raw.ts captures and replays every real route. Short runs, not pinned to cores; no
 * figure is checked (tests never assert a duration). PostgreSQL too when bench/ finds PostgreSQL and Redis.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  loadSpec,
  type RunningServer,
  runLoad,
  runScript,
  startServer,
  stopServer,
} from '../../bench/processes.js';
import {
  type LoadResult,
  MIXED_TURN,
  PUNCH_OUT,
  postgresServers,
  type RawResult,
  REAL_ROUTES,
  SOAK_TURN,
  type Workload,
} from '../../bench/support.js';

const DIALECTS = postgresServers() ? ['sqlite', 'postgres'] : ['sqlite'];

function assertAllOk(run: LoadResult): void {
  assert.ok(run.requests > 0);
  assert.deepEqual(
    Object.keys(run.statuses).filter((status) => !status.startsWith('2')),
    [],
    JSON.stringify(run.statuses),
  );
  assert.equal(run.errors + run.timeouts, 0);
}

for (const dialect of DIALECTS) {
  describe(`bench (${dialect})`, () => {
    let server: RunningServer;
    before(async () => {
      server = await startServer('server-app.ts', [dialect]);
    });
    after(() => stopServer(server));

    const load = (workload: Workload, run: Parameters<typeof loadSpec>[3]) => {
      const { ready } = server;
      assert.ok(ready.app);
      return runLoad(loadSpec(ready, ready.app, workload, run));
    };

    test('the mixed workload is answered 2xx, run after run', async () => {
      const mixed: Workload = { requests: MIXED_TURN, finish: PUNCH_OUT, auth: true, pipelining: 1 };
      // The second run starts where the first one's turns were cut short: their punches out must have been sent.
      for (let run = 0; run < 2; run++) {
        const result = await load(mixed, { connections: 4, durationSeconds: 1 });
        assertAllOk(result);
        assert.equal(result.databaseTicks !== undefined, dialect === 'postgres');
      }
    });

    test('the soak runs a number of requests and samples the RSS', async () => {
      const soak: Workload = { requests: SOAK_TURN, finish: PUNCH_OUT, auth: true, pipelining: 1 };
      const result = await load(soak, { connections: 4, amount: 400, rssEveryRequests: 100 });
      assertAllOk(result);
      assert.equal(result.requests, 400);
      assert.deepEqual(
        result.rss?.map((sample) => sample.requests),
        [100, 200, 300, 400],
      );
    });
  });

  test(`bench/raw.ts replays every real route (${dialect})`, async () => {
    const floors = await runScript<RawResult[]>('raw.ts', [dialect], { env: { BENCH_RAW_SECONDS: '0.1' } });
    assert.deepEqual(
      floors.map((floor) => floor.route),
      Object.keys(REAL_ROUTES),
    );
    for (const floor of floors) {
      assert.ok(floor.operations > 0 && floor.statements >= 1, JSON.stringify(floor));
      assert.equal(floor.databaseUs !== undefined, dialect === 'postgres');
    }
  });
}
