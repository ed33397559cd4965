import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';

import { MAX_STEPS, WeeklyStepCalendar } from '../../../../src/analysis/anomaly/step-calendar.ts';
import { InvalidInputError } from '../../../../src/errors.ts';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const WEEK_MS = 7 * DAY_MS;

/** A calendar with a −4 step at t = 0 from level 10, then the level at 6 for `heldMs`, then back at 10. */
function weekendSeen(heldMs: number): WeeklyStepCalendar {
  const c = new WeeklyStepCalendar(DAY_MS);
  c.record(0, -4, 10);
  for (let t = 0; t < heldMs; t += 10 * 60_000) c.observe(t, 6);
  c.observe(heldMs, 10);
  return c;
}

describe('weekly step calendar', () => {
  it('a step that held and was undone is expected one week later, same sign and size, within an hour', () => {
    const c = weekendSeen(2 * DAY_MS);
    assert.equal(c.expects(WEEK_MS, -4, 2), true);
    assert.equal(c.expects(WEEK_MS + 50 * 60_000, -5.5, 2), true);
    assert.equal(c.expects(WEEK_MS + 2 * HOUR_MS, -4, 2), false, 'another time of week');
    assert.equal(c.expects(WEEK_MS, 4, 2), false, 'the other sign');
    assert.equal(c.expects(WEEK_MS, -8, 2), false, 'a larger step: news on top of the expected one');
    assert.equal(c.expects(2 * DAY_MS, -4, 2), false, 'not a week later');
  });

  it('a step never undone (a one-off shift) is not expected', () => {
    const c = new WeeklyStepCalendar(DAY_MS);
    c.record(0, -4, 10);
    for (let t = 0; t <= WEEK_MS; t += HOUR_MS) c.observe(t, 6);
    assert.equal(c.expects(WEEK_MS, -4, 2), false);
  });

  it('a burst (back before it held for a quarter period) is not expected', () => {
    const c = weekendSeen(HOUR_MS);
    assert.equal(c.expects(WEEK_MS, -4, 2), false);
  });

  it(`keeps at most ${MAX_STEPS} steps and none older than a week and the tolerance`, () => {
    const c = new WeeklyStepCalendar(DAY_MS);
    for (let i = 0; i < 3 * MAX_STEPS; i++) c.record(i * 60_000, 1, 0);
    assert.equal(c.size, MAX_STEPS);
    assert.equal(c.state().steps.length, MAX_STEPS);
    c.observe(3 * MAX_STEPS * 60_000 + WEEK_MS + 2 * HOUR_MS, 0);
    assert.equal(c.size, 0);
  });

  it('state round trip; malformed state throws InvalidInputError and changes nothing', () => {
    const c = weekendSeen(2 * DAY_MS);
    const s = c.state();
    const d = new WeeklyStepCalendar(DAY_MS);
    d.setState(JSON.parse(JSON.stringify(s)), 'test');
    assert.deepEqual(d.state(), s);
    assert.equal(d.expects(WEEK_MS, -4, 2), true);
    fc.assert(
      fc.property(fc.anything(), (junk) => {
        const e = new WeeklyStepCalendar(DAY_MS);
        e.setState(s, 'test');
        try {
          e.setState(junk, 'test');
        } catch (err) {
          assert.ok(err instanceof InvalidInputError);
          assert.deepEqual(e.state(), s);
        }
      }),
    );
    const tooMany = { steps: Array.from({ length: MAX_STEPS + 1 }, () => [0, 1, 0, 0]) };
    assert.throws(() => d.setState(tooMany, 'test'), InvalidInputError);
    assert.throws(() => d.setState({ steps: [[0, 1, 0, 3]] }, 'test'), InvalidInputError);
    assert.throws(() => d.setState({ steps: [[0, Number.NaN, 0, 1]] }, 'test'), InvalidInputError);
  });

  it('well-formed states round-trip', () => {
    const step = fc.tuple(
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.constantFrom(-1, 0, 1, 2),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: MAX_STEPS }), (steps) => {
        const c = new WeeklyStepCalendar(DAY_MS);
        c.setState({ steps }, 'test');
        assert.deepEqual(c.state().steps, steps);
      }),
    );
  });
});
