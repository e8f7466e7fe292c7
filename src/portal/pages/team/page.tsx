import type { ClockStatus } from '../../../db/tables.js';
import type { Employee } from '../../../resources/employees/schema.js';
import type { TimeCard } from '../../../resources/time-cards/schema.js';
import type { TimeEntry } from '../../../resources/time-entries/schema.js';
import { localDateOf } from '../../../shared/local-time.js';
import {
  CancelButton,
  type Column,
  DataTable,
  Dialog,
  formatDateTime,
  InputField,
  Notices,
  PageHeader,
  TableHead,
} from '../../components.js';
import { CsrfField, Layout } from '../../layout.js';
import type { PortalSession } from '../../session/service.js';

const CLOCK_BADGES: Readonly<Record<ClockStatus, { label: string; tone: string }>> = {
  in: { label: 'Clocked in', tone: 'ok' },
  on_break: { label: 'On break', tone: 'warn' },
  out: { label: 'Clocked out', tone: '' },
};

function ClockBadge({ status }: { status: ClockStatus }): JSX.Element {
  const badge = CLOCK_BADGES[status];
  return (
    <span class={`badge ${badge.tone}`.trim()} safe>
      {badge.label}
    </span>
  );
}

function ActiveBadge({ active }: { active: boolean }): JSX.Element {
  return active ? <span class="badge ok">Active</span> : <span class="badge">Inactive</span>;
}

function placesOf(row: TeamRow): string {
  return row.locations.length > 0 ? row.locations.join(', ') : '—';
}

function fullName(employee: Pick<Employee, 'firstName' | 'lastName'>): string {
  return `${employee.firstName} ${employee.lastName}`;
}

/** The list filters, as the GET form sends them (and as the links to other pages repeat them). */
export interface TeamFilters {
  readonly search: string;
  /** "" for everyone, "true" for those on the clock (in or on a break), "false" for those off it. */
  readonly clockedIn: '' | 'true' | 'false';
}

export interface TeamRow {
  readonly employee: Employee;
  readonly locations: readonly string[];
  readonly position: string | null;
  /** Whether the employee's card of the current pay period is approved. */
  readonly cardApproved: boolean;
}

export interface TeamView {
  readonly session: PortalSession;
  readonly filters: TeamFilters;
  readonly rows: readonly TeamRow[];
  readonly matching: number;
  /** The cursor of the next page when there is one. */
  readonly nextCursor: string | null;
  readonly paged: boolean;
}

function teamUrl(filters: TeamFilters, startingAfter?: string): string {
  const query = new URLSearchParams();
  if (filters.search) query.set('search', filters.search);
  if (filters.clockedIn) query.set('clockedIn', filters.clockedIn);
  if (startingAfter) query.set('startingAfter', startingAfter);
  const text = query.toString();
  return text ? `/portal/team?${text}` : '/portal/team';
}

const TEAM_COLUMNS: readonly Column[] = [
  { label: 'Employee' },
  { label: 'Clock status' },
  { label: 'Location' },
  { label: 'Position' },
  { label: 'Status' },
  { label: 'Time card' },
];

/** The current period's card: approved, not approved, or for an inactive employee without an approval, nothing. */
function CardBadge({ row }: { row: TeamRow }): JSX.Element {
  if (row.cardApproved) return <span class="badge ok">Approved</span>;
  if (!row.employee.active) return <span class="muted">—</span>;
  return <span class="badge warn">Not approved</span>;
}

/** The table and its paging: the whole page's content below the filters, and what htmx swaps when they change. */
export function TeamResults({ view }: { view: TeamView }): JSX.Element {
  return (
    <div id="team-results">
      <p class="hint" role="status" safe>
        {`${view.matching} ${view.matching === 1 ? 'employee matches' : 'employees match'}.`}
      </p>
      <DataTable columns={TEAM_COLUMNS}>
        {view.rows.length === 0 ? (
          <tr>
            <td colspan="6" class="empty">
              No employees match these filters.
            </td>
          </tr>
        ) : (
          view.rows.map((row) => (
            <tr>
              <td>
                <a href={`/portal/team/${row.employee.id}`} safe>
                  {fullName(row.employee)}
                </a>
                <div class="hint" safe>
                  {row.employee.email ?? row.employee.employeeRef ?? ''}
                </div>
              </td>
              <td>
                <ClockBadge status={row.employee.clockStatus} />
              </td>
              <td safe>{placesOf(row)}</td>
              <td safe>{row.position ?? '—'}</td>
              <td>
                <ActiveBadge active={row.employee.active} />
              </td>
              <td>
                <CardBadge row={row} />
              </td>
            </tr>
          ))
        )}
      </DataTable>
      <nav class="actions" aria-label="Pages">
        {view.paged ? (
          <a class="button secondary small" href={teamUrl(view.filters)}>
            First page
          </a>
        ) : (
          ''
        )}
        {view.nextCursor ? (
          <a class="button secondary small" href={teamUrl(view.filters, view.nextCursor)}>
            Next page
          </a>
        ) : (
          ''
        )}
      </nav>
    </div>
  );
}

