/** The pure rounding rule (issue 13): every mode × step, ties, times on a step, shift grace, DST and +05:45. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  countedInstant,
  graceWindow,
  movesPunch,
  NO_ROUNDING,
  type PunchRounding,
  ROUNDING_MODES,
  ROUNDING_STEPS,
  type RoundingRule,
  roundToStep,
} from '../../../src/resources/pay-schedule/rounding.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;

const iso = (ms: number) => new Date(ms).toISOString();
const round = (at: string, rounding: PunchRounding, timeZone: string) =>
  iso(roundToStep(Date.parse(at), rounding, timeZone));

/** Asserts that `at` rounds to `expected` in `timeZone` under `mode` to `minutes`. */
function rounds(timeZone: string) {
  return (at: string, mode: PunchRounding['mode'], minutes: PunchRounding['minutes'], expected: string) =>
    assert.equal(
      round(at, { mode, minutes }, timeZone),
      expected,
      `${at} ${mode} ${minutes} min in ${timeZone}`,
    );
}

describe('roundToStep', () => {
  /**
   * 09:00:00 local in New York (EST, −05:00) is on every step. Each case is seconds after it, with what each mode
   * gives, as seconds after it: on a step, just past it, either side of the half step, the half step itself (a tie:
   * nearest rounds up), and the last second before the next step.
   */
  const BASE = Date.parse('2026-11-02T14:00:00.000Z');
  for (const minutes of ROUNDING_STEPS) {
    const step = minutes * 60;
    const half = step / 2;
    const cases: [number, Record<(typeof ROUNDING_MODES)[number], number>][] = [
      [0, { none: 0, down: 0, up: 0, nearest: 0 }],
      [1, { none: 1, down: 0, up: step, nearest: 0 }],
      [half - 1, { none: half - 1, down: 0, up: step, nearest: 0 }],
      [half, { none: half, down: 0, up: step, nearest: step }],
      [half + 1, { none: half + 1, down: 0, up: step, nearest: step }],
      [step - 1, { none: step - 1, down: 0, up: step, nearest: step }],
      [step, { none: step, down: step, up: step, nearest: step }],
      [2 * step + half, { none: 2 * step + half, down: 2 * step, up: 3 * step, nearest: 3 * step }],
    ];
    for (const mode of ROUNDING_MODES) {
      test(`${mode} to ${minutes} min, exact to the second`, () => {
        for (const [after, expected] of cases) {
          const at = iso(BASE + after * SECOND);
          assert.equal(
            round(at, { mode, minutes }, 'America/New_York'),
            iso(BASE + expected[mode] * SECOND),
            `${at} (09:00 + ${after} s)`,
          );
        }
      });
    }
  }

  test('milliseconds count: a time a millisecond past a step is not on it', () => {
    const check = rounds('UTC');
    check('2026-11-02T14:00:00.001Z', 'up', 15, '2026-11-02T14:15:00.000Z');
    check('2026-11-02T14:07:29.999Z', 'nearest', 15, '2026-11-02T14:00:00.000Z');
  });

  test('steps are cut on the wall clock: 6 minutes in Kathmandu (+05:45) land on local :00, :06, …', () => {
    const check = rounds('Asia/Kathmandu');
    // 03:17:00Z is 09:02 local: the nearest local 6-minute mark is 09:00 (03:15Z), where UTC's would be 03:18Z.
    check('2026-11-02T03:17:00.000Z', 'nearest', 6, '2026-11-02T03:15:00.000Z');
    // 09:03:00 local is the tie between 09:00 and 09:06: up.
    check('2026-11-02T03:18:00.000Z', 'nearest', 6, '2026-11-02T03:21:00.000Z');
    check('2026-11-02T03:17:59.000Z', 'nearest', 6, '2026-11-02T03:15:00.000Z');
    check('2026-11-02T03:15:01.000Z', 'up', 6, '2026-11-02T03:21:00.000Z');
    check('2026-11-02T03:20:59.000Z', 'down', 6, '2026-11-02T03:15:00.000Z');
    // 09:00 local is on the step and stays.
    check('2026-11-02T03:15:00.000Z', 'up', 6, '2026-11-02T03:15:00.000Z');
    // 10 minutes too: 09:02 local → 09:00.
    check('2026-11-02T03:17:00.000Z', 'down', 10, '2026-11-02T03:15:00.000Z');
  });

  describe('across DST in New York', () => {
    const check = rounds('America/New_York');
    test('spring forward (2026-03-08, 02:00 EST → 03:00 EDT)', () => {
      // 01:59:40 EST to the nearest minute is 02:00 EST: the instant of the change, which the clocks show as 03:00 EDT.
      check('2026-03-08T06:59:40.000Z', 'nearest', 1, '2026-03-08T07:00:00.000Z');
      check('2026-03-08T06:59:29.000Z', 'nearest', 1, '2026-03-08T06:59:00.000Z');
      // 01:52 EST up to the quarter hour: the change itself, 8 minutes later.
      check('2026-03-08T06:52:00.000Z', 'up', 15, '2026-03-08T07:00:00.000Z');
      // 03:07:30 EDT is the tie between 03:00 and 03:15 EDT: up; a second earlier, down to the change.
      check('2026-03-08T07:07:30.000Z', 'nearest', 15, '2026-03-08T07:15:00.000Z');
      check('2026-03-08T07:07:29.000Z', 'nearest', 15, '2026-03-08T07:00:00.000Z');
      check('2026-03-08T07:07:29.000Z', 'down', 10, '2026-03-08T07:00:00.000Z');
    });

    test('fall back (2026-11-01, 02:00 EDT → 01:00 EST): both 01:07:30s round within their own hour', () => {
      check('2026-11-01T05:07:30.000Z', 'nearest', 15, '2026-11-01T05:15:00.000Z'); // 01:07:30 EDT
      check('2026-11-01T06:07:30.000Z', 'nearest', 15, '2026-11-01T06:15:00.000Z'); // 01:07:30 EST
      // 01:52 EDT up: 02:00 EDT, the instant the clocks go back to 01:00 EST.
      check('2026-11-01T05:52:00.000Z', 'up', 15, '2026-11-01T06:00:00.000Z');
      // 01:52 EST up: 02:00 EST.
      check('2026-11-01T06:52:00.000Z', 'up', 15, '2026-11-01T07:00:00.000Z');
      check('2026-11-01T06:05:59.000Z', 'down', 6, '2026-11-01T06:00:00.000Z');
    });
  });
});

