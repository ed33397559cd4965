import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';

import { createCusumDetector, type CusumOptions } from '../../../../src/analysis/anomaly/cusum.ts';
import { LIVE_TUNING } from '../../../../src/analysis/anomaly/live-tuning.ts';
import { WeeklyStepCalendar } from '../../../../src/analysis/anomaly/step-calendar.ts';
import { InvalidInputError } from '../../../../src/errors.ts';
import { CorpusRandom } from '../../../../src/eval/corpus/random.ts';
import { DAY_MS, LIVE_WEEKLY_CHART, MIN_MS, near, weeklyVotes, type WeeklyShape } from './weekly-series.ts';

const WEEK_MS = 7 * DAY_MS;
const TOL_MS = DAY_MS / 24;
/** A Tuesday 00:00 UTC: the series' first weekend (days 4 and 5 from here) falls in its first judged week. */
const T0 = Date.UTC(2026, 2, 3);

/** The live tuning's chart (live-tuning.ts), with the first-week rule as given. */
const live = (firstWeekSteps: boolean): Partial<CusumOptions> => ({ ...LIVE_WEEKLY_CHART, firstWeekSteps });

/** Days of the chart's votes on 16 days of the weekly test series from T0 (a Tuesday). */
const votes = (seed: number, options: Partial<CusumOptions>, shape: WeeklyShape): number[] =>
  weeklyVotes(seed, options, shape, T0, 16);

/** Weekend boundaries from T0: Saturday 00:00 and Monday 00:00 of the first and second weekends. */
const BOUNDARIES = [4, 6, 11, 13];

describe('CUSUM first-week boundary steps (firstWeekSteps)', () => {
  it('without the rule the first weekend pages at its start (what the rule removes)', () => {
    for (const seed of [1, 2, 3]) {
      const v = votes(seed, live(false), { weekendDrop: 4 });
      assert.ok(near(v, 4).length > 0, `seed ${seed}: no vote at the first Saturday 00:00`);
    }
  });

  it('with it the first weekend, its return and the second weekend are quiet', () => {
    // Worked example: the weekend's −4 σ step begins at Saturday 00:00 (a period boundary) of the first judged week,
    // whose time of week the chart had not judged a week earlier: re-anchored on without a vote and recorded; the
    // Monday return is the same; one week later the calendar expects the undone step (step-calendar.ts).
    for (const seed of [1, 2, 3]) {
      const v = votes(seed, live(true), { weekendDrop: 4 });
      for (const b of BOUNDARIES)
        assert.deepEqual(near(v, b), [], `seed ${seed}: votes at day ${b}: ${near(v, b).join(', ')}`);
    }
  });

  it('a shift inside the day in the first week is still found', () => {
    const steps = [{ atMs: T0 + 3 * DAY_MS + 10 * 3_600_000, size: 5 }];
    for (const seed of [1, 2, 3]) {
      const v = votes(seed, live(true), { weekendDrop: 0, steps });
      assert.ok(near(v, 3 + 10 / 24, 60).length > 0, `seed ${seed}: the Friday 10:00 shift was not found`);
    }
  });

  it('a shift at a boundary whose time of week was judged a week earlier is found', () => {
    // The chart first judges at day 2 00:00 (day 0 is the first period, day 1 the seasonal warm-up gate), so from
    // day 9 every time of week was judged a week earlier; a −5 σ shift at Friday 00:00 of day 10 is news.
    const steps = [{ atMs: T0 + 10 * DAY_MS, size: -5 }];
    for (const seed of [1, 2, 3]) {
      const v = votes(seed, live(true), { weekendDrop: 0, steps });
      assert.ok(near(v, 10, 60).length > 0, `seed ${seed}: the second-week boundary shift was not found`);
    }
  });

  it('the stated cost: a shift at a boundary in the first judged week is accepted unreported', () => {
    const steps = [{ atMs: T0 + 3 * DAY_MS, size: 5 }];
    const v = votes(1, live(true), { weekendDrop: 0, steps });
    assert.deepEqual(near(v, 3, 240), []);
    assert.ok(near(votes(1, live(false), { weekendDrop: 0, steps }), 3, 60).length > 0);
  });

  it('is off in the live tuning (measured, not adopted) and needs the calendar', () => {
    assert.equal(LIVE_TUNING.cusum?.firstWeekSteps, undefined);
    assert.throws(
      () => createCusumDetector({ kind: 'generic' }, { ...live(true), weeklySteps: false }),
      InvalidInputError,
    );
  });
});

