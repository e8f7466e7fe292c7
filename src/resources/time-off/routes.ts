import type { TimeOffStatus } from '../../db/tables.js';
import { resourceModule } from '../../platform/http/resource-routes.js';
import { TIME_OFF } from './resource.js';
import { CreateTimeOffBody, ListTimeOffQuery, TimeOffSchema } from './schema.js';
import * as timeOff from './service.js';

/** The three decisions a requested request can receive: `POST /v1/time-off/{id}/<verb>`. */
const DECISIONS: readonly {
  verb: 'approve' | 'deny' | 'cancel';
  status: Exclude<TimeOffStatus, 'requested'>;
  description: string;
}[] = [
  {
    verb: 'approve',
    status: 'approved',
    description:
      'Approves a requested request: its paid hours then count in time cards. 409 `not_pending` unless it is requested; 409 `pay_period_locked` when its dates touch a locked pay period; 409 `time_card_approved` when they touch a pay period in which the employee’s time card is approved (unapprove the card first).',
  },
  {
    verb: 'deny',
    status: 'denied',
    description: 'Denies a requested request. 409 `not_pending` unless it is requested.',
  },
  {
    verb: 'cancel',
    status: 'canceled',
    description: 'Withdraws a requested request. 409 `not_pending` unless it is requested.',
  },
];

export const timeOffRoutes = resourceModule(TIME_OFF, (routes, ctx) => {
  routes.list(
    {
      description:
        'Newest first, cursor-paginated. Filter by `employeeId`, `status`, a date range (`from`/`to`: requests overlapping it) and `updatedSince`.',
      querystring: ListTimeOffQuery,
      item: TimeOffSchema,
    },
    (request, { accountId }, page) => timeOff.listTimeOff(ctx, accountId, request.query, page),
  );

  routes.create(
    {
      errors: ['pay_period_locked'],
      operationId: 'requestTimeOff',
      summary: 'Request time off',
      description:
        'Records a request in status `requested`. 404 when the employee does not exist; 409 `pay_period_locked` when the dates touch a locked pay period. A request inside an approved time card is recorded: approving it waits for the card to be unapproved.',
      body: CreateTimeOffBody,
      response: TimeOffSchema,
    },
    (request, { accountId }) => timeOff.requestTimeOff(ctx, accountId, request.body),
  );

  routes.retrieve(
    { description: 'One time-off request by id.', response: TimeOffSchema },
    (request, { accountId }) => timeOff.getTimeOff(ctx, accountId, request.params.id),
  );

  for (const decision of DECISIONS) {
    routes.action(
      decision.verb,
      {
        access: 'write',
        description: decision.description,
        errors:
          decision.verb === 'approve'
            ? ['not_pending', 'pay_period_locked', 'time_card_approved']
            : ['not_pending'],
        response: TimeOffSchema,
      },
      (request, { accountId }) => timeOff.decideTimeOff(ctx, accountId, request.params.id, decision.status),
    );
  }
});
