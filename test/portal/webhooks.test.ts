import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import {
  getWebhookEndpoint,
  listWebhookDeliveries,
  listWebhookEndpoints,
} from '../../src/platform/webhooks/endpoints/service.js';
import { createTestAccount, type TestAccount, type TestApp } from '../helpers/app.js';
import { DIALECTS } from '../helpers/dialects.js';
import { addPortalUser, type PortalSignIn, portalRequest, signIn } from '../helpers/portal.js';
import { withTestApp } from '../helpers/security-suite.js';
import { WebhookReceiver } from '../helpers/webhook-receiver.js';

const PAGE = '/portal/developer/webhooks';
const ALLOW_PRIVATE = { env: { PUNCHCLOCK_WEBHOOK_ALLOW_PRIVATE: 'true' } };

/** The signing secret a page shows in its copy box. */
function shownSecret(html: string): string | undefined {
  return /<code id="endpoint-secret">(whsec_[A-Za-z0-9+/]{32})<\/code>/.exec(html)?.[1];
}

function endpointIdOf(html: string): string {
  const id = /<dt>Id<\/dt>\s*<dd>\s*<code>(we_[^<]+)<\/code>/.exec(html)?.[1];
  assert.ok(id, 'the page names the endpoint id');
  return id;
}

function assertSeeOther(response: LightMyRequestResponse, location: string | RegExp): void {
  assert.equal(response.statusCode, 303, response.body);
  const header = String(response.headers.location);
  if (typeof location === 'string') assert.equal(header, location);
  else assert.match(header, location);
}

async function adminSession(t: TestApp, plan?: 'trial' | 'pro'): Promise<[TestAccount, PortalSignIn]> {
  const account = await createTestAccount(t, plan ? { plan } : {});
  return [account, await signIn(t, account.admin.email)];
}

async function createEndpoint(
  t: TestApp,
  session: PortalSignIn,
  url: string,
  form: Record<string, string | string[]> = {},
): Promise<{ id: string; secret: string; response: LightMyRequestResponse }> {
  // One event type no test triggers: the endpoint's own webhook_endpoint.* events would add deliveries otherwise.
  const response = await portalRequest(t, session, 'POST', PAGE, {
    url,
    events_mode: 'selected',
    events: 'employee.deleted',
    ...form,
  });
  assert.equal(response.statusCode, 201, response.body);
  const secret = shownSecret(response.body);
  assert.ok(secret, 'the secret is shown once');
  return { id: endpointIdOf(response.body), secret, response };
}

