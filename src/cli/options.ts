import { InvalidArgumentError } from 'commander';
import type { FieldRestrictions } from '../platform/descriptors/permissions.js';
import { RESOURCES } from '../resources/registry.js';

/** Option-argument parsers. Only the shape is checked here; the services judge the values. */

export const ON_OFF = ['on', 'off'] as const;

export function parseWholeNumber(value: string): number {
  if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError('Expected a whole number.');
  return Number(value);
}

/** `employees:read,timeentries:read`, `*`, `firstName,lastName`: blanks around commas are ignored. */
export function parseCommaList(value: string): string[] {
  return value
    .split(',')
    .map((scope) => scope.trim())
    .filter((scope) => scope.length > 0);
}

/** One `--fields <resource>=<f1>,<f2>`; repeated options accumulate, and a repeated resource adds fields. */
export function collectFieldRestriction(
  value: string,
  previous: FieldRestrictions | undefined,
): FieldRestrictions {
  const separator = value.indexOf('=');
  const resource = value.slice(0, separator).trim();
  const fields = parseCommaList(value.slice(separator + 1));
  if (separator < 1 || fields.length === 0) {
    throw new InvalidArgumentError(
      'Expected <resource>=<field>,<field>, for example employees=firstName,lastName.',
    );
  }
  if (!RESOURCES.isScopeName(resource)) {
    throw new InvalidArgumentError(
      `Unknown resource "${resource}". Resources: ${RESOURCES.scopes.map((scope) => scope.name).join(', ')}.`,
    );
  }
  return { ...previous, [resource]: [...(previous?.[resource] ?? []), ...fields] };
}
