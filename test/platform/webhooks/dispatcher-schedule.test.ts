import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError, loadConfig } from '../../../src/config.js';
import {
  defaultJitter,
  MAX_ATTEMPTS,
  MAX_RETRY_AFTER_MS,
  noJitter,
  RETRY_DELAYS_MS,
  retryAfterDelay,
  retryDelayAfter,
} from '../../../src/platform/webhooks/retry-schedule.js';
import { signDelivery, signingSecrets } from '../../../src/platform/webhooks/signer.js';

const NOW = new Date('2026-11-01T12:00:00.000Z');

describe('webhook retry schedule', () => {
  test('eight attempts: the first, then retries after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h', () => {
    assert.equal(MAX_ATTEMPTS, 8);
    const delays = Array.from({ length: MAX_ATTEMPTS }, (_, i) => retryDelayAfter(i + 1, noJitter));
    assert.deepEqual(delays, [
      5_000,
      300_000,
      1_800_000,
      7_200_000,
      18_000_000,
      36_000_000,
      36_000_000,
      null,
    ]);
  });

  test('the default jitter stays within ±10 % and varies', () => {
    const samples = Array.from({ length: 500 }, () => defaultJitter(100_000));
    assert.ok(samples.every((delay) => delay >= 90_000 && delay <= 110_000));
    assert.ok(new Set(samples).size > 100);
    for (const base of RETRY_DELAYS_MS) {
      const delay = retryDelayAfter(RETRY_DELAYS_MS.indexOf(base) + 1, defaultJitter) ?? 0;
      assert.ok(Math.abs(delay - base) <= base * 0.1);
    }
  });

  test('Retry-After: delay-seconds or an HTTP date, capped at 10 h; absent, unreadable or past → null', () => {
    assert.equal(retryAfterDelay('30', NOW), 30_000);
    assert.equal(retryAfterDelay(' 7 ', NOW), 7_000);
    assert.equal(retryAfterDelay(new Date(NOW.getTime() + 90_000).toUTCString(), NOW), 90_000);
    assert.equal(retryAfterDelay('999999', NOW), MAX_RETRY_AFTER_MS);
    assert.equal(retryAfterDelay(null, NOW), null);
    assert.equal(retryAfterDelay('0', NOW), null);
    assert.equal(retryAfterDelay('-5', NOW), null);
    assert.equal(retryAfterDelay('tomorrow-ish', NOW), null);
    assert.equal(retryAfterDelay(new Date(NOW.getTime() - 1000).toUTCString(), NOW), null);
  });
});

describe('webhook signing', () => {
  const endpoint = {
    secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    previous_secret: 'whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD',
    previous_secret_expires_at: '2026-11-02T12:00:00.000Z',
  };

  test('the previous secret signs until it expires, not at its expiry instant', () => {
    assert.deepEqual(signingSecrets(endpoint, NOW), [endpoint.secret, endpoint.previous_secret]);
    assert.deepEqual(signingSecrets(endpoint, new Date('2026-11-02T12:00:00.000Z')), [endpoint.secret]);
    assert.deepEqual(signingSecrets({ ...endpoint, previous_secret: null }, NOW), [endpoint.secret]);
  });

  test('headers: the message id, unix seconds, and one v1 signature per secret', () => {
    const headers = signDelivery(signingSecrets(endpoint, NOW), 'evt_1', new Date(NOW.getTime() + 999), '{}');
    assert.equal(headers['webhook-id'], 'evt_1');
    assert.equal(headers['webhook-timestamp'], String(NOW.getTime() / 1000));
    assert.match(headers['webhook-signature'], /^v1,\S+ v1,\S+$/);
  });
});

describe('PUNCHCLOCK_WEBHOOK_CLAIM_TTL_SECONDS', () => {
  test('defaults to 60 s and accepts 2 s to 1 h', () => {
    assert.equal(loadConfig({}).webhookClaimTtlSeconds, 60);
    assert.equal(loadConfig({ PUNCHCLOCK_WEBHOOK_CLAIM_TTL_SECONDS: '4' }).webhookClaimTtlSeconds, 4);
    for (const bad of ['1', '3601', 'soon', '2.5']) {
      assert.throws(
        () => loadConfig({ PUNCHCLOCK_WEBHOOK_CLAIM_TTL_SECONDS: bad }),
        (error: unknown) =>
          error instanceof ConfigError && /PUNCHCLOCK_WEBHOOK_CLAIM_TTL_SECONDS/.test(error.message),
      );
    }
  });
});
