import type { ScopeResource } from '../platform/api-keys/scopes.js';
import { EMPLOYEE_FIELDS } from './employees/schema.js';

/**
 * The fields of each resource that a key's field restriction may name. A resource appears here once it exists;
 * restrictions on a resource not listed are refused.
 */
export const RESTRICTABLE_FIELDS: Partial<Record<ScopeResource, readonly string[]>> = {
  employees: EMPLOYEE_FIELDS,
};
