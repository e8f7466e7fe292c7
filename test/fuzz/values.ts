/**
 * Values the fuzzer puts in requests: valid ones drawn from a parameter's or field's documented schema (with real
 * ids for id patterns), and the nasty ones integrators and attackers send — wrong types, huge and control-character
 * strings, NUL, bad percent-encodings, over-long and malformed ids, impossible dates, numbers JSON and JavaScript
 * read differently. Whether a value is valid is never assumed here: the request builder asks the document (Ajv).
 */
import type { Json } from '../openapi/openapi-document.js';
import type { Random } from './random.js';

/** Where valid values come from besides the schema: real ids by prefix, and the receiver for webhook URLs. */
export interface ValueSources {
  /** Real ids of the caller's account, by prefix (`emp`, `loc`, ...). */
  idsWithPrefix(prefix: string): readonly string[];
  /** A URL that accepts webhooks (the local receiver). */
  readonly webhookUrl: string;
  /** Event types a fuzz-created webhook endpoint may subscribe to: a few rare ones, to keep fan-out small. */
  readonly rareEventTypes: readonly string[];
  /** Every event type of the catalogue. */
  readonly eventTypes: readonly string[];
}

/** Returned by valueFor when the schema asks for something it cannot make (an id of a kind with no object). */
export const NO_VALUE: unique symbol = Symbol('no value');

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** `^emp_[0-9A-HJKMNP-TV-Z]{26}$` → `emp`. */
export function idPrefixOf(schema: Json): string | undefined {
  const pattern = typeof schema.pattern === 'string' ? schema.pattern : '';
  return /^\^([a-z]+)_\[0-9A-HJKMNP-TV-Z\]\{26\}\$$/.exec(pattern)?.[1];
}

/** A well-formed id no object has: the right prefix and shape, random time and randomness. */
export function phantomId(random: Random, prefix: string): string {
  let tail = random.pick(['0', '1', '7']);
  while (tail.length < 26) tail += random.pick([...CROCKFORD]);
  return `${prefix}_${tail}`;
}

/** Strings a client may legitimately send: every script, emoji, quotes, markup, padding (each non-blank). */
const VALID_TEXTS = [
  'Maria',
  'Zoë Ångström-Łukasiewicz',
  '李小龍',
  'مرحبا بالعالم',
  'שלום',
  '👩‍🔧 Night crew 🌙',
  "O'Brien",
  'quote " backslash \\ slash /',
  '<b>bold</b><script>alert(1)</script>',
  "Robert'); DROP TABLE employees;--",
  '   padded   ',
  'tab\tand\nnewline',
  'e\u0301 combining',
  '\u202eRTL override',
  'zero\u200bwidth',
  'İstanbul ß ﬁ Ǆ',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template placeholder is the hostile text here
  '%s %n %x {0} ${x} {{x}}',
  '../../etc/passwd',
  'NULL',
  '0',
  'Ω≈ç√∫˜µ≤≥÷',
];

/** Text that is hostile to parsers, databases or terminals (may or may not be valid by the schema). */
export const NASTY_TEXTS = [
  '',
  ' ',
  '   ',
  '\t\n\r',
  '\u0001\u0002\u0003\u001f',
  'bell\u0007 escape\u001b[31mred',
  'del\u007f',
  '\u2028\u2029',
  '\ufeffbom',
  '\ud800 lone surrogate',
  '\udc00\ud800 reversed pair',
  '\uffff\ufffe',
  'x\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301',
  '🏳️‍🌈'.repeat(40),
  '１２３ fullwidth',
  '%00',
  '%ZZ',
  '\\u0000',
  'null',
  '[]',
  '{"__proto__":{}}',
  "' OR '1'='1",
  '\\',
  '"',
];

export const WRONG_TYPED_VALUES: readonly unknown[] = [
  0,
  -1,
  1.5,
  2 ** 53 + 2,
  true,
  false,
  null,
  '',
  'text',
  [],
  [1, 'two'],
  {},
  { nested: { deeper: true } },
];

