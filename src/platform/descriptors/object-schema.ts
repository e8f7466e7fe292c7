import {
  type ObjectOptions,
  type TObject,
  type TOptional,
  type TProperties,
  type TSchema,
  Type,
} from '@sinclair/typebox';
import type { ResourceDescriptor } from './descriptor.js';

/** `P`, refused by the compiler when it has a key outside `K`. */
type Exactly<P, K extends PropertyKey> = P & Record<Exclude<keyof P, K>, never>;

/**
 * The schema of a resource's API object: `id`, `object` and exactly the fields its descriptor declares, no more and
 * none missing, or the file does not compile. The descriptor names the fields; the schema types and documents them.
 */
export function objectSchema<
  Field extends string,
  Properties extends TProperties & Record<'id' | 'object' | Field, TSchema>,
>(
  _resource: ResourceDescriptor<string, Field, string>,
  properties: Exactly<Properties, 'id' | 'object' | Field>,
  options?: ObjectOptions,
): TObject<Properties> {
  return Type.Object(properties as Properties, options);
}

/** The create body's properties: the required ones as they are, every other one optional. */
type CreateProperties<P extends TProperties, Required extends keyof P> = {
  [K in keyof P]: K extends Required ? P[K] : TOptional<P[K]>;
};

/**
 * The create and update bodies of a resource from one list of its writable fields, so the two cannot drift: create
 * requires `required` and fills `defaults` in for what is not sent; update takes any non-empty subset and fills in
 * nothing, since a PATCH changes only the fields it sends.
 */
export function writeBodies<P extends TProperties, Required extends keyof P & string>(
  properties: P,
  options: {
    readonly required: readonly Required[];
    readonly defaults?: { readonly [K in Exclude<keyof P, Required>]?: unknown };
    readonly createExamples: readonly unknown[];
    readonly updateExamples: readonly unknown[];
  },
) {
  const defaults: Readonly<Record<string, unknown>> = options.defaults ?? {};
  const create: TProperties = {};
  for (const [name, schema] of Object.entries(properties)) {
    const required = (options.required as readonly string[]).includes(name);
    const withDefault = defaults[name] === undefined ? schema : { ...schema, default: defaults[name] };
    create[name] = required ? schema : Type.Optional(withDefault);
  }
  return {
    create: Type.Object(create as CreateProperties<P, Required>, {
      additionalProperties: false,
      examples: [...options.createExamples],
    }),
    update: Type.Partial(Type.Object(properties), {
      additionalProperties: false,
      minProperties: 1,
      examples: [...options.updateExamples],
    }),
  };
}