export function TeamPage({ view }: { view: TeamView }): JSX.Element {
  return (
    <Layout title="Team" session={view.session} active="team">
      <PageHeader
        title="Team"
        subtitle="Who is on the clock now, where they work, and their time this pay period."
      />
      <form
        class="filters panel"
        method="get"
        action="/portal/team"
        aria-label="Filter employees"
        hx-get="/portal/team"
        hx-target="#team-results"
        hx-swap="outerHTML"
        hx-push-url="true"
        hx-trigger="submit, input delay:400ms"
      >
        <InputField
          label="Search"
          id="team-search"
          name="search"
          type="search"
          placeholder="Name, email or employee ref"
          value={view.filters.search}
        />
        <div class="field">
          <label for="team-clocked-in">Clock status</label>
          <select id="team-clocked-in" name="clockedIn">
            <option value="" selected={view.filters.clockedIn === ''}>
              Everyone
            </option>
            <option value="true" selected={view.filters.clockedIn === 'true'}>
              On the clock (in or on break)
            </option>
            <option value="false" selected={view.filters.clockedIn === 'false'}>
              Clocked out
            </option>
          </select>
        </div>
        <button type="submit" class="secondary">
          Filter
        </button>
      </form>
      <TeamResults view={view} />
    </Layout>
  );
}

const dayFormat = new Intl.DateTimeFormat('en-US', {
  weekday: 'short',
  month: 'short',
  day: 'numeric',
  timeZone: 'UTC',
});

/** A local date (YYYY-MM-DD) as people read it: "Mon, Nov 2". The date is already local: no zone shift. */
function formatDay(date: string): string {
  return dayFormat.format(new Date(`${date}T00:00:00Z`));
}

/** Seconds as hours with two decimals, the way payroll reads time ("7.50"). */
export function formatHours(seconds: number): string {
  return (seconds / 3600).toFixed(2);
}

type Figures = Pick<
  TimeCard,
  'workedSeconds' | 'regularSeconds' | 'overtimeSeconds' | 'doubleTimeSeconds' | 'ptoSeconds'
>;

const FIGURES: readonly [keyof Figures, string][] = [
  ['workedSeconds', 'Worked'],
  ['regularSeconds', 'Regular'],
  ['overtimeSeconds', 'Overtime'],
  ['doubleTimeSeconds', 'Double time'],
  ['ptoSeconds', 'PTO'],
];

const DAY_COLUMNS: readonly Column[] = [
  { label: 'Day' },
  ...FIGURES.map(([, label]) => ({ label, num: true })),
];

function FigureCells({ figures }: { figures: Figures }): JSX.Element {
  return (
    <>
      {FIGURES.map(([key]) => (
        <td class="num" safe>
          {formatHours(figures[key])}
        </td>
      ))}
    </>
  );
}

const clockFormats = new Map<string, Intl.DateTimeFormat>();

/** An instant as a wall-clock time in `timeZone`, the way a time card reads: "8:00", "17:03:20" (seconds when any). */
export function formatClockTime(iso: string, timeZone: string): string {
  let format = clockFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      hour: 'numeric',
      minute: '2-digit',
      second: '2-digit',
    });
    clockFormats.set(timeZone, format);
  }
  const parts = new Map(format.formatToParts(new Date(iso)).map((part) => [part.type, part.value]));
  const second = parts.get('second') ?? '00';
  return `${Number(parts.get('hour'))}:${parts.get('minute')}${second === '00' ? '' : `:${second}`}`;
}

/** The time an entry counts, with the punched time beside it when rounding moved it: "8:00 (punched 7:53)". */
function CountedTime(props: { counted: string; punched: string | null; timeZone: string }): JSX.Element {
  const counted = formatClockTime(props.counted, props.timeZone);
  if (props.punched === null || props.punched === props.counted) return <span safe>{counted}</span>;
  return (
    <>
      <span safe>{counted}</span>{' '}
      <span class="hint" safe>{`(punched ${formatClockTime(props.punched, props.timeZone)})`}</span>
    </>
  );
}