/** Numbers JSON can carry that servers often mishandle. */
export const BAD_NUMBERS: readonly number[] = [
  1e308,
  -1e308,
  -1,
  0,
  2 ** 31,
  -(2 ** 31) - 1,
  2 ** 53 + 2,
  5e-324,
  0.1 + 0.2,
  123456789.12345679,
  1e21,
  -0.000001,
];

/** Number tokens written into the JSON text itself: invalid JSON, or JSON that parses to Infinity. */
export const RAW_NUMBER_TOKENS: readonly string[] = [
  '1e400',
  '-1e400',
  '0x10',
  '01',
  'NaN',
  'Infinity',
  '1.',
  '.5',
  '+1',
  '1e',
  '9'.repeat(400),
];

export const BAD_DATES: readonly string[] = [
  '2026-02-30',
  '2026-13-01',
  '2026-00-10',
  '2026-11-01T24:00:01Z',
  '2026-11-01T12:60:00Z',
  '2026-11-01 12:00:00',
  '2026-11-01T12:00:00',
  '+275760-09-13T00:00:00.000Z',
  '-000001-01-01T00:00:00Z',
  '0000-01-01T00:00:00Z',
  '1969-12-31T23:59:59Z',
  '9999-12-31T23:59:59.999Z',
  '9999-12-31',
  '0001-01-01',
  '2026-11-01T12:00:00+14:00',
  '2026-11-01T12:00:00-23:59',
  '2026-11-01T12:00:00.123456789Z',
  '2026-W44',
  '20261101',
  'yesterday',
  '1730462400',
  '',
];

/** Query values of integer parameters that must be refused (decimal digits only, within range). */
export const BAD_INTEGER_TEXTS: readonly string[] = [
  '0',
  '-1',
  '101',
  '1e2',
  '0x10',
  '1.5',
  '%205',
  '5%20',
  '+5',
  '99999999999999999999999',
  'abc',
  '',
  'NaN',
  'Infinity',
  '-0',
  '%EF%BC%91%EF%BC%90',
];

export const BAD_BOOLEAN_TEXTS: readonly string[] = ['yes', '1', '0', 'TRUE', 'True', '', 'null', 'on'];

/** Raw percent-encoded path or query text that must not decode to valid UTF-8 (or decodes to nothing useful). */
export const BAD_PERCENT_ENCODINGS: readonly string[] = [
  '%ZZ',
  '%C0%AF',
  '%',
  '%2',
  '%E2%82',
  '%FF%FE',
  '%ED%A0%80',
  '%F4%90%80%80',
  '%C3%28',
  '%25%ZZ',
];

/** A huge string: over any documented limit, in one of several alphabets. */
export function hugeText(random: Random, length: number): string {
  const unit = random.pick(['x', 'é', '李', '👩‍🔧', 'ab', '\u200b', ' ']);
  return unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
}

function randomInstant(random: Random): string {
  const start = Date.parse('2025-06-01T00:00:00Z');
  const span = 400 * 24 * 3600 * 1000;
  const ms = start + random.int(span);
  const iso = new Date(ms - (ms % 60000)).toISOString();
  return random.chance(0.5) ? iso.replace('.000Z', 'Z') : iso;
}

function randomDate(random: Random): string {
  return randomInstant(random).slice(0, 10);
}

function fit(text: string, schema: Json): string {
  const max = typeof schema.maxLength === 'number' ? schema.maxLength : 200;
  const min = typeof schema.minLength === 'number' ? schema.minLength : 0;
  let out = [...text].slice(0, max).join('');
  while ([...out].length < min) out += 'x';
  return out;
}

