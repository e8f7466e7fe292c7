/**
 * Example values built from the route schemas, so every request body and success response in the document has
 * an example even when the route only gave examples per field. Spectral validates each against its schema, so
 * an example that drifts from the schema fails the OpenAPI test instead of misleading readers.
 */
type Json = Record<string, unknown>;

/** Placeholders for formats whose example the schema did not give; realistic and valid for the format. */
const FORMAT_EXAMPLES: Record<string, string> = {
  'date-time': '2026-11-02T14:03:11.482Z',
  date: '2026-11-02',
  time: '14:03:11Z',
  email: 'maria.lopez@example.com',
  uri: 'https://example.com/webhooks/punchclock',
  url: 'https://example.com/webhooks/punchclock',
  uuid: '0193a3c6-5f0e-7c4b-9d1e-3a7f2b8c9d10',
};

/** Deep enough for any API object; stops runaway recursion on self-referencing schemas. */
const MAX_DEPTH = 8;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Follows a local `#/components/...` reference; other references are left unresolved. */
export function resolve(schema: Json, document: Json): Json {
  const ref = schema.$ref;
  if (typeof ref !== 'string' || !ref.startsWith('#/')) return schema;
  let target: unknown = document;
  for (const part of ref.slice(2).split('/')) {
    target = isObject(target) ? target[part.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
  }
  return isObject(target) ? target : schema;
}

function typesOf(schema: Json): string[] {
  const type = schema.type;
  if (Array.isArray(type)) return type.filter((t): t is string => typeof t === 'string');
  return typeof type === 'string' ? [type] : [];
}

/** A branch of a union that is not just `null`, so examples show the interesting case. */
function preferredBranch(branches: unknown[], document: Json): Json | undefined {
  const resolved = branches.filter(isObject).map((branch) => resolve(branch, document));
  return resolved.find((branch) => !typesOf(branch).every((t) => t === 'null')) ?? resolved[0];
}

interface Options {
  /** Request bodies show only what is required: the smallest body that works, as a sample should. */
  requiredOnly: boolean;
}

function build(raw: unknown, document: Json, options: Options, depth: number): unknown {
  if (!isObject(raw) || depth > MAX_DEPTH) return undefined;
  const schema = resolve(raw, document);
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0];
  if ('example' in schema) return schema.example;
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  if ('default' in schema) return schema.default;
  for (const keyword of ['anyOf', 'oneOf'] as const) {
    const branches = schema[keyword];
    if (Array.isArray(branches))
      return build(preferredBranch(branches, document), document, options, depth + 1);
  }
  if (Array.isArray(schema.allOf)) {
    return Object.assign(
      {},
      ...schema.allOf.map((part) => {
        const value = build(part, document, options, depth + 1);
        return isObject(value) ? value : {};
      }),
    );
  }
  const type = typesOf(schema).find((t) => t !== 'null') ?? (isObject(schema.properties) ? 'object' : 'null');
  switch (type) {
    case 'object': {
      const properties = isObject(schema.properties) ? schema.properties : {};
      const required = Array.isArray(schema.required) ? schema.required : [];
      const names = Object.keys(properties).filter(
        (name) => !options.requiredOnly || required.includes(name),
      );
      const out: Json = {};
      for (const name of names) {
        const value = build(properties[name], document, options, depth + 1);
        if (value !== undefined) out[name] = value;
      }
      return out;
    }
    case 'array': {
      const item = build(schema.items, document, options, depth + 1);
      return item === undefined ? [] : [item];
    }
    case 'string':
      return (typeof schema.format === 'string' && FORMAT_EXAMPLES[schema.format]) || 'string';
    case 'integer':
    case 'number':
      return typeof schema.minimum === 'number' ? Math.max(schema.minimum, 1) : 1;
    case 'boolean':
      return true;
    default:
      return null;
  }
}

/** A full example of a response body: every documented field. */
export function responseExample(schema: unknown, document: Json): unknown {
  return build(schema, document, { requiredOnly: false }, 0);
}

/**
 * A request body example: the required fields, or — when nothing is required, as in a PATCH — the first field,
 * because an empty body would not be accepted.
 */
export function requestExample(schema: unknown, document: Json): unknown {
  const minimal = build(schema, document, { requiredOnly: true }, 0);
  if (isObject(minimal) && Object.keys(minimal).length === 0 && isObject(schema)) {
    const properties = resolve(schema, document).properties;
    const first = isObject(properties) ? Object.entries(properties)[0] : undefined;
    if (first) return { [first[0]]: build(first[1], document, { requiredOnly: false }, 1) };
  }
  return minimal;
}