const ENTRY_COLUMNS: readonly Column[] = [
  { label: 'Day' },
  { label: 'In' },
  { label: 'Out' },
  { label: 'Break', num: true },
  { label: 'Paid', num: true },
];

/** The card's time entries with the times it counts: rounded punches show what was punched too. */
function EntriesTable(props: { entries: readonly TimeEntry[]; timeZone: string }): JSX.Element {
  const { timeZone } = props;
  return (
    <div class="table-wrap">
      <table>
        <caption class="hint">
          Time entries: the times the card counts, with the punched time where the account’s rounding moved it
        </caption>
        <TableHead columns={ENTRY_COLUMNS} />
        <tbody>
          {props.entries.length === 0 ? (
            <tr>
              <td colspan="5" class="empty">
                No time entries in this pay period.
              </td>
            </tr>
          ) : (
            props.entries.map((entry) => (
              <tr>
                <td safe>{formatDay(localDateOf(entry.start, timeZone))}</td>
                <td>
                  <CountedTime counted={entry.start} punched={entry.punchedStart} timeZone={timeZone} />
                </td>
                <td>
                  {entry.end === null ? (
                    <span class="badge ok">On the clock</span>
                  ) : (
                    <CountedTime counted={entry.end} punched={entry.punchedEnd} timeZone={timeZone} />
                  )}
                </td>
                <td class="num" safe>
                  {formatHours(entry.breakSeconds)}
                </td>
                <td class="num" safe>
                  {entry.durationSeconds === null ? '—' : formatHours(entry.durationSeconds)}
                </td>
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}

/** A pay period as the card page shows and links it. */
export interface CardPeriod {
  readonly id: string;
  readonly startDate: string;
  readonly endDate: string;
  readonly locked: boolean;
  /** The period containing today. */
  readonly current: boolean;
}

export interface TimeCardView {
  readonly session: PortalSession;
  readonly employee: Employee;
  readonly period: CardPeriod;
  /** The periods before and after, to step through them; null where none is stored. */
  readonly previous: CardPeriod | null;
  readonly next: CardPeriod | null;
  /** Null when the employee has no card this period (inactive, with no time in it). */
  readonly card: TimeCard | null;
  /** The card's time entries, oldest first. */
  readonly entries: readonly TimeEntry[];
  /** Names of who approved or unapproved the card (portal users, API keys) by id. */
  readonly actors: ReadonlyMap<string, string>;
  readonly notice?: string | undefined;
  readonly error?: string | undefined;
  /** The reason as typed, when an unapproval came back with an error. */
  readonly reason?: string | undefined;
}

function periodLabel(period: Pick<CardPeriod, 'startDate' | 'endDate'>): string {
  return `${formatDay(period.startDate)} – ${formatDay(period.endDate)}`;
}

function cardUrl(employeeId: string, period: CardPeriod): string {
  const base = `/portal/team/${employeeId}`;
  return period.current ? base : `${base}?payPeriodId=${period.id}`;
}

/** Links to the periods before and after the one shown. */
function PeriodLinks({ view }: { view: TimeCardView }): JSX.Element {
  const { employee, previous, next } = view;
  return (
    <nav class="pager actions" aria-label="Pay periods">
      {previous ? (
        <a class="button secondary small" href={cardUrl(employee.id, previous)} safe>
          {`← ${periodLabel(previous)}`}
        </a>
      ) : (
        ''
      )}
      {next ? (
        <a class="button secondary small" href={cardUrl(employee.id, next)} safe>
          {`${periodLabel(next)} →`}
        </a>
      ) : (
        ''
      )}
    </nav>
  );
}

/** Who changed the approval, by name; the bare id only when the name cannot be found. */
function actorName(view: TimeCardView, id: string | null): string {
  if (id === null) return 'someone before approvals recorded who';
  return view.actors.get(id) ?? id;
}

const UNAPPROVE_DIALOG = 'unapprove-card';

/**
 * Who approved the card and when, the last withdrawal of an approval with its reason, and the action that changes
 * it: Approve, or Unapprove with an optional reason (in a dialog). While the card is approved its time is frozen.
 */
function Approval({ view, card }: { view: TimeCardView; card: TimeCard }): JSX.Element {
  const { session, employee } = view;
  const timeZone = session.account.timezone;
  const base = `/portal/team/${employee.id}/cards/${card.id}`;
  return (
    <section class="panel" aria-labelledby="approval-heading">
      <div class="panel-head">
        <h2 id="approval-heading">Approval</h2>
        {card.approved ? (
          <button type="button" class="secondary" data-open-dialog={UNAPPROVE_DIALOG}>
            Unapprove
          </button>
        ) : (
          <form method="post" action={`${base}/approve`}>
            <CsrfField session={session} />
            <button type="submit">Approve time card</button>
          </form>
        )}
      </div>
      <dl class="meta">
        <dt>Status</dt>
        <dd>
          {card.approved
            ? 'Approved: time inside this pay period cannot change until the card is unapproved.'
            : 'Not approved.'}
        </dd>
        {card.approved ? (
          <>
            <dt>Approved</dt>
            <dd
              safe
            >{`${formatDateTime(card.approvedAt, timeZone)} by ${actorName(view, card.approvedBy)}`}</dd>
          </>
        ) : (
          ''
        )}
        {card.unapprovedAt ? (
          <>
            <dt>Last unapproved</dt>
            <dd>
              <span
                safe
              >{`${formatDateTime(card.unapprovedAt, timeZone)} by ${actorName(view, card.unapprovedBy)}`}</span>
              <div class="hint">
                {card.unapprovalReason ? (
                  <>
                    Reason: <span safe>{card.unapprovalReason}</span>
                  </>
                ) : (
                  'No reason given.'
                )}
              </div>
            </dd>
          </>
        ) : (
          ''
        )}
      </dl>
      {card.approved ? (
        <Dialog
          id={UNAPPROVE_DIALOG}
          title="Unapprove this time card?"
          openOnLoad={view.reason !== undefined}
        >
          <p>
            Time inside the pay period can then be corrected; approve the card again once it is right. The
            reason is kept on the card and sent with the <code>time_card.unapproved</code> event.
          </p>
          <form method="post" action={`${base}/unapprove`}>
            <CsrfField session={session} />
            <div class="field">
              <label for="unapprove-reason">Reason (optional)</label>
              <textarea id="unapprove-reason" name="reason" maxlength="500" rows="3" safe>
                {view.reason ?? ''}
              </textarea>
            </div>
            <div class="dialog-actions">
              <CancelButton />
              <button type="submit" class="danger">
                Unapprove
              </button>
            </div>
          </form>
        </Dialog>
      ) : (
        ''
      )}
    </section>
  );
}

export function TimeCardPage({ view }: { view: TimeCardView }): JSX.Element {
  const { card, employee, period } = view;
  const name = fullName(employee);
  const which = period.current ? 'the current pay period' : 'the pay period';
  return (
    <Layout title={`${name} · Time card`} session={view.session} active="team">
      <p>
        <a href="/portal/team">← Team</a>
      </p>
      <PageHeader
        title={name}
        subtitle={`Time card for ${which}, ${periodLabel(period)}. Hours in the account’s time zone.`}
      >
        <ClockBadge status={employee.clockStatus} />
        {card ? (
          card.approved ? (
            <span class="badge ok">Approved</span>
          ) : (
            <span class="badge warn">Not approved</span>
          )
        ) : (
          ''
        )}
        {period.locked ? <span class="badge info">Period locked</span> : ''}
      </PageHeader>
      <PeriodLinks view={view} />
      <Notices notice={view.notice} error={view.error} />
      {card ? (
        <>
          <Approval view={view} card={card} />
          <div class="stats panel">
            {FIGURES.map(([key, label]) => (
              <div class="stat">
                <div class="value" safe>
                  {formatHours(card[key])}
                </div>
                <div class="label" safe>
                  {`${label} hours`}
                </div>
              </div>
            ))}
          </div>
          <div class="table-wrap">
            <table>
              <caption class="hint">Hours per day</caption>
              <TableHead columns={DAY_COLUMNS} />
              <tbody>
                {card.days.map((day) => (
                  <tr>
                    <td safe>{formatDay(day.date)}</td>
                    <FigureCells figures={day} />
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <td>
                    <strong>Total</strong>
                  </td>
                  <FigureCells figures={card} />
                </tr>
              </tfoot>
            </table>
          </div>
          <EntriesTable entries={view.entries} timeZone={view.session.account.timezone} />
        </>
      ) : (
        <div class="panel empty" safe>{`This employee has no time card in ${which}.`}</div>
      )}
    </Layout>
  );
}
