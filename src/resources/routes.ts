import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../platform/context.js';
import { costCodeRoutes } from './cost-codes/routes.js';
import { departmentCodeRoutes } from './department-codes/routes.js';
import { employeeRoutes } from './employees/routes.js';
import { eventRoutes } from './events/routes.js';
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
import { webhookEndpointRoutes } from './webhook-endpoints/routes.js';

/** Every /v1 resource. A new resource adds its folder and one line here. */
export function resourceRoutes(api: FastifyInstance, ctx: AppContext): void {
  employeeRoutes(api, ctx);
  locationRoutes(api, ctx);
  departmentCodeRoutes(api, ctx);
  positionRoutes(api, ctx);
  groupRoutes(api, ctx);
  costCodeRoutes(api, ctx);
  geofenceRoutes(api, ctx);
  punchRoutes(api, ctx);
  timeEntryRoutes(api, ctx);
  shiftRoutes(api, ctx);
  payScheduleRoutes(api, ctx);
  payPeriodRoutes(api, ctx);
  timeCardRoutes(api, ctx);
  timeOffRoutes(api, ctx);
  webhookEndpointRoutes(api, ctx);
  eventRoutes(api, ctx);
}
