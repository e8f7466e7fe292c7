import { callingKeyRoutes } from '../platform/auth/routes.js';
import { ResourceRegistry } from '../platform/descriptors/registry.js';
import type { ResourceModule } from '../platform/http/resource-routes.js';
import { userRoutes } from '../platform/users/routes.js';
import { versionRoutes } from '../platform/versioning/routes.js';
import { webhookEndpointRoutes } from '../platform/webhooks/endpoints/routes.js';
import { eventRoutes } from '../platform/webhooks/events/routes.js';
import { costCodeRoutes } from './cost-codes/routes.js';
import { departmentCodeRoutes } from './department-codes/routes.js';
import { employeeRoutes } from './employees/routes.js';
import { geofenceRoutes } from './geofences/routes.js';
import { groupRoutes } from './groups/routes.js';
import { locationRoutes } from './locations/routes.js';
import { payPeriodRoutes } from './pay-periods/routes.js';
import { payScheduleRoutes } from './pay-schedule/routes.js';
import { positionRoutes } from './positions/routes.js';
import { punchRoutes } from './punches/routes.js';
import { shiftRoutes } from './shifts/routes.js';
import { timeCardRoutes } from './time-cards/routes.js';
import { timeEntryRoutes } from './time-entries/routes.js';
import { timeOffRoutes } from './time-off/routes.js';

/**
 * Every resource of the /v1 API with its routes, in the order the docs, the scope list and the portal's permission
 * matrix show them (the seeds' order of scopes). A new resource adds its folder and one line here; everything else
 * that names resources (scopes, field restrictions, events, tags) is derived from their descriptors.
 */
export const RESOURCE_MODULES: readonly ResourceModule[] = [
  employeeRoutes,
  punchRoutes,
  timeEntryRoutes,
  timeOffRoutes,
  timeCardRoutes,
  payPeriodRoutes,
  payScheduleRoutes,
  locationRoutes,
  departmentCodeRoutes,
  positionRoutes,
  groupRoutes,
  geofenceRoutes,
  shiftRoutes,
  costCodeRoutes,
  userRoutes,
  webhookEndpointRoutes,
  eventRoutes,
  callingKeyRoutes,
  versionRoutes,
];

/** The registry the app hands the platform (AppContext.resources), the portal and the CLI read. */
export const RESOURCES = new ResourceRegistry(RESOURCE_MODULES.map((module) => module.resource));
