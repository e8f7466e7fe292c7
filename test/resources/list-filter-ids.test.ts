/**
 * A list filter that names an object by id (`GET /v1/punches?employeeId=`) answers 404 resource_not_found, `param`
 * naming the filter, when the id is not an object of the caller's account: word for word the same answer for an id
 * of another account as for one that exists nowhere (DESIGN §3: another account's id is a 404; nothing tells the
 * caller it exists). The account's own id filters the list. Cursors are not filters and stay positional
 * (test/platform/pagination.test.ts). Every such filter is listed below, and the test checks the list against the
 * OpenAPI document, so a new id filter fails here until it is covered.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { ulid } from 'ulid';
import {
  type ApiResponse,
  call,
  createTestAccount,
  type ErrorBody,
  type TestAccount,
} from '../helpers/app.js';
import { describeEachDialect } from '../helpers/each-dialect.js';
import { createdId, listed } from '../helpers/fixtures.js';
import { fetchDocument, type OpenApiDocument } from '../openapi/openapi-document.js';

/** The kinds of object the filters name. */
type Kind = 'employee' | 'location' | 'payPeriod';

interface IdFilter {
  readonly path: string;
  readonly param: string;
  readonly kind: Kind;
  readonly noun: string;
}

const FILTERS: readonly IdFilter[] = [
  { path: '/v1/geofences', param: 'locationId', kind: 'location', noun: 'Location' },
  { path: '/v1/punches', param: 'employeeId', kind: 'employee', noun: 'Employee' },
  { path: '/v1/punches', param: 'locationId', kind: 'location', noun: 'Location' },
  { path: '/v1/shifts', param: 'employeeId', kind: 'employee', noun: 'Employee' },
  { path: '/v1/shifts', param: 'locationId', kind: 'location', noun: 'Location' },
  { path: '/v1/time-cards', param: 'payPeriodId', kind: 'payPeriod', noun: 'Pay period' },
  { path: '/v1/time-cards', param: 'employeeId', kind: 'employee', noun: 'Employee' },
  { path: '/v1/time-entries', param: 'employeeId', kind: 'employee', noun: 'Employee' },
  { path: '/v1/time-entries', param: 'locationId', kind: 'location', noun: 'Location' },
  { path: '/v1/time-off', param: 'employeeId', kind: 'employee', noun: 'Employee' },
];

const PREFIX: Record<Kind, string> = { employee: 'emp', location: 'loc', payPeriod: 'ppd' };

/** Query parameters that take an id but are cursors, not filters. */
const CURSORS = new Set(['startingAfter', 'endingBefore']);

/** The objects of one account the filters name, and objects of every listed kind that name them. */
interface Named {
  employee: string;
  location: string;
  payPeriod: string;
}

