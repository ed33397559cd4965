import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';

import { createCusumDetector, type CusumOptions } from '../../../../src/analysis/anomaly/cusum.ts';
import { WeekdayProfile } from '../../../../src/analysis/anomaly/weekday-profile.ts';
import { CorpusRandom } from '../../../../src/eval/corpus/random.ts';
import { InvalidInputError } from '../../../../src/errors.ts';

const DAY_MS = 86_400_000;
const MIN_MS = 60_000;
/** A Monday 00:00 UTC. */
const T0 = Date.UTC(2026, 2, 2);
/** The live tuning's chart (live-tuning.ts) with weekday offsets. */
const WEEKLY: Partial<CusumOptions> = {
  k: 1,
  arl0: 1e7,
  periodMs: DAY_MS,
  restartInside: true,
  drift: true,
  weekly: true,
};

/**
 * Days (fractional, from T0) of the CUSUM's votes on 21 days of minute samples: N(0, 1) noise, a daily sine of
 * 3 σ, Saturday and Sunday 3 σ lower; plus `step` σ from `stepAtMs` on.
 */
function votes(seed: number, options: Partial<CusumOptions>, step = 0, stepAtMs = Infinity): number[] {
  const rng = new CorpusRandom(seed);
  const c = createCusumDetector({ kind: 'generic' }, options);
  const out: number[] = [];
  for (let i = 0; i < 21 * 1440; i++) {
    const t = T0 + i * MIN_MS;
    const weekday = Math.floor(i / 1440) % 7;
    const x =
      100 +
      3 * Math.sin((2 * Math.PI * i) / 1440) +
      rng.normal() +
      (weekday >= 5 ? -3 : 0) +
      (t >= stepAtMs ? step : 0);
    if (c.update(x, t).anomalous) out.push((t - T0) / DAY_MS);
  }
  return out;
}

describe('weekday offsets of the CUSUM baseline (weekly)', () => {
  it('a weekend seen once does not alarm at the next weekends’ boundaries', () => {
    for (const seed of [1, 2, 3]) {
      const v = votes(seed, WEEKLY);
      // The first weekend is a shift to a chart that has not seen a week: it may vote there (days 5 and 7).
      const later = v.filter((d) => d >= 8);
      assert.deepEqual(later, [], `seed ${seed}: votes after the first week at days ${later.join(', ')}`);
    }
  });

  it('without weekday offsets the chart votes at every weekend boundary (what the offsets remove)', () => {
    const v = votes(1, { ...WEEKLY, weekly: false });
    for (const boundary of [12, 14, 19]) assert.ok(v.some((d) => d >= boundary && d < boundary + 0.1));
  });

  it('a real weekday level shift of the weekend’s size is still found, and the next weekend stays quiet', () => {
    const stepAt = T0 + 16 * DAY_MS + 10 * 3_600_000; // a Wednesday, 10:00
    for (const seed of [1, 2, 3]) {
      const v = votes(seed, WEEKLY, 3, stepAt);
      const start = (stepAt - T0) / DAY_MS;
      assert.ok(
        v.some((d) => d >= start && d <= start + 60 / 1440),
        `seed ${seed}: the +3 σ step was not found within 60 samples`,
      );
      const after = v.filter((d) => d >= 17);
      assert.deepEqual(after, [], `seed ${seed}: votes after the step at days ${after.join(', ')}`);
    }
  });

  it('a state written without weekly keeps the empty weekday arrays a previous version needs to restore it', () => {
    const c = createCusumDetector({ kind: 'generic' }, { ...WEEKLY, weekly: false });
    for (let i = 0; i < 200; i++) c.update(100 + (i % 5), T0 + i * MIN_MS);
    const baseline = (c.snapshot().state as { baseline: Record<string, unknown> }).baseline;
    assert.deepEqual([baseline.dayOffsets, baseline.dayVisits, baseline.dayLastWeek], [[], [], []]);
    assert.equal(baseline.week, undefined);
  });

  it('learns no offset on a series without a weekly pattern', () => {
    const p = new WeekdayProfile(DAY_MS, 1);
    const rng = new CorpusRandom(7);
    for (let i = 0; i < 21 * 1440; i++) {
      const t = T0 + i * MIN_MS;
      p.add(rng.normal(), 1, t, Math.floor(t / DAY_MS));
    }
    assert.deepEqual(p.state().estimates, [0, 0, 0, 0, 0, 0, 0]);
  });

  it('snapshot round trip; malformed states are refused with a coded error and change nothing', () => {
    const p = new WeekdayProfile(DAY_MS, 1);
    for (let i = 0; i < 10 * 24; i++) {
      const t = T0 + i * 3_600_000;
      const weekday = Math.floor(i / 24) % 7;
      p.add(weekday >= 5 ? -3 : 0, 0.5, t, Math.floor(t / DAY_MS));
    }
    const saved = p.state();
    assert.ok(
      saved.estimates.some((n) => n > 0),
      'the weekend was learned',
    );
    const q = new WeekdayProfile(DAY_MS, 1);
    q.setState(JSON.parse(JSON.stringify(saved)), 'test');
    assert.deepEqual(q.state(), saved);
    fc.assert(
      fc.property(fc.anything(), (junk) => {
        try {
          q.setState(junk, 'test');
        } catch (e) {
          assert.ok(e instanceof InvalidInputError);
          assert.deepEqual(q.state(), saved);
          return;
        }
        // Accepted: it must have been a well-formed state (a record of 7-arrays and an open day).
        assert.equal(q.state().offsets.length, 7);
        q.setState(saved, 'test');
      }),
    );
  });
});
