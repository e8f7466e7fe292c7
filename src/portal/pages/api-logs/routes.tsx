import type { FastifyInstance } from 'fastify';
import { listApiKeys } from '../../../platform/api-keys/service.js';
import type { AppContext } from '../../../platform/context.js';
import { keysWithRefusalBurst } from '../../../platform/request-log/refusal-burst.js';
import { countsPerHour, listRequests } from '../../../platform/request-log/repository.js';
import { pagerLinks } from '../../components.js';
import { administratorOf, isHtmx, sendHtml } from '../../http.js';
import { CHART_RANGES } from './chart.js';
import { filtersOf, logQueryOf, logUrl } from './filters.js';
import { ApiLogsPage, LogResults, RESULTS_ID } from './page.js';

const PAGE_SIZE = 50;
const HOUR_MS = 3_600_000;

/** Developer API → API logs: the account's /v1 requests with filters, a chart, and keys refused in bulk. */
export function apiLogPages(portal: FastifyInstance, ctx: AppContext): void {
  portal.get('/developer/api-logs', async (request, reply) => {
    const session = administratorOf(request);
    const accountId = session.account.id;
    const query = logQueryOf(request.query);
    const { filters, errors } = filtersOf(query, session.account.timezone);

    // The chart ends with the current hour, so the newest requests are in its last bar.
    const chartTo = Math.ceil((ctx.clock.now().getTime() + 1) / HOUR_MS) * HOUR_MS;
    const chartFrom = chartTo - CHART_RANGES[query.range].hours * HOUR_MS;
    const [keys, bursts, hours, page] = await Promise.all([
      listApiKeys(ctx, accountId),
      keysWithRefusalBurst(ctx, accountId),
      countsPerHour(ctx.database.db, accountId, {
        from: new Date(chartFrom).toISOString(),
        to: new Date(chartTo).toISOString(),
        keyId: filters.keyId,
      }),
      errors.length > 0
        ? { items: [], hasMore: false }
        : listRequests(ctx.database.db, accountId, filters, {
            limit: PAGE_SIZE,
            startingAfter: query.after || undefined,
            endingBefore: query.after ? undefined : query.before || undefined,
          }),
    ]);

    const results = (
      <LogResults
        session={session}
        query={query}
        keys={keys}
        suspicious={new Set(bursts.map((burst) => burst.keyId))}
        errors={errors}
        rows={page.items}
        pager={pagerLinks(page, query, (cursor) =>
          logUrl(query, { after: cursor.after ?? '', before: cursor.before ?? '' }),
        )}
        hours={hours}
      />
    );
    // Only a swap of the results gets the fragment (a history restore asks for the whole page). htmx swaps only
    // 2xx answers: a filter it cannot read comes back as a 200 fragment carrying the message.
    if (isHtmx(request) && request.headers['hx-target'] === RESULTS_ID) return sendHtml(reply, results);
    return sendHtml(
      reply,
      <ApiLogsPage session={session} keys={keys} bursts={bursts}>
        {results}
      </ApiLogsPage>,
      errors.length > 0 ? 400 : 200,
    );
  });
}