describe('countedInstant', () => {
  const rule: RoundingRule = {
    clockIn: { mode: 'nearest', minutes: 15 },
    clockOut: { mode: 'nearest', minutes: 15 },
    shiftGrace: { beforeStartMinutes: 10, afterEndMinutes: 10 },
  };
  const zone = 'America/New_York';
  const shiftStart = Date.parse('2026-11-02T14:00:00.000Z'); // 09:00 EST
  const shiftEnd = Date.parse('2026-11-02T22:00:00.000Z'); // 17:00 EST
  const counted = (punch: 'in' | 'out', at: string, boundary: number | null, under = rule) =>
    iso(countedInstant(punch, Date.parse(at), under, zone, boundary));

  test('a clock-in up to beforeStartMinutes before a shift counts from its start; a second earlier is rounded', () => {
    assert.equal(counted('in', '2026-11-02T13:50:00.000Z', shiftStart), '2026-11-02T14:00:00.000Z');
    assert.equal(counted('in', '2026-11-02T13:58:30.000Z', shiftStart), '2026-11-02T14:00:00.000Z');
    assert.equal(counted('in', '2026-11-02T14:00:00.000Z', shiftStart), '2026-11-02T14:00:00.000Z');
    // 08:49:59: outside the grace, so the nearest quarter hour: 08:45.
    assert.equal(counted('in', '2026-11-02T13:49:59.000Z', shiftStart), '2026-11-02T13:45:00.000Z');
    // Late is no grace: 09:08 rounds to 09:15.
    assert.equal(counted('in', '2026-11-02T14:08:00.000Z', shiftStart), '2026-11-02T14:15:00.000Z');
    // No shift: rounding.
    assert.equal(counted('in', '2026-11-02T13:53:00.000Z', null), '2026-11-02T14:00:00.000Z');
    assert.equal(counted('in', '2026-11-02T13:52:00.000Z', null), '2026-11-02T13:45:00.000Z');
  });

  test('a clock-out up to afterEndMinutes after a shift counts until its end; a second later is rounded', () => {
    assert.equal(counted('out', '2026-11-02T22:10:00.000Z', shiftEnd), '2026-11-02T22:00:00.000Z');
    assert.equal(counted('out', '2026-11-02T22:08:00.000Z', shiftEnd), '2026-11-02T22:00:00.000Z');
    // 17:10:01: outside the grace, so the nearest quarter hour: 17:15.
    assert.equal(counted('out', '2026-11-02T22:10:01.000Z', shiftEnd), '2026-11-02T22:15:00.000Z');
    // Leaving early is no grace: 16:52 rounds to 16:45.
    assert.equal(counted('out', '2026-11-02T21:52:00.000Z', shiftEnd), '2026-11-02T21:45:00.000Z');
  });

  test('grace off (0) rounds even next to a shift; rounding off with grace on keeps times outside the grace', () => {
    const noGrace = { ...rule, shiftGrace: { beforeStartMinutes: 0, afterEndMinutes: 0 } };
    assert.equal(counted('in', '2026-11-02T13:58:00.000Z', shiftStart, noGrace), '2026-11-02T14:00:00.000Z');
    assert.equal(counted('in', '2026-11-02T13:52:00.000Z', shiftStart, noGrace), '2026-11-02T13:45:00.000Z');
    const graceOnly = { ...NO_ROUNDING, shiftGrace: rule.shiftGrace };
    assert.equal(
      counted('in', '2026-11-02T13:52:00.000Z', shiftStart, graceOnly),
      '2026-11-02T14:00:00.000Z',
    );
    assert.equal(
      counted('in', '2026-11-02T13:49:59.000Z', shiftStart, graceOnly),
      '2026-11-02T13:49:59.000Z',
    );
    assert.equal(counted('out', '2026-11-02T22:03:17.000Z', shiftEnd, graceOnly), '2026-11-02T22:00:00.000Z');
  });

  test('each direction has its own rule', () => {
    const split: RoundingRule = {
      ...NO_ROUNDING,
      clockIn: { mode: 'up', minutes: 5 },
      clockOut: { mode: 'down', minutes: 10 },
    };
    assert.equal(counted('in', '2026-11-02T14:01:00.000Z', null, split), '2026-11-02T14:05:00.000Z');
    assert.equal(counted('out', '2026-11-02T14:01:00.000Z', null, split), '2026-11-02T14:00:00.000Z');
  });

  test('graceWindow and movesPunch', () => {
    const at = Date.parse('2026-11-02T14:00:00.000Z');
    assert.deepEqual(graceWindow('in', at, rule.shiftGrace), { fromMs: at, toMs: at + 10 * MINUTE });
    assert.deepEqual(graceWindow('out', at, rule.shiftGrace), { fromMs: at - 10 * MINUTE, toMs: at });
    assert.equal(graceWindow('in', at, NO_ROUNDING.shiftGrace), null);
    assert.equal(movesPunch('in', NO_ROUNDING), false);
    assert.equal(movesPunch('out', NO_ROUNDING), false);
    const graceBefore = { ...NO_ROUNDING, shiftGrace: { beforeStartMinutes: 1, afterEndMinutes: 0 } };
    assert.equal(movesPunch('in', graceBefore), true);
    assert.equal(movesPunch('out', graceBefore), false);
    assert.equal(movesPunch('out', { ...NO_ROUNDING, clockOut: { mode: 'down', minutes: 1 } }), true);
  });
});
