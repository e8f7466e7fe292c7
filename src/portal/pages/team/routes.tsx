import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { fromDbBoolean } from '../../../db/columns.js';
import type { PayPeriodRow } from '../../../db/tables.js';
import { findApiKey } from '../../../platform/api-keys/repository.js';
import { API_KEYS } from '../../../platform/api-keys/resource.js';
import type { AppContext } from '../../../platform/context.js';
import { ALL_PERMISSIONS } from '../../../platform/descriptors/permissions.js';
import { textSearch } from '../../../platform/descriptors/projection.js';
import { ApiError } from '../../../platform/errors/api-error.js';
import { bodyCheck } from '../../../platform/http/body-check.js';
import { findUserNames } from '../../../platform/users/repository.js';
import { USERS } from '../../../platform/users/resource.js';
import { getUser } from '../../../platform/users/service.js';
import { readEntries } from '../../../resources/code-catalogues/service.js';
import { type EmployeeScope, isEmployeeWithin } from '../../../resources/employees/repository.js';
import { EMPLOYEES } from '../../../resources/employees/resource.js';
import { getEmployee, listEmployees } from '../../../resources/employees/service.js';
import { readLocations } from '../../../resources/locations/service.js';
import {
  adjacentPayPeriodRows,
  currentPayPeriodRow,
  loadPayPeriodRow,
} from '../../../resources/pay-periods/service.js';
import { POSITIONS } from '../../../resources/positions/resource.js';
import { type TimeCard, UnapproveTimeCardBody } from '../../../resources/time-cards/schema.js';
import {
  approvedCardHolders,
  approveTimeCard,
  computePayPeriodCards,
  getTimeCard,
  listCardEntries,
  unapproveTimeCard,
} from '../../../resources/time-cards/service.js';
import { formErrorStatus, formText } from '../../components.js';
import { PortalError } from '../../errors.js';
import { isHtmx, sendHtml, sessionOf } from '../../http.js';
import type { PortalSession } from '../../session/service.js';
import {
  type CardPeriod,
  type TeamFilters,
  TeamPage,
  TeamResults,
  type TeamRow,
  TimeCardPage,
  type TimeCardView,
} from './page.js';

const PAGE_SIZE = 50;

/** Administrators and managers see the team; employees get the 403 page. */
function teamViewerOf(request: FastifyRequest): PortalSession {
  const session = sessionOf(request);
  if (session.user.role !== 'administrator' && session.user.role !== 'manager') {
    throw new PortalError(403, 'Only administrators and managers of the account can see the team.');
  }
  return session;
}

/**
 * The part of the team a viewer manages: a manager's locations and groups (DESIGN: managers see the team and approve
 * time for the locations and groups they manage); undefined — the whole team — for administrators and for managers
 * given neither.
 */
async function managedScopeOf(ctx: AppContext, session: PortalSession): Promise<EmployeeScope | undefined> {
  if (session.user.role !== 'manager') return undefined;
  const user = await getUser(ctx, session.account.id, session.user.id);
  if (user.managedLocationIds.length === 0 && user.managedGroupIds.length === 0) return undefined;
  return { locationIds: user.managedLocationIds, groupIds: user.managedGroupIds };
}

/** An employee outside the viewer's part of the team is, for them, not there: the 404 page. */
async function assertManages(ctx: AppContext, session: PortalSession, employeeId: string): Promise<void> {
  const scope = await managedScopeOf(ctx, session);
  if (scope && !(await isEmployeeWithin(ctx.database.db, session.account.id, employeeId, scope))) {
    throw new PortalError(404, `There is no employee ${employeeId} on the team you manage.`);
  }
}

interface TeamQuery {
  search?: string;
  clockedIn?: string;
  startingAfter?: string;
}

function filtersOf(query: TeamQuery): TeamFilters {
  const clockedIn = query.clockedIn === 'true' || query.clockedIn === 'false' ? query.clockedIn : '';
  return { search: typeof query.search === 'string' ? query.search.trim() : '', clockedIn };
}

/**
 * The employees' location and position names, read with one query each for the whole page, and whether their card
 * of the current pay period is approved.
 */
