import { resourceModule } from '../../platform/http/resource-routes.js';
import { SHIFTS } from './resource.js';
import { CreateShiftBody, ListShiftsQuery, ShiftSchema, UpdateShiftBody } from './schema.js';
import * as shifts from './service.js';

export const shiftRoutes = resourceModule(SHIFTS, (routes, ctx) => {
  routes.list(
    {
      description:
        'Newest first, cursor-paginated. `from` and `to` return the shifts that intersect that range; filter ' +
        'also by `employeeId`, `open`, `locationId`, `published` and `updatedSince`.',
      querystring: ListShiftsQuery,
      item: ShiftSchema,
    },
    (request, { accountId }, page) => shifts.listShifts(ctx, accountId, request.query, page),
  );

  routes.create(
    {
      summary: 'Schedule a shift',
      description:
        'Schedules work for an employee, or an open shift when `employeeId` is omitted. The employee, location ' +
        'and position must exist in the account. Shifts start as drafts unless `published` is true.',
      body: CreateShiftBody,
      response: ShiftSchema,
    },
    (request, { accountId }) => shifts.createShift(ctx, accountId, request.body),
  );

  routes.retrieve({ description: 'One shift by id.', response: ShiftSchema }, (request, { accountId }) =>
    shifts.getShift(ctx, accountId, request.params.id),
  );

  routes.update(
    {
      description:
        'Changes only the fields sent: reassign it (`employeeId: null` makes it an open shift), move it, ' +
        'publish it. Send `null` to clear an optional field.',
      body: UpdateShiftBody,
      response: ShiftSchema,
    },
    (request, { accountId }) => shifts.updateShift(ctx, accountId, request.params.id, request.body),
  );

  routes.remove(
    {
      description:
        'Removes a scheduled shift. Recorded time is unaffected: shifts are the plan, not the work.',
    },
    (request, { accountId }) => shifts.deleteShift(ctx, accountId, request.params.id),
  );
});
