import type { FastifyInstance, FastifyRequest } from 'fastify';
import { fromDbBoolean } from '../../../db/columns.js';
import type { AppContext } from '../../../platform/context.js';
import { ALL_PERMISSIONS } from '../../../platform/descriptors/permissions.js';
import { textSearch } from '../../../platform/descriptors/projection.js';
import { ApiError } from '../../../platform/errors/api-error.js';
import { readEntries } from '../../../resources/code-catalogues/service.js';
import { EMPLOYEES } from '../../../resources/employees/resource.js';
import { getEmployee, listEmployees } from '../../../resources/employees/service.js';
import { readLocations } from '../../../resources/locations/service.js';
import { currentPayPeriodRow } from '../../../resources/pay-periods/service.js';
import { POSITIONS } from '../../../resources/positions/resource.js';
import { computePayPeriodCards, listCardEntries } from '../../../resources/time-cards/service.js';
import { formErrorStatus } from '../../components.js';
import { PortalError } from '../../errors.js';
import { isHtmx, sendHtml, sessionOf } from '../../http.js';
import type { PortalSession } from '../../session/service.js';
import { type TeamFilters, TeamPage, TeamResults, type TeamRow, TimeCardPage } from './page.js';

const PAGE_SIZE = 50;

/** Administrators and managers see the team; employees get the 403 page. */
function teamViewerOf(request: FastifyRequest): PortalSession {
  const session = sessionOf(request);
  if (session.user.role !== 'administrator' && session.user.role !== 'manager') {
    throw new PortalError(403, 'Only administrators and managers of the account can see the team.');
  }
  return session;
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

/** The employees' location and position names, read with one query each for the whole page. */
async function rowsOf(
  ctx: AppContext,
  accountId: string,
  employees: Awaited<ReturnType<typeof listEmployees>>['items'],
): Promise<TeamRow[]> {
  const [locations, positions] = await Promise.all([
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
  ]);
  const locationNames = new Map(locations.map((location) => [location.id, location.name]));
  const positionNames = new Map(positions.map((position) => [position.id, position.name]));
  return employees.map((employee) => ({
    employee,
    locations: employee.locationIds.flatMap((id) => locationNames.get(id) ?? []),
    position: employee.positionId ? (positionNames.get(employee.positionId) ?? null) : null,
  }));
}

/** Team (administrators and managers): employees with their clock status, and each one's current time card. */
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

  portal.get<{ Params: { employeeId: string } }>('/team/:employeeId', async (request, reply) => {
    const session = teamViewerOf(request);
    const accountId = session.account.id;
    try {
      const employee = await getEmployee(ctx, accountId, request.params.employeeId);
      const period = await currentPayPeriodRow(ctx, accountId);
      const [card] = await computePayPeriodCards(ctx, accountId, period, employee.id);
      const entries = card ? await listCardEntries(ctx, accountId, card) : [];
      return sendHtml(
        reply,
        <TimeCardPage
          view={{
            session,
            employee,
            period: {
              startDate: period.start_date,
              endDate: period.end_date,
              locked: fromDbBoolean(period.locked),
            },
            card: card ?? null,
            entries,
          }}
        />,
      );
    } catch (error) {
      if (error instanceof ApiError) throw new PortalError(formErrorStatus(error), error.message);
      throw error;
    }
  });
}
