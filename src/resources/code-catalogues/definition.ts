import type { ScopeResource } from '../../platform/api-keys/scopes.js';
import type { IdKind } from '../../shared/ids.js';
import type { Reference } from '../references.js';

/** The four tables of the `CodeCatalogueTable` shape. */
export type CatalogueTable = 'department_codes' | 'positions' | 'groups' | 'cost_codes';

/**
 * Everything that tells department codes, positions, groups and cost codes apart: they share one schema, one
 * repository, one service and one set of routes, parameterised by this.
 */
export interface CodeCatalogue {
  readonly table: CatalogueTable;
  readonly idKind: Extract<IdKind, 'departmentCode' | 'position' | 'group' | 'costCode'>;
  /** The `object` field of its API objects. */
  readonly object: 'department_code' | 'position' | 'group' | 'cost_code';
  /** Sentence-case singular, as messages name it: "Department code". */
  readonly noun: string;
  /** Lower-case plural, as descriptions name it: "department codes". */
  readonly plural: string;
  /** Path under /v1. */
  readonly path: `/${string}`;
  readonly scope: Extract<ScopeResource, 'departmentcodes' | 'positions' | 'groups' | 'costcodes'>;
  /** OpenAPI tag (declared in platform/openapi/document.ts). */
  readonly tag: string;
  /** PascalCase singular and plural for operation ids: `createDepartmentCode`, `listDepartmentCodes`. */
  readonly operationNoun: { readonly one: string; readonly many: string };
  /** What the object is for, opening its schema's description. */
  readonly description: string;
  readonly example: { readonly code: string; readonly name: string; readonly description: string };
  /** Columns of other tables that point at an object of this catalogue: deleting a referenced one is in_use. */
  readonly references: readonly Reference[];
  /** Groups only: their members (employee_groups) are read and replaced as `employeeIds`. */
  readonly hasMembers: boolean;
}
