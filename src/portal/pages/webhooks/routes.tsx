import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { WebhookDeliveryStatus } from '../../../db/tables.js';
import type { AppContext } from '../../../platform/context.js';
import { ALL_PERMISSIONS } from '../../../platform/descriptors/permissions.js';
import { ApiError } from '../../../platform/errors/api-error.js';
import type { PageRequest } from '../../../platform/pagination/keyset.js';
import type { WebhookEndpointWithSecret } from '../../../platform/webhooks/endpoints/schema.js';
import * as webhooks from '../../../platform/webhooks/endpoints/service.js';
import { formErrorStatus, formText, pagerLinks } from '../../components.js';
import { PortalError } from '../../errors.js';
import { administratorOf, sendHtml } from '../../http.js';
import { fromDateTimeLocal, toDateTimeLocal } from '../../local-datetime.js';
import type { PortalSession } from '../../session/service.js';
import { endpointUrl, WEBHOOKS_URL } from './components.js';
import { DELIVERY_STATUSES, EndpointPage, type EndpointPageProps } from './endpoint-page.js';
import {
  EMPTY_ENDPOINT_FORM,
  type EndpointFormValues,
  endpointFormValuesOf,
  endpointInputOf,
} from './form.js';
import { WebhooksPage } from './list-page.js';

const ENDPOINTS_PER_PAGE = 25;
const DELIVERIES_PER_PAGE = 20;
const DAY_MS = 24 * 3_600_000;

/** What an action that redirects did, named in the redirect's query so the page can say it (never free text). */
const NOTICES = {
  enabled:
    'The endpoint is enabled and receives events again. Deliveries that failed meanwhile are not re-sent by themselves: recover them below.',
  disabled:
    'The endpoint is disabled: it receives nothing until enabled again, and its pending deliveries were marked failed.',
  'test-sent': 'A test event (ping) is queued for this endpoint: its delivery appears below once sent.',
  retried: 'The delivery is queued to be sent again now.',
  recovered: 'Failed deliveries were queued to be sent again.',
  deleted: 'The endpoint was deleted.',
} as const;
type Notice = keyof typeof NOTICES;

function noticeOf(query: unknown): string | undefined {
  const done = formText(query, 'done');
  if (!(done in NOTICES)) return undefined;
  if (done === 'recovered') {
    const count = Number.parseInt(formText(query, 'count'), 10);
    if (Number.isSafeInteger(count)) {
      return count === 0
        ? 'No failed deliveries since then: nothing to send again.'
        : `${count} failed ${count === 1 ? 'delivery was' : 'deliveries were'} queued to be sent again.`;
    }
  }
  return NOTICES[done as Notice];
}

/** Cursor query parameters of a newest-first list (`after` wins when both are sent, as on the API). */
function cursorOf(query: unknown): { after: string; before: string } {
  const after = formText(query, 'after');
  return { after, before: after ? '' : formText(query, 'before') };
}

function pageOf(cursor: { after: string; before: string }, limit: number): PageRequest {
  return { limit, startingAfter: cursor.after || undefined, endingBefore: cursor.before || undefined };
}

function withQuery(path: string, params: Record<string, string | undefined>): string {
  const search = new URLSearchParams(
    Object.entries(params).filter((entry): entry is [string, string] => Boolean(entry[1])),
  ).toString();
  return search ? `${path}?${search}` : path;
}

/** A service's "no such endpoint" is the portal's 404 page; any other refusal is shown on the page it came from. */
function notFoundAsPage(error: unknown): never {
  if (error instanceof ApiError && error.status === 404) throw new PortalError(404, error.message);
  throw error;
}

interface Params {
  id: string;
}

