import type { ScopeResource } from '../platform/api-keys/scopes.js';
import { COST_CODE_FIELDS } from './cost-codes/catalogue.js';
import { DEPARTMENT_CODE_FIELDS } from './department-codes/catalogue.js';
import { EMPLOYEE_FIELDS } from './employees/schema.js';
import { GEOFENCE_FIELDS } from './geofences/schema.js';
import { GROUP_FIELDS } from './groups/catalogue.js';
import { LOCATION_FIELDS } from './locations/schema.js';
import { PAY_PERIOD_FIELDS } from './pay-periods/schema.js';
import { POSITION_FIELDS } from './positions/catalogue.js';
import { PUNCH_FIELDS } from './punches/schema.js';
import { SHIFT_FIELDS } from './shifts/schema.js';
import { TIME_CARD_FIELDS } from './time-cards/schema.js';
import { TIME_ENTRY_FIELDS } from './time-entries/schema.js';
import { TIME_OFF_FIELDS } from './time-off/schema.js';

/**
 * The fields of each resource that a key's field restriction may name. A resource appears here once it exists;
 * restrictions on a resource not listed are refused.
 */
export const RESTRICTABLE_FIELDS: Partial<Record<ScopeResource, readonly string[]>> = {
  employees: EMPLOYEE_FIELDS,
  locations: LOCATION_FIELDS,
  departmentcodes: DEPARTMENT_CODE_FIELDS,
  positions: POSITION_FIELDS,
  groups: GROUP_FIELDS,
  costcodes: COST_CODE_FIELDS,
  geofences: GEOFENCE_FIELDS,
  punches: PUNCH_FIELDS,
  timeentries: TIME_ENTRY_FIELDS,
  shifts: SHIFT_FIELDS,
  payperiods: PAY_PERIOD_FIELDS,
  timecards: TIME_CARD_FIELDS,
  pto: TIME_OFF_FIELDS,
};
