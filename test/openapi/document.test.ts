import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ERROR_CATALOGUE } from '../../src/platform/errors/catalogue.js';
import { SAMPLE_LABELS } from '../../src/platform/openapi/code-samples.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { deref, fetchDocument, type Json, type OpenApiDocument, v1Operations } from './openapi-document.js';

const SUCCESS_HEADERS = [
  'X-Request-Id',
  'X-Api-Version',
  'X-RateLimit-Limit',
  'X-RateLimit-Remaining',
  'X-RateLimit-Reset',
  'RateLimit-Policy',
  'RateLimit',
];

describe('/openapi.json', () => {
  let t: TestApp;
  let document: OpenApiDocument;

  before(async () => {
    t = await createTestApp('sqlite');
    ({ document } = await fetchDocument(t));
  });
  after(async () => {
    await t.close();
  });

  test('is OpenAPI 3.1 with the Bearer security scheme and at least the known operations', () => {
    assert.equal(document.openapi, '3.1.0');
    const schemes = (document.components.securitySchemes ?? {}) as Record<string, Json>;
    assert.deepEqual(
      { type: schemes.bearerAuth?.type, scheme: schemes.bearerAuth?.scheme },
      { type: 'http', scheme: 'bearer' },
    );
    const ids = v1Operations(document).map(({ op }) => op.operationId);
    for (const id of [
      'listEmployees',
      'createEmployee',
      'getEmployee',
      'getCurrentApiKey',
      'listApiVersions',
    ]) {
      assert.ok(ids.includes(id), `missing operation ${id}`);
    }
    assert.ok(
      Object.keys(document.paths).every((path) => path.startsWith('/v1/')),
      'only /v1 belongs in the document',
    );
  });

  test('every /v1 operation has summary, description, a unique operationId and declared tags', () => {
    const declared = new Map((document.tags ?? []).map((tag) => [tag.name, tag.description]));
    const ids = new Set<string>();
    for (const { path, method, op } of v1Operations(document)) {
      const where = `${method.toUpperCase()} ${path}`;
      assert.ok(op.summary, `${where}: summary`);
      assert.ok(op.description, `${where}: description`);
      assert.ok(op.operationId && /^[a-z][A-Za-z0-9]+$/.test(op.operationId), `${where}: operationId`);
      assert.ok(!ids.has(op.operationId), `${where}: operationId ${op.operationId} is not unique`);
      ids.add(op.operationId);
      assert.ok(op.tags && op.tags.length > 0, `${where}: tags`);
      for (const tag of op.tags)
        assert.ok(declared.get(tag), `${where}: tag "${tag}" must be declared with a description`);
      assert.ok(Array.isArray(op.security), `${where}: security must be explicit ([] when public)`);
    }
  });

  test('secured operations use bearerAuth and document 401 and 403; every response has X-Request-Id', () => {
    for (const { path, method, op } of v1Operations(document)) {
      const where = `${method.toUpperCase()} ${path}`;
      const responses = op.responses ?? {};
      const secured = (op.security ?? []).length > 0;
      if (secured) {
        assert.deepEqual(op.security, [{ bearerAuth: [] }], `${where}: security`);
        for (const status of ['401', '403']) assert.ok(responses[status], `${where}: ${status} response`);
      }
      // Every /v1 operation is rate limited (public ones per client address), so every one documents 429.
      for (const status of ['400', '429', '500'])
        assert.ok(responses[status], `${where}: ${status} response`);
      if (path.includes('{')) assert.ok(responses['404'], `${where}: 404 response`);
      const statuses = Object.keys(responses);
      assert.ok(
        statuses.some((s) => s.startsWith('2')),
        `${where}: a success response`,
      );
      for (const [status, value] of Object.entries(responses)) {
        const response = deref<{ headers?: Json; content?: Record<string, Json> }>(document, value);
        const headers = Object.keys(response.headers ?? {});
        assert.ok(headers.includes('X-Request-Id'), `${where} ${status}: X-Request-Id header`);
        if (status.startsWith('2')) {
          for (const header of SUCCESS_HEADERS) {
            assert.ok(headers.includes(header), `${where} ${status}: ${header} header`);
          }
        } else {
          const schema = response.content?.['application/json']?.schema as Json | undefined;
          assert.equal(schema?.$ref, '#/components/schemas/Error', `${where} ${status}: error envelope`);
        }
        if (status === '429') assert.ok(headers.includes('Retry-After'), `${where}: 429 Retry-After`);
      }
    }
  });

  test('every /v1 operation has code samples in curl, Node.js, Python and C# with real values', () => {
    for (const { path, method, op } of v1Operations(document)) {
      const where = `${method.toUpperCase()} ${path}`;
      const samples = op['x-codeSamples'] ?? [];
      assert.deepEqual(
        samples.map((s) => s.label),
        [...SAMPLE_LABELS],
        `${where}: sample labels`,
      );
      const secured = (op.security ?? []).length > 0;
      for (const sample of samples) {
        const what = `${where} (${sample.label})`;
        assert.ok(sample.lang && sample.source, `${what}: lang and source`);
        assert.doesNotMatch(
          sample.source,
          /\/v1\/[^\s'"]*\{\w+\}/,
          `${what}: path parameter left unsubstituted`,
        );
        assert.ok(sample.source.includes(path.split('{')[0] ?? path), `${what}: calls its path`);
        assert.ok(sample.source.includes(method.toUpperCase()), `${what}: uses ${method.toUpperCase()}`);
        assert.equal(
          sample.source.includes('PUNCHCLOCK_API_KEY'),
          secured,
          `${what}: sends the key iff secured`,
        );
        assert.ok(sample.source.includes('X-Api-Version'), `${what}: pins a version`);
      }
      // Creates and updates carry a body; only actions (`POST /{id}/<verb>`) may go without one.
      if (method === 'patch' || (method === 'post' && !/\/\{\w+\}\/[a-z-]+$/.test(path))) {
        assert.ok(op.requestBody, `${where}: has a request body`);
      }
      if (op.requestBody) {
        const body = (op.requestBody?.content as Record<string, Json> | undefined)?.['application/json']
          ?.example;
        assert.ok(body && typeof body === 'object' && Object.keys(body).length > 0, `${where}: body example`);
        const bySample = Object.fromEntries(samples.map((s) => [s.label, s.source]));
        const json = JSON.stringify(body);
        assert.ok(bySample.curl?.includes(`-d '${json}'`), `${where}: curl sends the example body`);
        assert.ok(bySample['Node.js']?.includes('body: JSON.stringify('), `${where}: Node.js sends a body`);
        assert.ok(bySample.Python?.includes('json={'), `${where}: Python sends a body`);
        assert.ok(bySample['C#']?.includes(JSON.stringify(json)), `${where}: C# sends the example body`);
      }
    }
  });

  test('path parameters get the example id in samples', () => {
    const getEmployee = document.paths['/v1/employees/{id}']?.get;
    const curl = getEmployee?.['x-codeSamples']?.find((s) => s.label === 'curl');
    assert.match(curl?.source ?? '', /\/v1\/employees\/emp_[0-9A-Z]{26}'/);
  });

  test('optional query parameters with defaults are not marked required', () => {
    const list = document.paths['/v1/employees']?.get;
    const limit = list?.parameters?.find((p) => p.name === 'limit');
    assert.equal(limit?.required, false);
  });

  test('a body that may be left out is not marked required; other bodies are', () => {
    const unapprove = document.paths['/v1/time-cards/{id}/unapprove']?.post;
    assert.equal(unapprove?.requestBody?.required, false);
    assert.equal(document.paths['/v1/employees']?.post?.requestBody?.required, true);
    assert.equal(JSON.stringify(document).includes('x-body-optional'), false, 'the marker stays internal');
  });

  test('the docs list every error code of the catalogue with its status', () => {
    const info = document.info as { description: string };
    for (const [code, def] of Object.entries(ERROR_CATALOGUE)) {
      assert.ok(info.description.includes(`| ${def.status} | \`${def.type}\` | \`${code}\` |`), code);
    }
    const schemas = document.components.schemas as {
      Error?: { properties: { error: { properties: { code: { enum: string[] } } } } };
    };
    const codeEnum = schemas.Error?.properties.error.properties.code.enum;
    assert.deepEqual(codeEnum, Object.keys(ERROR_CATALOGUE));
  });
});
