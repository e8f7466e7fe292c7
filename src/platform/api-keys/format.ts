import { hash, randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';

/** Key format (DESIGN §3.1): `pc_live_` + 32 hex of randomness + 8 hex of CRC32 over everything before it. */
export const KEY_PREFIX = 'pc_live_';
export const KEY_LENGTH = KEY_PREFIX.length + 40;
const KEY_PATTERN = /^pc_live_[0-9a-f]{40}$/;

function checksum(body: string): string {
  return crc32(body).toString(16).padStart(8, '0');
}

export function generateApiKey(): string {
  const body = KEY_PREFIX + randomBytes(16).toString('hex');
  return body + checksum(body);
}

/**
 * True when the token has the right prefix, length, alphabet and checksum. Pure: it runs before any
 * database read, so guessed or mistyped tokens never cost a query.
 */
export function isWellFormedApiKey(token: string): boolean {
  if (!KEY_PATTERN.test(token)) return false;
  return checksum(token.slice(0, 40)) === token.slice(40);
}

/**
 * SHA-256 hex of the whole key: the only form in which a key is stored. Every /v1 request hashes its key, so this
 * uses the one-shot `crypto.hash` (a quarter of the cost of a Hash object for a 48-byte input).
 */
export function hashApiKey(key: string): string {
  return hash('sha256', key, 'hex');
}

/** `pc_live_` + the first 4 hex: shown in lists so people can tell keys apart. */
export function displayPrefixOf(key: string): string {
  return key.slice(0, KEY_PREFIX.length + 4);
}

export function last4Of(key: string): string {
  return key.slice(-4);
}

/** Replaces anything that looks like a key (even a partial one) so it can be written to logs. */
export function redactKeys(text: string): string {
  return text.replace(/pc_live_[0-9a-zA-Z]+/g, 'pc_live_[redacted]');
}
