import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { getAccount, updateAccountSettings, upgradeApiVersion } from '../../../platform/accounts/service.js';
import type { AppContext } from '../../../platform/context.js';
import { ApiError } from '../../../platform/errors/api-error.js';
import { bodyCheck } from '../../../platform/http/body-check.js';
import { type PaySchedule, UpdatePayScheduleBody } from '../../../resources/pay-schedule/schema.js';
import { getPaySchedule, updatePaySchedule } from '../../../resources/pay-schedule/service.js';
import { formErrorStatus, formText } from '../../components.js';
import { administratorOf, sendHtml } from '../../http.js';
import type { PortalSession } from '../../session/service.js';
import {
  type AccountForm,
  isSettingsSection,
  type ScheduleForm,
  SettingsPage,
  type SettingsSection,
} from './page.js';

const checkScheduleInput = bodyCheck(UpdatePayScheduleBody);

function scheduleFormOf(schedule: PaySchedule): ScheduleForm {
  const text = (hours: number | null) => (hours === null ? '' : String(hours));
  return {
    frequency: schedule.frequency,
    anchorDate: schedule.anchorDate,
    type: schedule.overtimeRule.type,
    dailyOvertimeAfterHours: text(schedule.overtimeRule.dailyOvertimeAfterHours),
    dailyDoubleTimeAfterHours: text(schedule.overtimeRule.dailyDoubleTimeAfterHours),
    weeklyOvertimeAfterHours: text(schedule.overtimeRule.weeklyOvertimeAfterHours),
    clockInMode: schedule.rounding.clockIn.mode,
    clockInMinutes: String(schedule.rounding.clockIn.minutes),
    clockOutMode: schedule.rounding.clockOut.mode,
    clockOutMinutes: String(schedule.rounding.clockOut.minutes),
    beforeStartMinutes: String(schedule.rounding.shiftGrace.beforeStartMinutes),
    afterEndMinutes: String(schedule.rounding.shiftGrace.afterEndMinutes),
  };
}

function scheduleFormFrom(body: unknown): ScheduleForm {
  return {
    frequency: formText(body, 'frequency'),
    anchorDate: formText(body, 'anchorDate').trim(),
    type: formText(body, 'type'),
    dailyOvertimeAfterHours: formText(body, 'dailyOvertimeAfterHours').trim(),
    dailyDoubleTimeAfterHours: formText(body, 'dailyDoubleTimeAfterHours').trim(),
    weeklyOvertimeAfterHours: formText(body, 'weeklyOvertimeAfterHours').trim(),
    clockInMode: formText(body, 'clockInMode'),
    clockInMinutes: formText(body, 'clockInMinutes'),
    clockOutMode: formText(body, 'clockOutMode'),
    clockOutMinutes: formText(body, 'clockOutMinutes'),
    beforeStartMinutes: formText(body, 'beforeStartMinutes').trim(),
    afterEndMinutes: formText(body, 'afterEndMinutes').trim(),
  };
}

/** A number field's text as the API takes it: empty is not sent, and text that is not a number stays text to refuse. */
function numberOf(text: string): number | string | undefined {
  if (text === '') return undefined;
  const value = Number(text);
  return Number.isNaN(value) ? text : value;
}

/**
 * The form → the API's PATCH /v1/pay-schedule body, checked by that route's own schema. Thresholds belong to the
 * custom rule only (the service refuses them with a named rule), so the form's threshold fields count only then;
 * empty means none. The rounding rule is sent whole, as the API replaces it; an empty grace is off.
 */
