import { performance } from 'node:perf_hooks';
import type { Db } from '../../db/tables.js';
import type { Clock } from '../../shared/clock.js';
import { newId } from '../../shared/ids.js';
import {
  type ClaimedDelivery,
  claimDueDeliveries,
  type DeliveryOutcome,
  endpointsWithDueDeliveries,
  insertAttempt,
  loadClaimedDeliveries,
  lockAttemptedDelivery,
  settleDelivery,
} from './delivery-repository.js';
import { type AttemptVerdict, applyAttemptVerdict } from './endpoint-health.js';
import { endpointPermissions, lockEndpointRow } from './endpoint-repository.js';
import { WEBHOOK_ATTEMPTS } from './endpoints/resource.js';
import type { WebhookRequest, WebhookResponse, WebhookSender } from './http-sender.js';
import type { OutboxContext } from './outbox.js';
import { projectEvent, renderEvent } from './render.js';
import {
  defaultJitter,
  honoursRetryAfter,
  type Jitter,
  retryAfterDelay,
  retryDelayAfter,
} from './retry-schedule.js';
import { signDelivery, signingSecrets } from './signer.js';

export const USER_AGENT = 'Punchclock-Webhooks/1';

/** The longest one attempt may take (DESIGN §3.10). */
export const MAX_ATTEMPT_TIMEOUT_MS = 15_000;

export interface DispatcherOptions {
  readonly send: WebhookSender;
  /** How long a claim lasts; a delivery whose claim is older was abandoned by a dead process and is taken again. */
  readonly claimTtlMs: number;
  /**
   * How long an attempt may take: 15 s, or half the claim TTL if that is shorter, so a live process's claim never
   * expires while its request is still running (another process would then send the delivery a second time).
   */
  readonly timeoutMs?: number;
  /** Deliveries of one endpoint in flight at once, across every process. */
  readonly perEndpointConcurrency?: number;
  /** Deliveries this process has in flight at once. */
  readonly maxInFlight?: number;
  /** How often the loop looks for due deliveries when it has not been woken. */
  readonly pollIntervalMs?: number;
  readonly jitter?: Jitter;
}

export interface DispatcherLogger {
  error(details: object, message: string): void;
}

/** What one `runOnce` did: the deliveries it claimed and attempted, by outcome. */
export interface DispatchRound {
  readonly attempted: number;
  readonly succeeded: number;
}

/**
 * Sends webhook deliveries from the outbox (DESIGN §3.10). Any number of dispatchers, in any number of processes,
 * may run against one PostgreSQL database: deliveries are claimed for a limited time (see `claimDueDeliveries`),
 * every attempt is recorded and counted, and the outcome of an attempt is written only while its claim still holds.
 * Delivery is at least once: a process that dies mid-attempt leaves a claim that expires, and the delivery is sent
 * again — receivers deduplicate on `webhook-id`, the event id.
 */
export class WebhookDispatcher {
  readonly #db: Db;
  readonly #outbox: OutboxContext;
  readonly #clock: Clock;
  readonly #log: DispatcherLogger;
  readonly #send: WebhookSender;
  readonly #claimTtlMs: number;
  readonly #timeoutMs: number;
  readonly #perEndpoint: number;
  readonly #maxInFlight: number;
  readonly #pollIntervalMs: number;
  readonly #jitter: Jitter;
  readonly #inFlight = new Set<Promise<unknown>>();
  #loop: Promise<void> | null = null;
  #stopping = false;
  /** Set by wake() while the loop is busy, so the wake is not lost: the next idle wait returns at once. */
  #woken = false;
  #interruptIdle: (() => void) | null = null;

  /** `outbox`: the clock, and the registry that says what each endpoint may read of an event. */
  constructor(db: Db, outbox: OutboxContext, log: DispatcherLogger, options: DispatcherOptions) {
    this.#db = db;
    this.#outbox = outbox;
    this.#clock = outbox.clock;
    this.#log = log;
    this.#send = options.send;
    this.#claimTtlMs = options.claimTtlMs;
    this.#timeoutMs = options.timeoutMs ?? Math.min(MAX_ATTEMPT_TIMEOUT_MS, options.claimTtlMs / 2);
    this.#perEndpoint = options.perEndpointConcurrency ?? 3;
    this.#maxInFlight = options.maxInFlight ?? 50;
    this.#pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.#jitter = options.jitter ?? defaultJitter;
  }

