import { defineCatalogue } from '../code-catalogues/definition.js';

export const POSITIONS = defineCatalogue({
  scope: { name: 'positions', label: 'Positions', writable: true },
  object: 'position',
  idPrefix: 'pos',
  path: '/positions',
  names: { one: 'position', many: 'positions' },
  tag: { name: 'Positions', description: 'Jobs or roles that employees hold and shifts are planned for.' },
  table: 'positions',
  description: 'A job or role that employees hold and that shifts and time entries are worked in.',
  example: { code: 'FORK', name: 'Forklift operator', description: 'Certified forklift drivers.' },
  references: [
    { table: 'employees', column: 'position_id', label: 'employees' },
    { table: 'shifts', column: 'position_id', label: 'shifts' },
    { table: 'time_entries', column: 'position_id', label: 'time entries' },
  ],
  hasMembers: false,
});
