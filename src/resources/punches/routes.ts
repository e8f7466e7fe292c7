import { parseTimeRange } from '../../platform/http/instants.js';
import { resourceModule } from '../../platform/http/resource-routes.js';
import { PUNCHES } from './resource.js';
import { CreatePunchBody, ListPunchesQuery, PunchSchema } from './schema.js';
import * as punches from './service.js';

export const punchRoutes = resourceModule(PUNCHES, (routes, ctx) => {
  routes.list(
    {
      description:
        'Newest first, cursor-paginated. Filter by `employeeId`, `locationId`, `updatedSince`, and by the ' +
        'punch time with `from` (inclusive) and `to` (exclusive).',
      querystring: ListPunchesQuery,
      item: PunchSchema,
    },
    (request, { accountId }, page) =>
      punches.listPunches(ctx, accountId, { ...request.query, ...parseTimeRange(request.query) }, page),
  );

  routes.create(
    {
      errors: [
        'employee_inactive',
        'already_clocked_in',
        'not_clocked_in',
        'already_on_break',
        'not_on_break',
        'time_entry_overlap',
        'outside_geofence',
        'pay_period_locked',
        'time_card_approved',
      ],
      summary: 'Record a punch',
      description:
        'Clocks an employee in or out, or starts or ends a break, and keeps their time entry in step: `in` ' +
        'opens an entry, `out` closes it, breaks are subtracted from its duration. A punch that does not fit ' +
        'the employee’s clock state is refused with 409 (`already_clocked_in`, `not_clocked_in`, ' +
        '`already_on_break`, `not_on_break`), as is one in a locked pay period (`pay_period_locked`) or inside ' +
        'an approved time card of the employee (`time_card_approved`: unapprove the card first). At a ' +
        'location whose geofence mode is `warn` the verdict is recorded; in mode `block` a punch outside its ' +
        'geofences is refused with 403 `outside_geofence` and nothing is stored. A clock-in or clock-out keeps ' +
        'its raw time in `at` and counts the time the account’s rounding rule gives it (`countedAt`, the ' +
        'entry’s `start` or `end`; see `rounding` on the pay schedule); rounding never refuses a punch.',
      body: CreatePunchBody,
      response: PunchSchema,
    },
    (request, { accountId }) => punches.recordPunch(ctx, accountId, request.body),
  );

  routes.retrieve(
    {
      description: 'One punch by id. Punches are immutable; corrections are made on time entries.',
      response: PunchSchema,
    },
    (request, { accountId }) => punches.getPunch(ctx, accountId, request.params.id),
  );
});