  get running(): boolean {
    return this.#loop !== null;
  }

  /** Starts the background loop (the server does; tests drive `runOnce` instead). */
  start(): void {
    if (this.#loop) return;
    this.#stopping = false;
    this.#loop = this.#run();
  }

  /** Looks for due deliveries now instead of at the next poll (after a replay, for instance). */
  wake(): void {
    this.#woken = true;
    this.#interruptIdle?.();
  }

  /** Stops claiming and waits for the attempts in flight to be sent and recorded. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.wake();
    await this.#loop;
    this.#loop = null;
    await Promise.allSettled([...this.#inFlight]);
  }

  /** Claims what is due now, up to the in-flight bounds, and sends it all; resolves once every outcome is written. */
  async runOnce(): Promise<DispatchRound> {
    const claimed = await this.#claim(this.#maxInFlight);
    const verdicts = await Promise.all(claimed.map((delivery) => this.#track(this.#deliver(delivery))));
    return {
      attempted: claimed.length,
      succeeded: verdicts.filter((verdict) => verdict === 'succeeded').length,
    };
  }

  async #run(): Promise<void> {
    while (!this.#stopping) {
      let claimed = 0;
      const room = this.#maxInFlight - this.#inFlight.size;
      if (room > 0) {
        try {
          const deliveries = await this.#claim(room);
          claimed = deliveries.length;
          for (const delivery of deliveries) void this.#track(this.#deliver(delivery));
        } catch (error) {
          this.#log.error({ err: error }, 'claiming webhook deliveries failed');
        }
      }
      // Something was claimed: more may be due at once. Otherwise wait for a poll, a wake or a finished attempt.
      if (claimed === 0 || this.#inFlight.size >= this.#maxInFlight) await this.#idle();
    }
  }

  #idle(): Promise<void> {
    if (this.#woken) {
      this.#woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#interruptIdle = null;
        this.#woken = false;
        resolve();
      };
      const timer = setTimeout(done, this.#pollIntervalMs);
      // Never what keeps a process alive: shutdown stops the loop explicitly.
      timer.unref();
      this.#interruptIdle = done;
    });
  }

  #track<T>(work: Promise<T>): Promise<T> {
    this.#inFlight.add(work);
    const settled = (): void => {
      this.#inFlight.delete(work);
      // A slot is free: the loop may claim again.
      this.#interruptIdle?.();
    };
    work.then(settled, settled);
    return work;
  }

