/** The pure time-card engine: every overtime rule, DST days, midnight splits, PTO. No database. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { workweekStart } from '../../../src/resources/pay-periods/calendar.js';
import {
  buildDayGrid,
  type CardDay,
  computeCardDays,
  type OvertimeRule,
  type PaidTimeOff,
  totalsOf,
  type WorkedInterval,
} from '../../../src/resources/time-cards/overtime.js';

const LA = 'America/Los_Angeles';
const HOUR = 3600;

const rule = (type: OvertimeRule['type'], thresholds: Partial<OvertimeRule> = {}): OvertimeRule => ({
  type,
  dailyOvertimeAfterHours: null,
  dailyDoubleTimeAfterHours: null,
  weeklyOvertimeAfterHours: null,
  ...thresholds,
});

/** An interval between two UTC instants (ISO), with an unpaid break. */
const entry = (start: string, end: string | null, breakSeconds = 0): WorkedInterval => ({
  startMs: Date.parse(start),
  endMs: end === null ? null : Date.parse(end),
  breakSeconds,
});

/** `hours` of work from `startHour` local on `date`, in Los Angeles standard time (UTC−8). */
const pstShift = (date: string, startHour: number, hours: number, breakSeconds = 0): WorkedInterval => {
  const startMs = Date.parse(`${date}T00:00:00Z`) + (startHour + 8) * HOUR * 1000;
  return { startMs, endMs: startMs + hours * HOUR * 1000, breakSeconds };
};

/** A card of the period `periodStart`–`periodEnd` whose workweeks start on `anchor`'s weekday. */
function card(
  options: { anchor: string; periodStart: string; periodEnd: string; timeZone?: string },
  overtime: OvertimeRule,
  intervals: WorkedInterval[],
  timeOff: PaidTimeOff[] = [],
  now = '2030-01-01T00:00:00Z',
): CardDay[] {
  const grid = buildDayGrid(
    options.timeZone ?? LA,
    workweekStart(options.anchor, options.periodStart),
    options.periodStart,
    options.periodEnd,
  );
  return computeCardDays(grid, overtime, intervals, timeOff, Date.parse(now));
}

const day = (days: CardDay[], date: string): CardDay => {
  const found = days.find((d) => d.date === date);
  assert.ok(found, `no day ${date}`);
  return found;
};

// Workweeks from Monday; November 2026 in Los Angeles is PST (UTC−8): local 08:00 is 16:00Z.
const WEEK = { anchor: '2026-11-02', periodStart: '2026-11-02', periodEnd: '2026-11-08' };