describeEachDialect('list filters naming an object by id', ({ t, account }) => {
  /** Another account: its ids are the ones `account` must not tell from ids that exist nowhere. */
  let other: TestAccount;
  let mine: Named;
  let theirs: Named;

  async function objectsOf(key: string): Promise<Named> {
    const authorization = `Bearer ${key}`;
    const employee = await createdId(t, authorization, '/v1/employees', {
      firstName: 'Ida',
      lastName: 'Filter',
    });
    const location = await createdId(t, authorization, '/v1/locations', { name: 'Filtered site' });
    const bystander = await createdId(t, authorization, '/v1/employees', {
      firstName: 'Bo',
      lastName: 'Other',
    });
    const elsewhere = await createdId(t, authorization, '/v1/locations', { name: 'Other site' });
    const fence = { latitude: 41.88, longitude: -87.65, radiusMeters: 100 };
    await createdId(t, authorization, '/v1/geofences', { name: 'Named', locationId: location, ...fence });
    await createdId(t, authorization, '/v1/geofences', {
      name: 'Elsewhere',
      locationId: elsewhere,
      ...fence,
    });
    await createdId(t, authorization, '/v1/punches', {
      employeeId: employee,
      type: 'in',
      locationId: location,
    });
    await createdId(t, authorization, '/v1/punches', {
      employeeId: bystander,
      type: 'in',
      locationId: elsewhere,
    });
    for (const [who, where] of [
      [employee, location],
      [bystander, elsewhere],
    ]) {
      await createdId(t, authorization, '/v1/shifts', {
        employeeId: who,
        locationId: where,
        start: '2026-11-02T14:00:00Z',
        end: '2026-11-02T22:00:00Z',
      });
      await createdId(t, authorization, '/v1/time-entries', {
        employeeId: who,
        locationId: where,
        start: '2026-10-30T14:00:00Z',
        end: '2026-10-30T22:00:00Z',
      });
      await createdId(t, authorization, '/v1/time-off', {
        employeeId: who,
        type: 'vacation',
        startDate: '2026-12-21',
        endDate: '2026-12-22',
      });
    }
    const [period] = await listed<{ id: string }>(t, authorization, '/v1/pay-periods?limit=1');
    assert.ok(period, 'the account has a pay period');
    return { employee, location, payPeriod: period.id };
  }

  before(async () => {
    other = await createTestAccount(t);
    mine = await objectsOf(account.key);
    theirs = await objectsOf(other.key);
  });

  const get = (url: string) => call(t, 'GET', url, { key: account.key });

  /** An id of the kind that exists in no account. */
  const nowhere = (kind: Kind) => `${PREFIX[kind]}_${ulid()}`;

  function expectNotFound(response: ApiResponse, filter: IdFilter, id: string): ErrorBody['error'] {
    assert.equal(response.status, 404, response.raw);
    const { error } = response.body as unknown as ErrorBody;
    assert.deepEqual(
      { ...error, requestId: undefined },
      {
        type: 'invalid_request_error',
        code: 'resource_not_found',
        message: `${filter.noun} ${id} not found.`,
        param: filter.param,
        requestId: undefined,
      },
      response.raw,
    );
    assert.equal(error.requestId, response.headers['x-request-id']);
    return error;
  }

  test('the filters below are every id filter of every list, and each list documents 404', async () => {
    const document: OpenApiDocument = (await fetchDocument(t)).document;
    const documented: string[] = [];
    for (const [path, item] of Object.entries(document.paths)) {
      const parameters = (item.get?.parameters ?? []) as {
        in: string;
        name: string;
        schema?: { pattern?: string };
      }[];
      for (const parameter of parameters) {
        if (parameter.in !== 'query' || CURSORS.has(parameter.name)) continue;
        if (/^\^[a-z]+_/.test(parameter.schema?.pattern ?? '')) documented.push(`${path} ${parameter.name}`);
      }
    }
    assert.deepEqual(documented.sort(), FILTERS.map((f) => `${f.path} ${f.param}`).sort());
    for (const filter of FILTERS) {
      const codes = document.paths[filter.path]?.get?.responses?.['404']?.['x-error-codes'];
      assert.ok(
        Array.isArray(codes) && codes.includes('resource_not_found'),
        `GET ${filter.path} documents 404 resource_not_found`,
      );
    }
  });

  for (const filter of FILTERS) {
    test(`GET ${filter.path}?${filter.param}= another account's id: 404, as for an id that exists nowhere`, async () => {
      const theirId = theirs[filter.kind];
      const unknownId = nowhere(filter.kind);
      const ofTheirs = expectNotFound(
        await get(`${filter.path}?${filter.param}=${theirId}`),
        filter,
        theirId,
      );
      const ofNobody = expectNotFound(
        await get(`${filter.path}?${filter.param}=${unknownId}`),
        filter,
        unknownId,
      );
      assert.deepEqual(
        { ...ofTheirs, requestId: '' },
        { ...ofNobody, message: ofNobody.message.replace(unknownId, theirId), requestId: '' },
      );
    });

    test(`GET ${filter.path}?${filter.param}= the account's own id: only its objects`, async () => {
      const ownId = mine[filter.kind];
      const items = await listed<Record<string, unknown>>(
        t,
        `Bearer ${account.key}`,
        `${filter.path}?${filter.param}=${ownId}&limit=100`,
      );
      assert.ok(items.length > 0, `${filter.path} has objects of ${ownId}`);
      for (const item of items) assert.equal(item[filter.param], ownId, JSON.stringify(item));
      const all = await listed<{ id: string }>(t, `Bearer ${account.key}`, `${filter.path}?limit=100`);
      assert.ok(all.length > items.length || filter.kind === 'payPeriod', `${filter.path} filters`);
    });
  }

  test('with two filters, the first that names no object of the account is the one reported', async () => {
    const filter = FILTERS.find((f) => f.path === '/v1/punches' && f.param === 'locationId') as IdFilter;
    expectNotFound(
      await get(`/v1/punches?employeeId=${mine.employee}&locationId=${theirs.location}`),
      filter,
      theirs.location,
    );
    const employeeFilter = FILTERS.find(
      (f) => f.path === '/v1/shifts' && f.param === 'employeeId',
    ) as IdFilter;
    expectNotFound(
      await get(`/v1/shifts?locationId=${theirs.location}&employeeId=${theirs.employee}`),
      employeeFilter,
      theirs.employee,
    );
    const both = await listed<{ employeeId: string; locationId: string }>(
      t,
      `Bearer ${account.key}`,
      `/v1/time-entries?employeeId=${mine.employee}&locationId=${mine.location}`,
    );
    assert.ok(both.length > 0);
    for (const entry of both)
      assert.deepEqual([entry.employeeId, entry.locationId], [mine.employee, mine.location]);
  });

  test("another account's own list with its own ids is unaffected", async () => {
    const punches = await listed<{ employeeId: string }>(
      t,
      `Bearer ${other.key}`,
      `/v1/punches?employeeId=${theirs.employee}`,
    );
    assert.deepEqual(
      punches.map((p) => p.employeeId),
      [theirs.employee],
    );
  });
});
