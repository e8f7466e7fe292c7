import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { checkWebhookUrl, type HostResolver } from './ssrf.js';

export interface WebhookRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** The whole attempt, name resolution included, is abandoned after this long. */
  readonly timeoutMs: number;
}

export interface WebhookResponse {
  /** Null when no response arrived (timeout, refused connection, refused address). */
  readonly statusCode: number | null;
  /** The first `RESPONSE_SNIPPET_BYTES` of the response body, for the attempt log. */
  readonly body: string | null;
  readonly retryAfter: string | null;
  /** Why no response arrived; null when one did, whatever its status. */
  readonly error: string | null;
}

/** Sends one delivery attempt; never rejects: every failure is described in the response. */
export type WebhookSender = (request: WebhookRequest) => Promise<WebhookResponse>;

export const RESPONSE_SNIPPET_BYTES = 1024;

export interface HttpSenderOptions {
  /** `PUNCHCLOCK_WEBHOOK_ALLOW_PRIVATE`: deliver to loopback and private addresses too. */
  readonly allowPrivate: boolean;
  readonly resolve: HostResolver;
}

/**
 * POSTs over node:http(s). The URL is checked again at every attempt, not only when the endpoint was saved: a name
 * can resolve to a private address later (DNS rebinding). The connection then goes to the very address that was
 * checked — the request's own lookup is pinned to it — so a second resolution cannot slip another one in.
 */
export function httpSender(options: HttpSenderOptions): WebhookSender {
  return async (request) => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), request.timeoutMs);
    try {
      const target = await abortable(checkedTarget(request.url, options), controller.signal);
      return await post(request, target, controller.signal);
    } catch (error) {
      const reason = controller.signal.aborted
        ? `no response within ${request.timeoutMs} ms`
        : error instanceof Error
          ? error.message
          : String(error);
      return { statusCode: null, body: null, retryAfter: null, error: storable(reason) };
    } finally {
      clearTimeout(timer);
    }
  };
}

interface Target {
  readonly url: URL;
  /** The checked address to connect to. */
  readonly address: string;
}

async function checkedTarget(raw: string, options: HttpSenderOptions): Promise<Target> {
  const { url, addresses } = await checkWebhookUrl(raw, options);
  // With allowPrivate the check resolves nothing; resolve here so the connection still goes where we looked.
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const candidates =
    addresses.length > 0 ? addresses : isIP(host) !== 0 ? [host] : await options.resolve(host);
  const address = candidates[0];
  if (address === undefined) throw new Error(`The webhook URL's host ${host} does not resolve.`);
  return { url, address };
}

/** A lookup that answers every query with one address, in either of the two shapes node:net asks for. */
function pinnedLookup(address: string): LookupFunction {
  const family = isIP(address);
  return (_hostname, lookupOptions, callback) => {
    if (lookupOptions.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  };
}

function post(request: WebhookRequest, target: Target, signal: AbortSignal): Promise<WebhookResponse> {
  const client = target.url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const outgoing = client.request(
      target.url,
      {
        method: 'POST',
        headers: { ...request.headers, 'content-length': String(Buffer.byteLength(request.body)) },
        lookup: pinnedLookup(target.address),
        // A connection per attempt: a pooled socket would bypass the address pinned for this attempt.
        agent: false,
        signal,
      },
      (response) => {
        const chunks: Buffer[] = [];
        let received = 0;
        response.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          received += chunk.length;
          // The attempt log keeps only a snippet; the rest of a large body is not worth waiting for.
          if (received >= RESPONSE_SNIPPET_BYTES) response.destroy();
        });
        // A body cut short (the snippet is full, or the deadline passed) still leaves the status to record: 'close'.
        response.on('error', () => undefined);
        response.on('close', () => {
          const retryAfter = response.headers['retry-after'];
          resolve({
            statusCode: response.statusCode ?? null,
            body: storable(Buffer.concat(chunks).subarray(0, RESPONSE_SNIPPET_BYTES).toString('utf8')),
            retryAfter: typeof retryAfter === 'string' ? retryAfter : null,
            error: null,
          });
        });
      },
    );
    outgoing.on('error', reject);
    outgoing.end(request.body);
  });
}

function abortable<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
    work.then(resolve, reject);
  });
}

/** PostgreSQL text cannot hold NUL characters, and a receiver's response may contain anything. */
function storable(text: string): string {
  return text.replaceAll('\u0000', '');
}