describe('WeeklyStepCalendar.unseenBoundary', () => {
  it('is true exactly at a period boundary at a time of week not judged a week earlier', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 60 * DAY_MS }),
        fc.integer({ min: 0, max: 60 * DAY_MS }),
        fc.integer({ min: 0, max: 60 * DAY_MS }),
        (first, later, change) => {
          const cal = new WeeklyStepCalendar(DAY_MS, true);
          assert.equal(cal.unseenBoundary(change), false, 'nothing judged yet');
          cal.judged(T0 + first);
          cal.judged(T0 + first + later); // only the first judged time counts
          const t = T0 + change;
          const phase = (t - Date.UTC(1970, 0, 1)) % DAY_MS;
          const atBoundary = phase <= TOL_MS || DAY_MS - phase <= TOL_MS;
          const unseen = t - WEEK_MS < T0 + first - TOL_MS;
          assert.equal(cal.unseenBoundary(t), atBoundary && unseen);
        },
      ),
      { numRuns: 2000 },
    );
    // An older state restores the first judged time as 0 (1970): long before any real time of week.
    const old = new WeeklyStepCalendar(DAY_MS, true);
    old.setState({ steps: [] }, 'test');
    assert.equal(old.unseenBoundary(T0 + 3 * DAY_MS), false);
  });
});

describe('CUSUM first-week state', () => {
  /** A chart fed `days` of a flat noisy series from T0. */
  const fed = (days: number) => {
    const c = createCusumDetector({ kind: 'generic' }, live(true));
    const rng = new CorpusRandom(7);
    for (let i = 0; i < days * 1440; i++) c.update(100 + rng.normal(), T0 + i * MIN_MS);
    return c;
  };

  it('round-trips the first judged time; before it −1', () => {
    const young = fed(0.5).snapshot().state as { steps: { firstJudgedTs: number } };
    assert.equal(young.steps.firstJudgedTs, -1);
    const c = fed(3);
    const s = c.snapshot();
    const fj = (s.state as { steps: { firstJudgedTs: number } }).steps.firstJudgedTs;
    assert.ok(fj > T0 + DAY_MS && fj <= T0 + 3 * DAY_MS, String(fj));
    const d = createCusumDetector({ kind: 'generic' }, live(true));
    d.restore(s);
    assert.deepEqual(d.snapshot(), s);
  });

  it('an older snapshot (no first judged time) restores with the rule off; a bad one is refused', () => {
    const s = fed(3).snapshot();
    const st = s.state as { steps: { steps: unknown[] } };
    const old = { ...st, steps: { steps: st.steps.steps } };
    const d = createCusumDetector({ kind: 'generic' }, live(true));
    d.restore({ ...s, state: old });
    // Restored as judged long ago (time 0): no boundary of the coming week counts as unseen.
    assert.equal((d.snapshot().state as { steps: { firstJudgedTs: number } }).steps.firstJudgedTs, 0);
    for (const bad of [-2, Number.NaN, 'x'])
      assert.throws(
        () => d.restore({ ...s, state: { ...st, steps: { steps: [], firstJudgedTs: bad } } }),
        InvalidInputError,
      );
  });
});

describe('WeeklyStepCalendar without the first-week rule', () => {
  it('keeps no first judged time: the state and the size are those of the calendar alone', () => {
    const off = new WeeklyStepCalendar(DAY_MS);
    const on = new WeeklyStepCalendar(DAY_MS, true);
    off.judged(T0);
    on.judged(T0);
    assert.deepEqual(off.state(), { steps: [] });
    assert.deepEqual(on.state(), { steps: [], firstJudgedTs: T0 });
    assert.equal(off.unseenBoundary(T0 + DAY_MS), false);
    assert.equal(on.unseenBoundary(T0 + DAY_MS), true);
    assert.equal(on.bytes() - off.bytes(), 8);
  });
});
