import type { Static, TSchema } from '@sinclair/typebox';
import { validator } from './content.js';
import { type ValidationIssue, validationApiError } from './error-handler.js';

/**
 * A route's body validation for input that does not arrive as a /v1 body (the portal's forms): the same schema, the
 * same 400 parameter_invalid and message, so the portal never carries a second copy of a rule.
 */
export function bodyCheck<T extends TSchema>(schema: T): (value: unknown) => Static<T> {
  const validate = validator(false).compile(schema);
  return (value) => {
    if (validate(value)) return value as Static<T>;
    throw validationApiError(validate.errors?.[0] as ValidationIssue, 'body');
  };
}
