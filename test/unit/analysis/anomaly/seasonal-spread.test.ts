import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';

import { createHoltWintersLevelDetector } from '../../../../src/analysis/anomaly/holt-winters-level.ts';
import { RobustSeasonalBaseline } from '../../../../src/analysis/anomaly/seasonal-baseline.ts';
import type { SeasonalBaselineState } from '../../../../src/analysis/anomaly/seasonal-baseline-options.ts';
import { InvalidInputError } from '../../../../src/errors.ts';
import { CorpusRandom } from '../../../../src/eval/corpus/random.ts';

const MIN = 60_000;
const DAY = 86_400_000;
const PER_DAY = 1440;
const T0 = 20_000 * DAY;

/**
 * A minute-level weekly series: N(0, 1) noise, a 4 σ daily cycle; on days 5 and 6 (the weekend) the cycle is
 * flattened to 0.3 of its amplitude and the level is 2 σ lower — the level is off for hours on end, not noisier.
 */
function weekly(
  seed: number,
  days = 10,
  extra: (i: number) => number = () => 0,
): { t: number[]; x: number[] } {
  const rng = new CorpusRandom(seed);
  const t: number[] = [];
  const x: number[] = [];
  for (let i = 0; i < days * PER_DAY; i++) {
    const day = Math.floor(i / PER_DAY);
    const weekend = day % 7 === 5 || day % 7 === 6;
    const season =
      4 * Math.sin((2 * Math.PI * (i % PER_DAY)) / PER_DAY) * (weekend ? 0.3 : 1) - (weekend ? 2 : 0);
    t.push(T0 + i * MIN);
    x.push(100 + season + rng.normal() + extra(i));
  }
  return { t, x };
}

function baseline(seasonalSpread: boolean): RobustSeasonalBaseline {
  return new RobustSeasonalBaseline({
    levelHalfLife: 400,
    bins: 48,
    periodMs: DAY,
    seasonHalfLifePeriods: 1,
    seasonalScale: true,
    seasonalSpread,
    huber: 3,
    warmupSamples: 60,
    relativeSigmaFloor: 1e-3,
    absoluteSigmaFloor: 1e-9,
  });
}

/** The largest σ the baseline judges with over days [from, to) of `s`. */
function maxSigma(
  b: RobustSeasonalBaseline,
  s: { t: number[]; x: number[] },
  from: number,
  to: number,
): number {
  let max = 0;
  for (let i = 0; i < s.x.length; i++) {
    b.at(s.t[i]!);
    if (i >= from * PER_DAY && i < to * PER_DAY && b.sigma > max) max = b.sigma;
    b.learn(s.x[i]!, s.t[i]!);
  }
  return max;
}

