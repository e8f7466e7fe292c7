import { defineCatalogue } from '../code-catalogues/definition.js';

export const COST_CODES = defineCatalogue({
  scope: { name: 'costcodes', label: 'Cost Codes', writable: true },
  object: 'cost_code',
  idPrefix: 'cst',
  path: '/cost-codes',
  names: { one: 'cost code', many: 'cost codes' },
  tag: {
    name: 'Cost codes',
    description: 'Jobs, projects or tasks that punches and time entries are costed to.',
  },
  table: 'cost_codes',
  description: 'A job, project or task that punches and time entries are costed to.',
  example: { code: 'JOB-1042', name: 'Riverside renovation', description: 'Client project, phase 2.' },
  references: [
    { table: 'punches', column: 'cost_code_id', label: 'punches' },
    { table: 'time_entries', column: 'cost_code_id', label: 'time entries' },
  ],
  hasMembers: false,
});
