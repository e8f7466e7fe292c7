import { textSearch } from '../../platform/descriptors/projection.js';
import { resourceModule } from '../../platform/http/resource-routes.js';
import { EMPLOYEES } from './resource.js';
import { CreateEmployeeBody, EmployeeSchema, ListEmployeesQuery, UpdateEmployeeBody } from './schema.js';
import * as employees from './service.js';

export const employeeRoutes = resourceModule(EMPLOYEES, (routes, ctx) => {
  routes.list(
    {
      description:
        'Newest first, cursor-paginated. Filter by `active`, `search`, `clockedIn` (who is on the clock now) and `updatedSince`.',
      querystring: ListEmployeesQuery,
      item: EmployeeSchema,
    },
    (request, principal, page) =>
      employees.listEmployees(
        ctx,
        principal.accountId,
        { ...request.query, search: textSearch(principal, EMPLOYEES, request.query.search) },
        page,
      ),
  );

  routes.create(
    {
      errors: ['employee_ref_taken', 'invalid_timezone', 'plan_limit_reached'],
      description:
        'Adds a person to the account. Locations, department code, position and groups it names must exist in the account.',
      body: CreateEmployeeBody,
      response: EmployeeSchema,
    },
    (request, { accountId }) => employees.createEmployee(ctx, accountId, request.body),
  );

  routes.retrieve(
    { description: 'One employee by id.', response: EmployeeSchema },
    (request, { accountId }) => employees.getEmployee(ctx, accountId, request.params.id),
  );

  routes.update(
    {
      errors: ['employee_ref_taken', 'invalid_timezone'],
      description:
        'Changes only the fields sent. Send `null` to clear an optional field; `locationIds` and `groupIds` replace the whole set.',
      body: UpdateEmployeeBody,
      response: EmployeeSchema,
    },
    (request, { accountId }) => employees.updateEmployee(ctx, accountId, request.params.id, request.body),
  );

  routes.remove(
    {
      errors: ['in_use'],
      description:
        'Removes an employee permanently. One with punches, time entries, time off, time cards or shifts is in use (409 `in_use`): deactivate them instead.',
    },
    (request, { accountId }) => employees.deleteEmployee(ctx, accountId, request.params.id),
  );
});