/** Developer API → Webhooks: endpoints, their deliveries with every attempt, and the actions of the API. */
export function webhookPages(portal: FastifyInstance, ctx: AppContext): void {
  async function listPage(
    request: FastifyRequest,
    reply: FastifyReply,
    session: PortalSession,
    form: { values: EndpointFormValues; error?: string; status?: number } = { values: EMPTY_ENDPOINT_FORM },
  ): Promise<FastifyReply> {
    const cursor = cursorOf(request.query);
    const page = await webhooks.listWebhookEndpoints(
      ctx,
      session.account.id,
      {},
      pageOf(cursor, ENDPOINTS_PER_PAGE),
    );
    return sendHtml(
      reply,
      <WebhooksPage
        session={session}
        endpoints={page.items}
        pager={pagerLinks(page, cursor, (next) => withQuery(WEBHOOKS_URL, next))}
        notice={noticeOf(request.query)}
        form={form.values}
        formError={form.error}
      />,
      form.status ?? 200,
    );
  }

  /** The endpoint's page; `query` carries its delivery filter, cursors and notice. */
  async function endpointPage(
    reply: FastifyReply,
    session: PortalSession,
    id: string,
    query: unknown,
    extra: Pick<EndpointPageProps, 'error' | 'secret'> & { status?: number } = {},
  ): Promise<FastifyReply> {
    const accountId = session.account.id;
    const endpoint = await webhooks.getWebhookEndpoint(ctx, accountId, id).catch(notFoundAsPage);
    const status = formText(query, 'status');
    const deliveryStatus = (DELIVERY_STATUSES as readonly string[]).includes(status)
      ? (status as WebhookDeliveryStatus)
      : undefined;
    const cursor = cursorOf(query);
    const page = await webhooks.listWebhookDeliveries(
      ctx,
      accountId,
      id,
      { status: deliveryStatus },
      pageOf(cursor, DELIVERIES_PER_PAGE),
    );
    const now = ctx.clock.now();
    return sendHtml(
      reply,
      <EndpointPage
        session={session}
        endpoint={endpoint}
        now={now.toISOString()}
        deliveries={page.items}
        deliveryStatus={deliveryStatus}
        pager={pagerLinks(page, cursor, (next) =>
          withQuery(endpointUrl(id), { status: deliveryStatus, ...next }),
        )}
        recoverSince={toDateTimeLocal(
          new Date(now.getTime() - DAY_MS).toISOString(),
          session.account.timezone,
        )}
        notice={noticeOf(query)}
        error={extra.error}
        secret={extra.secret}
      />,
      extra.status ?? 200,
    );
  }

  /** A refused action: its message on the endpoint's page, with the refusal's status; a missing endpoint is a 404. */
  function refusedOn(
    reply: FastifyReply,
    session: PortalSession,
    id: string,
    error: unknown,
  ): Promise<FastifyReply> {
    const refusal = error instanceof ApiError || error instanceof PortalError ? error : null;
    if (refusal === null || refusal.status === 404) notFoundAsPage(error);
    return endpointPage(reply, session, id, {}, { error: refusal.message, status: formErrorStatus(refusal) });
  }

  /**
   * An action on one endpoint as a plain form POST: done → 303 back to the endpoint's page, saying what was done;
   * refused by the service → the endpoint's page with the service's message and its status.
   */
  function endpointAction(
    path: string,
    act: (session: PortalSession, request: FastifyRequest<{ Params: Params }>) => Promise<string>,
  ): void {
    portal.post<{ Params: Params }>(`/developer/webhooks/:id${path}`, async (request, reply) => {
      const session = administratorOf(request);
      try {
        return reply.redirect(await act(session, request), 303);
      } catch (error) {
        return refusedOn(reply, session, request.params.id, error);
      }
    });
  }

  const done = (id: string, notice: Notice, count?: number) =>
    withQuery(endpointUrl(id), { done: notice, count: count === undefined ? undefined : String(count) });

  portal.get('/developer/webhooks', async (request, reply) =>
    listPage(request, reply, administratorOf(request)),
  );

  portal.post('/developer/webhooks', async (request, reply) => {
    const session = administratorOf(request);
    const values = endpointFormValuesOf(request.body);
    const parsed = endpointInputOf(values);
    if ('error' in parsed)
      return listPage(request, reply, session, { values, error: parsed.error, status: 400 });
    let created: WebhookEndpointWithSecret;
    try {
      created = await webhooks.createWebhookEndpoint(ctx, session.account.id, parsed.input, ALL_PERMISSIONS);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      return listPage(request, reply, session, {
        values,
        error: error.message,
        status: formErrorStatus(error),
      });
    }
    // The secret exists in this response only: the page is rendered here, not redirected to.
    return endpointPage(
      reply,
      session,
      created.id,
      {},
      {
        secret: { value: created.secret, heading: 'Endpoint created: its signing secret' },
        status: 201,
      },
    );
  });

  portal.get<{ Params: Params }>('/developer/webhooks/:id', async (request, reply) =>
    endpointPage(reply, administratorOf(request), request.params.id, request.query),
  );

  portal.post<{ Params: Params }>('/developer/webhooks/:id/rotate-secret', async (request, reply) => {
    const session = administratorOf(request);
    const rotated = await webhooks
      .rotateWebhookSecret(ctx, session.account.id, request.params.id)
      .catch(notFoundAsPage);
    return endpointPage(
      reply,
      session,
      rotated.id,
      {},
      {
        secret: { value: rotated.secret, heading: 'Secret rotated: the new signing secret' },
      },
    );
  });

  endpointAction('/enable', async (session, request) => {
    await webhooks.updateWebhookEndpoint(
      ctx,
      session.account.id,
      request.params.id,
      { status: 'enabled' },
      ALL_PERMISSIONS,
    );
    return done(request.params.id, 'enabled');
  });
  endpointAction('/disable', async (session, request) => {
    await webhooks.updateWebhookEndpoint(
      ctx,
      session.account.id,
      request.params.id,
      { status: 'disabled' },
      ALL_PERMISSIONS,
    );
    return done(request.params.id, 'disabled');
  });
  endpointAction('/test', async (session, request) => {
    await webhooks.sendTestEvent(ctx, session.account.id, request.params.id);
    return done(request.params.id, 'test-sent');
  });
  endpointAction('/recover', async (session, request) => {
    const since = fromDateTimeLocal(formText(request.body, 'since'), session.account.timezone);
    if (since === null) {
      throw new PortalError(400, 'Enter the date and time from which to recover failed deliveries.');
    }
    const recovery = await webhooks.recoverWebhookEndpoint(ctx, session.account.id, request.params.id, since);
    return done(request.params.id, 'recovered', recovery.requeued);
  });
  endpointAction('/delete', async (session, request) => {
    await webhooks.deleteWebhookEndpoint(ctx, session.account.id, request.params.id);
    return withQuery(WEBHOOKS_URL, { done: 'deleted' });
  });

  portal.post<{ Params: Params & { deliveryId: string } }>(
    '/developer/webhooks/:id/deliveries/:deliveryId/retry',
    async (request, reply) => {
      const session = administratorOf(request);
      try {
        const delivery = await webhooks.retryWebhookDelivery(
          ctx,
          session.account.id,
          request.params.deliveryId,
        );
        return reply.redirect(done(delivery.endpointId, 'retried'), 303);
      } catch (error) {
        return refusedOn(reply, session, request.params.id, error);
      }
    },
  );
}
