import type { PropsWithChildren } from '@kitajs/html';
import type { ApiRequestLogRow } from '../../../db/tables.js';
import type { ApiKeyObject } from '../../../platform/api-keys/key-row.js';
import { REFUSAL_BURST } from '../../../platform/request-log/refusal-burst.js';
import type { HourlyCounts, SuspiciousKey } from '../../../platform/request-log/repository.js';
import {
  Alert,
  type Column,
  DataTable,
  EmptyTable,
  InputField,
  maskedKey,
  PageHeader,
  Pager,
  type PagerLinks,
  swapLink,
} from '../../components.js';
import { Layout } from '../../layout.js';
import type { PortalSession } from '../../session/service.js';
import { CHART_RANGES, type ChartRange, RequestsChart, totalsOf } from './chart.js';
import { type LogQuery, logUrl, withoutCursor } from './filters.js';

/** Where htmx swaps the filtered results (the filter form included, so it always shows what the table shows). */
export const RESULTS_ID = 'api-log-results';

const EXACT_STATUSES = [200, 201, 204, 400, 401, 403, 404, 409, 413, 422, 429, 500, 503];

const timeFormats = new Map<string, Intl.DateTimeFormat>();

/** A request's time to the second, in the account's zone: requests a second apart must read apart. */
function requestTime(iso: string, timeZone: string): string {
  let format = timeFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      month: 'short',
      day: 'numeric',
      hour: 'numeric',
      minute: '2-digit',
      second: '2-digit',
      timeZone,
    });
    timeFormats.set(timeZone, format);
  }
  return format.format(new Date(iso));
}

function statusTone(status: number): 'ok' | 'info' | 'warn' | 'danger' {
  if (status >= 500) return 'danger';
  if (status >= 400) return 'warn';
  if (status >= 300) return 'info';
  return 'ok';
}

function keyName(key: ApiKeyObject): string {
  return `${key.name} (${maskedKey(key)})`;
}

export interface LogResultsProps {
  readonly session: PortalSession;
  readonly query: LogQuery;
  readonly keys: readonly ApiKeyObject[];
  readonly suspicious: ReadonlySet<string>;
  readonly errors: readonly string[];
  readonly rows: readonly ApiRequestLogRow[];
  readonly pager: PagerLinks;
  readonly hours: readonly HourlyCounts[];
}