function scheduleInputOf(form: ScheduleForm): unknown {
  const custom =
    form.type === 'custom'
      ? {
          dailyOvertimeAfterHours: numberOf(form.dailyOvertimeAfterHours),
          dailyDoubleTimeAfterHours: numberOf(form.dailyDoubleTimeAfterHours),
          weeklyOvertimeAfterHours: numberOf(form.weeklyOvertimeAfterHours),
        }
      : {};
  return {
    frequency: form.frequency,
    anchorDate: form.anchorDate,
    overtimeRule: {
      type: form.type,
      ...Object.fromEntries(Object.entries(custom).filter(([, value]) => value !== undefined)),
    },
    rounding: {
      clockIn: { mode: form.clockInMode, minutes: numberOf(form.clockInMinutes) },
      clockOut: { mode: form.clockOutMode, minutes: numberOf(form.clockOutMinutes) },
      shiftGrace: {
        beforeStartMinutes: numberOf(form.beforeStartMinutes) ?? 0,
        afterEndMinutes: numberOf(form.afterEndMinutes) ?? 0,
      },
    },
  };
}

interface Rendering {
  readonly accountForm?: AccountForm;
  readonly scheduleForm?: ScheduleForm;
  readonly error?: { section: SettingsSection; error: ApiError };
  readonly saved?: SettingsSection | undefined;
}

/** The page with the account as stored now, and the forms as sent when one comes back with an error. */
async function renderSettings(
  ctx: AppContext,
  reply: FastifyReply,
  session: PortalSession,
  rendering: Rendering = {},
): Promise<FastifyReply> {
  const [account, schedule] = await Promise.all([
    getAccount(ctx, session.account.id),
    getPaySchedule(ctx, session.account.id),
  ]);
  const error = rendering.error;
  return sendHtml(
    reply,
    <SettingsPage
      view={{
        session,
        account,
        schedule,
        accountForm: rendering.accountForm ?? { name: account.name, timezone: account.timezone },
        scheduleForm: rendering.scheduleForm ?? scheduleFormOf(schedule),
        error: error
          ? { section: error.section, message: error.error.message, param: error.error.param }
          : undefined,
        saved: rendering.saved,
      }}
    />,
    error ? formErrorStatus(error.error) : 200,
  );
}

/**
 * Runs one form's action: on success the browser is sent back to the page (303, so a reload does not post again);
 * a service's refusal re-renders the page with its message next to that form.
 */
async function saveSection(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  section: SettingsSection,
  action: (session: PortalSession) => Promise<unknown>,
  sent: Omit<Rendering, 'error' | 'saved'> = {},
): Promise<FastifyReply> {
  const session = administratorOf(request);
  try {
    await action(session);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return renderSettings(ctx, reply, session, { ...sent, error: { section, error } });
  }
  return reply.redirect(`/portal/settings?saved=${section}`, 303);
}

/** Settings (administrators only): account name and zone, plan, API access, API version, pay schedule. */
export function settingsRoutes(portal: FastifyInstance, ctx: AppContext): void {
  portal.get<{ Querystring: { saved?: string } }>('/settings', async (request, reply) => {
    const session = administratorOf(request);
    const saved = request.query.saved;
    return renderSettings(ctx, reply, session, { saved: isSettingsSection(saved) ? saved : undefined });
  });

  portal.post('/settings/account', async (request, reply) => {
    const accountForm = {
      name: formText(request.body, 'name'),
      timezone: formText(request.body, 'timezone'),
    };
    return saveSection(
      ctx,
      request,
      reply,
      'account',
      (session) => updateAccountSettings(ctx, session.account.id, accountForm),
      { accountForm },
    );
  });

  portal.post('/settings/api-version', async (request, reply) =>
    saveSection(ctx, request, reply, 'api-version', (session) => upgradeApiVersion(ctx, session.account.id)),
  );

  portal.post('/settings/pay-schedule', async (request, reply) => {
    const scheduleForm = scheduleFormFrom(request.body);
    return saveSection(
      ctx,
      request,
      reply,
      'pay-schedule',
      (session) =>
        updatePaySchedule(ctx, session.account.id, checkScheduleInput(scheduleInputOf(scheduleForm))),
      { scheduleForm },
    );
  });
}
