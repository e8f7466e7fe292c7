/**
 * Sends the fuzzer's requests over real HTTP with node:http, byte for byte as built: fetch would normalise bad
 * percent-encodings and refuse some headers, and the point is to send what a broken client sends. A request that
 * gets no complete answer (the connection reset, EPIPE while uploading, a timeout) is a failure of its own: the
 * contract promises every request an answer, a 413 for a huge upload included.
 */
import http, { type IncomingHttpHeaders } from 'node:http';

/** One request as it goes on the wire. */
export interface WireRequest {
  readonly method: string;
  /** Raw path and query, already percent-encoded (or deliberately not). */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: Buffer | undefined;
}

export interface WireResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
  readonly ms: number;
}

/** No complete response: why, and after how long. */
export interface WireError {
  readonly error: string;
  readonly ms: number;
}

export type WireOutcome = WireResponse | WireError;

export function isWireError(outcome: WireOutcome): outcome is WireError {
  return 'error' in outcome;
}

/** A keep-alive client for one server, with at most `concurrency` sockets. */
export class WireClient {
  readonly #agent: http.Agent;
  readonly #host: string;
  readonly #port: number;
  readonly #timeoutMs: number;
  readonly #last = new WeakMap<object, string>();

  constructor(origin: string, concurrency: number, timeoutMs = 30_000) {
    const url = new URL(origin);
    this.#host = url.hostname;
    this.#port = Number(url.port);
    this.#timeoutMs = timeoutMs;
    this.#agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  }

  send(request: WireRequest): Promise<WireOutcome> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    return new Promise((resolve) => {
      let settled = false;
      const settle = (outcome: WireOutcome) => {
        if (settled) return;
        settled = true;
        resolve(outcome);
      };
      let outgoing: http.ClientRequest;
      try {
        outgoing = http.request({
          host: this.#host,
          port: this.#port,
          method: request.method,
          path: request.path,
          headers: {
            ...request.headers,
            ...(request.body ? { 'content-length': String(request.body.length) } : {}),
          },
          agent: this.#agent,
        });
      } catch (error) {
        // Node refuses some paths and headers outright; the builder must not produce them.
        settle({ error: `client refused to send: ${(error as Error).message}`, ms: elapsed() });
        return;
      }
      outgoing.setTimeout(this.#timeoutMs, () =>
        outgoing.destroy(new Error(`no answer in ${this.#timeoutMs} ms`)),
      );
      // On a kept-alive connection, what came before explains a reset: the server closed it after that answer.
      let previous = '';
      outgoing.on('socket', (socket) => {
        // Not `reusedSocket`: Node leaves it false when a queued request gets a socket another one just freed.
        const before = this.#last.get(socket);
        previous = before ? ` (on a reused connection; its previous request: ${before})` : '';
      });
      outgoing.on('error', (error: NodeJS.ErrnoException) =>
        settle({ error: `${error.code ?? 'error'}: ${error.message}${previous}`, ms: elapsed() }),
      );
      outgoing.on('response', (incoming) => {
        this.#last.set(
          incoming.socket,
          `${request.method} ${request.path.slice(0, 100)} → ${incoming.statusCode}`,
        );
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('error', (error) => settle({ error: `response: ${error.message}`, ms: elapsed() }));
        incoming.on('end', () =>
          settle({
            status: incoming.statusCode ?? 0,
            headers: incoming.headers,
            text: Buffer.concat(chunks).toString('utf8'),
            ms: elapsed(),
          }),
        );
      });
      outgoing.end(request.body);
    });
  }

  close(): void {
    this.#agent.destroy();
  }
}
