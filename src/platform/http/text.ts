/**
 * The pattern of a text field that must hold more than whitespace (names, codes). Services trim such fields before
 * storing them, so validating this pattern is "trim, then check minLength 1"; the error handler words its failure
 * as "must not be blank".
 */
export const NOT_BLANK = '\\S';

/**
 * Where a NUL character (U+0000) hides in a parsed JSON value, as the dotted parameter name the error names
 * (`""` for the value itself); null when there is none. PostgreSQL's text cannot hold NUL and SQLite truncates
 * it in places, so both dialects refuse it up front, with the same 400.
 */
export function nulParam(value: unknown, path = ''): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (typeof value !== 'object' || value === null) return null;
  for (const [key, item] of Object.entries(value)) {
    const itemPath = path === '' ? key : `${path}.${key}`;
    if (key.includes('\u0000')) return itemPath;
    const found = nulParam(item, itemPath);
    if (found !== null) return found;
  }
  return null;
}
