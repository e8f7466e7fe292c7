import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createTestApp, type ErrorBody, type TestApp } from '../../helpers/app.js';

const REQUEST_ID = /^req_[0-9A-Z]{26}$/;
const KEY = `pc_live_${'0'.repeat(40)}`;

interface RawResponse {
  status: number;
  headers: Map<string, string>;
  body: ErrorBody;
}

/** Parses the one response a refused connection gets; the server ends the connection after it. */
function parseResponse(raw: string): RawResponse {
  const split = raw.indexOf('\r\n\r\n');
  assert.ok(split > 0, `a whole HTTP response: ${JSON.stringify(raw.slice(0, 200))}`);
  const [statusLine = '', ...lines] = raw.slice(0, split).split('\r\n');
  const headers = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const body = raw.slice(split + 4);
  assert.equal(Buffer.byteLength(body), Number(headers.get('content-length')), 'Content-Length is the body');
  return { status: Number(statusLine.split(' ')[1]), headers, body: JSON.parse(body) as ErrorBody };
}

/** Sends `request` byte for byte (no client library in between) and reads until the server closes. */
function sendRaw(origin: string, request: string): Promise<RawResponse> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      received += chunk;
    });
    socket.on('error', reject);
    socket.on('end', () => {
      socket.end();
      try {
        resolve(parseResponse(received));
      } catch (error) {
        reject(error);
      }
    });
    socket.write(request);
  });
}

function assertRefusal(response: RawResponse, status: number, code: string): void {
  assert.equal(response.status, status, JSON.stringify(response.body));
  assert.equal(response.body.error.type, 'invalid_request_error');
  assert.equal(response.body.error.code, code);
  assert.equal(typeof response.body.error.message, 'string');
  assert.match(response.body.error.requestId, REQUEST_ID);
  assert.equal(response.headers.get('x-request-id'), response.body.error.requestId);
  assert.equal(response.headers.get('content-type'), 'application/json; charset=utf-8');
  assert.equal(response.headers.get('connection'), 'close');
  assert.ok(!JSON.stringify(response.body).includes('aaaaaaaaaa'), 'the request is not echoed');
}

/**
 * Requests Node's HTTP parser refuses before Fastify sees them (headers over 16 KiB, a garbage request line) got
 * Fastify's own body: no envelope, no X-Request-Id, and the socket closed without `Connection: close`. They are
 * sent over the network here: `app.inject` never goes through Node's parser.
 */
describe('requests the HTTP parser refuses', () => {
  let t: TestApp;
  let origin: string;
  const logLines: string[] = [];

  before(async () => {
    t = await createTestApp('sqlite', {
      logger: { level: 'info', stream: { write: (line) => void logLines.push(line) } },
    });
    origin = await t.app.listen({ port: 0, host: '127.0.0.1' });
  });

  after(() => t.close());

  test('a 20 KB URL is 431 request_header_too_large in the envelope', async () => {
    const response = await sendRaw(
      origin,
      `GET /v1/employees?search=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: localhost\r\n\r\n`,
    );
    assertRefusal(response, 431, 'request_header_too_large');
  });

  test('a 20 KB header is 431 too, and neither the header nor the key is logged', async () => {
    const response = await sendRaw(
      origin,
      `GET /v1/employees HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${KEY}\r\n` +
        `X-Filler: ${'a'.repeat(20_000)}\r\n\r\n`,
    );
    assertRefusal(response, 431, 'request_header_too_large');
    const logged = logLines.filter((line) => line.includes(response.body.error.requestId));
    assert.equal(logged.length, 1, 'the refusal is logged once, with its request id');
    assert.ok(!logged[0]?.includes(KEY) && !logged[0]?.includes('aaaaaaaaaa'), logged[0]);
  });

  test('a garbage request line is 400 parameter_invalid in the envelope', async () => {
    for (const request of ['NOT HTTP AT ALL\r\n\r\n', 'GET /v1/employees HTTP/1.1\r\nBad Header\r\n\r\n']) {
      assertRefusal(await sendRaw(origin, request), 400, 'parameter_invalid');
    }
  });

  test('headers that never finish arriving are 408 request_timeout in the envelope', async () => {
    // Node reports the timeout after its headersTimeout (60 s); the test hands the same report to the server.
    const accepted = new Promise<Socket>((resolve) => t.app.server.once('connection', resolve));
    const answer = sendRaw(origin, 'GET /v1/employees HTTP/1.1\r\nHost: localhost\r\n');
    const timeout = Object.assign(new Error('Request timeout'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' });
    t.app.server.emit('clientError', timeout, await accepted);
    assertRefusal(await answer, 408, 'request_timeout');
  });

  test("Node's fetch of a 20 KB URL reads the 431, not a socket error", async () => {
    for (let i = 0; i < 5; i++) {
      const response = await fetch(`${origin}/v1/employees?search=${'a'.repeat(20_000)}`, {
        headers: { authorization: `Bearer ${KEY}` },
      });
      assert.equal(response.status, 431, `try ${i + 1}`);
      const body = (await response.json()) as ErrorBody;
      assert.equal(body.error.code, 'request_header_too_large');
      assert.equal(body.error.requestId, response.headers.get('x-request-id'));
    }
  });

  test('a request of normal size on the same server is still served', async () => {
    const response = await fetch(`${origin}/healthz`);
    assert.equal(response.status, 200);
  });
});
