import { defineCatalogue } from '../code-catalogues/definition.js';

export const DEPARTMENT_CODES = defineCatalogue({
  scope: { name: 'departmentcodes', label: 'Department Codes', writable: true },
  object: 'department_code',
  idPrefix: 'dep',
  path: '/department-codes',
  names: { one: 'department code', many: 'department codes' },
  tag: {
    name: 'Department codes',
    description: 'Departments that employees, punches and time entries belong to.',
  },
  table: 'department_codes',
  description: 'A department that employees belong to and that punches and time entries are booked against.',
  example: { code: 'WH-01', name: 'Warehouse', description: 'Receiving and shipping.' },
  references: [
    { table: 'employees', column: 'department_code_id', label: 'employees' },
    { table: 'punches', column: 'department_code_id', label: 'punches' },
    { table: 'time_entries', column: 'department_code_id', label: 'time entries' },
  ],
  hasMembers: false,
});
