import { defineCatalogue } from '../code-catalogues/definition.js';

export const GROUPS = defineCatalogue({
  scope: { name: 'groups', label: 'Groups', writable: true },
  object: 'group',
  idPrefix: 'grp',
  path: '/groups',
  names: { one: 'group', many: 'groups' },
  tag: { name: 'Groups', description: 'Named sets of employees, such as crews or teams.' },
  table: 'groups',
  description: 'A named set of employees (a crew, a team, a union local), listed in `employeeIds`.',
  example: { code: 'NIGHT', name: 'Night crew', description: 'Works the 22:00–06:00 shift.' },
  references: [
    { table: 'employee_groups', column: 'group_id', label: 'employees (its members)' },
    // A manager whose only managed group went would manage the whole team: the deletion must not widen anyone.
    { table: 'user_groups', column: 'group_id', label: 'users (managers who manage it)' },
  ],
  hasMembers: true,
});
