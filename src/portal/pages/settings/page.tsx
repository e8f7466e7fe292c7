import { PLAN_LIMITS } from '../../../platform/accounts/plans.js';
import type { AccountObject } from '../../../platform/accounts/service.js';
import { API_VERSIONS, LATEST_API_VERSION } from '../../../platform/versioning/versions.js';
import { ROUNDING_MODES, ROUNDING_STEPS } from '../../../resources/pay-schedule/rounding.js';
import { PAY_FREQUENCIES, type PaySchedule } from '../../../resources/pay-schedule/schema.js';
import { OVERTIME_RULE_TYPES } from '../../../resources/time-cards/overtime.js';
import { Alert, ConfirmForm, Dialog, InputField, Notices, PageHeader } from '../../components.js';
import { CsrfField, Layout } from '../../layout.js';
import type { PortalSession } from '../../session/service.js';

/** The forms of the page, each of which saves on its own. */
export type SettingsSection = 'account' | 'api-version' | 'pay-schedule';

/** What the account form shows: the stored values, or what was sent when it came back with an error. */
export interface AccountForm {
  readonly name: string;
  readonly timezone: string;
}

/** The pay schedule form's fields, named as the API's fields so that its messages name them too. */
export interface ScheduleForm {
  readonly frequency: string;
  readonly anchorDate: string;
  readonly type: string;
  readonly dailyOvertimeAfterHours: string;
  readonly dailyDoubleTimeAfterHours: string;
  readonly weeklyOvertimeAfterHours: string;
  readonly clockInMode: string;
  readonly clockInMinutes: string;
  readonly clockOutMode: string;
  readonly clockOutMinutes: string;
  readonly beforeStartMinutes: string;
  readonly afterEndMinutes: string;
}

export interface SectionError {
  readonly section: SettingsSection;
  readonly message: string;
  /** The API's name of the field at fault, when the service named one. */
  readonly param: string | undefined;
}

export interface SettingsView {
  readonly session: PortalSession;
  readonly account: AccountObject;
  readonly schedule: PaySchedule;
  readonly accountForm: AccountForm;
  readonly scheduleForm: ScheduleForm;
  readonly error?: SectionError | undefined;
  readonly saved?: SettingsSection | undefined;
}

const SAVED_MESSAGES: Readonly<Record<SettingsSection, string>> = {
  account: 'Account details saved.',
  'api-version': `The account now uses API version ${LATEST_API_VERSION}.`,
  'pay-schedule': 'Pay schedule and overtime rule saved.',
};

export function isSettingsSection(value: unknown): value is SettingsSection {
  return typeof value === 'string' && Object.hasOwn(SAVED_MESSAGES, value);
}

const FREQUENCY_LABELS: Readonly<Record<(typeof PAY_FREQUENCIES)[number], string>> = {
  weekly: 'Weekly',
  biweekly: 'Every two weeks',
  semimonthly: 'Twice a month (1st–15th, 16th–end)',
  monthly: 'Monthly',
};

const RULE_LABELS: Readonly<Record<(typeof OVERTIME_RULE_TYPES)[number], string>> = {
  none: 'None: every hour is regular',
  weekly40: 'Weekly 40: 1.5× after 40 hours a workweek',
  california: 'California: daily 8/12 hours, weekly 40, 7th-day rules',
  custom: 'Custom thresholds',
};

const ROUNDING_MODE_LABELS: Readonly<Record<(typeof ROUNDING_MODES)[number], string>> = {
  none: 'Not rounded',
  nearest: 'To the nearest step',
  up: 'Up to the next step (later)',
  down: 'Down to the previous step (earlier)',
};

const STEP_VALUES: readonly string[] = ROUNDING_STEPS.map(String);
const STEP_LABELS: Readonly<Record<string, string>> = Object.fromEntries(
  ROUNDING_STEPS.map((minutes) => [String(minutes), minutes === 1 ? '1 minute' : `${minutes} minutes`]),
);

/** Every zone this server knows, offered as suggestions; the service decides what is valid. */
const TIME_ZONES: readonly string[] = [
  'UTC',
  ...Intl.supportedValuesOf('timeZone').filter((z) => z !== 'UTC'),
];

const UPGRADE_LABEL = `Upgrade to ${LATEST_API_VERSION}`;

function formatLimit(value: number | null, unit = ''): string {
  return value === null ? 'No cap' : `${value.toLocaleString('en-US')}${unit}`;
}

