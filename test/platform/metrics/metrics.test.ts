import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createTestAccount, createTestApp, type TestApp } from '../../helpers/app.js';
import { DIALECTS } from '../../helpers/dialects.js';
import { bearer, send, withTestApp } from '../../helpers/security-suite.js';

async function scrape(t: TestApp): Promise<string> {
  const response = await t.app.inject({ method: 'GET', url: '/metrics' });
  assert.equal(response.statusCode, 200, response.body);
  assert.match(String(response.headers['content-type']), /^text\/plain/);
  return response.body;
}

/** The value of one series, e.g. `punchclock_http_requests_total{method="GET",...}`. */
function seriesValue(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

for (const dialect of DIALECTS) {
  describe(`metrics (${dialect})`, () => {
    test('GET /metrics exposes requests, refusals, the request log and the key cache', async () => {
      await withTestApp(dialect, async (t) => {
        const account = await createTestAccount(t);
        await send(t, 'GET', '/v1/employees', { authorization: bearer(account.key) });
        await send(t, 'GET', '/v1/employees?limit=1', { authorization: bearer(account.key) });
        await send(t, 'GET', '/v1/employees', {});
        await send(t, 'GET', '/v1/nothing-here', {});
        t.app.context.metrics.recordRateLimitRefusal('account');
        t.app.context.metrics.recordRateLimitRefusal('account');
        t.app.context.metrics.recordRateLimitRefusal('key');

        const text = await scrape(t);
        assert.equal(
          seriesValue(
            text,
            'punchclock_http_requests_total{method="GET",route="/v1/employees",status="200"}',
          ),
          2,
        );
        assert.equal(
          seriesValue(
            text,
            'punchclock_http_requests_total{method="GET",route="/v1/employees",status="401"}',
          ),
          1,
        );
        assert.equal(
          seriesValue(text, 'punchclock_http_requests_total{method="GET",route="(unmatched)",status="404"}'),
          1,
          'unknown paths share one label value',
        );
        assert.equal(seriesValue(text, 'punchclock_rate_limit_refusals_total{reason="account"}'), 2);
        assert.equal(seriesValue(text, 'punchclock_rate_limit_refusals_total{reason="key"}'), 1);
        assert.equal(seriesValue(text, 'punchclock_request_log_buffered_rows'), 4);
        assert.equal(seriesValue(text, 'punchclock_request_log_dropped_rows_total'), 0);
        assert.equal(seriesValue(text, 'punchclock_request_log_failed_flushes_total'), 0);
        assert.equal(seriesValue(text, 'punchclock_api_key_cache_lookups_total{result="miss"}'), 1);
        assert.equal(seriesValue(text, 'punchclock_api_key_cache_lookups_total{result="hit"}'), 1);
        assert.ok(
          (seriesValue(
            text,
            'punchclock_http_request_duration_seconds_count{method="GET",route="/v1/employees"}',
          ) ?? 0) >= 3,
        );
        assert.ok(text.includes('process_cpu_user_seconds_total'), 'process metrics');
        assert.equal(text.includes('/metrics'), false, 'scrapes are not /v1 requests and are not counted');

        await t.app.context.requestLog.flush();
        assert.equal(seriesValue(await scrape(t), 'punchclock_request_log_buffered_rows'), 0);
      });
    });

    test('the duration histogram exposes cumulative buckets, +Inf, sum and count per route and method', async () => {
      await withTestApp(dialect, async (t) => {
        const { metrics } = t.app.context;
        for (const [method, durationMs] of [
          ['GET', 3],
          ['GET', 5],
          ['GET', 7],
          ['GET', 300],
          ['GET', 9000],
          ['POST', 40],
        ] as const) {
          metrics.recordHttpRequest(method, '/v1/widgets', 200, durationMs);
        }
        const text = await scrape(t);
        const series = (suffix: string, labels: string) =>
          seriesValue(text, `punchclock_http_request_duration_seconds_${suffix}{${labels}}`);
        const get = 'method="GET",route="/v1/widgets"';
        const expected: [string, number][] = [
          ['0.005', 2],
          ['0.01', 3],
          ['0.025', 3],
          ['0.05', 3],
          ['0.1', 3],
          ['0.25', 3],
          ['0.5', 4],
          ['1', 4],
          ['2.5', 4],
          ['5', 4],
          ['+Inf', 5],
        ];
        for (const [le, count] of expected)
          assert.equal(series('bucket', `le="${le}",${get}`), count, `le=${le}`);
        assert.equal(series('count', get), 5);
        assert.ok(Math.abs((series('sum', get) ?? 0) - 9.315) < 1e-9);
        const post = 'method="POST",route="/v1/widgets"';
        assert.equal(series('bucket', `le="0.025",${post}`), 0);
        assert.equal(series('bucket', `le="0.05",${post}`), 1);
        assert.equal(series('count', post), 1);
        assert.equal(
          seriesValue(text, `punchclock_http_requests_total{${get},status="200"}`),
          5,
          'the request counter counts the same requests',
        );

        // A scrape copies the totals; it neither resets nor doubles them.
        metrics.recordHttpRequest('GET', '/v1/widgets', 200, 1);
        const again = await scrape(t);
        assert.equal(seriesValue(again, `punchclock_http_request_duration_seconds_count{${get}}`), 6);
        assert.equal(
          seriesValue(again, `punchclock_http_request_duration_seconds_bucket{le="0.005",${get}}`),
          3,
        );
      });
    });

    test('two apps in one process keep their own series', async () => {
      const first = await createTestApp(dialect);
      const second = await createTestApp(dialect);
      try {
        first.app.context.metrics.recordRateLimitRefusal('account');
        assert.equal(
          seriesValue(await scrape(first), 'punchclock_rate_limit_refusals_total{reason="account"}'),
          1,
        );
        assert.equal(
          seriesValue(await scrape(second), 'punchclock_rate_limit_refusals_total{reason="account"}'),
          undefined,
        );
      } finally {
        await first.close();
        await second.close();
      }
    });

    test('/metrics is neither in the API document nor in the request log', async () => {
      await withTestApp(dialect, async (t) => {
        await scrape(t);
        const document = t.app.swagger() as { paths?: Record<string, unknown> };
        assert.equal(Object.keys(document.paths ?? {}).includes('/metrics'), false);
        await t.app.context.requestLog.flush();
        const rows = await t.db.db.selectFrom('api_request_log').select('id').execute();
        assert.equal(rows.length, 0);
      });
    });
  });
}
