import type { CodeCatalogue } from '../code-catalogues/definition.js';
import { catalogueSchemas } from '../code-catalogues/schema.js';

export const GROUPS: CodeCatalogue = {
  table: 'groups',
  idKind: 'group',
  object: 'group',
  noun: 'Group',
  plural: 'groups',
  path: '/groups',
  scope: 'groups',
  tag: 'Groups',
  operationNoun: { one: 'Group', many: 'Groups' },
  description: 'A named set of employees (a crew, a team, a union local), listed in `employeeIds`.',
  example: { code: 'NIGHT', name: 'Night crew', description: 'Works the 22:00–06:00 shift.' },
  references: [{ table: 'employee_groups', column: 'group_id', label: 'employees (its members)' }],
  hasMembers: true,
};

export const GROUP_FIELDS: readonly string[] = catalogueSchemas(GROUPS).fields;