/** Changelog text marks names with backticks; they read best as code. */
function CodeText({ text }: { text: string }): JSX.Element {
  return (
    <>
      {text
        .split('`')
        .map((part, index) => (index % 2 === 1 ? <code safe>{part}</code> : <span safe>{part}</span>))}
    </>
  );
}

/** The outcome shown in one section: its refusal, else its confirmation when it was the one just saved. */
function SectionAlert({ view, section }: { view: SettingsView; section: SettingsSection }): JSX.Element {
  if (view.error?.section === section) return <Notices error={view.error.message} />;
  return <Notices notice={view.saved === section ? SAVED_MESSAGES[section] : undefined} />;
}

/** aria-invalid on the field the error names, so a screen reader lands on what to fix. */
function invalid(view: SettingsView, section: SettingsSection, param: string): 'true' | undefined {
  return view.error?.section === section && view.error.param === param ? 'true' : undefined;
}

function AccountPanel({ view }: { view: SettingsView }): JSX.Element {
  return (
    <section class="panel" aria-labelledby="account-heading">
      <h2 id="account-heading">Account</h2>
      <SectionAlert view={view} section="account" />
      <form method="post" action="/portal/settings/account">
        <CsrfField session={view.session} />
        <InputField
          label="Account name"
          id="account-name"
          name="name"
          type="text"
          required
          maxlength="200"
          value={view.accountForm.name}
          aria-invalid={invalid(view, 'account', 'name')}
        />
        <InputField
          label="Time zone"
          id="account-timezone"
          name="timezone"
          type="text"
          required
          list="time-zones"
          autocomplete="off"
          value={view.accountForm.timezone}
          aria-invalid={invalid(view, 'account', 'timezone')}
          aria-describedby="account-timezone-hint"
        >
          <datalist id="time-zones">
            {TIME_ZONES.map((zone) => (
              <option value={zone} />
            ))}
          </datalist>
          <p class="hint" id="account-timezone-hint">
            An IANA zone such as America/Chicago. Days on time cards are cut at midnight in this zone.
          </p>
        </InputField>
        <button type="submit">Save account</button>
      </form>
    </section>
  );
}

function PlanPanel({ account }: { account: AccountObject }): JSX.Element {
  const limits = PLAN_LIMITS[account.plan];
  const stats: readonly [string, string][] = [
    ['Requests per minute', formatLimit(limits.requestsPerMinute)],
    ['Writes per day', formatLimit(limits.dailyWriteCap)],
    ['Employees', formatLimit(limits.maxEmployees)],
    ['Locations', formatLimit(limits.maxLocations)],
    ['Webhook endpoints', formatLimit(limits.maxWebhookEndpoints)],
    ['Active API keys', formatLimit(limits.maxActiveKeys)],
  ];
  return (
    <section class="panel" aria-labelledby="plan-heading">
      <h2 id="plan-heading">
        Plan <span class="badge info">{account.plan}</span>
      </h2>
      <div class="stats">
        {stats.map(([label, value]) => (
          <div class="stat">
            <div class="value" safe>
              {value}
            </div>
            <div class="label" safe>
              {label}
            </div>
          </div>
        ))}
      </div>
      <p class="hint">The plan is set by the Punchclock operator; contact them to change it.</p>
    </section>
  );
}

function ApiAccessPanel({ account }: { account: AccountObject }): JSX.Element {
  return (
    <section class="panel" aria-labelledby="api-access-heading">
      <h2 id="api-access-heading">
        API access{' '}
        {account.apiAccess ? <span class="badge ok">On</span> : <span class="badge danger">Off</span>}
      </h2>
      <p class="hint">
        {account.apiAccess
          ? 'The account’s API keys work. The Punchclock operator controls this switch.'
          : 'Every API request with this account’s keys is refused (403 api_access_disabled). Only the Punchclock operator can switch API access on: contact them.'}
      </p>
    </section>
  );
}

