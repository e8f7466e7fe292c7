import type { CodeCatalogue } from '../code-catalogues/definition.js';
import { catalogueSchemas } from '../code-catalogues/schema.js';

export const POSITIONS: CodeCatalogue = {
  table: 'positions',
  idKind: 'position',
  object: 'position',
  noun: 'Position',
  plural: 'positions',
  path: '/positions',
  scope: 'positions',
  tag: 'Positions',
  operationNoun: { one: 'Position', many: 'Positions' },
  description: 'A job or role that employees hold and that shifts and time entries are worked in.',
  example: { code: 'FORK', name: 'Forklift operator', description: 'Certified forklift drivers.' },
  references: [
    { table: 'employees', column: 'position_id', label: 'employees' },
    { table: 'shifts', column: 'position_id', label: 'shifts' },
    { table: 'time_entries', column: 'position_id', label: 'time entries' },
  ],
  hasMembers: false,
};

export const POSITION_FIELDS: readonly string[] = catalogueSchemas(POSITIONS).fields;
