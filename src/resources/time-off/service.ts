import type { TimeOffRequestRow, TimeOffStatus } from '../../db/tables.js';
import type { ServiceContext } from '../../platform/context.js';
import { ApiError, notFound } from '../../platform/errors/api-error.js';
import type { PageRequest } from '../../platform/pagination/keyset.js';
import { type Page, pageOfObjects } from '../../platform/pagination/respond.js';
import { createdEvent, domainEvent, updatedEvent } from '../../platform/webhooks/change-events.js';
import { recordChange } from '../../platform/webhooks/outbox.js';
import { newId } from '../../shared/ids.js';
import { findEmployee } from '../employees/repository.js';
import { assertDatesMayChange, assertDatesUnlocked } from '../pay-periods/locks.js';
import { assertFilterObjectsExist } from '../references.js';
import { lockEmployee } from '../time-entries/clock-state.js';
import * as repo from './repository.js';
import { TIME_OFF } from './resource.js';
import { type CreateTimeOffInput, type TimeOff, toTimeOff } from './schema.js';

function checkRange(filters: { from?: string | undefined; to?: string | undefined }): void {
  if (filters.from && filters.to && filters.to < filters.from) {
    throw new ApiError('parameter_invalid', '`to` must not be before `from`.', { param: 'to' });
  }
}

export async function getTimeOff(ctx: ServiceContext, accountId: string, id: string): Promise<TimeOff> {
  const row = await repo.findTimeOff(ctx.database.db, accountId, id);
  if (!row) throw notFound('Time off', id);
  return toTimeOff(row);
}

export async function listTimeOff(
  ctx: ServiceContext,
  accountId: string,
  filters: repo.TimeOffFilters,
  page: PageRequest,
): Promise<Page<TimeOff>> {
  checkRange(filters);
  await assertFilterObjectsExist(ctx.database.db, accountId, { employeeId: filters.employeeId });
  return pageOfObjects(
    await repo.listTimeOff(ctx.database.db, accountId, filters, page),
    page,
    (rows) => rows.map(toTimeOff),
    () => repo.countTimeOff(ctx.database.db, accountId, filters),
  );
}

/**
 * A request inside a locked pay period is refused: approving it would change that period's paid time. One inside an
 * approved time card is recorded (a request changes no time); approving it waits for the card to be unapproved.
 */
export async function requestTimeOff(
  ctx: ServiceContext,
  accountId: string,
  input: CreateTimeOffInput,
): Promise<TimeOff> {
  if (input.endDate < input.startDate) {
    throw new ApiError('parameter_invalid', 'endDate must not be before startDate.', { param: 'endDate' });
  }
  const now = ctx.clock.now().toISOString();
  const row: TimeOffRequestRow = {
    id: newId(TIME_OFF),
    account_id: accountId,
    employee_id: input.employeeId,
    type: input.type,
    start_date: input.startDate,
    end_date: input.endDate,
    hours_per_day: input.hoursPerDay ?? 8,
    note: input.note ?? null,
    status: 'requested',
    decided_at: null,
    created_at: now,
    updated_at: now,
  };
  return recordChange(ctx.database.db, ctx, accountId, async (trx) => {
    if (!(await findEmployee(trx, accountId, input.employeeId))) {
      throw notFound('Employee', input.employeeId, 'employeeId');
    }
    await assertDatesUnlocked(trx, accountId, row.start_date, row.end_date);
    await repo.insertTimeOff(trx, row);
    const timeOff = toTimeOff(row);
    return {
      result: timeOff,
      events: [createdEvent(timeOff), domainEvent(TIME_OFF, 'requested', timeOff)],
    };
  });
}

/**
 * Moves a requested request to its final status. Only `requested` can move (409 not_pending otherwise); approving
 * adds paid time to its dates, so a locked pay period or an approved time card of the employee there refuses it.
 * Denying or canceling a requested request changes no time. An approved request cannot be canceled (not_pending),
 * so no decision takes approved time away.
 */
export async function decideTimeOff(
  ctx: ServiceContext,
  accountId: string,
  id: string,
  status: Exclude<TimeOffStatus, 'requested'>,
): Promise<TimeOff> {
  const now = ctx.clock.now().toISOString();
  return recordChange(ctx.database.db, ctx, accountId, async (trx) => {
    const row = await repo.findTimeOff(trx, accountId, id);
    if (!row) throw notFound('Time off', id);
    const notPending = () =>
      new ApiError('not_pending', `Time off ${id} is ${row.status}; only a requested one can be ${status}.`);
    if (row.status !== 'requested') throw notPending();
    if (status === 'approved') {
      // The employee's lock orders this approval with a card approval of the same employee (see locks.ts).
      await lockEmployee(trx, accountId, row.employee_id);
      await assertDatesMayChange(
        trx,
        accountId,
        { employeeId: row.employee_id },
        row.start_date,
        row.end_date,
      );
    }
    if (!(await repo.decideTimeOff(trx, accountId, id, status, now))) throw notPending();
    const decided = toTimeOff({ ...row, status, decided_at: now, updated_at: now });
    return {
      result: decided,
      events: [updatedEvent(toTimeOff(row), decided), domainEvent(TIME_OFF, status, decided)],
    };
  });
}
