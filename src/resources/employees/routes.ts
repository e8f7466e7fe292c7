import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { principalOf } from '../../platform/auth/request.js';
import type { AppContext } from '../../platform/context.js';
import { operation } from '../../platform/http/route-schema.js';
import { pageRequest } from '../../platform/pagination/keyset.js';
import { listEnvelope } from '../../platform/pagination/respond.js';
import { listEnvelopeSchema } from '../../platform/pagination/schema.js';
import {
  CreateEmployeeBody,
  DeletedEmployeeSchema,
  EmployeeIdParams,
  EmployeeSchema,
  ListEmployeesQuery,
  UpdateEmployeeBody,
} from './schema.js';
import * as employees from './service.js';

const tags = ['Employees'];

export function employeeRoutes(app: FastifyInstance, ctx: AppContext): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.get(
    '/employees',
    {
      config: { scope: 'employees:read', resource: 'employees' },
      schema: operation(
        {
          operationId: 'listEmployees',
          summary: 'List employees',
          description:
            'Newest first, cursor-paginated. Filter by `active`, `search`, `clockedIn` (who is on the clock now) and `updatedSince`.',
          tags,
        },
        {
          querystring: ListEmployeesQuery,
          response: { 200: listEnvelopeSchema(EmployeeSchema, '/v1/employees') },
        },
      ),
    },
    async (request) => {
      const { accountId } = principalOf(request);
      const { active, search, clockedIn, updatedSince } = request.query;
      const page = await employees.listEmployees(
        ctx,
        accountId,
        { active, search, clockedIn, updatedSince },
        pageRequest(request.query),
      );
      return listEnvelope(request, page, page.countTotal);
    },
  );

  api.post(
    '/employees',
    {
      config: { scope: 'employees:write', resource: 'employees' },
      schema: operation(
        {
          operationId: 'createEmployee',
          summary: 'Create an employee',
          description:
            'Adds a person to the account. Locations, department code, position and groups it names must exist in the account.',
          tags,
        },
        { body: CreateEmployeeBody, response: { 201: EmployeeSchema } },
      ),
    },
    async (request, reply) => {
      const employee = await employees.createEmployee(ctx, principalOf(request).accountId, request.body);
      return reply.code(201).send(employee);
    },
  );

  api.get(
    '/employees/:id',
    {
      config: { scope: 'employees:read', resource: 'employees' },
      schema: operation(
        {
          operationId: 'getEmployee',
          summary: 'Retrieve an employee',
          description: 'One employee by id.',
          tags,
        },
        { params: EmployeeIdParams, response: { 200: EmployeeSchema } },
      ),
    },
    async (request) => employees.getEmployee(ctx, principalOf(request).accountId, request.params.id),
  );

  api.patch(
    '/employees/:id',
    {
      config: { scope: 'employees:write', resource: 'employees' },
      schema: operation(
        {
          operationId: 'updateEmployee',
          summary: 'Update an employee',
          description:
            'Changes only the fields sent. Send `null` to clear an optional field; `locationIds` and `groupIds` replace the whole set.',
          tags,
        },
        { params: EmployeeIdParams, body: UpdateEmployeeBody, response: { 200: EmployeeSchema } },
      ),
    },
    async (request) =>
      employees.updateEmployee(ctx, principalOf(request).accountId, request.params.id, request.body),
  );

  api.delete(
    '/employees/:id',
    {
      config: { scope: 'employees:write', resource: 'employees' },
      schema: operation(
        {
          operationId: 'deleteEmployee',
          summary: 'Delete an employee',
          description:
            'Removes an employee permanently. One with punches, time entries, time off, time cards or shifts is in use (409 `in_use`): deactivate them instead.',
          tags,
        },
        { params: EmployeeIdParams, response: { 200: DeletedEmployeeSchema } },
      ),
    },
    async (request) => {
      await employees.deleteEmployee(ctx, principalOf(request).accountId, request.params.id);
      return { id: request.params.id, object: 'employee' as const, deleted: true as const };
    },
  );
}
