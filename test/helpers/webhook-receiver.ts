import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Webhook } from 'standardwebhooks';
import type { Clock } from '../../src/shared/clock.js';

/** One request the receiver got. */
export interface ReceivedRequest {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** The `webhook-id` header: the event id. */
  readonly webhookId: string;
  /** Which of the path's secrets verified the request with `standardwebhooks`. */
  readonly verifiedWith: readonly string[];
  /** Why a secret did not verify it, by secret. */
  readonly verificationErrors: ReadonlyMap<string, string>;
}

/**
 * How the receiver answers one request: once `after` settles, if given; `hang` never answers (until the
 * receiver drops its connections).
 */
export type ReceiverAnswer =
  | { status: number; headers?: Record<string, string>; body?: string; after?: Promise<unknown> }
  | { hang: true };

/**
 * A local webhook receiver on 127.0.0.1 that verifies every request with the official `standardwebhooks` library
 * against the secrets registered for its path, as a real integrator's receiver would. Verification checks the
 * timestamp against "now": with a test clock, the clock's now (the dispatcher signs with the time it reads).
 */
export class WebhookReceiver {
  readonly received: ReceivedRequest[] = [];
  /** How to answer; tests change it between rounds. */
  answer: (request: ReceivedRequest) => ReceiverAnswer = () => ({ status: 200, body: 'ok' });
  readonly #server: http.Server;
  readonly #secrets = new Map<string, readonly string[]>();
  readonly #sockets = new Set<Socket>();
  readonly #clock: Clock | undefined;
  readonly #waiters: { count: number; resolve: () => void }[] = [];
  #maxInFlightByPath = new Map<string, number>();
  #inFlightByPath = new Map<string, number>();
  url = '';

  private constructor(clock: Clock | undefined) {
    this.#clock = clock;
    this.#server = http.createServer((request, response) => void this.#handle(request, response));
    this.#server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
  }

  static async start(options: { clock?: Clock } = {}): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver(options.clock);
    await new Promise<void>((resolve) => receiver.#server.listen(0, '127.0.0.1', resolve));
    receiver.url = `http://127.0.0.1:${(receiver.#server.address() as AddressInfo).port}`;
    return receiver;
  }

  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  /** Registers a path and the secrets every request to it must be verified with. */
  endpoint(path: string, ...secrets: string[]): string {
    this.#secrets.set(path, secrets);
    return `${this.url}${path}`;
  }

  /** Requests to `path`. */
  at(path: string): ReceivedRequest[] {
    return this.received.filter((request) => request.path === path);
  }

  /** Requests that some registered secret did not verify: every test expects none. */
  unverified(): ReceivedRequest[] {
    return this.received.filter((request) => request.verificationErrors.size > 0);
  }

  /** The most requests to `path` that were unanswered at the same moment. */
  maxInFlight(path: string): number {
    return this.#maxInFlightByPath.get(path) ?? 0;
  }

  /** Resolves once `count` requests in all have arrived. */
  waitFor(count: number): Promise<void> {
    if (this.received.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ count, resolve }));
  }

  /** Drops the connections of hung requests (their sender is gone) without closing the receiver. */
  dropConnections(): void {
    for (const socket of this.#sockets) socket.destroy();
  }

  async close(): Promise<void> {
    this.dropConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    const current = (this.#inFlightByPath.get(path) ?? 0) + 1;
    this.#inFlightByPath.set(path, current);
    this.#maxInFlightByPath.set(path, Math.max(this.#maxInFlightByPath.get(path) ?? 0, current));
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const verifiedWith: string[] = [];
    const verificationErrors = new Map<string, string>();
    for (const secret of this.#secrets.get(path) ?? []) {
      try {
        this.#atClockTime(() => new Webhook(secret).verify(body, request.headers as Record<string, string>));
        verifiedWith.push(secret);
      } catch (error) {
        verificationErrors.set(secret, (error as Error).message);
      }
    }
    const received: ReceivedRequest = {
      path,
      headers: request.headers,
      body,
      webhookId: String(request.headers['webhook-id']),
      verifiedWith,
      verificationErrors,
    };
    this.received.push(received);
    for (const waiter of this.#waiters.filter((w) => this.received.length >= w.count)) {
      this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
    const answer = this.answer(received);
    if ('hang' in answer) return;
    await answer.after;
    this.#inFlightByPath.set(path, (this.#inFlightByPath.get(path) ?? 1) - 1);
    response.writeHead(answer.status, answer.headers ?? {});
    response.end(answer.body ?? '');
  }

  /** The verifier reads Date.now(); for the length of one synchronous call it reads the test clock instead. */
  #atClockTime<T>(work: () => T): T {
    const clock = this.#clock;
    if (!clock) return work();
    const realNow = Date.now;
    Date.now = () => clock.now().getTime();
    try {
      return work();
    } finally {
      Date.now = realNow;
    }
  }
}
