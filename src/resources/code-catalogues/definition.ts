import type { ResourceDescriptor, ScopeDefinition } from '../../platform/descriptors/descriptor.js';
import type { Reference } from '../references.js';

/** The four tables of the `CodeCatalogueTable` shape. */
export type CatalogueTable = 'department_codes' | 'positions' | 'groups' | 'cost_codes';

type CatalogueObject = 'department_code' | 'position' | 'group' | 'cost_code';

/**
 * Department codes, positions, groups and cost codes: four resources that share one schema, one repository, one
 * service and one set of routes, parameterised by their descriptor and these few facts of their own.
 */
export interface CodeCatalogue extends ResourceDescriptor<CatalogueObject> {
  readonly scope: ScopeDefinition;
  readonly idPrefix: string;
  readonly table: CatalogueTable;
  /** What the object is for, opening its schema's description. */
  readonly description: string;
  readonly example: { readonly code: string; readonly name: string; readonly description: string };
  /** Columns of other tables that point at an object of this catalogue: deleting a referenced one is in_use. */
  readonly references: readonly Reference[];
  /** Groups only: their members (employee_groups) are read and replaced as `employeeIds`. */
  readonly hasMembers: boolean;
}

type CatalogueInput = Omit<CodeCatalogue, 'fields' | 'restrictable' | 'events' | 'queries'>;

/** A catalogue's descriptor: its fields follow from whether it has members; every change of it is an event. */
export function defineCatalogue(catalogue: CatalogueInput): CodeCatalogue {
  return Object.freeze({
    ...catalogue,
    fields: [
      'code',
      'name',
      'description',
      'active',
      ...(catalogue.hasMembers ? ['employeeIds'] : []),
      'createdAt',
      'updatedAt',
    ],
    restrictable: true,
    events: { changes: true, domain: {} },
    queries: { active: ['active'], search: ['code', 'name'] },
  });
}
