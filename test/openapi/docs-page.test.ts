import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestApp, type TestApp } from '../helpers/app.js';

/** Any absolute or protocol-relative URL: the docs page must not make the reader's browser leave this server. */
const EXTERNAL_URL = /(?:https?:)?\/\/[a-z0-9-]+(?:\.[a-z0-9-]+)+/gi;

describe('/docs (Scalar, self-hosted)', () => {
  let t: TestApp;
  let html: string;

  before(async () => {
    t = await createTestApp('sqlite');
    const redirect = await t.app.inject({ method: 'GET', url: '/docs' });
    assert.equal(redirect.statusCode, 301);
    assert.equal(redirect.headers.location, '/docs/');
    const page = await t.app.inject({ method: 'GET', url: '/docs/' });
    assert.equal(page.statusCode, 200);
    assert.match(String(page.headers['content-type']), /^text\/html/);
    html = page.body;
  });
  after(async () => {
    await t.close();
  });

  test('serves an HTML page that loads the OpenAPI document from this server', () => {
    assert.match(html, /<!doctype html>/i);
    assert.match(html, /<title>Punchclock API reference<\/title>/);
    assert.match(html, /"url": "\/openapi\.json"/);
  });

  test('every script and stylesheet it references is served by this server as JavaScript/CSS', async () => {
    const references = [...html.matchAll(/<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"/gi)].map(
      (m) => m[1],
    );
    assert.ok(references.length > 0, 'the page loads the Scalar bundle');
    for (const reference of references) {
      assert.ok(reference, 'empty reference');
      const url = new URL(reference, 'http://docs.invalid/docs/');
      assert.equal(url.host, 'docs.invalid', `${reference} must be relative to this server`);
      const asset = await t.app.inject({ method: 'GET', url: url.pathname });
      assert.equal(asset.statusCode, 200, `${url.pathname} is served`);
      if (url.pathname.endsWith('.js')) {
        assert.match(String(asset.headers['content-type']), /javascript/);
        assert.ok(asset.body.length > 100_000, 'the real bundle, not a stub');
      }
    }
  });

  test('references no external host (no CDN, no web fonts) and keeps Test request off the Scalar proxy', () => {
    assert.deepEqual(html.match(EXTERNAL_URL) ?? [], []);
    assert.match(html, /"withDefaultFonts": false/);
    assert.match(html, /"proxyUrl": ""/);
    assert.match(html, /"hiddenClients": true/);
  });
});
