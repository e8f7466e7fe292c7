import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import * as fc from 'fast-check';
import {
  displayPrefixOf,
  generateApiKey,
  hashApiKey,
  isWellFormedApiKey,
  KEY_PREFIX,
  last4Of,
} from '../../../src/platform/api-keys/format.js';

/** CRC-32 (IEEE, reflected, as zlib and PNG use it), written out so the test does not trust the code under test. */
function referenceCrc32(text: string): number {
  let crc = 0xffffffff;
  for (const byte of Buffer.from(text, 'utf8')) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** A key built by the test from 16 random bytes: the format DESIGN §3.1 specifies. */
function keyFromBytes(bytes: Uint8Array): string {
  const body = KEY_PREFIX + Buffer.from(bytes).toString('hex');
  return body + referenceCrc32(body).toString(16).padStart(8, '0');
}

const randomBytes16 = fc.uint8Array({ minLength: 16, maxLength: 16 });
const wellFormedKey = randomBytes16.map(keyFromBytes);

describe('API key format', () => {
  test('the reference CRC-32 matches the standard check value', () => {
    assert.equal(referenceCrc32('123456789'), 0xcbf43926);
  });

  test('a generated key is pc_live_ + 32 hex of randomness + 8 hex of CRC32 over everything before it', () => {
    for (let i = 0; i < 200; i++) {
      const key = generateApiKey();
      assert.equal(key.length, 48);
      assert.equal(key.startsWith('pc_live_'), true);
      assert.match(key, /^pc_live_[0-9a-f]{40}$/);
      const expectedChecksum = referenceCrc32(key.slice(0, 40)).toString(16).padStart(8, '0');
      assert.equal(key.slice(40), expectedChecksum);
      assert.equal(isWellFormedApiKey(key), true);
    }
  });

  test('generated keys do not repeat', () => {
    const keys = new Set(Array.from({ length: 2000 }, () => generateApiKey()));
    assert.equal(keys.size, 2000);
    const randomParts = new Set([...keys].map((key) => key.slice(8, 40)));
    assert.equal(randomParts.size, 2000);
  });

  test('every key with a correct checksum is accepted', () => {
    fc.assert(
      fc.property(wellFormedKey, (key) => isWellFormedApiKey(key)),
      { numRuns: 500 },
    );
  });

  test('any one-character change is rejected (prefix, randomness or checksum)', () => {
    const printable = fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code));
    fc.assert(
      fc.property(wellFormedKey, fc.integer({ min: 0, max: 47 }), printable, (key, position, replacement) => {
        fc.pre(key[position] !== replacement);
        const changed = key.slice(0, position) + replacement + key.slice(position + 1);
        return !isWellFormedApiKey(changed);
      }),
      { numRuns: 2000 },
    );
  });

  test('a change of one hex digit to another hex digit is rejected wherever it is', () => {
    const hexDigit = fc.constantFrom(...'0123456789abcdef');
    fc.assert(
      fc.property(wellFormedKey, fc.integer({ min: 8, max: 47 }), hexDigit, (key, position, digit) => {
        fc.pre(key[position] !== digit);
        return !isWellFormedApiKey(key.slice(0, position) + digit + key.slice(position + 1));
      }),
      { numRuns: 2000 },
    );
  });

  test('wrong length, alphabet, case, prefix or surrounding whitespace is rejected', () => {
    fc.assert(
      fc.property(wellFormedKey, (key) => {
        const cases = [
          key.slice(0, 47),
          `${key}0`,
          key.toUpperCase(),
          `pc_live_${key.slice(8).toUpperCase()}`,
          `pc_test_${key.slice(8)}`,
          `${key} `,
          ` ${key}`,
          key.slice(8),
          `Bearer ${key}`,
        ];
        return cases.every((token) => !isWellFormedApiKey(token));
      }),
      { numRuns: 200 },
    );
    for (const token of [
      '',
      'garbage',
      'pc_live_',
      `pc_live_${'g'.repeat(40)}`,
      `pc_live_${'0'.repeat(40)}`,
    ]) {
      assert.equal(isWellFormedApiKey(token), false, token);
    }
  });

  test('a valid checksum of another body is rejected', () => {
    fc.assert(
      fc.property(wellFormedKey, wellFormedKey, (a, b) => {
        fc.pre(a.slice(0, 40) !== b.slice(0, 40) && a.slice(40) !== b.slice(40));
        return !isWellFormedApiKey(a.slice(0, 40) + b.slice(40));
      }),
      { numRuns: 300 },
    );
  });

  test('the stored forms: SHA-256 hex of the whole key, display prefix, last 4', () => {
    fc.assert(
      fc.property(wellFormedKey, (key) => {
        assert.equal(hashApiKey(key), createHash('sha256').update(key, 'utf8').digest('hex'));
        assert.match(hashApiKey(key), /^[0-9a-f]{64}$/);
        assert.equal(displayPrefixOf(key), `pc_live_${key.slice(8, 12)}`);
        assert.equal(displayPrefixOf(key).length, 12);
        assert.equal(last4Of(key), key.slice(44));
      }),
      { numRuns: 200 },
    );
  });
});