function ApiVersionPanel({ view }: { view: SettingsView }): JSX.Element {
  const pinned = view.account.apiVersion;
  const newer = pinned === null ? [] : API_VERSIONS.filter((version) => version.version > pinned);
  return (
    <section class="panel" aria-labelledby="api-version-heading">
      <h2 id="api-version-heading">API version</h2>
      <SectionAlert view={view} section="api-version" />
      {pinned === null ? (
        <p safe>
          {`Not pinned yet. Requests without an X-Api-Version header use the latest version, ${LATEST_API_VERSION}; the account is pinned to it when its first API key is created.`}
        </p>
      ) : (
        <p>
          Pinned to <code safe>{pinned}</code>{' '}
          {newer.length === 0 ? (
            <span class="badge ok">Latest</span>
          ) : (
            <span class="badge warn">Update available</span>
          )}
        </p>
      )}
      <p class="hint">
        Requests without an X-Api-Version header are answered in the pinned version; a request may still name
        a version of its own. <a href="/docs">Read the changelog in the API reference</a>.
      </p>
      {newer.length > 0 ? (
        <>
          <button type="button" data-open-dialog="upgrade-api-version" safe>
            {UPGRADE_LABEL}
          </button>
          <Dialog id="upgrade-api-version" title={`Upgrade to API version ${LATEST_API_VERSION}`}>
            <p>
              Integrations that send no X-Api-Version header get these changes at once. Those that send one
              are not affected.
            </p>
            {newer.map((version) => (
              <div class="field">
                <h3 safe>{`${version.version}: ${version.summary}`}</h3>
                <ul>
                  {version.changes.map((change) => (
                    <li>
                      <strong>
                        <CodeText text={change.summary} />
                      </strong>
                      <p class="hint">
                        <CodeText text={change.details} />
                      </p>
                    </li>
                  ))}
                </ul>
              </div>
            ))}
            <p>
              <a href="/docs">Full changelog in the API reference</a>
            </p>
            <ConfirmForm action="/portal/settings/api-version" session={view.session}>
              <button type="submit" safe>
                {UPGRADE_LABEL}
              </button>
            </ConfirmForm>
          </Dialog>
        </>
      ) : (
        ''
      )}
    </section>
  );
}

function ThresholdField(props: {
  view: SettingsView;
  name: 'dailyOvertimeAfterHours' | 'dailyDoubleTimeAfterHours' | 'weeklyOvertimeAfterHours';
  label: string;
}): JSX.Element {
  const id = `schedule-${props.name}`;
  return (
    <InputField
      label={props.label}
      id={id}
      name={props.name}
      type="number"
      step="any"
      inputmode="decimal"
      value={props.view.scheduleForm[props.name]}
      aria-invalid={invalid(props.view, 'pay-schedule', `overtimeRule.${props.name}`)}
    />
  );
}

/** A pay schedule setting chosen from a fixed list (frequency, overtime rule), each value in people's words. */
function ScheduleChoice<T extends string>(props: {
  view: SettingsView;
  id: string;
  name: 'frequency' | 'type' | 'clockInMode' | 'clockInMinutes' | 'clockOutMode' | 'clockOutMinutes';
  /** The API's name of the field, as the service's refusal names it. */
  param: string;
  label: string;
  values: readonly T[];
  labels: Readonly<Record<T, string>>;
}): JSX.Element {
  const chosen = props.view.scheduleForm[props.name];
  return (
    <div class="field">
      <label for={props.id} safe>
        {props.label}
      </label>
      <select id={props.id} name={props.name} aria-invalid={invalid(props.view, 'pay-schedule', props.param)}>
        {props.values.map((value) => {
          // Typed as text so the HTML plugin checks it is escaped; it cannot read through the generic lookup.
          const text: string = props.labels[value];
          return (
            <option value={value} selected={chosen === value} safe>
              {text}
            </option>
          );
        })}
      </select>
    </div>
  );
}

/** One direction's rounding: its mode and its step, side by side. */
function RoundingChoice(props: {
  view: SettingsView;
  punch: 'clockIn' | 'clockOut';
  label: string;
}): JSX.Element {
  const { view, punch } = props;
  return (
    <div class="form-grid">
      <ScheduleChoice
        view={view}
        id={`schedule-${punch}-mode`}
        name={`${punch}Mode`}
        param={`rounding.${punch}.mode`}
        label={props.label}
        values={ROUNDING_MODES}
        labels={ROUNDING_MODE_LABELS}
      />
      <ScheduleChoice
        view={view}
        id={`schedule-${punch}-minutes`}
        name={`${punch}Minutes`}
        param={`rounding.${punch}.minutes`}
        label="Step"
        values={STEP_VALUES}
        labels={STEP_LABELS}
      />
    </div>
  );
}

