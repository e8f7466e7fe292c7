import { type ObjectOptions, type TObject, type TProperties, type TSchema, Type } from '@sinclair/typebox';
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
