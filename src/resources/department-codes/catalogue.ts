import type { CodeCatalogue } from '../code-catalogues/definition.js';
import { catalogueSchemas } from '../code-catalogues/schema.js';

export const DEPARTMENT_CODES: CodeCatalogue = {
  table: 'department_codes',
  idKind: 'departmentCode',
  object: 'department_code',
  noun: 'Department code',
  plural: 'department codes',
  path: '/department-codes',
  scope: 'departmentcodes',
  tag: 'Department codes',
  operationNoun: { one: 'DepartmentCode', many: 'DepartmentCodes' },
  description: 'A department that employees belong to and that punches and time entries are booked against.',
  example: { code: 'WH-01', name: 'Warehouse', description: 'Receiving and shipping.' },
  references: [
    { table: 'employees', column: 'department_code_id', label: 'employees' },
    { table: 'punches', column: 'department_code_id', label: 'punches' },
    { table: 'time_entries', column: 'department_code_id', label: 'time entries' },
  ],
  hasMembers: false,
};

export const DEPARTMENT_CODE_FIELDS: readonly string[] = catalogueSchemas(DEPARTMENT_CODES).fields;
