import { defineResource } from '../descriptors/descriptor.js';

/**
 * API keys as the API shows them: `GET /v1/api-key` answers any valid key with its own metadata, and every key's
 * creation, revocation and roll is an event of the account's security trail. Keys are managed in the portal and the
 * CLI, not through the API.
 */
export const API_KEYS = defineResource({
  scope: null,
  object: 'api_key',
  idPrefix: 'key',
  path: '/api-key',
  names: { one: 'API key', many: 'API keys' },
  tag: {
    name: 'API keys',
    description: 'The calling key: check which account and scopes an integration runs with.',
  },
  fields: [
    'name',
    'displayPrefix',
    'last4',
    'scopes',
    'fieldRestrictions',
    'status',
    'expiresAt',
    'rateLimitPerMinute',
    'createdBy',
    'replacedBy',
    'lastUsedAt',
    'createdAt',
    'updatedAt',
  ],
  restrictable: false,
  events: {
    changes: false,
    domain: {
      created: 'An API key was created (account security trail).',
      revoked: 'An API key was revoked (account security trail).',
      rolled: 'An API key was rolled: a replacement was issued (account security trail).',
      reassigned:
        'An API key was given another owner (`createdBy`), an active administrator, when its owner was deactivated or demoted (account security trail).',
    },
  },
});