  async #claim(limit: number): Promise<ClaimedDelivery[]> {
    const now = this.#clock.now();
    const window = {
      now: now.toISOString(),
      claimUntil: new Date(now.getTime() + this.#claimTtlMs).toISOString(),
      perEndpoint: this.#perEndpoint,
    };
    const claimed: ClaimedDelivery[] = [];
    for (const endpoint of await endpointsWithDueDeliveries(this.#db, window.now, limit)) {
      if (claimed.length >= limit) break;
      const ids = await this.#db
        .transaction()
        .execute((trx) => claimDueDeliveries(trx, endpoint, { ...window, limit: limit - claimed.length }));
      claimed.push(...(await loadClaimedDeliveries(this.#db, endpoint.accountId, ids, window.claimUntil)));
    }
    return claimed;
  }

  /** One attempt of one delivery, and its outcome. Never rejects: a failure to record is logged. */
  async #deliver(delivery: ClaimedDelivery): Promise<AttemptVerdict | null> {
    const attemptedAt = this.#clock.now();
    const started = performance.now();
    const response = await this.#attempt(delivery, attemptedAt);
    const durationMs = Math.round(performance.now() - started);
    try {
      return await this.#record(delivery, attemptedAt, durationMs, response);
    } catch (error) {
      // The claim expires and the delivery is sent again: at least once, never lost.
      this.#log.error({ err: error, deliveryId: delivery.id }, 'recording a webhook attempt failed');
      return null;
    }
  }

  async #attempt(delivery: ClaimedDelivery, at: Date): Promise<WebhookResponse> {
    let request: WebhookRequest;
    try {
      const event = projectEvent(
        this.#outbox.resources,
        endpointPermissions(delivery.endpoint),
        await renderEvent(delivery.event, delivery.endpoint.api_version ?? delivery.event.api_version),
      );
      // Only when the endpoint's URL or events were changed since, by a key that may not read this event.
      if (!event) throw new Error("the endpoint's recorded permissions do not cover this event");
      const body = JSON.stringify(event);
      request = {
        url: delivery.endpoint.url,
        headers: {
          'content-type': 'application/json',
          'user-agent': USER_AGENT,
          ...signDelivery(signingSecrets(delivery.endpoint, at), delivery.event.id, at, body),
        },
        body,
        timeoutMs: this.#timeoutMs,
      };
    } catch (error) {
      // Recorded as a failed attempt, so the delivery follows the retry schedule instead of looping on its claim.
      const reason = error instanceof Error ? error.message : String(error);
      return {
        statusCode: null,
        body: null,
        retryAfter: null,
        error: `The delivery could not be prepared: ${reason}`,
      };
    }
    return this.#send(request);
  }

  async #record(
    delivery: ClaimedDelivery,
    attemptedAt: Date,
    durationMs: number,
    response: WebhookResponse,
  ): Promise<AttemptVerdict> {
    const verdict = verdictOf(response.statusCode);
    await this.#db.transaction().execute(async (trx) => {
      const endpoint = await lockEndpointRow(trx, delivery.accountId, delivery.endpoint.id);
      // Deleted while this attempt was on the wire: its deliveries and attempts went with it; record nothing.
      if (!endpoint) return;
      const current = await lockAttemptedDelivery(trx, delivery);
      if (!current) return;
      await insertAttempt(trx, {
        id: newId(WEBHOOK_ATTEMPTS),
        account_id: delivery.accountId,
        delivery_id: delivery.id,
        attempted_at: attemptedAt.toISOString(),
        status_code: response.statusCode,
        duration_ms: durationMs,
        response_body: response.body,
        error: response.error,
      });
      // Counted from the row, not from the claim: another attempt (of a replay) may have been counted meanwhile.
      const attempts = current.attemptCount + 1;
      const outcome = current.claimHeld ? this.#outcome(attempts, response, verdict) : null;
      await settleDelivery(trx, delivery, attempts, outcome, this.#clock.now().toISOString());
      await applyAttemptVerdict(trx, this.#outbox, endpoint, verdict);
    });
    return verdict;
  }

  /** Where the delivery goes after its `attempts`-th attempt: done, failed for good, or pending again later. */
  #outcome(attempts: number, response: WebhookResponse, verdict: AttemptVerdict): DeliveryOutcome {
    const now = this.#clock.now();
    const common = { last_status_code: response.statusCode };
    if (verdict === 'succeeded') {
      return { ...common, status: 'succeeded', next_attempt_at: null, last_error: null };
    }
    const lastError =
      response.error ?? `The endpoint answered HTTP ${response.statusCode ?? 'without a status'}.`;
    const scheduled = verdict === 'gone' ? null : retryDelayAfter(attempts, this.#jitter);
    if (scheduled === null) {
      return { ...common, status: 'failed', next_attempt_at: null, last_error: lastError };
    }
    const asked = honoursRetryAfter(response.statusCode) ? retryAfterDelay(response.retryAfter, now) : null;
    return {
      ...common,
      status: 'pending',
      next_attempt_at: new Date(now.getTime() + (asked ?? scheduled)).toISOString(),
      last_error: lastError,
    };
  }
}

function verdictOf(statusCode: number | null): AttemptVerdict {
  if (statusCode !== null && statusCode >= 200 && statusCode < 300) return 'succeeded';
  return statusCode === 410 ? 'gone' : 'failed';
}