describe('seasonal scale from each visit spread (seasonalSpread)', () => {
  it('a weekend that moves the level does not widen the bins as noise: max σ after it stays ≤ 1.65 (mean absolute residual: ≥ 1.9)', () => {
    for (const seed of [1, 2, 3]) {
      const s = weekly(seed);
      const spread = maxSigma(baseline(true), s, 5.5, 10);
      const absolute = maxSigma(baseline(false), s, 5.5, 10);
      assert.ok(spread <= 1.65, `seed ${seed}: σ with the spread ${spread}`);
      assert.ok(absolute >= 1.9, `seed ${seed}: σ with the mean absolute residual ${absolute}`);
    }
  });

  it('a bin that is really noisier still widens: 5× noise from 10:00 to 14:00 every day raises σ there to ≥ 3', () => {
    const rng = new CorpusRandom(9);
    const b = baseline(true);
    let busy = 0;
    for (let i = 0; i < 6 * PER_DAY; i++) {
      const m = i % PER_DAY;
      const noisy = m >= 600 && m < 840;
      const t = T0 + i * MIN;
      b.at(t);
      if (i >= 4 * PER_DAY && m === 720) busy = Math.max(busy, b.sigma);
      b.learn(100 + (noisy ? 5 : 1) * rng.normal(), t);
    }
    assert.ok(busy >= 3, `σ at noon ${busy}`);
  });

  it('the Holt-Winters level member pages more 8 σ bursts (4 samples) on the Tuesday after a weekend: ≥ 10 of 15, judged by the mean absolute residual ≤ 5', () => {
    const found = (seasonalSpread: boolean, seed: number, hour: number): boolean => {
      const at = 8 * PER_DAY + hour * 60;
      const s = weekly(seed, 9, (i) => (i >= at && i < at + 4 ? 8 : 0));
      const d = createHoltWintersLevelDetector(
        { kind: 'generic' },
        { threshold: 5, periodMs: DAY, seasonalSpread },
      );
      let run = 0;
      for (let i = 0; i < s.x.length; i++) {
        const a = d.update(s.x[i]!, s.t[i]!).anomalous;
        run = a && i >= at && i < at + 4 ? run + 1 : 0;
        if (run >= 2) return true;
      }
      return false;
    };
    const count = (spread: boolean): number => {
      let n = 0;
      for (const seed of [1, 2, 3, 4, 5]) for (const hour of [1, 13, 19]) if (found(spread, seed, hour)) n++;
      return n;
    };
    const withSpread = count(true);
    const without = count(false);
    assert.ok(withSpread >= 10, `found with the spread: ${withSpread} of 15`);
    assert.ok(without <= 5, `found with the mean absolute residual: ${without} of 15`);
  });

  it('snapshot: the visit sums round-trip; an older visit without them restores and finishes on its mean absolute residual', () => {
    const s = weekly(4, 3);
    const a = baseline(true);
    for (let i = 0; i < s.x.length - 7; i++) {
      a.at(s.t[i]!);
      a.learn(s.x[i]!, s.t[i]!);
    }
    const st = a.state();
    assert.equal(st.visit?.length, 6);
    const b = baseline(true);
    b.setState(JSON.parse(JSON.stringify(st)) as unknown, 'test');
    const older = baseline(true);
    older.setState({ ...st, visit: st.visit!.slice(0, 4) }, 'test');
    for (let i = s.x.length - 7; i < s.x.length; i++) {
      for (const d of [a, b, older]) {
        d.at(s.t[i]!);
        d.learn(s.x[i]!, s.t[i]!);
      }
    }
    assert.deepEqual(b.state(), a.state());
    assert.ok(Number.isFinite(older.sigma) && older.sigma > 0);
    assert.equal(
      baseline(false).state().visit?.length,
      4,
      'without the spread the state is written as before',
    );
  });

  it('bounded state: the spread adds two numbers per series, not per bin', () => {
    assert.equal(baseline(true).bytes() - baseline(false).bytes(), 16);
  });

  it('fuzzed visit entries restore or are refused with a coded error; a restored baseline judges with a finite σ', () => {
    const good = (() => {
      const b = baseline(true);
      const s = weekly(5, 2);
      for (let i = 0; i < s.x.length; i++) {
        b.at(s.t[i]!);
        b.learn(s.x[i]!, s.t[i]!);
      }
      return b.state();
    })();
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.double(), fc.integer({ min: -2, max: 60 })), { maxLength: 8 }),
        (visit) => {
          const b = baseline(true);
          const before = b.state();
          try {
            b.setState({ ...good, visit } as SeasonalBaselineState, 'test');
          } catch (e) {
            assert.ok(e instanceof InvalidInputError, String(e));
            assert.deepEqual(b.state(), before);
            return;
          }
          const t = good.lastTs + MIN;
          b.at(t);
          b.learn(100, t);
          b.at(t + 40 * 60_000);
          b.learn(100, t + 40 * 60_000);
          b.at(t + 41 * 60_000);
          assert.ok(Number.isFinite(b.sigma) && b.sigma > 0, String(b.sigma));
        },
      ),
      { numRuns: 300 },
    );
  });
});
