import type { Migration, MigrationProvider } from 'kysely';
import * as initial from './0001-initial.js';
import * as trafficControl from './0002-traffic-control.js';
import * as workforce from './0003-workforce.js';
import * as webhooks from './0004-webhooks.js';
import * as portal from './0005-portal.js';
import * as webhookPermissions from './0006-webhook-permissions.js';
import * as rateLimitCounters from './0007-rate-limit-counters.js';
import * as webhookDeliveryEndpointFk from './0008-webhook-delivery-endpoint-fk.js';
import * as webhookDispatchIndexes from './0009-webhook-dispatch-indexes.js';
import * as clockPathIndexes from './0010-clock-path-indexes.js';
import * as requestLogIndexes from './0011-request-log-indexes.js';
import * as cardApproval from './0012-card-approval.js';
import * as users from './0013-users.js';
import * as rounding from './0014-rounding.js';

/** Every migration, in order. Compiled into the build, so migrating needs no file globbing. */
const MIGRATIONS: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-traffic-control': trafficControl,
  '0003-workforce': workforce,
  '0004-webhooks': webhooks,
  '0005-portal': portal,
  '0006-webhook-permissions': webhookPermissions,
  '0007-rate-limit-counters': rateLimitCounters,
  '0008-webhook-delivery-endpoint-fk': webhookDeliveryEndpointFk,
  '0009-webhook-dispatch-indexes': webhookDispatchIndexes,
  '0010-clock-path-indexes': clockPathIndexes,
  '0011-request-log-indexes': requestLogIndexes,
  '0012-card-approval': cardApproval,
  '0013-users': users,
  '0014-rounding': rounding,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};