for (const dialect of DIALECTS) {
  describe(`portal: webhooks pages (${dialect})`, () => {
    let receiver: WebhookReceiver;
    before(async () => {
      receiver = await WebhookReceiver.start();
    });
    after(() => receiver.close());

    test('creates an endpoint, shows its secret once with a copy button, then lists it without the secret', async () => {
      await withTestApp(
        dialect,
        async (t) => {
          const [account, session] = await adminSession(t);
          const empty = await portalRequest(t, session, 'GET', PAGE);
          assert.equal(empty.statusCode, 200);
          assert.match(empty.body, /<h1>Webhooks<\/h1>/);
          assert.match(empty.body, /No endpoints yet/);
          assert.match(empty.body, /<dialog id="create-endpoint"/);
          assert.match(empty.body, /<label for="endpoint-url">/);

          const url = receiver.endpoint('/created');
          const { id, secret, response } = await createEndpoint(t, session, url, {
            description: 'Payroll <sync>',
            api_version: '2025-03-01',
            events_mode: 'all',
          });
          assert.match(response.body, /data-copy-target="endpoint-secret"/);
          assert.match(response.body, /will not be shown again/);
          const stored = await getWebhookEndpoint(t.app.context, account.account.id, id);
          assert.deepEqual(stored.enabledEvents, ['*']);
          assert.equal(stored.apiVersion, '2025-03-01');
          assert.equal(stored.description, 'Payroll <sync>');

          const list = await portalRequest(t, session, 'GET', PAGE);
          assert.ok(list.body.includes(`href="${PAGE}/${id}"`));
          assert.ok(list.body.includes(`<code>${url}</code>`));
          assert.ok(list.body.includes('Payroll &lt;sync>'), 'descriptions are escaped');
          assert.match(list.body, /All events/);
          assert.match(list.body, /<span class="badge ok">Enabled<\/span>/);
          const detail = await portalRequest(t, session, 'GET', `${PAGE}/${id}`);
          assert.equal(detail.statusCode, 200);
          for (const page of [list, detail]) {
            assert.ok(!page.body.includes(secret), 'no page shows the secret again');
            assert.ok(!page.body.includes('whsec_'));
          }
        },
        ALLOW_PRIVATE,
      );
    });

    test('subscribes to the events ticked; the service refusals show in the form with their status', async () => {
      await withTestApp(dialect, async (t) => {
        const [account, session] = await adminSession(t, 'trial');
        const selected = await portalRequest(t, session, 'POST', PAGE, {
          url: 'https://93.184.216.34/hooks',
          events_mode: 'selected',
          events: ['employee.created', 'punch.clock_in'],
        });
        assert.equal(selected.statusCode, 201, selected.body);
        const id = endpointIdOf(selected.body);
        assert.deepEqual((await getWebhookEndpoint(t.app.context, account.account.id, id)).enabledEvents, [
          'employee.created',
          'punch.clock_in',
        ]);
        assert.match(selected.body, /employee\.created, punch\.clock_in/);

        // The SSRF rule is the service's: a loopback address is refused with its message.
        const loopback = await portalRequest(t, session, 'POST', PAGE, {
          url: 'https://127.0.0.1/hook',
          description: 'Local',
          events_mode: 'all',
        });
        assert.equal(loopback.statusCode, 400);
        assert.match(loopback.body, /not a public address/);
        assert.match(loopback.body, /<dialog id="create-endpoint"[^>]*data-open-on-load/);
        assert.match(loopback.body, /value="https:\/\/127\.0\.0\.1\/hook"/, 'the form comes back filled in');
        const plain = await portalRequest(t, session, 'POST', PAGE, {
          url: 'http://93.184.216.34/hook',
          events_mode: 'all',
        });
        assert.equal(plain.statusCode, 400);
        assert.match(plain.body, /must use https/);

        const none = await portalRequest(t, session, 'POST', PAGE, {
          url: 'https://93.184.216.34/x',
          events_mode: 'selected',
        });
        assert.equal(none.statusCode, 400);
        assert.match(none.body, /Choose at least one event/);
        const missing = await portalRequest(t, session, 'POST', PAGE, { url: '', events_mode: 'all' });
        assert.equal(missing.statusCode, 400);
        assert.match(missing.body, /Enter the URL/);
        const unknownEvent = await portalRequest(t, session, 'POST', PAGE, {
          url: 'https://93.184.216.34/x',
          events_mode: 'selected',
          events: 'employee.exploded',
        });
        assert.equal(unknownEvent.statusCode, 400);
        assert.match(
          unknownEvent.body,
          /Unknown event type &#34;employee.exploded&#34;|Unknown event type "employee.exploded"/,
        );

        // A trial account holds two endpoints: the third is the plan's 403.
        await portalRequest(t, session, 'POST', PAGE, { url: 'https://93.184.216.34/2', events_mode: 'all' });
        const third = await portalRequest(t, session, 'POST', PAGE, {
          url: 'https://93.184.216.34/3',
          events_mode: 'all',
        });
        assert.equal(third.statusCode, 403);
        assert.match(third.body, /role="alert"/);
        const page = await listWebhookEndpoints(t.app.context, account.account.id, {}, { limit: 10 });
        assert.equal(page.items.length, 2);
      });
    });

    test('sends a test event and shows the delivery with its attempt; replays it', async () => {
      await withTestApp(
        dialect,
        async (t) => {
          // A receiver of its own, verifying signatures at this test's clock time.
          const verifier = await WebhookReceiver.start({ clock: t.clock });
          try {
            const [account, session] = await adminSession(t);
            const { id, secret } = await createEndpoint(t, session, verifier.endpoint('/test-event'));
            verifier.endpoint('/test-event', secret);

            const sent = await portalRequest(t, session, 'POST', `${PAGE}/${id}/test`);
            assertSeeOther(sent, `${PAGE}/${id}?done=test-sent`);
            const queued = await portalRequest(t, session, 'GET', String(sent.headers.location));
            assert.match(queued.body, /A test event \(ping\) is queued/);
            assert.match(queued.body, /<code>ping<\/code>/);
            assert.match(queued.body, /badge info">pending/);
            assert.match(queued.body, /No attempt yet/);

            await t.app.context.webhooks.runOnce();
            assert.equal(verifier.at('/test-event').length, 1);
            assert.deepEqual(verifier.unverified(), [], 'signed with the secret shown');
            const delivered = await portalRequest(t, session, 'GET', `${PAGE}/${id}`);
            assert.match(delivered.body, /badge ok">succeeded/);
            assert.match(delivered.body, /<span class="badge ok">200<\/span>/);
            assert.match(delivered.body, /<code>ok<\/code>/, 'the response snippet');
            assert.match(delivered.body, /\d+ ms<\/td>/);

            const [delivery] = (
              await listWebhookDeliveries(t.app.context, account.account.id, id, {}, { limit: 10 })
            ).items;
            assert.ok(delivery);
            const replay = await portalRequest(
              t,
              session,
              'POST',
              `${PAGE}/${id}/deliveries/${delivery.id}/retry`,
            );
            assertSeeOther(replay, `${PAGE}/${id}?done=retried`);
            await t.app.context.webhooks.runOnce();
            assert.equal(verifier.at('/test-event').length, 2);
            const replayed = await portalRequest(t, session, 'GET', `${PAGE}/${id}?status=succeeded`);
            assert.equal((replayed.body.match(/<span class="badge ok">200<\/span>/g) ?? []).length, 2);
            const failedOnly = await portalRequest(t, session, 'GET', `${PAGE}/${id}?status=failed`);
            assert.match(failedOnly.body, /No deliveries yet/);
          } finally {
            await verifier.close();
          }
        },
        ALLOW_PRIVATE,
      );
    });

    test('disables and enables an endpoint, and recovers the deliveries that failed meanwhile', async () => {
      await withTestApp(
        dialect,
        async (t) => {
          const [account, session] = await adminSession(t);
          const { id } = await createEndpoint(t, session, receiver.endpoint('/recover'));
          await portalRequest(t, session, 'POST', `${PAGE}/${id}/test`);

          assertSeeOther(
            await portalRequest(t, session, 'POST', `${PAGE}/${id}/disable`),
            `${PAGE}/${id}?done=disabled`,
          );
          const disabled = await portalRequest(t, session, 'GET', `${PAGE}/${id}?done=disabled`);
          assert.match(disabled.body, /<span class="badge danger">Disabled<\/span>/);
          assert.match(disabled.body, /Disabled by an administrator/);
          assert.match(disabled.body, /badge danger">failed/, 'its pending delivery failed');
          assert.match(disabled.body, />Enable<\/button>/);

          // The service refuses to send to a disabled endpoint: its message, with its status, on the page.
          const refused = await portalRequest(t, session, 'POST', `${PAGE}/${id}/test`);
          assert.equal(refused.statusCode, 409);
          assert.match(refused.body, /is disabled; enable it/);

          assertSeeOther(
            await portalRequest(t, session, 'POST', `${PAGE}/${id}/enable`),
            `${PAGE}/${id}?done=enabled`,
          );
          const recovered = await portalRequest(t, session, 'POST', `${PAGE}/${id}/recover`, {
            since: '2026-11-01T06:00', // 11:00 UTC, an hour before the delivery
          });
          assertSeeOther(recovered, `${PAGE}/${id}?done=recovered&count=1`);
          const notice = await portalRequest(t, session, 'GET', String(recovered.headers.location));
          assert.match(notice.body, /1 failed delivery was queued to be sent again/);
          await t.app.context.webhooks.runOnce();
          assert.equal(receiver.at('/recover').length, 1);
          const [delivery] = (
            await listWebhookDeliveries(t.app.context, account.account.id, id, {}, { limit: 10 })
          ).items;
          assert.equal(delivery?.status, 'succeeded');

          const nothing = await portalRequest(t, session, 'POST', `${PAGE}/${id}/recover`, {
            since: '2026-11-01T06:00',
          });
          assertSeeOther(nothing, `${PAGE}/${id}?done=recovered&count=0`);
          const unreadable = await portalRequest(t, session, 'POST', `${PAGE}/${id}/recover`, {
            since: 'soon',
          });
          assert.equal(unreadable.statusCode, 400);
          assert.match(unreadable.body, /Enter the date and time/);
        },
        ALLOW_PRIVATE,
      );
    });

    test('rotates the secret behind a confirmation, showing the new one once; deletes the endpoint', async () => {
      await withTestApp(
        dialect,
        async (t) => {
          const [account, session] = await adminSession(t);
          const { id, secret } = await createEndpoint(t, session, receiver.endpoint('/rotate'));
          const detail = await portalRequest(t, session, 'GET', `${PAGE}/${id}`);
          assert.match(detail.body, /<dialog id="rotate-secret"/);
          assert.match(detail.body, /data-open-dialog="rotate-secret"/);

          const rotated = await portalRequest(t, session, 'POST', `${PAGE}/${id}/rotate-secret`);
          assert.equal(rotated.statusCode, 200);
          const fresh = shownSecret(rotated.body);
          assert.ok(fresh && fresh !== secret);
          assert.ok(!rotated.body.includes(secret), 'the old secret is not shown either');
          const later = await portalRequest(t, session, 'GET', `${PAGE}/${id}`);
          assert.ok(!later.body.includes(fresh));
          assert.match(later.body, /The previous secret also signs until Nov 2, 2026/);

          assertSeeOther(
            await portalRequest(t, session, 'POST', `${PAGE}/${id}/delete`),
            `${PAGE}?done=deleted`,
          );
          const list = await portalRequest(t, session, 'GET', `${PAGE}?done=deleted`);
          assert.match(list.body, /The endpoint was deleted/);
          assert.equal(
            (await listWebhookEndpoints(t.app.context, account.account.id, {}, { limit: 5 })).items.length,
            0,
          );
          assert.equal((await portalRequest(t, session, 'GET', `${PAGE}/${id}`)).statusCode, 404);
        },
        ALLOW_PRIVATE,
      );
    });

    test("unknown and other accounts' endpoints are 404s; every action needs the CSRF token", async () => {
      await withTestApp(
        dialect,
        async (t) => {
          const [, session] = await adminSession(t);
          const [other, otherSession] = await adminSession(t);
          const { id } = await createEndpoint(t, otherSession, receiver.endpoint('/other'));
          assert.equal((await portalRequest(t, session, 'GET', `${PAGE}/${id}`)).statusCode, 404);
          assert.equal((await portalRequest(t, session, 'POST', `${PAGE}/${id}/disable`)).statusCode, 404);
          assert.equal(
            (await portalRequest(t, session, 'POST', `${PAGE}/${id}/rotate-secret`)).statusCode,
            404,
          );
          assert.equal((await portalRequest(t, session, 'GET', `${PAGE}/we_nope`)).statusCode, 404);
          assert.equal(
            (await portalRequest(t, session, 'POST', `${PAGE}/${id}/deliveries/whd_nope/retry`)).statusCode,
            404,
          );

          for (const [path, form] of [
            [PAGE, { url: receiver.endpoint('/csrf'), events_mode: 'all' }],
            [`${PAGE}/${id}/disable`, {}],
            [`${PAGE}/${id}/rotate-secret`, {}],
            [`${PAGE}/${id}/test`, {}],
            [`${PAGE}/${id}/delete`, {}],
          ] as const) {
            const response = await portalRequest(t, otherSession, 'POST', path, form, { csrf: false });
            assert.equal(response.statusCode, 403, path);
            assert.match(response.body, /CSRF token/);
          }
          const endpoints = await listWebhookEndpoints(t.app.context, other.account.id, {}, { limit: 5 });
          assert.equal(endpoints.items.length, 1);
          assert.equal(endpoints.items[0]?.status, 'enabled');
        },
        ALLOW_PRIVATE,
      );
    });

    test('managers are refused every webhooks page and action', async () => {
      await withTestApp(
        dialect,
        async (t) => {
          const [account, adminSignIn] = await adminSession(t);
          const { id } = await createEndpoint(t, adminSignIn, receiver.endpoint('/manager'));
          const manager = await addPortalUser(t, account.account.id, 'manager');
          const session = await signIn(t, manager.email);
          for (const [method, path] of [
            ['GET', PAGE],
            ['GET', `${PAGE}/${id}`],
            ['POST', PAGE],
            ['POST', `${PAGE}/${id}/disable`],
            ['POST', `${PAGE}/${id}/rotate-secret`],
          ] as const) {
            const response = await portalRequest(t, session, method, path, {
              url: 'https://93.184.216.34/x',
            });
            assert.equal(response.statusCode, 403, `${method} ${path}`);
            assert.match(response.body, /Only administrators/);
            assert.ok(!response.body.includes('whsec_'));
          }
        },
        ALLOW_PRIVATE,
      );
    });
  });
}
