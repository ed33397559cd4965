import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { createCusumDetector, type CusumOptions } from '../../../../src/analysis/anomaly/cusum.ts';
import { CorpusRandom } from '../../../../src/eval/corpus/random.ts';
import { DAY_MS, LIVE_WEEKLY_CHART, MIN_MS, near, weeklyVotes, type WeeklyShape } from './weekly-series.ts';

/** A Monday 00:00 UTC. */
const T0 = Date.UTC(2026, 2, 2);
/** The live tuning's chart (live-tuning.ts). */
const LIVE = LIVE_WEEKLY_CHART;

/** Days of the chart's votes on 21 days of the weekly test series from T0 (a Monday). */
const votes = (seed: number, options: Partial<CusumOptions>, shape: WeeklyShape): number[] =>
  weeklyVotes(seed, options, shape, T0, 21);

/** Saturday 00:00 and Monday 00:00 of weeks 2 and 3 (days from T0). */
const LATER_BOUNDARIES = [12, 14, 19];

describe('CUSUM weekly step calendar (weeklySteps)', () => {
  it('a weekend seen once: the chart is quiet at the next weekends’ boundaries', () => {
    for (const seed of [1, 2]) {
      const v = votes(seed, LIVE, { weekendDrop: 4 });
      // The first weekend is news to a chart that has not seen a week: it votes there.
      assert.ok(near(v, 5).length > 0, `seed ${seed}: the first weekend's step was not seen`);
      for (const b of LATER_BOUNDARIES)
        assert.deepEqual(
          near(v, b),
          [],
          `seed ${seed}: votes at the boundary of day ${b}: ${near(v, b).join(', ')}`,
        );
    }
  });

  it('without the calendar the same series votes at every weekend boundary (what the calendar removes)', () => {
    const v = votes(1, { ...LIVE, weeklySteps: false }, { weekendDrop: 4 });
    for (const b of LATER_BOUNDARIES) assert.ok(near(v, b).length > 0, `no vote at day ${b}`);
  });

  it('a one-off shift at the same time of week is found again: a step that is never undone is not seasonal', () => {
    // No weekend; a permanent −4 σ step at Saturday 00:00 of week 1 and another at Saturday 00:00 of week 2.
    const steps = [
      { atMs: T0 + 5 * DAY_MS, size: -4 },
      { atMs: T0 + 12 * DAY_MS, size: -4 },
    ];
    for (const seed of [1, 2]) {
      const v = votes(seed, LIVE, { weekendDrop: 0, steps });
      assert.ok(near(v, 5, 60).length > 0, `seed ${seed}: the first step was not found within 60 samples`);
      assert.ok(near(v, 12, 60).length > 0, `seed ${seed}: the second step was not found within 60 samples`);
    }
  });

  it('a real shift on top of the expected weekend step is found', () => {
    // The weekend of week 3 starts 8 σ lower instead of 4 σ: 4 σ of it are news (and stay).
    const steps = [{ atMs: T0 + 19 * DAY_MS, size: -4 }];
    for (const seed of [1, 2]) {
      const v = votes(seed, LIVE, { weekendDrop: 4, steps });
      assert.ok(near(v, 19, 60).length > 0, `seed ${seed}: the extra −4 σ at day 19 was not found`);
      assert.deepEqual(near(v, 12), [], `seed ${seed}: votes at the second weekend`);
    }
  });

  it('a weekday shift on a weekly series is found', () => {
    // Wednesday of week 3, 10:00: +4 σ (the weekend's size, at a time of week with no step in the calendar).
    const at = T0 + 16 * DAY_MS + 10 * 3_600_000;
    for (const seed of [1, 2]) {
      const v = votes(seed, LIVE, { weekendDrop: 4, steps: [{ atMs: at, size: 4 }] });
      const day = (at - T0) / DAY_MS;
      assert.ok(near(v, day, 60).length > 0, `seed ${seed}: the +4 σ weekday step was not found`);
    }
  });

  it('the calendar survives a snapshot: a restored chart is quiet at the next weekend too', () => {
    const rng = new CorpusRandom(1);
    const a = createCusumDetector({ kind: 'generic' }, LIVE);
    const b = createCusumDetector({ kind: 'generic' }, LIVE);
    const out: number[] = [];
    for (let i = 0; i < 21 * 1440; i++) {
      const t = T0 + i * MIN_MS;
      const weekend = Math.floor(i / 1440) % 7 >= 5;
      const x = 100 + 3 * Math.sin((2 * Math.PI * i) / 1440) + rng.normal() - (weekend ? 4 : 0);
      if (i === 10 * 1440) b.restore(JSON.parse(JSON.stringify(a.snapshot())));
      const va = a.update(x, t);
      if (i >= 10 * 1440) {
        const vb = b.update(x, t);
        assert.equal(vb.anomalous, va.anomalous, `sample ${i}`);
        if (vb.anomalous) out.push((t - T0) / DAY_MS);
      }
    }
    for (const d of LATER_BOUNDARIES) assert.deepEqual(near(out, d), []);
  });
});
