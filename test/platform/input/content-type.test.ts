import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ErrorBody } from '../../helpers/app.js';
import { describeEachDialect } from '../../helpers/each-dialect.js';

/**
 * Issue 11, defect 10: media-type parameters are part of a Content-Type (RFC 9110 §8.3), so
 * `application/json; charset=utf-8` — what .NET's StringContent sends — is JSON; another charset is refused naming
 * it. Only `application/json` is accepted, and `application/merge-patch+json` on PATCH (RFC 7396): JSON:API and
 * JSON Patch documents mean something else and are refused rather than misread.
 */
describeEachDialect('request content types', ({ t, account }) => {
  const post = (contentType: string, payload = '{"firstName":"Ada","lastName":"Lovelace"}') =>
    t.app.inject({
      method: 'POST',
      url: '/v1/employees',
      headers: { authorization: `Bearer ${account.key}`, 'content-type': contentType },
      payload,
    });

  test('application/json with a utf-8 charset, in any case and quoting, is JSON', async () => {
    for (const type of [
      'application/json; charset=utf-8',
      'application/json;charset=UTF-8',
      'Application/JSON; Charset="utf-8"',
      'application/json ; charset=utf-8',
    ]) {
      const res = await post(type);
      assert.equal(res.statusCode, 201, `${type}: ${res.body}`);
    }
  });

  test('another charset is 415 naming it', async () => {
    for (const charset of ['iso-8859-1', 'utf-16', 'windows-1252']) {
      const res = await post(`application/json; charset=${charset}`);
      assert.equal(res.statusCode, 415, charset);
      const body = res.json() as ErrorBody;
      assert.equal(body.error.code, 'unsupported_media_type');
      assert.match(body.error.message, new RegExp(charset));
      assert.equal(body.error.requestId, res.headers['x-request-id']);
    }
  });

  test('other JSON-flavoured media types are 415, not read as JSON', async () => {
    for (const type of [
      'application/vnd.api+json',
      'application/json-patch+json',
      'application/problem+json',
      'text/json',
      'application/jsonx',
    ]) {
      const res = await post(type);
      assert.equal(res.statusCode, 415, `${type}: ${res.body}`);
      assert.equal((res.json() as ErrorBody).error.code, 'unsupported_media_type');
    }
  });

  test('a malformed Content-Type is 415 in the envelope', async () => {
    for (const type of ['application/', '/json', 'application json', 'application/json; charset']) {
      const res = await post(type);
      assert.equal(res.statusCode, 415, `${type}: ${res.body}`);
      assert.equal((res.json() as ErrorBody).error.code, 'unsupported_media_type');
    }
  });

  test('application/merge-patch+json is accepted on PATCH only', async () => {
    const created = await post('application/json');
    const id = (created.json() as { id: string }).id;
    const patch = await t.app.inject({
      method: 'PATCH',
      url: `/v1/employees/${id}`,
      headers: {
        authorization: `Bearer ${account.key}`,
        'content-type': 'application/merge-patch+json; charset=utf-8',
      },
      payload: '{"lastName":"Byron"}',
    });
    assert.equal(patch.statusCode, 200, patch.body);
    assert.equal((patch.json() as { lastName: string }).lastName, 'Byron');
    const onPost = await post('application/merge-patch+json');
    assert.equal(onPost.statusCode, 415);
    assert.match((onPost.json() as ErrorBody).error.message, /PATCH/);
  });
});