function numberIn(random: Random, schema: Json, integer: boolean): number {
  const low =
    typeof schema.minimum === 'number'
      ? schema.minimum
      : typeof schema.exclusiveMinimum === 'number'
        ? schema.exclusiveMinimum + (integer ? 1 : 0.01)
        : -1000;
  const high =
    typeof schema.maximum === 'number'
      ? schema.maximum
      : typeof schema.exclusiveMaximum === 'number'
        ? schema.exclusiveMaximum - (integer ? 1 : 0.01)
        : 100_000;
  const roll = random.next();
  if (roll < 0.15) return integer ? Math.ceil(low) : low;
  if (roll < 0.3) return integer ? Math.floor(high) : high;
  const value = low + random.next() * (high - low);
  return integer ? Math.round(value) : Math.round(value * 100) / 100;
}

/** The branches of `anyOf`/`oneOf`, or the schema itself. */
export function branchesOf(schema: Json): Json[] {
  const branches = (schema.anyOf ?? schema.oneOf) as Json[] | undefined;
  return Array.isArray(branches) ? branches : [schema];
}

/** The JSON types a schema allows (union of its branches). */
export function typesOf(schema: Json): Set<string> {
  const types = new Set<string>();
  for (const branch of branchesOf(schema)) {
    const type = branch.type;
    if (Array.isArray(type)) for (const t of type) types.add(String(t));
    else if (typeof type === 'string') types.add(type);
    else if (branch.enum || branch.const !== undefined) types.add('string');
  }
  return types;
}

/**
 * A value the schema accepts, drawn at random; ids are real ones of the caller's account (or NO_VALUE when there is
 * none of that kind). The caller validates the final request with Ajv all the same.
 */
export function valueFor(random: Random, schema: Json, sources: ValueSources, name = ''): unknown {
  const branches = branchesOf(schema);
  if (branches.length > 1 || branches[0] !== schema) {
    const nonNull = branches.filter((branch) => branch.type !== 'null');
    const branch =
      nonNull.length > 0 && (nonNull.length === branches.length || random.chance(0.85))
        ? random.pick(nonNull)
        : random.pick(branches);
    return valueFor(random, { ...schema, anyOf: undefined, oneOf: undefined, ...branch }, sources, name);
  }
  if (Array.isArray(schema.enum)) return random.pick(schema.enum as unknown[]);
  if (schema.const !== undefined) return schema.const;
  const type = Array.isArray(schema.type) ? random.pick(schema.type as string[]) : schema.type;
  switch (type) {
    case 'null':
      return null;
    case 'boolean':
      return random.chance(0.5);
    case 'integer':
      return numberIn(random, schema, true);
    case 'number':
      return numberIn(random, schema, false);
    case 'string':
      return stringFor(random, schema, sources, name);
    case 'array': {
      const items = (schema.items as Json | undefined) ?? {};
      const min = typeof schema.minItems === 'number' ? schema.minItems : 0;
      const max = Math.min(typeof schema.maxItems === 'number' ? schema.maxItems : 3, min + 3);
      const out: unknown[] = [];
      const count = random.between(min, max);
      for (let i = 0; i < count * 2 && out.length < count; i++) {
        const item = valueFor(random, items, sources, name);
        if (item === NO_VALUE) continue;
        if (schema.uniqueItems && out.some((seen) => JSON.stringify(seen) === JSON.stringify(item))) continue;
        out.push(item);
      }
      return out.length < min ? NO_VALUE : out;
    }
    case 'object':
      return objectFor(random, schema, sources, 0.5);
    default:
      return random.pick(VALID_TEXTS);
  }
}

function stringFor(random: Random, schema: Json, sources: ValueSources, name: string): unknown {
  const prefix = idPrefixOf(schema);
  if (prefix) {
    const ids = sources.idsWithPrefix(prefix);
    return ids.length > 0 ? random.pick(ids) : NO_VALUE;
  }
  switch (schema.format) {
    case 'date-time':
      return randomInstant(random);
    case 'date':
      return randomDate(random);
    case 'email':
      return `${random.pick(['fuzz', 'zoë', 'o.brien', 'a+tag'])}.${random.int(1e9)}@example.com`;
    case 'uri':
    case 'url':
      return sources.webhookUrl;
    default:
      break;
  }
  if (name === 'timezone') return random.pick(['America/Chicago', 'Europe/Paris', 'Asia/Kolkata', 'UTC']);
  if (typeof schema.pattern === 'string' && schema.pattern.includes('\\.')) {
    return random.pick(sources.eventTypes);
  }
  return fit(random.pick(VALID_TEXTS), schema);
}