async function rowsOf(
  ctx: AppContext,
  accountId: string,
  employees: Awaited<ReturnType<typeof listEmployees>>['items'],
): Promise<TeamRow[]> {
  const period = await currentPayPeriodRow(ctx, accountId);
  const [locations, positions, approved] = await Promise.all([
    readLocations(
      ctx,
      accountId,
      employees.flatMap((employee) => employee.locationIds),
    ),
    readEntries(
      ctx.database.db,
      POSITIONS,
      accountId,
      employees.flatMap((employee) => (employee.positionId ? [employee.positionId] : [])),
    ),
    approvedCardHolders(
      ctx,
      accountId,
      period.id,
      employees.map((employee) => employee.id),
    ),
  ]);
  const locationNames = new Map(locations.map((location) => [location.id, location.name]));
  const positionNames = new Map(positions.map((position) => [position.id, position.name]));
  return employees.map((employee) => ({
    employee,
    locations: employee.locationIds.flatMap((id) => locationNames.get(id) ?? []),
    position: employee.positionId ? (positionNames.get(employee.positionId) ?? null) : null,
    cardApproved: approved.has(employee.id),
  }));
}

/** What a finished approval action says on the card page it redirects to; a fixed list, so the URL carries no text. */
const APPROVAL_NOTICES = {
  approved: 'The time card is approved: its time cannot change until it is unapproved.',
  unapproved: 'The time card is unapproved: its time can be corrected, then approved again.',
} as const;
type ApprovalDone = keyof typeof APPROVAL_NOTICES;

function isApprovalDone(value: unknown): value is ApprovalDone {
  return typeof value === 'string' && Object.hasOwn(APPROVAL_NOTICES, value);
}

const checkUnapproveInput = bodyCheck(UnapproveTimeCardBody);

/** The card page's address, for the pay period shown (the current one when none is named). */
function cardPageUrl(employeeId: string, payPeriodId?: string, done?: ApprovalDone): string {
  const query = new URLSearchParams();
  if (payPeriodId) query.set('payPeriodId', payPeriodId);
  if (done) query.set('done', done);
  const text = query.toString();
  return `/portal/team/${encodeURIComponent(employeeId)}${text ? `?${text}` : ''}`;
}

function cardPeriodOf(row: PayPeriodRow, current: PayPeriodRow): CardPeriod {
  return {
    id: row.id,
    startDate: row.start_date,
    endDate: row.end_date,
    locked: fromDbBoolean(row.locked),
    current: row.id === current.id,
  };
}

/** How the page names who approved or unapproved a card: a portal user by name, an API key by its name. */
async function actorNamesOf(
  ctx: AppContext,
  accountId: string,
  card: TimeCard | null,
): Promise<ReadonlyMap<string, string>> {
  const ids = [...new Set([card?.approvedBy, card?.unapprovedBy])].filter(
    (id): id is string => typeof id === 'string',
  );
  const db = ctx.database.db;
  const userIds = ids.filter((id) => id.startsWith(`${USERS.idPrefix}_`));
  const keyIds = ids.filter((id) => id.startsWith(`${API_KEYS.idPrefix}_`));
  const [users, keys] = await Promise.all([
    findUserNames(db, accountId, userIds),
    Promise.all(keyIds.map((id) => findApiKey(db, accountId, id))),
  ]);
  return new Map([
    ...users.map((user): [string, string] => [user.id, user.name]),
    ...keys.flatMap((key): [string, string][] => (key ? [[key.id, `API key “${key.name}”`]] : [])),
  ]);
}

type CardExtras = Pick<TimeCardView, 'notice' | 'error' | 'reason'>;

/**
 * One employee's card in one pay period (the current one unless `payPeriodId` names another), with the periods
 * before and after it; an unknown employee or period, or one outside the team a manager manages, is the 404 page.
 */
async function renderCard(
  ctx: AppContext,
  reply: FastifyReply,
  session: PortalSession,
  employeeId: string,
  payPeriodId: string | undefined,
  extras: CardExtras = {},
  status = 200,
): Promise<FastifyReply> {
  const accountId = session.account.id;
  await assertManages(ctx, session, employeeId);
  try {
    const employee = await getEmployee(ctx, accountId, employeeId);
    const current = await currentPayPeriodRow(ctx, accountId);
    const period = payPeriodId ? await loadPayPeriodRow(ctx.database.db, accountId, payPeriodId) : current;
    const [[card], adjacent] = await Promise.all([
      computePayPeriodCards(ctx, accountId, period, employee.id),
      adjacentPayPeriodRows(ctx, accountId, period),
    ]);
    const view: TimeCardView = {
      session,
      employee,
      period: cardPeriodOf(period, current),
      previous: adjacent.previous ? cardPeriodOf(adjacent.previous, current) : null,
      next: adjacent.next ? cardPeriodOf(adjacent.next, current) : null,
      card: card ?? null,
      entries: card ? await listCardEntries(ctx, accountId, card) : [],
      actors: await actorNamesOf(ctx, accountId, card ?? null),
      ...extras,
    };
    return sendHtml(reply, <TimeCardPage view={view} />, status);
  } catch (error) {
    if (error instanceof ApiError) throw new PortalError(formErrorStatus(error), error.message);
    throw error;
  }
}

