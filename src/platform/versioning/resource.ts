import { defineResource } from '../descriptors/descriptor.js';

/** The API's versions, listed without a key at `GET /v1/versions`. */
export const VERSIONS = defineResource({
  scope: null,
  object: 'api_version',
  idPrefix: null,
  path: '/versions',
  names: { one: 'API version', many: 'API versions' },
  tag: { name: 'Versions', description: 'API versions and the changes each one introduced.' },
  fields: ['version', 'releasedOn', 'summary', 'changes'],
  restrictable: false,
  events: null,
});