describe('time-card engine', () => {
  test('california: a 13-hour day is 8 regular, 4 overtime, 1 double time', () => {
    const days = card(WEEK, rule('california'), [pstShift('2026-11-03', 8, 13)]);
    const tuesday = day(days, '2026-11-03');
    assert.deepEqual(tuesday, {
      date: '2026-11-03',
      workedSeconds: 13 * HOUR,
      regularSeconds: 8 * HOUR,
      overtimeSeconds: 4 * HOUR,
      doubleTimeSeconds: 1 * HOUR,
      ptoSeconds: 0,
    });
    assert.equal(days.length, 7, 'every day of the period is present');
  });

  test('weekly40: a 45-hour week is 40 regular and 5 overtime, the excess on the last day', () => {
    const nineHourDays = ['02', '03', '04', '05', '06'].map((d) => pstShift(`2026-11-${d}`, 8, 9));
    const days = card(WEEK, rule('weekly40'), nineHourDays);
    assert.deepEqual(totalsOf(days), {
      workedSeconds: 45 * HOUR,
      regularSeconds: 40 * HOUR,
      overtimeSeconds: 5 * HOUR,
      doubleTimeSeconds: 0,
      ptoSeconds: 0,
    });
    assert.equal(day(days, '2026-11-05').overtimeSeconds, 0);
    assert.equal(day(days, '2026-11-06').regularSeconds, 4 * HOUR);
    assert.equal(day(days, '2026-11-06').overtimeSeconds, 5 * HOUR);
  });

  test('none: everything is regular', () => {
    const days = card(WEEK, rule('none'), [pstShift('2026-11-03', 8, 14)]);
    assert.deepEqual(totalsOf(days), {
      workedSeconds: 14 * HOUR,
      regularSeconds: 14 * HOUR,
      overtimeSeconds: 0,
      doubleTimeSeconds: 0,
      ptoSeconds: 0,
    });
  });

  test('custom thresholds apply as given; a null threshold is not applied', () => {
    const tenHours = [pstShift('2026-11-03', 8, 10)];
    const daily = card(WEEK, rule('custom', { dailyOvertimeAfterHours: 9.5 }), tenHours);
    assert.equal(day(daily, '2026-11-03').regularSeconds, 9.5 * HOUR);
    assert.equal(day(daily, '2026-11-03').overtimeSeconds, 0.5 * HOUR);
    const doubleOnly = card(WEEK, rule('custom', { dailyDoubleTimeAfterHours: 9 }), tenHours);
    assert.deepEqual(
      [day(doubleOnly, '2026-11-03').regularSeconds, day(doubleOnly, '2026-11-03').doubleTimeSeconds],
      [9 * HOUR, 1 * HOUR],
    );
    const weekly = card(WEEK, rule('custom', { weeklyOvertimeAfterHours: 6 }), tenHours);
    assert.equal(day(weekly, '2026-11-03').overtimeSeconds, 4 * HOUR);
  });

  test('california: the 7th consecutive workday is 1.5× for 8 hours and 2× beyond; no hour counted twice', () => {
    // Monday–Saturday 7 h each (42 h: 40 regular, 2 weekly overtime on Saturday), Sunday 10 h.
    const intervals = ['02', '03', '04', '05', '06', '07'].map((d) => pstShift(`2026-11-${d}`, 8, 7));
    intervals.push(pstShift('2026-11-08', 8, 10));
    const days = card(WEEK, rule('california'), intervals);
    assert.deepEqual(day(days, '2026-11-07'), {
      date: '2026-11-07',
      workedSeconds: 7 * HOUR,
      regularSeconds: 5 * HOUR,
      overtimeSeconds: 2 * HOUR,
      doubleTimeSeconds: 0,
      ptoSeconds: 0,
    });
    assert.deepEqual(day(days, '2026-11-08'), {
      date: '2026-11-08',
      workedSeconds: 10 * HOUR,
      regularSeconds: 0,
      overtimeSeconds: 8 * HOUR,
      doubleTimeSeconds: 2 * HOUR,
      ptoSeconds: 0,
    });
    assert.deepEqual(totalsOf(days), {
      workedSeconds: 52 * HOUR,
      regularSeconds: 40 * HOUR,
      overtimeSeconds: 10 * HOUR,
      doubleTimeSeconds: 2 * HOUR,
      ptoSeconds: 0,
    });
    // With Wednesday off, Sunday is not a 7th consecutive day: the daily rule applies (8 h + 2 h overtime), and the
    // week's 35 regular hours leave room for only 5 more regular ones.
    const withDayOff = card(
      WEEK,
      rule('california'),
      intervals.filter((_, index) => index !== 2),
    );
    assert.deepEqual(
      [day(withDayOff, '2026-11-08').regularSeconds, day(withDayOff, '2026-11-08').overtimeSeconds],
      [5 * HOUR, 5 * HOUR],
    );
  });

  test('a workweek split across a semimonthly boundary counts its earlier hours toward 40 but pays only this period', () => {
    // Semimonthly, anchored on Thursday 2026-01-01: workweeks run Thursday–Wednesday. The period 16–30 Nov starts
    // on a Monday, inside the workweek that began Thursday 12 Nov.
    const period = { anchor: '2026-01-01', periodStart: '2026-11-16', periodEnd: '2026-11-30' };
    const intervals = ['12', '13', '14', '15'].map((d) => pstShift(`2026-11-${d}`, 8, 10));
    intervals.push(pstShift('2026-11-16', 8, 8));
    // The next workweek (from Thursday 19 Nov) starts again from zero.
    intervals.push(pstShift('2026-11-19', 8, 8));
    const days = card(period, rule('weekly40'), intervals);
    assert.equal(days[0]?.date, '2026-11-16');
    assert.equal(days.length, 15);
    assert.deepEqual(day(days, '2026-11-16'), {
      date: '2026-11-16',
      workedSeconds: 8 * HOUR,
      regularSeconds: 0,
      overtimeSeconds: 8 * HOUR,
      doubleTimeSeconds: 0,
      ptoSeconds: 0,
    });
    assert.equal(day(days, '2026-11-19').regularSeconds, 8 * HOUR);
    assert.deepEqual(totalsOf(days), {
      workedSeconds: 16 * HOUR,
      regularSeconds: 8 * HOUR,
      overtimeSeconds: 8 * HOUR,
      doubleTimeSeconds: 0,
      ptoSeconds: 0,
    });
  });

  test('spring forward: 2026-03-08 in Los Angeles is 23 hours; 00:00–08:00 local is 7 hours', () => {
    const period = { anchor: '2026-03-02', periodStart: '2026-03-02', periodEnd: '2026-03-08' };
    const grid = buildDayGrid(LA, '2026-03-02', '2026-03-02', '2026-03-08');
    const starts = grid.dayStartsMs;
    assert.equal(((starts[7] as number) - (starts[6] as number)) / 1000, 23 * HOUR);
    // Local midnight is 08:00Z (PST); local 08:00 is 15:00Z (PDT).
    const days = card(period, rule('california'), [entry('2026-03-08T08:00:00Z', '2026-03-08T15:00:00Z')]);
    assert.equal(day(days, '2026-03-08').workedSeconds, 7 * HOUR);
    assert.equal(day(days, '2026-03-08').regularSeconds, 7 * HOUR);
    assert.equal(day(days, '2026-03-07').workedSeconds, 0);
  });

  test('fall back: 2026-11-01 in Los Angeles is 25 hours; 00:00–08:00 local is 9 hours, 1 of them overtime', () => {
    const period = { anchor: '2026-10-26', periodStart: '2026-10-26', periodEnd: '2026-11-01' };
    const grid = buildDayGrid(LA, '2026-10-26', '2026-10-26', '2026-11-01');
    const starts = grid.dayStartsMs;
    assert.equal(((starts[7] as number) - (starts[6] as number)) / 1000, 25 * HOUR);
    // Local midnight is 07:00Z (PDT); local 08:00 is 16:00Z (PST).
    const days = card(period, rule('california'), [entry('2026-11-01T07:00:00Z', '2026-11-01T16:00:00Z')]);
    assert.deepEqual(day(days, '2026-11-01'), {
      date: '2026-11-01',
      workedSeconds: 9 * HOUR,
      regularSeconds: 8 * HOUR,
      overtimeSeconds: 1 * HOUR,
      doubleTimeSeconds: 0,
      ptoSeconds: 0,
    });
    assert.equal(day(days, '2026-10-31').workedSeconds, 0);
  });

  test('an entry crossing local midnight is split there, its break prorated by time', () => {
    // 22:00 Wednesday → 06:00 Thursday local (PST), 30 minutes of break: 2 h + 6 h elapsed, so 7.5 and 22.5
    // minutes of break, 7.5 h paid.
    const days = card(WEEK, rule('california'), [pstShift('2026-11-04', 22, 8, 1800)]);
    assert.equal(day(days, '2026-11-04').workedSeconds, 2 * HOUR - 450);
    assert.equal(day(days, '2026-11-05').workedSeconds, 6 * HOUR - 1350);
    assert.equal(totalsOf(days).workedSeconds, 7.5 * HOUR);
  });

  test('an open entry counts up to now', () => {
    const days = card(WEEK, rule('none'), [entry('2026-11-03T16:00:00Z', null)], [], '2026-11-03T19:30:00Z');
    assert.equal(day(days, '2026-11-03').workedSeconds, 3.5 * HOUR);
  });

  test('approved paid time off counts in ptoSeconds but never toward overtime; unpaid counts nothing', () => {
    const fortyHours = ['02', '03', '04', '05', '06'].map((d) => pstShift(`2026-11-${d}`, 8, 8));
    const days = card(WEEK, rule('weekly40'), fortyHours, [
      { startDate: '2026-11-06', endDate: '2026-11-07', hoursPerDay: 8, paid: true },
      { startDate: '2026-11-08', endDate: '2026-11-08', hoursPerDay: 8, paid: false },
    ]);
    assert.deepEqual(totalsOf(days), {
      workedSeconds: 40 * HOUR,
      regularSeconds: 40 * HOUR,
      overtimeSeconds: 0,
      doubleTimeSeconds: 0,
      ptoSeconds: 16 * HOUR,
    });
    assert.equal(day(days, '2026-11-08').ptoSeconds, 0);
  });

  test('property: regular + overtime + double time = worked on every day, for any rule and any entries', () => {
    const hours = fc.option(fc.double({ min: 0.25, max: 24, noNaN: true }), { nil: null });
    const ruleArb = fc.oneof(
      fc.constantFrom(rule('none'), rule('weekly40'), rule('california')),
      fc
        .record({
          daily: hours,
          double: hours,
          weekly: fc.option(fc.integer({ min: 1, max: 80 }), { nil: null }),
        })
        .map(({ daily, double, weekly }) =>
          rule('custom', {
            dailyOvertimeAfterHours: daily,
            dailyDoubleTimeAfterHours: double !== null && daily !== null && double <= daily ? null : double,
            weeklyOvertimeAfterHours: weekly,
          }),
        ),
    );
    const base = Date.parse('2026-10-20T00:00:00Z');
    const span = 40 * 86_400;
    const entryArb = fc
      .record({
        start: fc.integer({ min: 0, max: span }),
        length: fc.integer({ min: 0, max: 30 * HOUR }),
        breakSeconds: fc.integer({ min: 0, max: 4 * HOUR }),
        open: fc.boolean(),
      })
      .map(({ start, length, breakSeconds, open }) => ({
        startMs: base + start * 1000,
        endMs: open ? null : base + (start + length) * 1000,
        breakSeconds,
      }));
    fc.assert(
      fc.property(
        ruleArb,
        fc.array(entryArb, { maxLength: 25 }),
        fc.constantFrom('America/Los_Angeles', 'Europe/Berlin', 'Asia/Kolkata', 'Australia/Lord_Howe'),
        fc.integer({ min: 0, max: span }),
        (overtime, intervals, timeZone, nowOffset) => {
          const days = card(
            { anchor: '2026-10-21', periodStart: '2026-10-26', periodEnd: '2026-11-15', timeZone },
            overtime,
            intervals,
            [],
            new Date(base + nowOffset * 1000).toISOString(),
          );
          for (const d of days) {
            assert.equal(d.regularSeconds + d.overtimeSeconds + d.doubleTimeSeconds, d.workedSeconds, d.date);
            for (const value of [d.regularSeconds, d.overtimeSeconds, d.doubleTimeSeconds, d.workedSeconds]) {
              assert.ok(value >= 0 && Number.isInteger(value), `${d.date}: ${value}`);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
