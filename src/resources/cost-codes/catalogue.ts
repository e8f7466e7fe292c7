import type { CodeCatalogue } from '../code-catalogues/definition.js';
import { catalogueSchemas } from '../code-catalogues/schema.js';

export const COST_CODES: CodeCatalogue = {
  table: 'cost_codes',
  idKind: 'costCode',
  object: 'cost_code',
  noun: 'Cost code',
  plural: 'cost codes',
  path: '/cost-codes',
  scope: 'costcodes',
  tag: 'Cost codes',
  operationNoun: { one: 'CostCode', many: 'CostCodes' },
  description: 'A job, project or task that punches and time entries are costed to.',
  example: { code: 'JOB-1042', name: 'Riverside renovation', description: 'Client project, phase 2.' },
  references: [
    { table: 'punches', column: 'cost_code_id', label: 'punches' },
    { table: 'time_entries', column: 'cost_code_id', label: 'time entries' },
  ],
  hasMembers: false,
};

export const COST_CODE_FIELDS: readonly string[] = catalogueSchemas(COST_CODES).fields;
