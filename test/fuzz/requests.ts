/**
 * Builds the fuzzer's requests for one operation of the document: a valid request (A's full-access or read-only
 * key, real ids from the pools, a valid query, a body the document accepts), then at most one mutation of a named
 * kind that breaks it the way real clients do. Each request says whether the contract guarantees its refusal
 * (`refusal`): for body mutations that is decided by the document's own schema (Ajv), never assumed.
 *
 * Everything random comes from the request's own generator (random.ts), so a seed and an index give the request.
 */
import { generateApiKey } from '../../src/platform/api-keys/format.js';
import { LATEST_API_VERSION } from '../../src/platform/versioning/versions.js';
import type { Fixtures } from '../helpers/fixtures.js';
import { bearer, bodyFor } from '../helpers/security-suite.js';
import type { Json } from '../openapi/openapi-document.js';
import type { FuzzOperation } from './document.js';
import type { WireRequest } from './http.js';
import { fuzzEndpointBody, type ObjectPools } from './pools.js';
import type { Random } from './random.js';
import type { FuzzTarget } from './target.js';
import {
  BAD_BOOLEAN_TEXTS,
  BAD_DATES,
  BAD_INTEGER_TEXTS,
  BAD_NUMBERS,
  BAD_PERCENT_ENCODINGS,
  badIdSegment,
  branchesOf,
  encodeText,
  hugeText,
  idPrefixOf,
  NASTY_TEXTS,
  NO_VALUE,
  overlongSegment,
  phantomId,
  RAW_NUMBER_TOKENS,
  typesOf,
  type ValueSources,
  valueFor,
  WRONG_TYPED_VALUES,
} from './values.js';

export interface FuzzRequest extends WireRequest {
  /** Position in the run: with the seed, what reproduces the request. */
  readonly index: number;
  readonly operation: FuzzOperation;
  /** `valid`, or the mutation (`wrong-type`, `bad-id`, ...). */
  readonly kind: string;
  /** What exactly the mutation did (`text/plain`, `phantom`, the field it broke). */
  readonly variant: string;
  /** The contract guarantees a refusal: a 2xx is a failure, and the request may run in a refusal batch. */
  readonly refusal: boolean;
  /** Account B's key with account A's ids in the path: anything but 404 leaks. */
  readonly crossAccount: boolean;
  /** Ids of A's live objects the path names (a 2xx DELETE or a 404 retires them from the pools). */
  readonly pathIds: readonly string[];
  /** The Idempotency-Key sent with a request that was otherwise valid (reused or replayed later). */
  readonly idempotencyKey: string | undefined;
}

/** A valid write that completed with 2xx under an Idempotency-Key: its key is then taken. */
export interface IdempotentWrite {
  readonly key: string;
  readonly request: FuzzRequest;
}

export interface BuildContext {
  readonly seed: number;
  readonly target: FuzzTarget;
  readonly factories: Fixtures;
  readonly pools: ObjectPools;
  /** Account B's objects, whose ids must be 404 for A. */
  readonly poolsOfB: ObjectPools;
  readonly sources: ValueSources;
  readonly idempotentWrites: readonly IdempotentWrite[];
}

/** A request under construction. */
interface Draft {
  authorization: string | undefined;
  /** Raw path segments by parameter name. */
  params: Record<string, string>;
  /** Raw `name=value` pairs. */
  query: string[];
  headers: Record<string, string>;
  body: unknown;
  /** Sent instead of JSON.stringify(body) when set. */
  bodyText: string | undefined;
  /** undefined: application/json when there is a body; null: no Content-Type header. */
  contentType: string | null | undefined;
  variant: string;
  refusal: boolean;
  crossAccount: boolean;
  pathIds: string[];
  idempotencyKey: string | undefined;
}

type Json1 = Record<string, unknown>;

const isObject = (value: unknown): value is Json1 =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const WRITE_METHODS = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);
export const isWrite = (op: FuzzOperation): boolean => WRITE_METHODS.has(op.method);

function propertiesOf(op: FuzzOperation): Record<string, Json> {
  return (op.bodySchema?.properties as Record<string, Json> | undefined) ?? {};
}

function encodeQueryValue(value: unknown): string {
  return encodeText(typeof value === 'string' ? value : JSON.stringify(value));
}

/** The document's verdict on a body; a body the document cannot judge (no schema) is not known to be refused. */
function refusedByDocument(op: FuzzOperation, body: unknown): boolean {
  return op.bodyIsValid ? !op.bodyIsValid(body) : false;
}