/** The required properties and, each with probability `optional`, the others. */
export function objectFor(random: Random, schema: Json, sources: ValueSources, optional: number): unknown {
  const properties = (schema.properties as Record<string, Json> | undefined) ?? {};
  const required = new Set((schema.required as string[] | undefined) ?? []);
  const out: Record<string, unknown> = {};
  for (const [name, property] of Object.entries(properties)) {
    if (!required.has(name) && !random.chance(optional)) continue;
    const value = valueFor(random, property, sources, name);
    if (value === NO_VALUE) {
      if (required.has(name)) return NO_VALUE;
      continue;
    }
    out[name] = value;
  }
  return out;
}

/** Path segments (raw, as sent) that are not an id of this kind; each must be refused. */
export function badIdSegment(
  random: Random,
  prefix: string | undefined,
  realId: string | undefined,
): { segment: string; variant: string } {
  const id = realId ?? phantomId(random, prefix ?? 'obj');
  const variants: [string, () => string][] = [
    ['phantom', () => phantomId(random, prefix ?? 'obj')],
    [
      'wrong-prefix',
      () =>
        id.replace(
          /^[a-z]+_/,
          random.pick(['emp_', 'loc_', 'xyz_', '', 'EMP_'].filter((p) => p !== `${prefix}_`)),
        ),
    ],
    ['lowercase', () => id.toLowerCase()],
    ['truncated', () => id.slice(0, random.between(1, id.length - 1))],
    ['extended', () => `${id}${random.pick(['0', 'Z', '_', '.json', '%20', ';', ',x'])}`],
    ['excluded-letters', () => `${prefix ?? 'obj'}_${'ILOU'.repeat(7).slice(0, 26)}`],
    ['bad-percent', () => random.pick(BAD_PERCENT_ENCODINGS)],
    ['bad-percent-inside', () => `${id.slice(0, 6)}${random.pick(BAD_PERCENT_ENCODINGS)}${id.slice(6)}`],
    ['nul', () => random.pick(['%00', `${id}%00`, `%00${id}`])],
    ['dots', () => random.pick(['..', '.', '%2E%2E', '%2e'])],
    ['encoded-slash', () => random.pick(['%2F', `${id}%2F..`, 'a%2Fb', '%5C'])],
    ['unicode', () => encodeURIComponent(random.pick(['ünïcödé', '👻', '李', '\u202e', 'emp_😀']))],
    ['numbers', () => random.pick(['0', '-1', '1e9', '0x10', '99999999999999999999'])],
    ['words', () => random.pick(['null', 'undefined', '[object%20Object]', 'true', '%20', '%09', '*', '~'])],
    ['control', () => random.pick(['%01', '%1B%5B31m', '%7F', '%0D%0A', `${id}%0A`])],
  ];
  const [variant, make] = random.pick(variants);
  return { segment: make(), variant };
}

/** A path segment longer than the router's limit (100): an id never is. */
export function overlongSegment(random: Random): string {
  return hugeText(random, random.pick([101, 257, 1000, 8000])).replace(/[^A-Za-z0-9]/g, 'x');
}

/**
 * Percent-encodes any text for a URL, lone surrogates included (encodeURIComponent throws on them): those go out as
 * the three bytes UTF-8 forbids (`%ED%A0%80`), which is what a careless client sends.
 */
export function encodeText(text: string): string {
  let out = '';
  for (const char of text) {
    const unit = char.charCodeAt(0);
    if (char.length === 1 && unit >= 0xd800 && unit <= 0xdfff) {
      const bytes = [0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f)];
      out += bytes.map((byte) => `%${byte.toString(16).toUpperCase()}`).join('');
    } else {
      out += encodeURIComponent(char);
    }
  }
  return out;
}
