/** The rules punches and time entries share: who may go on the clock, and that one employee's time never overlaps. */
import { fromDbBoolean } from '../../db/columns.js';
import type { Db, EmployeeRow, TimeEntryRow } from '../../db/tables.js';
import { ApiError } from '../../platform/errors/api-error.js';
import { findOverlappingTimeEntry } from './repository.js';

export function assertActive(employee: EmployeeRow): void {
  if (!fromDbBoolean(employee.active)) {
    throw new ApiError(
      'employee_inactive',
      `Employee ${employee.id} is inactive and cannot punch or go on the clock; reactivate them first.`,
    );
  }
}

export function alreadyClockedIn(employeeId: string): ApiError {
  return new ApiError(
    'already_clocked_in',
    `Employee ${employeeId} is already on the clock; clock out (or close the open time entry) first.`,
  );
}

/** The 409 naming the entry that time would overlap. */
export function overlapError(other: Pick<TimeEntryRow, 'id' | 'start_at' | 'end_at'>): ApiError {
  return new ApiError(
    'time_entry_overlap',
    `The time would overlap time entry ${other.id} of the same employee (${other.start_at} – ${other.end_at ?? 'open'}).`,
  );
}

/** 409 time_entry_overlap when [start, end) — `end` null: open, to +∞ — shares time with another entry. */
export async function assertNoOverlap(
  db: Db,
  accountId: string,
  employeeId: string,
  extent: { start: string; end: string | null },
  exceptId?: string,
): Promise<void> {
  const other = await findOverlappingTimeEntry(db, accountId, employeeId, extent, exceptId);
  if (other) throw overlapError(other);
}