function FilterForm({ query, keys, suspicious }: LogResultsProps): JSX.Element {
  const statusOption = (value: string, label: string) => (
    <option value={value} selected={query.status === value} safe>
      {label}
    </option>
  );
  return (
    <form
      class="filters panel"
      method="get"
      action="/portal/developer/api-logs"
      hx-get="/portal/developer/api-logs"
      hx-target={`#${RESULTS_ID}`}
      hx-push-url="true"
    >
      <input type="hidden" name="range" value={query.range} />
      <div class="field">
        <label for="filter-key">API key</label>
        <select id="filter-key" name="key">
          <option value="">All keys</option>
          {keys.map((key) => (
            <option value={key.id} selected={query.key === key.id} safe>
              {`${keyName(key)}${key.status === 'active' ? '' : ` · ${key.status}`}${suspicious.has(key.id) ? ' · may be compromised' : ''}`}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="filter-status">Status</label>
        <select id="filter-status" name="status">
          {statusOption('', 'Any status')}
          <optgroup label="Class">
            {statusOption('2xx', '2xx success')}
            {statusOption('3xx', '3xx redirect')}
            {statusOption('4xx', '4xx client error')}
            {statusOption('5xx', '5xx server error')}
          </optgroup>
          <optgroup label="Exact status">
            {EXACT_STATUSES.map((status) => statusOption(String(status), String(status)))}
          </optgroup>
        </select>
      </div>
      <InputField
        label="Path contains"
        id="filter-path"
        name="path"
        type="text"
        value={query.path}
        placeholder="/v1/employees"
      />
      <InputField label="From" id="filter-from" name="from" type="datetime-local" value={query.from} />
      <InputField label="To" id="filter-to" name="to" type="datetime-local" value={query.to} />
      <div class="actions">
        <button type="submit">Apply filters</button>
        <a
          class="button secondary"
          {...swapLink(
            logUrl({ ...withoutCursor(query), key: '', status: '', path: '', from: '', to: '' }),
            RESULTS_ID,
          )}
        >
          Clear
        </a>
      </div>
    </form>
  );
}

function RangeToggle({ query }: { query: LogQuery }): JSX.Element {
  return (
    <nav class="segmented" aria-label="Chart range">
      {(Object.keys(CHART_RANGES) as ChartRange[]).map((range) => (
        <a
          {...swapLink(logUrl(query, { range }), RESULTS_ID)}
          aria-current={range === query.range ? 'true' : undefined}
          safe
        >
          {CHART_RANGES[range].label}
        </a>
      ))}
    </nav>
  );
}

/** The range's totals in one line under the chart's heading: the figures an administrator checks first. */
function Summary({ hours }: { hours: readonly HourlyCounts[] }): JSX.Element {
  const totals = totalsOf(hours);
  const share = (n: number) => (totals.total === 0 ? '—' : `${((n / totals.total) * 100).toFixed(1)}%`);
  const figures: [string, string][] = [
    [String(totals.total), 'requests'],
    [share(totals['2xx']), 'succeeded'],
    [String(totals['4xx']), 'client errors'],
    [String(totals['5xx']), 'server errors'],
  ];
  return (
    <p class="summary">
      {figures.map(([value, label]) => (
        <span>
          <strong safe>{value}</strong> <span safe>{label}</span>
        </span>
      ))}
    </p>
  );
}

const LOG_COLUMNS: readonly Column[] = [
  { label: 'Time' },
  { label: 'Key' },
  { label: 'Method' },
  { label: 'Path' },
  { label: 'Status' },
  { label: 'Duration', num: true },
  { label: 'Request id' },
];

function LogTable(props: LogResultsProps): JSX.Element {
  const timeZone = props.session.account.timezone;
  const keysById = new Map(props.keys.map((key) => [key.id, key]));
  if (props.rows.length === 0) return <EmptyTable>No requests match these filters.</EmptyTable>;
  return (
    <DataTable caption="API requests, newest first" columns={LOG_COLUMNS}>
      {props.rows.map((row) => {
        const key = row.key_id ? keysById.get(row.key_id) : undefined;
        const flagged = row.key_id !== null && props.suspicious.has(row.key_id);
        return (
          <tr class={flagged ? 'highlight' : undefined}>
            <td class="nowrap" safe>
              {requestTime(row.created_at, timeZone)}
            </td>
            <td>
              {key ? (
                <>
                  <span safe>{key.name}</span>
                  <br />
                  <code class="muted" safe>
                    {maskedKey(key)}
                  </code>
                </>
              ) : (
                <span class="muted">No key</span>
              )}
            </td>
            <td>
              <code safe>{row.method}</code>
            </td>
            <td class="break">
              <code safe>{row.path}</code>
            </td>
            <td>
              <span class={`badge ${statusTone(row.status)}`} safe>
                {String(row.status)}
              </span>
              {row.error_code ? (
                <div class="hint" safe>
                  {row.error_code}
                </div>
              ) : (
                ''
              )}
            </td>
            <td class="num" safe>
              {`${row.duration_ms} ms`}
            </td>
            <td>
              <code safe>{row.id}</code>
            </td>
          </tr>
        );
      })}
    </DataTable>
  );
}

/** Everything the filters change: the form itself, the chart and the table. htmx swaps this in on its own. */
export function LogResults(props: LogResultsProps): JSX.Element {
  const timeZone = props.session.account.timezone;
  return (
    <>
      <FilterForm {...props} />
      {props.errors.length > 0 ? (
        <Alert tone="error">
          {props.errors.map((error) => (
            <p safe>{error}</p>
          ))}
        </Alert>
      ) : (
        ''
      )}
      <section class="panel" aria-labelledby="chart-heading">
        <div class="panel-head">
          <div>
            <h2 id="chart-heading">Requests per hour</h2>
            <Summary hours={props.hours} />
          </div>
          <RangeToggle query={props.query} />
        </div>
        <RequestsChart hours={props.hours} range={props.query.range} timeZone={timeZone} />
      </section>
      <h2 class="section-title">Requests</h2>
      {props.errors.length > 0 ? '' : <LogTable {...props} />}
      <Pager links={props.pager} target={RESULTS_ID} />
    </>
  );
}

function BurstAlert({
  bursts,
  keys,
}: {
  bursts: readonly SuspiciousKey[];
  keys: readonly ApiKeyObject[];
}): JSX.Element {
  if (bursts.length === 0) return '';
  const keysById = new Map(keys.map((key) => [key.id, key]));
  const minutes = REFUSAL_BURST.windowMs / 60_000;
  return (
    <Alert tone="warn">
      <strong>{bursts.length === 1 ? 'A key may be compromised.' : 'Some keys may be compromised.'}</strong>
      <ul class="burst-list">
        {bursts.map((burst) => {
          const key = keysById.get(burst.keyId);
          return (
            <li safe>
              {`${key ? keyName(key) : burst.keyId} was refused ${burst.refusals} times (401/403) in the last ${minutes} minutes.`}
            </li>
          );
        })}
      </ul>
      <p>
        Refusals in bulk mean someone may be trying a leaked or revoked key. Review these keys and revoke any
        you do not recognise on the <a href="/portal/developer/api-keys">API keys page</a>. Their requests are
        highlighted below.
      </p>
    </Alert>
  );
}

export function ApiLogsPage({
  session,
  keys,
  bursts,
  children,
}: PropsWithChildren<{
  session: PortalSession;
  keys: readonly ApiKeyObject[];
  bursts: readonly SuspiciousKey[];
}>): JSX.Element {
  return (
    <Layout title="API logs" session={session} active="api-logs">
      <PageHeader
        title="API logs"
        subtitle={`Every request made with this account's API keys, newest first. Times are in ${session.account.timezone}.`}
      />
      <BurstAlert bursts={bursts} keys={keys} />
      <div id={RESULTS_ID}>{children}</div>
    </Layout>
  );
}