/** The card an approval form names, which must be the employee's in the URL: anything else is the 404 page. */
async function employeeCard(
  ctx: AppContext,
  accountId: string,
  employeeId: string,
  cardId: string,
): Promise<TimeCard> {
  try {
    const card = await getTimeCard(ctx, accountId, cardId);
    if (card.employeeId === employeeId) return card;
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
  }
  throw new PortalError(404, `Time card ${cardId} of employee ${employeeId} not found.`);
}

/**
 * Approves or unapproves through the time cards service, as the signed-in user: on success the browser goes back to
 * the card (303, so a reload does not post again); a refusal (a locked period, a blank reason) shows on the card.
 */
async function changeApproval(
  ctx: AppContext,
  request: FastifyRequest<{ Params: CardParams }>,
  reply: FastifyReply,
  done: ApprovalDone,
  change: (session: PortalSession, card: TimeCard) => Promise<unknown>,
): Promise<FastifyReply> {
  const session = teamViewerOf(request);
  const { employeeId, cardId } = request.params;
  await assertManages(ctx, session, employeeId);
  const card = await employeeCard(ctx, session.account.id, employeeId, cardId);
  try {
    await change(session, card);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    const reason = done === 'unapproved' ? formText(request.body, 'reason') : undefined;
    const extras = { error: error.message, reason };
    return renderCard(ctx, reply, session, employeeId, card.payPeriodId, extras, formErrorStatus(error));
  }
  return reply.redirect(cardPageUrl(employeeId, card.payPeriodId, done), 303);
}

interface CardParams {
  employeeId: string;
  cardId: string;
}

/**
 * Team (administrators and managers): employees with their clock status, and each one's time card by pay period,
 * which both roles approve and unapprove. A manager given locations or groups sees, opens and approves only the
 * employees linked to them.
 */
export function teamRoutes(portal: FastifyInstance, ctx: AppContext): void {
  portal.get<{ Querystring: TeamQuery }>('/team', async (request, reply) => {
    const session = teamViewerOf(request);
    const accountId = session.account.id;
    const filters = filtersOf(request.query);
    const startingAfter =
      typeof request.query.startingAfter === 'string' && request.query.startingAfter !== ''
        ? request.query.startingAfter
        : undefined;
    const serviceFilters = {
      search: textSearch(ALL_PERMISSIONS, EMPLOYEES, filters.search || undefined),
      clockedIn: filters.clockedIn === '' ? undefined : filters.clockedIn === 'true',
      within: await managedScopeOf(ctx, session),
    };
    const page = await listEmployees(ctx, accountId, serviceFilters, { limit: PAGE_SIZE, startingAfter });
    const [rows, matching] = await Promise.all([rowsOf(ctx, accountId, page.items), page.countTotal()]);
    const view = {
      session,
      filters,
      rows,
      matching,
      nextCursor: page.hasMore ? (page.items.at(-1)?.id ?? null) : null,
      paged: startingAfter !== undefined,
    };
    // The filters' htmx requests swap only the results; a plain GET gets the whole page.
    if (isHtmx(request)) return sendHtml(reply, <TeamResults view={view} />);
    return sendHtml(reply, <TeamPage view={view} />);
  });

  portal.get<{ Params: { employeeId: string }; Querystring: { payPeriodId?: string; done?: string } }>(
    '/team/:employeeId',
    async (request, reply) => {
      const session = teamViewerOf(request);
      const { payPeriodId, done } = request.query;
      return renderCard(
        ctx,
        reply,
        session,
        request.params.employeeId,
        typeof payPeriodId === 'string' && payPeriodId !== '' ? payPeriodId : undefined,
        { notice: isApprovalDone(done) ? APPROVAL_NOTICES[done] : undefined },
      );
    },
  );

  portal.post<{ Params: CardParams }>('/team/:employeeId/cards/:cardId/approve', (request, reply) =>
    changeApproval(ctx, request, reply, 'approved', (session, card) =>
      approveTimeCard(ctx, session.account.id, card.id, session.user.id),
    ),
  );

  portal.post<{ Params: CardParams }>('/team/:employeeId/cards/:cardId/unapprove', (request, reply) =>
    changeApproval(ctx, request, reply, 'unapproved', (session, card) => {
      // An empty field is no reason; anything else is checked as the API checks it (blank → 400).
      const reason = formText(request.body, 'reason');
      const input = reason === '' ? {} : checkUnapproveInput({ reason });
      return unapproveTimeCard(ctx, session.account.id, card.id, session.user.id, input.reason);
    }),
  );
}
