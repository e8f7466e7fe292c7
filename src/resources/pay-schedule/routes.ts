import { resourceModule } from '../../platform/http/resource-routes.js';
import { PAY_SCHEDULE } from './resource.js';
import { PayScheduleSchema, UpdatePayScheduleBody } from './schema.js';
import * as paySchedule from './service.js';

/** The account has one pay schedule, at `/v1/pay-schedule` itself: read and replaced, never created or deleted. */
export const payScheduleRoutes = resourceModule(PAY_SCHEDULE, (routes, ctx) => {
  routes.route(
    {
      method: 'GET',
      url: PAY_SCHEDULE.path,
      access: 'read',
      operationId: 'getPaySchedule',
      summary: 'Retrieve the pay schedule',
      description:
        'The account’s pay schedule, overtime rule and punch rounding rule. Until changed: `biweekly`, anchored on Monday 2024-01-01 (workweeks start on Monday), overtime rule `weekly40`, no rounding and no shift grace.',
      response: { 200: PayScheduleSchema },
    },
    (_request, { accountId }) => paySchedule.getPaySchedule(ctx, accountId),
  );

  routes.route(
    {
      method: 'PATCH',
      url: PAY_SCHEDULE.path,
      access: 'write',
      operationId: 'updatePaySchedule',
      errors: ['pay_period_locked', 'time_card_approved'],
      summary: 'Update the pay schedule',
      description:
        'Changes only the fields sent; `overtimeRule` and `rounding` are each replaced as a whole. A new `rounding` rule applies to punches recorded from then on: it never rewrites stored punches or time entries, which keep the times they count. A new `frequency` or `anchorDate` replaces the pay periods that are not over yet (the current and future ones, with their time cards and approvals) while periods that have ended keep their dates; the first new period starts the day after the last ended one, shortened if the new schedule would start it earlier. If a period that would be replaced is locked, the change is refused with 409 `pay_period_locked`; if one holds an approved time card (of any employee), with 409 `time_card_approved`: unapprove it first.',
      body: UpdatePayScheduleBody,
      response: { 200: PayScheduleSchema },
    },
    (request, { accountId }) => paySchedule.updatePaySchedule(ctx, accountId, request.body),
  );
});
