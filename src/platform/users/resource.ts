import { defineResource } from '../descriptors/descriptor.js';

/**
 * The people of an account who sign in to the portal: administrators, and managers who see the team and approve
 * time. They are invited, change role, are deactivated and reactivated; an API key stops working while the
 * administrator who owns it is not an active administrator (DESIGN §3.1). Users are never deleted, so their
 * changes are `user.created`, `user.updated` and the domain events that name what happened.
 */
export const USERS = defineResource({
  scope: { name: 'users', label: 'Users', writable: true },
  object: 'user',
  idPrefix: 'usr',
  path: '/users',
  names: { one: 'user', many: 'users' },
  tag: {
    name: 'Users',
    description:
      'The people who sign in to the portal: invite administrators and managers, change roles, deactivate and reactivate them.',
  },
  fields: [
    'email',
    'name',
    'role',
    'active',
    'managedLocationIds',
    'managedGroupIds',
    'lastSignInAt',
    'createdAt',
    'updatedAt',
  ],
  restrictable: true,
  events: {
    changes: false,
    domain: {
      created: 'A user was invited to the account.',
      updated:
        'A user changed (name, role, managed locations or groups, active); `previousAttributes` holds what was before.',
      deactivated:
        'A user was deactivated: they can no longer sign in, and the API keys they own stop working until reassigned.',
      reactivated: 'A deactivated user was reactivated.',
      role_changed:
        'A user was given another role. An administrator who becomes a manager stops owning working API keys.',
    },
  },
  queries: { role: ['role'], active: ['active'] },
});
