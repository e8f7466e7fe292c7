import { parseTimeRange } from '../../platform/http/instants.js';
import { resourceModule } from '../../platform/http/resource-routes.js';
import { TIME_ENTRIES } from './resource.js';
import { CreateTimeEntryBody, ListTimeEntriesQuery, TimeEntrySchema, UpdateTimeEntryBody } from './schema.js';
import * as timeEntries from './service.js';

export const timeEntryRoutes = resourceModule(TIME_ENTRIES, (routes, ctx) => {
  routes.list(
    {
      description:
        'Newest first, cursor-paginated. Filter by `employeeId`, `locationId`, `status`, `updatedSince`, and by ' +
        '`from` / `to`: entries that share time with that range (open entries extend to now and beyond).',
      querystring: ListTimeEntriesQuery,
      item: TimeEntrySchema,
    },
    (request, { accountId }, page) =>
      timeEntries.listTimeEntries(
        ctx,
        accountId,
        { ...request.query, ...parseTimeRange(request.query) },
        page,
      ),
  );

  routes.create(
    {
      errors: ['employee_inactive', 'time_entry_overlap', 'pay_period_locked', 'time_card_approved'],
      description:
        'Records worked time directly, as a manager does from a paper sheet (`source: "manual"`). Without ' +
        '`end` the entry is open and puts the employee on the clock, which is refused while they already are. ' +
        'Entries of one employee never overlap; time inside a locked pay period cannot be added (409 ' +
        '`pay_period_locked`), nor time inside an approved time card of the employee (409 `time_card_approved`: ' +
        'unapprove the card first). The times are taken as sent (the account’s rounding rule applies to punches ' +
        'only); `punchedStart` and `punchedEnd` are `null`.',
      body: CreateTimeEntryBody,
      response: TimeEntrySchema,
    },
    (request, { accountId }) => timeEntries.createTimeEntry(ctx, accountId, request.body),
  );

  routes.retrieve(
    { description: 'One time entry by id.', response: TimeEntrySchema },
    (request, { accountId }) => timeEntries.getTimeEntry(ctx, accountId, request.params.id),
  );

  routes.update(
    {
      errors: ['time_entry_overlap', 'pay_period_locked', 'time_card_approved'],
      description:
        'Corrects an entry: changes only the fields sent. Setting `end` on an open entry closes it and takes ' +
        'the employee off the clock; a closed entry cannot be reopened. The old and the new time must both ' +
        'lie outside locked pay periods (409 `pay_period_locked`) and outside approved time cards of the ' +
        'employee (409 `time_card_approved`: unapprove the card first). Times sent are taken as they are: the ' +
        'account’s rounding rule applies to punches only, and `punchedStart` / `punchedEnd` keep the raw punch times.',
      body: UpdateTimeEntryBody,
      response: TimeEntrySchema,
    },
    (request, { accountId }) => timeEntries.updateTimeEntry(ctx, accountId, request.params.id, request.body),
  );

  routes.remove(
    {
      errors: ['pay_period_locked', 'time_card_approved'],
      description:
        'Removes an entry permanently; refused inside a locked pay period (409 `pay_period_locked`) or an ' +
        'approved time card of the employee (409 `time_card_approved`). Deleting an open entry takes the ' +
        'employee off the clock. Punches that made the entry stay on record.',
    },
    (request, { accountId }) => timeEntries.deleteTimeEntry(ctx, accountId, request.params.id),
  );
});