// ---------------------------------------------------------------------------------------------------------------
// The valid request

function validQuery(random: Random, op: FuzzOperation, sources: ValueSources): string[] {
  const pairs: string[] = [];
  const chosen = op.query.filter((parameter) => parameter.required || random.chance(0.3));
  const cursors = chosen.filter((parameter) => ['startingAfter', 'endingBefore'].includes(parameter.name));
  for (const parameter of chosen) {
    // Both cursors at once is a 400 by contract: a valid request names one.
    if (cursors.length === 2 && parameter === cursors[1]) continue;
    const value = valueFor(random, parameter.schema, sources, parameter.name);
    if (value === NO_VALUE) continue;
    pairs.push(`${parameter.name}=${encodeQueryValue(value)}`);
  }
  return pairs;
}

/** Adds optional fields and swaps referenced ids for other real ones; keeps the result only if still valid. */
function enrich(random: Random, op: FuzzOperation, body: unknown, sources: ValueSources): unknown {
  if (!isObject(body) || !op.bodyIsValid) return body;
  const candidate: Json1 = { ...body };
  for (const [name, schema] of Object.entries(propertiesOf(op))) {
    const referencesIds = branchesOf(schema).some(
      (branch) => idPrefixOf(branch) || idPrefixOf((branch.items as Json | undefined) ?? {}),
    );
    if ((!(name in candidate) && random.chance(0.25)) || (referencesIds && random.chance(0.4))) {
      const value = valueFor(random, schema, sources, name);
      if (value !== NO_VALUE) candidate[name] = value;
    }
  }
  if (op.documented.resourcePath === '/v1/webhook-endpoints') {
    if ('url' in candidate) candidate.url = sources.webhookUrl;
    if ('enabledEvents' in candidate) candidate.enabledEvents = [...sources.rareEventTypes];
  }
  return op.bodyIsValid(candidate) ? candidate : body;
}

async function validBody(context: BuildContext, random: Random, op: FuzzOperation): Promise<unknown> {
  if (!op.bodySchema) return undefined;
  const { t, a } = context.target;
  const base =
    op.method === 'POST' && op.path === '/v1/webhook-endpoints'
      ? fuzzEndpointBody(context.sources.webhookUrl, context.sources.rareEventTypes)
      : await bodyFor(t, bearer(a.key), op.documented);
  return enrich(random, op, structuredClone(base), context.sources);
}

