import assert from 'node:assert/strict';
import { test } from 'node:test';
import { call, createTestAccount } from '../../helpers/app.js';
import { describeEachDialect } from '../../helpers/each-dialect.js';
import { assertApiError } from '../../helpers/security-suite.js';

type PaySchedule = {
  id: string;
  object: string;
  frequency: string;
  anchorDate: string;
  workweekStartsOn: string;
  overtimeRule: {
    type: string;
    dailyOvertimeAfterHours: number | null;
    dailyDoubleTimeAfterHours: number | null;
    weeklyOvertimeAfterHours: number | null;
  };
  rounding: {
    clockIn: { mode: string; minutes: number };
    clockOut: { mode: string; minutes: number };
    shiftGrace: { beforeStartMinutes: number; afterEndMinutes: number };
  };
  createdAt: string;
  updatedAt: string;
};

describeEachDialect('pay schedule', ({ t, account }) => {
  const patch = (body: unknown, key = account.key) =>
    call<PaySchedule>(t, 'PATCH', '/v1/pay-schedule', { key, body });
  const get = (key = account.key) => call<PaySchedule>(t, 'GET', '/v1/pay-schedule', { key });

  test('until changed, the documented default: biweekly from Monday 2024-01-01, weekly40, no rounding', async () => {
    const res = await get();
    assert.equal(res.status, 200, res.raw);
    assert.deepEqual(res.body, {
      id: account.account.id,
      object: 'pay_schedule',
      frequency: 'biweekly',
      anchorDate: '2024-01-01',
      workweekStartsOn: 'monday',
      overtimeRule: {
        type: 'weekly40',
        dailyOvertimeAfterHours: null,
        dailyDoubleTimeAfterHours: null,
        weeklyOvertimeAfterHours: 40,
      },
      rounding: {
        clockIn: { mode: 'none', minutes: 1 },
        clockOut: { mode: 'none', minutes: 1 },
        shiftGrace: { beforeStartMinutes: 0, afterEndMinutes: 0 },
      },
      createdAt: '2026-11-01T12:00:00.000Z',
      updatedAt: '2026-11-01T12:00:00.000Z',
    });
  });

  test('PATCH changes only what is sent and shows the thresholds in effect', async () => {
    t.clock.advance(60_000);
    const res = await patch({ overtimeRule: { type: 'california' } });
    assert.equal(res.status, 200, res.raw);
    assert.equal(res.body.frequency, 'biweekly');
    assert.deepEqual(res.body.overtimeRule, {
      type: 'california',
      dailyOvertimeAfterHours: 8,
      dailyDoubleTimeAfterHours: 12,
      weeklyOvertimeAfterHours: 40,
    });
    assert.equal(res.body.createdAt, '2026-11-01T12:00:00.000Z');
    assert.equal(res.body.updatedAt, t.clock.now().toISOString());
    assert.deepEqual((await get()).body, res.body);

    // The shown object can be sent back as it is.
    const roundTrip = await patch({ overtimeRule: res.body.overtimeRule });
    assert.equal(roundTrip.status, 200, roundTrip.raw);

    const weekly = await patch({ frequency: 'weekly', anchorDate: '2026-01-07' });
    assert.equal(weekly.status, 200, weekly.raw);
    assert.equal(weekly.body.workweekStartsOn, 'wednesday');
    assert.equal(weekly.body.overtimeRule.type, 'california');
  });

  test('custom thresholds: any may be null; omitted ones are null', async () => {
    const res = await patch({ overtimeRule: { type: 'custom', dailyOvertimeAfterHours: 10 } });
    assert.equal(res.status, 200, res.raw);
    assert.deepEqual(res.body.overtimeRule, {
      type: 'custom',
      dailyOvertimeAfterHours: 10,
      dailyDoubleTimeAfterHours: null,
      weeklyOvertimeAfterHours: null,
    });
  });

  test('invalid rules and anchors → 400 parameter_invalid naming the field, nothing changed', async () => {
    const before = (await get()).body;
    const cases: [unknown, string][] = [
      [
        { overtimeRule: { type: 'custom', dailyOvertimeAfterHours: 0 } },
        'overtimeRule.dailyOvertimeAfterHours',
      ],
      [
        { overtimeRule: { type: 'custom', dailyOvertimeAfterHours: 25 } },
        'overtimeRule.dailyOvertimeAfterHours',
      ],
      [
        { overtimeRule: { type: 'custom', dailyDoubleTimeAfterHours: -1 } },
        'overtimeRule.dailyDoubleTimeAfterHours',
      ],
      [
        { overtimeRule: { type: 'custom', weeklyOvertimeAfterHours: 169 } },
        'overtimeRule.weeklyOvertimeAfterHours',
      ],
      [
        { overtimeRule: { type: 'custom', dailyOvertimeAfterHours: 10, dailyDoubleTimeAfterHours: 10 } },
        'overtimeRule.dailyDoubleTimeAfterHours',
      ],
      [
        { overtimeRule: { type: 'weekly40', weeklyOvertimeAfterHours: 45 } },
        'overtimeRule.weeklyOvertimeAfterHours',
      ],
      [
        { overtimeRule: { type: 'california', dailyOvertimeAfterHours: 9 } },
        'overtimeRule.dailyOvertimeAfterHours',
      ],
      [{ overtimeRule: { type: 'hourly' } }, 'overtimeRule.type'],
      [{ overtimeRule: { type: 'custom', extra: 1 } }, 'overtimeRule.extra'],
      [{ frequency: 'daily' }, 'frequency'],
      [{ anchorDate: '2026-02-30' }, 'anchorDate'],
      [{ anchorDate: '01/05/2026' }, 'anchorDate'],
      [{ frequency: 'semimonthly', anchorDate: '2026-11-03' }, 'anchorDate'],
      [{ frequency: 'monthly', anchorDate: '2026-01-29' }, 'anchorDate'],
      [{ color: 'blue' }, 'color'],
    ];
    for (const [body, param] of cases) {
      assertApiError(await patch(body), 400, 'parameter_invalid', { param });
    }
    assertApiError(await patch({}), 400, 'parameter_invalid');
    assert.deepEqual((await get()).body, before);
  });

  test('rounding is replaced as a whole: what is sent, every omitted part off', async () => {
    const full = {
      clockIn: { mode: 'nearest', minutes: 15 },
      clockOut: { mode: 'down', minutes: 6 },
      shiftGrace: { beforeStartMinutes: 7, afterEndMinutes: 60 },
    };
    const res = await patch({ rounding: full });
    assert.equal(res.status, 200, res.raw);
    assert.deepEqual(res.body.rounding, full);
    assert.deepEqual((await get()).body.rounding, full);
    // The shown object can be sent back as it is.
    assert.equal((await patch({ rounding: res.body.rounding })).status, 200);

    const partial = await patch({ rounding: { clockOut: { mode: 'up', minutes: 10 } } });
    assert.equal(partial.status, 200, partial.raw);
    assert.deepEqual(partial.body.rounding, {
      clockIn: { mode: 'none', minutes: 1 },
      clockOut: { mode: 'up', minutes: 10 },
      shiftGrace: { beforeStartMinutes: 0, afterEndMinutes: 0 },
    });
    // `none` keeps a step sent with it (the portal's form does), and needs none.
    const off = await patch({
      rounding: { clockIn: { mode: 'none', minutes: 15 }, clockOut: { mode: 'none' } },
    });
    assert.equal(off.status, 200, off.raw);
    assert.deepEqual(off.body.rounding, {
      clockIn: { mode: 'none', minutes: 15 },
      clockOut: { mode: 'none', minutes: 1 },
      shiftGrace: { beforeStartMinutes: 0, afterEndMinutes: 0 },
    });
    // Other fields leave it as it is.
    assert.deepEqual((await patch({ overtimeRule: { type: 'none' } })).body.rounding, off.body.rounding);
    assert.equal((await patch({ rounding: {} })).body.rounding.clockIn.minutes, 1);
  });

  test('invalid rounding → 400 parameter_invalid naming the field, nothing changed', async () => {
    assert.equal((await patch({ rounding: { clockIn: { mode: 'up', minutes: 5 } } })).status, 200);
    const before = (await get()).body;
    const cases: [unknown, string][] = [
      [{ clockIn: { mode: 'sideways', minutes: 15 } }, 'rounding.clockIn.mode'],
      [{ clockIn: { minutes: 15 } }, 'rounding.clockIn.mode'],
      [{ clockIn: { mode: 'nearest', minutes: 7 } }, 'rounding.clockIn.minutes'],
      [{ clockIn: { mode: 'nearest', minutes: '15' } }, 'rounding.clockIn.minutes'],
      [{ clockIn: { mode: 'nearest' } }, 'rounding.clockIn.minutes'],
      [{ clockOut: { mode: 'down', minutes: 30 } }, 'rounding.clockOut.minutes'],
      [{ clockOut: { mode: 'up' } }, 'rounding.clockOut.minutes'],
      [{ clockOut: { mode: 'up', minutes: 5, step: 5 } }, 'rounding.clockOut.step'],
      [{ shiftGrace: { beforeStartMinutes: 61 } }, 'rounding.shiftGrace.beforeStartMinutes'],
      [{ shiftGrace: { beforeStartMinutes: -1 } }, 'rounding.shiftGrace.beforeStartMinutes'],
      [{ shiftGrace: { afterEndMinutes: 2.5 } }, 'rounding.shiftGrace.afterEndMinutes'],
      [{ shiftGrace: { afterEndMinutes: null } }, 'rounding.shiftGrace.afterEndMinutes'],
      [{ clockin: { mode: 'up', minutes: 5 } }, 'rounding.clockin'],
    ];
    for (const [rounding, param] of cases) {
      assertApiError(await patch({ rounding }), 400, 'parameter_invalid', { param });
    }
    assertApiError(await patch({ rounding: null }), 400, 'parameter_invalid', { param: 'rounding' });
    assertApiError(await patch({ rounding: 'nearest' }), 400, 'parameter_invalid', { param: 'rounding' });
    assert.deepEqual((await get()).body, before);
  });

  test('semimonthly takes a 1st or a 16th; monthly a day 1–28', async () => {
    assert.equal((await patch({ frequency: 'semimonthly', anchorDate: '2026-01-16' })).status, 200);
    // Changing only the frequency checks the anchor already stored.
    assertApiError(
      await patch({ frequency: 'monthly', anchorDate: '2026-01-31' }),
      400,
      'parameter_invalid',
      {
        param: 'anchorDate',
      },
    );
    const monthly = await patch({ frequency: 'monthly', anchorDate: '2026-01-28' });
    assert.equal(monthly.status, 200, monthly.raw);
    assertApiError(await patch({ frequency: 'semimonthly' }), 400, 'parameter_invalid', {
      param: 'anchorDate',
    });
  });

  test('each account has its own schedule', async () => {
    const other = await createTestAccount(t);
    const res = await get(other.key);
    assert.equal(res.body.id, other.account.id);
    assert.equal(res.body.frequency, 'biweekly');
  });
});
