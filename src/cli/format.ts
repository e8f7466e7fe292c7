import type { ApiKeyObject } from '../platform/api-keys/key-row.js';
import type { User } from '../platform/users/schema.js';

/** Readable renderings for the commands' non-JSON output. */

export function maskedKey(key: ApiKeyObject): string {
  return `${key.displayPrefix}…${key.last4}`;
}

function scopesText(scopes: readonly string[]): string {
  return scopes.includes('*') ? '* (full access)' : scopes.join(', ');
}

/** The settings of one key, as indented `label: value` lines. */
export function keyDetails(key: ApiKeyObject): string {
  const restrictions = key.fieldRestrictions
    ? Object.entries(key.fieldRestrictions)
        .map(([resource, fields]) => `${resource}: ${(fields ?? []).join(', ')}`)
        .join('; ')
    : 'none';
  const rows: [string, string][] = [
    ['Status', key.status],
    ['Scopes', scopesText(key.scopes)],
    ['Field limits', restrictions],
    ['Expires', key.expiresAt ?? 'never'],
    [
      'Rate limit',
      key.rateLimitPerMinute === null ? "the account's plan only" : `${key.rateLimitPerMinute}/min`,
    ],
    ['Owner', key.createdBy],
  ];
  return rows.map(([label, value]) => `  ${`${label}:`.padEnd(14)}${value}`).join('\n');
}

/** A new key as the operator must see it: prominent, and clearly never shown again. */
export function revealKey(key: string): string {
  return [
    '',
    `    ${key}`,
    '',
    'This is the only time the full key is shown. Store it now: it cannot be retrieved later.',
  ].join('\n');
}

/** Left-aligned columns; the last column is not padded so long scope lists do not widen every row. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

/** A key's status as the list shows it: an active key whose owner stopped being an active administrator says so. */
function listedStatus(key: ApiKeyObject & { ownerActive?: boolean }): string {
  return key.status === 'active' && key.ownerActive === false ? 'owner-inactive' : key.status;
}

export function keyTable(keys: readonly (ApiKeyObject & { ownerActive?: boolean })[]): string {
  return table(
    ['ID', 'STATUS', 'KEY', 'NAME', 'EXPIRES', 'LAST USED', 'SCOPES'],
    keys.map((key) => [
      key.id,
      listedStatus(key),
      maskedKey(key),
      key.name,
      key.expiresAt ?? 'never',
      key.lastUsedAt ?? 'never',
      scopesText(key.scopes),
    ]),
  );
}

export function userTable(users: readonly User[]): string {
  return table(
    ['ID', 'ROLE', 'ACTIVE', 'LAST SIGN-IN', 'EMAIL', 'NAME'],
    users.map((user) => [
      user.id,
      user.role,
      user.active ? 'yes' : 'no',
      user.lastSignInAt ?? 'never',
      user.email,
      user.name,
    ]),
  );
}