async function validDraft(
  context: BuildContext,
  random: Random,
  op: FuzzOperation,
  index: number,
): Promise<Draft> {
  const { target, pools, sources } = context;
  const params: Record<string, string> = {};
  const pathIds: string[] = [];
  for (const parameter of op.pathParams) {
    const live = pools.pick(random, op.documented.resourcePath)?.[parameter.name];
    const id = live ?? phantomId(random, idPrefixOf(parameter.schema) ?? 'obj');
    if (live) pathIds.push(live);
    params[parameter.name] = encodeText(id);
  }
  const readOnly = op.method === 'GET' && !op.documented.isPublic && random.chance(0.2);
  const headers: Record<string, string> = {};
  if (random.chance(0.2)) headers['x-api-version'] = LATEST_API_VERSION;
  let idempotencyKey: string | undefined;
  if ((op.method === 'POST' || op.method === 'PATCH') && random.chance(0.2)) {
    idempotencyKey = `fuzz-${context.seed}-${index}`;
    headers['idempotency-key'] = idempotencyKey;
  }
  return {
    authorization:
      op.documented.isPublic && random.chance(0.5)
        ? undefined
        : bearer(readOnly ? target.readOnlyKey : target.a.key),
    params,
    query: op.method === 'GET' ? validQuery(random, op, sources) : [],
    headers,
    body: await validBody(context, random, op),
    bodyText: undefined,
    contentType: undefined,
    variant: readOnly ? 'read-only key' : '',
    refusal: false,
    crossAccount: false,
    pathIds,
    idempotencyKey,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Mutations

interface Mutation {
  readonly kind: string;
  /** How often, relative to the others, when it applies. */
  readonly weight?: number;
  applies(op: FuzzOperation, context: BuildContext): boolean;
  /** Breaks the draft; sets `variant` and `refusal`. */
  apply(draft: Draft, random: Random, op: FuzzOperation, context: BuildContext): void;
}

const hasObjectBody = (op: FuzzOperation) => op.bodySchema !== undefined;
const propsOfType = (op: FuzzOperation, type: string) =>
  Object.entries(propertiesOf(op)).filter(([, schema]) => typesOf(schema).has(type));
const propsWithFormat = (op: FuzzOperation) =>
  Object.entries(propertiesOf(op)).filter(([, schema]) =>
    branchesOf(schema).some((branch) => branch.format === 'date' || branch.format === 'date-time'),
  );

function jsonTypeOf(value: unknown): string[] {
  if (value === null) return ['null'];
  if (Array.isArray(value)) return ['array'];
  if (typeof value === 'number') return Number.isInteger(value) ? ['integer', 'number'] : ['number'];
  return [typeof value];
}

/** Sets a body field and lets the document decide whether the result must be refused. */
function setField(draft: Draft, op: FuzzOperation, name: string, value: unknown, variant: string): void {
  const body = isObject(draft.body) ? { ...draft.body } : {};
  body[name] = value;
  draft.body = body;
  draft.variant = variant;
  draft.refusal = refusedByDocument(op, body);
}

/** Writes `token` into the JSON text in place of the field's value (for what JSON.stringify cannot write). */
function rawField(draft: Draft, name: string, token: string): string {
  const marker = '__FUZZ_RAW__';
  const body = isObject(draft.body) ? { ...draft.body } : {};
  body[name] = marker;
  return JSON.stringify(body).replace(`"${marker}"`, token);
}

function nested(depth: number): string {
  return `${'['.repeat(depth)}${']'.repeat(depth)}`;
}

const INVALID_MEDIA_TYPES = [
  'text/plain',
  'application/vnd.api+json',
  'application/json; charset=latin1',
  'application/json; charset=iso-8859-1',
  'application/json; charset=utf-16',
  'application/json-patch+json',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=fuzz',
  'application/xml',
  'text/json',
  '*/*',
  'application/*',
  ';;;',
];
const VALID_MEDIA_TYPES = [
  'application/json; charset=utf-8',
  'application/json; charset=UTF-8',
  'application/json;charset="utf-8"',
  'application/json; version=1',
];

const MUTATIONS: readonly Mutation[] = [
  {
    kind: 'wrong-type',
    applies: (op) => Object.keys(propertiesOf(op)).length > 0,
    apply(draft, random, op) {
      const [name, schema] = random.pick(Object.entries(propertiesOf(op)));
      const allowed = typesOf(schema);
      const candidates = WRONG_TYPED_VALUES.filter((value) => !jsonTypeOf(value).some((t) => allowed.has(t)));
      setField(draft, op, name, random.pick(candidates.length > 0 ? candidates : WRONG_TYPED_VALUES), name);
    },
  },
  {
    kind: 'missing-required',
    applies: hasObjectBody,
    apply(draft, random, op) {
      const required = (op.bodySchema?.required as string[] | undefined) ?? [];
      if (required.length === 0 || !isObject(draft.body)) {
        draft.body = {};
        draft.variant = 'empty object';
      } else {
        const name = random.pick(required);
        const { [name]: _dropped, ...rest } = draft.body;
        draft.body = rest;
        draft.variant = name;
      }
      draft.refusal = refusedByDocument(op, draft.body);
    },
  },
  {
    kind: 'extra-field',
    applies: hasObjectBody,
    apply(draft, random, op) {
      const name = random.pick([
        'id',
        'object',
        'createdAt',
        'accountId',
        'account_id',
        'clockStatus',
        'fuzz',
      ]);
      setField(draft, op, name, random.pick(['x', 1, true, null, { a: 1 }]), name);
    },
  },
  {
    kind: 'huge-string',
    applies: (op) => propsOfType(op, 'string').length > 0,
    apply(draft, random, op) {
      const [name, schema] = random.pick(propsOfType(op, 'string'));
      const max = branchesOf(schema).find((branch) => typeof branch.maxLength === 'number')?.maxLength;
      const length = random.pick([typeof max === 'number' ? max + 1 : 300, 10_000, 100_000, 400_000]);
      setField(draft, op, name, hugeText(random, length), `${name} × ${length}`);
    },
  },
  {
    kind: 'nasty-string',
    applies: (op) => propsOfType(op, 'string').length > 0,
    apply(draft, random, op) {
      const [name] = random.pick(propsOfType(op, 'string'));
      const text = random.pick(NASTY_TEXTS);
      setField(draft, op, name, text, `${name} = ${JSON.stringify(text).slice(0, 40)}`);
    },
  },
  {
    kind: 'nul',
    applies: hasObjectBody,
    apply(draft, random, op) {
      const strings = propsOfType(op, 'string');
      const where = random.pick(['value', 'key', 'raw']);
      if (where === 'key' || strings.length === 0) {
        setField(draft, op, 'fuzz\u0000key', 1, 'NUL in a key');
      } else {
        const [name] = random.pick(strings);
        const current = isObject(draft.body) && typeof draft.body[name] === 'string' ? draft.body[name] : 'x';
        const text = `${current}\u0000${random.pick(['', 'tail', '\u0000'])}`;
        setField(draft, op, name, text, `NUL in ${name}`);
        // A raw NUL byte inside a JSON string is not JSON at all.
        if (where === 'raw')
          draft.bodyText = (JSON.stringify(draft.body) ?? '').replace(/\\u0000/g, '\u0000');
      }
      // NUL is refused wherever it appears (issue 11, defect 7), whatever the schema says of the field.
      draft.refusal = true;
    },
  },
  {
    kind: 'bad-number',
    applies: hasObjectBody,
    apply(draft, random, op) {
      const numeric = [...propsOfType(op, 'number'), ...propsOfType(op, 'integer')];
      const [name] =
        numeric.length > 0 ? random.pick(numeric) : random.pick(Object.entries(propertiesOf(op)));
      if (random.chance(0.5)) {
        setField(draft, op, name ?? 'fuzz', random.pick(BAD_NUMBERS), `${name}`);
        return;
      }
      const token = random.pick(RAW_NUMBER_TOKENS);
      draft.bodyText = rawField(draft, name ?? 'fuzz', token);
      draft.variant = `${name} = ${token.slice(0, 20)}`;
      try {
        draft.refusal = refusedByDocument(op, JSON.parse(draft.bodyText));
      } catch {
        draft.refusal = true;
      }
    },
  },
  {
    kind: 'bad-date',
    applies: (op) => propsWithFormat(op).length > 0,
    apply(draft, random, op) {
      const [name] = random.pick(propsWithFormat(op));
      const date = random.pick(BAD_DATES);
      setField(draft, op, name, date, `${name} = ${date}`);
    },
  },
  {
    kind: 'not-an-object',
    applies: hasObjectBody,
    apply(draft, random) {
      draft.bodyText = random.pick(['[]', '[{}]', '"text"', '42', 'null', 'true', '""']);
      draft.variant = draft.bodyText;
      draft.refusal = true;
    },
  },
  {
    kind: 'truncated-json',
    applies: hasObjectBody,
    apply(draft, random) {
      const text = JSON.stringify(draft.body ?? {});
      const cut = random.between(1, Math.max(1, text.length - 1));
      draft.bodyText = text.slice(0, cut);
      draft.variant = `cut at ${cut}/${text.length}`;
      draft.refusal = true;
    },
  },
  {
    kind: 'duplicate-key',
    applies: (op) => Object.keys(propertiesOf(op)).length > 0,
    apply(draft, random, op, context) {
      const [name, schema] = random.pick(Object.entries(propertiesOf(op)));
      const second = random.chance(0.5)
        ? valueFor(random, schema, context.sources, name)
        : random.pick(WRONG_TYPED_VALUES);
      const base = isObject(draft.body) ? draft.body : {};
      const first = JSON.stringify({ ...base, [name]: random.pick(WRONG_TYPED_VALUES) });
      const value = second === NO_VALUE ? null : second;
      draft.bodyText = `${first.slice(0, -1)}${first.length > 2 ? ',' : ''}${JSON.stringify(name)}:${JSON.stringify(value)}}`;
      draft.variant = name;
      // The last occurrence wins in JSON.parse, as in the server's parser.
      draft.refusal = refusedByDocument(op, JSON.parse(draft.bodyText));
    },
  },
  {
    kind: 'proto-key',
    applies: hasObjectBody,
    apply(draft, random) {
      const poison = random.pick([
        '"__proto__":{"isAdmin":true}',
        '"constructor":{"prototype":{"isAdmin":true}}',
      ]);
      const text = JSON.stringify(draft.body ?? {});
      draft.bodyText = `{${poison}${text.length > 2 ? `,${text.slice(1)}` : '}'}`;
      draft.variant = poison.slice(1, 12);
      draft.refusal = true;
    },
  },
  {
    kind: 'deep-nesting',
    applies: hasObjectBody,
    apply(draft, random, op) {
      const [name] = random.pick(Object.entries(propertiesOf(op)));
      const depth = random.pick([1_000, 10_000, 100_000]);
      draft.bodyText = rawField(draft, name ?? 'fuzz', nested(depth));
      draft.variant = `${name} nested ${depth} deep`;
      draft.refusal = true;
    },
  },
  {
    kind: 'oversized-body',
    weight: 0.15,
    applies: hasObjectBody,
    apply(draft, random) {
      const mib = random.pick([1.05, 1.5, 2, 5]);
      const body = isObject(draft.body) ? { ...draft.body } : {};
      body.padding = 'x'.repeat(Math.round(mib * 1024 * 1024));
      draft.body = body;
      draft.variant = `${mib} MiB`;
      draft.refusal = true;
    },
  },
  {
    kind: 'content-type',
    applies: hasObjectBody,
    apply(draft, random, op) {
      if (random.chance(0.3)) {
        const valid = [
          ...VALID_MEDIA_TYPES,
          ...(op.method === 'PATCH' ? ['application/merge-patch+json'] : []),
        ];
        draft.contentType = random.pick(valid);
        draft.refusal = false;
      } else {
        const invalid = [
          ...INVALID_MEDIA_TYPES,
          ...(op.method !== 'PATCH' ? ['application/merge-patch+json'] : []),
        ];
        draft.contentType = random.pick(invalid);
        draft.refusal = true;
      }
      draft.variant = draft.contentType;
    },
  },
  {
    kind: 'no-content-type',
    applies: hasObjectBody,
    apply(draft) {
      draft.contentType = null;
      draft.variant = 'no Content-Type';
      draft.refusal = true;
    },
  },
  {
    // HTTP gives a GET body no meaning: whatever it is, the answer must still be a documented one.
    kind: 'body-on-get',
    applies: (op) => op.method === 'GET',
    apply(draft, random) {
      draft.bodyText = random.pick(['{}', '{"limit":1}', 'hello', '[', '\u0000']);
      draft.contentType = random.pick([undefined, 'text/plain', 'application/xml']);
      draft.variant = `${draft.contentType ?? 'application/json'} ${draft.bodyText}`;
      draft.refusal = false;
    },
  },
  {
    kind: 'body-on-bodyless',
    applies: (op) => !op.bodySchema && op.method !== 'GET',
    apply(draft, random) {
      if (random.chance(0.3)) {
        draft.bodyText = random.pick(['hello', '{}', 'a=1']);
        draft.contentType = random.pick([
          'text/plain',
          'application/x-www-form-urlencoded',
          'application/xml',
        ]);
        draft.refusal = true;
      } else {
        draft.bodyText = random.pick(['{}', '{"reason":"fuzz"}', '[]', 'null', '{"id":"x"}', '']);
        draft.refusal = false;
      }
      draft.variant = `${draft.contentType ?? 'application/json'} ${draft.bodyText}`;
    },
  },
  {
    kind: 'bad-id',
    applies: (op) => op.pathParams.length > 0,
    apply(draft, random, op, context) {
      const parameter = random.pick(op.pathParams);
      const prefix = idPrefixOf(parameter.schema);
      const live = decodeURIComponent(draft.params[parameter.name] ?? '');
      const roll = random.next();
      if (roll < 0.15) {
        draft.params[parameter.name] = overlongSegment(random);
        draft.variant = `over-long (${draft.params[parameter.name]?.length})`;
      } else if (roll < 0.3) {
        const other = context.poolsOfB.pick(random, op.documented.resourcePath)?.[parameter.name];
        draft.params[parameter.name] = encodeText(other ?? phantomId(random, prefix ?? 'obj'));
        draft.variant = "account B's id";
      } else if (roll < 0.4) {
        const other = context.pools.anyId(random);
        draft.params[parameter.name] = encodeText(
          other && !other.startsWith(`${prefix}_`) ? other : phantomId(random, 'xyz'),
        );
        draft.variant = 'id of another kind';
      } else {
        const { segment, variant } = badIdSegment(random, prefix, live || undefined);
        draft.params[parameter.name] = segment;
        draft.variant = variant;
      }
      draft.pathIds = [];
      draft.refusal = true;
    },
  },
  {
    kind: 'bad-query',
    applies: (op) => op.query.length > 0,
    apply(draft, random, op, context) {
      const parameter = random.pick(op.query);
      const schema = parameter.schema;
      const types = typesOf(schema);
      const format = branchesOf(schema).find((branch) => branch.format)?.format;
      const prefix = branchesOf(schema).map(idPrefixOf).find(Boolean);
      let value: string;
      const roll = random.next();
      if (roll < 0.08) {
        draft.query = [...draft.query, 'startingAfter=x', 'endingBefore=y'];
        draft.variant = 'both cursors';
        return;
      }
      if (roll < 0.16) {
        draft.query = [
          ...draft.query,
          random.pick(['limit=1&limit=2', 'fuzz=1', '=x', '&&&', 'a[b]=c', 'limit']),
        ];
        draft.variant = `odd query ${draft.query.at(-1)}`;
        return;
      }
      if (roll < 0.26) value = random.pick(BAD_PERCENT_ENCODINGS);
      else if (types.has('integer') || types.has('number')) value = random.pick(BAD_INTEGER_TEXTS);
      else if (types.has('boolean')) value = random.pick(BAD_BOOLEAN_TEXTS);
      else if (format) value = encodeText(random.pick(BAD_DATES));
      else if (prefix) {
        const other = context.poolsOfB.pick(random, `/v1/${op.path.split('/')[2]}`)?.id;
        value = random.chance(0.3)
          ? encodeText(phantomId(random, prefix))
          : random.chance(0.3) && other
            ? encodeText(other)
            : badIdSegment(random, prefix, undefined).segment;
      } else if (random.chance(0.3)) value = encodeText(hugeText(random, random.pick([101, 10_000])));
      else value = encodeText(random.pick([...NASTY_TEXTS, 'bogus', 'TOTALCOUNT', '%', '_', '*']));
      draft.query = [
        ...draft.query.filter((pair) => !pair.startsWith(`${parameter.name}=`)),
        `${parameter.name}=${value}`,
      ];
      draft.variant = `${parameter.name}=${value.slice(0, 40)}`;
    },
  },
  {
    kind: 'nul-query',
    weight: 0.5,
    applies: () => true,
    apply(draft, random, op) {
      const name = op.query.length > 0 && random.chance(0.7) ? random.pick(op.query).name : 'fuzz';
      draft.query = [...draft.query, `${name}=${random.pick(['%00', 'a%00b', '%00%00'])}`];
      draft.variant = name;
      draft.refusal = true;
    },
  },
  {
    kind: 'bad-key',
    weight: 0.5,
    applies: (op) => !op.documented.isPublic,
    apply(draft, random, _op, context) {
      const key = context.target.a.key;
      const badChecksum = key.slice(0, -1) + (key.at(-1) === '0' ? '1' : '0');
      const variants: [string, string | undefined, boolean][] = [
        ['missing', undefined, true],
        ['empty bearer', 'Bearer ', true],
        ['malformed', 'Bearer pc_live_xyz', true],
        ['bad checksum', bearer(badChecksum), true],
        ['unknown key', bearer(generateApiKey()), true],
        ['revoked', bearer(context.target.revokedKey), true],
        ['basic', 'Basic dXNlcjpwYXNz', true],
        ['other scheme', `Token ${key}`, true],
        ['no space', `Bearer${key}`, true],
        ['two keys', `Bearer ${key} ${key}`, true],
        ['key in query', undefined, true],
        ['lowercase scheme', `bearer ${key}`, false],
      ];
      const [variant, authorization, refusal] = random.pick(variants);
      draft.authorization = authorization;
      if (variant === 'key in query') draft.query = [...draft.query, `api_key=${key}`];
      draft.variant = variant;
      draft.refusal = refusal;
    },
  },
  {
    kind: 'read-only-key',
    weight: 0.5,
    applies: (op) => isWrite(op) && !op.documented.isPublic,
    apply(draft, _random, _op, context) {
      draft.authorization = bearer(context.target.readOnlyKey);
      draft.variant = 'read scopes only';
      draft.refusal = true;
    },
  },
  {
    kind: 'cross-account',
    weight: 0.5,
    applies: (op) => op.pathParams.length > 0 && !op.documented.isPublic,
    apply(draft, _random, _op, context) {
      draft.authorization = bearer(context.target.b.key);
      draft.variant = "B's key, A's id";
      draft.crossAccount = draft.pathIds.length > 0;
      draft.refusal = draft.crossAccount;
    },
  },
  {
    kind: 'bad-api-version',
    weight: 0.5,
    applies: () => true,
    apply(draft, random) {
      const version = random.pick([
        '2020-01-01',
        '2026-11-02',
        'latest',
        '2026-11-01x',
        '01-11-2026',
        '2026-11-01, 2025-03-01',
        '9999-99-99',
      ]);
      draft.headers['x-api-version'] = version;
      draft.variant = version;
      draft.refusal = true;
    },
  },
  {
    kind: 'idempotency-reuse',
    applies: (op, context) =>
      (op.method === 'POST' || op.method === 'PATCH') && context.idempotentWrites.length > 0,
    apply(draft, random, op, context) {
      const earlier = random.pick(context.idempotentWrites);
      draft.headers['idempotency-key'] = earlier.key;
      draft.variant = `key of ${earlier.request.method} ${earlier.request.path.slice(0, 40)}`;
      // The same key with another request: 409 (or 400 first, if this body is itself invalid).
      const body = JSON.stringify(draft.body);
      const sameRequest =
        earlier.request.method === op.method && earlier.request.body?.toString('utf8') === body;
      if (sameRequest) draft.body = { ...(isObject(draft.body) ? draft.body : {}), fuzz: 'other' };
      draft.refusal = true;
    },
  },
  {
    kind: 'bad-idempotency-key',
    applies: (op) => op.method === 'POST' || op.method === 'PATCH',
    apply(draft, random) {
      const long = random.chance(0.7);
      draft.headers['idempotency-key'] = long ? 'k'.repeat(random.pick([256, 1000, 8000])) : '';
      draft.variant = long ? `${draft.headers['idempotency-key']?.length} characters` : 'empty';
      draft.refusal = long;
    },
  },
];

/** Mutation kinds, for the report. */
export const MUTATION_KINDS: readonly string[] = MUTATIONS.map((mutation) => mutation.kind);

function toRequest(index: number, op: FuzzOperation, kind: string, draft: Draft): FuzzRequest {
  const path =
    op.path.replace(/\{(\w+)\}/g, (_, name: string) => draft.params[name] ?? '') +
    (draft.query.length > 0 ? `?${draft.query.join('&')}` : '');
  const bodyText = draft.bodyText ?? (draft.body === undefined ? undefined : JSON.stringify(draft.body));
  const headers: Record<string, string> = { 'user-agent': 'punchclock-fuzz/1', accept: 'application/json' };
  if (draft.authorization !== undefined) headers.authorization = draft.authorization;
  if (bodyText !== undefined && draft.contentType !== null) {
    headers['content-type'] = draft.contentType ?? 'application/json';
  }
  Object.assign(headers, draft.headers);
  return {
    index,
    operation: op,
    kind,
    variant: draft.variant,
    refusal: draft.refusal,
    crossAccount: draft.crossAccount,
    pathIds: draft.pathIds,
    idempotencyKey: kind === 'valid' ? draft.idempotencyKey : undefined,
    method: op.method,
    path,
    headers,
    body: bodyText === undefined ? undefined : Buffer.from(bodyText, 'utf8'),
  };
}

/** The valid request for this operation (index and random give it). */
export async function validRequest(
  context: BuildContext,
  random: Random,
  op: FuzzOperation,
  index: number,
): Promise<FuzzRequest> {
  return toRequest(index, op, 'valid', await validDraft(context, random, op, index));
}

/** The operation's applicable mutations, each with its weight. */
export function mutationsFor(op: FuzzOperation, context: BuildContext): (readonly [Mutation, number])[] {
  return MUTATIONS.filter((mutation) => mutation.applies(op, context)).map(
    (mutation) => [mutation, mutation.weight ?? 1] as const,
  );
}

/** A valid request broken by one mutation drawn from the applicable ones. */
export async function mutatedRequest(
  context: BuildContext,
  random: Random,
  op: FuzzOperation,
  index: number,
): Promise<FuzzRequest> {
  const draft = await validDraft(context, random, op, index);
  const mutation = random.weighted(mutationsFor(op, context));
  draft.idempotencyKey = undefined;
  mutation.apply(draft, random, op, context);
  return toRequest(index, op, mutation.kind, draft);
}