function GraceField(props: {
  view: SettingsView;
  name: 'beforeStartMinutes' | 'afterEndMinutes';
  label: string;
}): JSX.Element {
  return (
    <InputField
      label={props.label}
      id={`schedule-${props.name}`}
      name={props.name}
      type="number"
      min="0"
      max="60"
      step="1"
      inputmode="numeric"
      value={props.view.scheduleForm[props.name]}
      aria-invalid={invalid(props.view, 'pay-schedule', `rounding.shiftGrace.${props.name}`)}
    />
  );
}

function RoundingFieldset({ view }: { view: SettingsView }): JSX.Element {
  return (
    <fieldset>
      <legend>Time rounding</legend>
      <p class="hint">
        Clock-in and clock-out times are rounded on the account’s clock (its time zone); breaks never are.
        Punches keep the time they were made, and time cards count the rounded one. A new rule applies to
        punches from now on: punches and time entries already recorded keep their times.
      </p>
      <RoundingChoice view={view} punch="clockIn" label="Clock-in" />
      <RoundingChoice view={view} punch="clockOut" label="Clock-out" />
      <p class="hint">
        Shift grace: a clock-in this many minutes before a published shift starts counts from the shift’s
        start, and a clock-out this many minutes after it ends counts until its end, instead of being rounded.
        0 is off.
      </p>
      <div class="form-grid">
        <GraceField view={view} name="beforeStartMinutes" label="Grace before a shift starts (minutes)" />
        <GraceField view={view} name="afterEndMinutes" label="Grace after a shift ends (minutes)" />
      </div>
    </fieldset>
  );
}

function PaySchedulePanel({ view }: { view: SettingsView }): JSX.Element {
  const form = view.scheduleForm;
  return (
    <section class="panel" aria-labelledby="pay-schedule-heading">
      <h2 id="pay-schedule-heading">Pay schedule, overtime and rounding</h2>
      <SectionAlert view={view} section="pay-schedule" />
      <form method="post" action="/portal/settings/pay-schedule">
        <CsrfField session={view.session} />
        <ScheduleChoice
          view={view}
          id="schedule-frequency"
          name="frequency"
          param="frequency"
          label="Pay frequency"
          values={PAY_FREQUENCIES}
          labels={FREQUENCY_LABELS}
        />
        <InputField
          label="Anchor date"
          id="schedule-anchor"
          name="anchorDate"
          type="date"
          required
          value={form.anchorDate}
          aria-invalid={invalid(view, 'pay-schedule', 'anchorDate')}
          aria-describedby="schedule-anchor-hint"
        >
          <p class="hint" id="schedule-anchor-hint" safe>
            {`The first day of one pay period. Workweeks start on its weekday (now ${view.schedule.workweekStartsOn}). Twice a month needs a 1st or 16th; monthly a day 1–28.`}
          </p>
        </InputField>
        <ScheduleChoice
          view={view}
          id="schedule-rule"
          name="type"
          param="overtimeRule.type"
          label="Overtime rule"
          values={OVERTIME_RULE_TYPES}
          labels={RULE_LABELS}
        />
        <fieldset>
          <legend>Custom thresholds (hours)</legend>
          <p class="hint">Used only with the Custom rule; leave a field empty for no such threshold.</p>
          <ThresholdField view={view} name="dailyOvertimeAfterHours" label="Daily overtime (1.5×) after" />
          <ThresholdField view={view} name="dailyDoubleTimeAfterHours" label="Daily double time (2×) after" />
          <ThresholdField view={view} name="weeklyOvertimeAfterHours" label="Weekly overtime (1.5×) after" />
        </fieldset>
        <RoundingFieldset view={view} />
        <Alert tone="warn">
          A new frequency or anchor date replaces the current and future pay periods, with their time cards
          and approvals; periods that have ended keep their dates. It is refused while such a period is
          locked.
        </Alert>
        <button type="submit">Save pay schedule</button>
      </form>
    </section>
  );
}

export function SettingsPage({ view }: { view: SettingsView }): JSX.Element {
  return (
    <Layout title="Settings" session={view.session} active="settings">
      <PageHeader
        title="Settings"
        subtitle="The account’s name and time zone, its plan, API version, pay schedule, overtime and rounding rules."
      />
      <AccountPanel view={view} />
      <PaySchedulePanel view={view} />
      <ApiVersionPanel view={view} />
      <ApiAccessPanel account={view.account} />
      <PlanPanel account={view.account} />
    </Layout>
  );
}
