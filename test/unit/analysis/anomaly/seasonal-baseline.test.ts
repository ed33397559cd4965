import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { StreamingDetector } from '../../../../src/analysis/anomaly/detector.ts';
import { LIVE_TUNING } from '../../../../src/analysis/anomaly/live-tuning.ts';
import { createEnsemble } from '../../../../src/analysis/anomaly/presets.ts';
import { RobustSeasonalBaseline } from '../../../../src/analysis/anomaly/seasonal-baseline.ts';
import { InvalidInputError } from '../../../../src/errors.ts';
import { CorpusRandom } from '../../../../src/eval/corpus/random.ts';

const MIN = 60_000;
const DAY = 86_400_000;
/** Samples per day at minute cadence. */
const PER_DAY = 1440;
/** A start time that is not a period boundary (the series starts mid-bin, 14:07). */
const T0 = 20_000 * DAY + 14 * 3_600_000 + 7 * MIN;

/** A minute-level series: level 100, daily cycle of `amplitude` σ (σ = 1, AR(1) φ = 0.3), plus `extra(i)`. */
function series(
  days: number,
  amplitude: number,
  seed: number,
  extra: (i: number) => number = () => 0,
): { t: number[]; x: number[] } {
  const rng = new CorpusRandom(seed);
  const t: number[] = [];
  const x: number[] = [];
  let e = 0;
  for (let i = 0; i < days * PER_DAY; i++) {
    e = 0.3 * e + Math.sqrt(1 - 0.09) * rng.normal();
    const ti = T0 + i * MIN;
    t.push(ti);
    x.push(100 + amplitude * Math.sin((2 * Math.PI * ti) / DAY) + e + extra(i));
  }
  return { t, x };
}

function baseline(): RobustSeasonalBaseline {
  return new RobustSeasonalBaseline({
    levelHalfLife: 600,
    bins: 48,
    periodMs: DAY,
    seasonHalfLifePeriods: 1,
    seasonalScale: true,
    huber: 3,
    warmupSamples: 60,
    relativeSigmaFloor: 1e-3,
    absoluteSigmaFloor: 1e-9,
  });
}

/** The monitor's default detector on kind generic (the live members), as live-detector.ts builds it. */
function liveMembers(): StreamingDetector {
  return createEnsemble(
    { kind: 'generic' },
    { preset: 'live', tuning: LIVE_TUNING, muteSamples: 0, seasonalPeriodMs: DAY },
  );
}

/** Index of the first of two consecutive anomalous verdicts at or after `from` (the engine's confirmation), or -1. */
function firstConfirmed(d: StreamingDetector, s: { t: number[]; x: number[] }, from: number): number {
  let prev = false;
  for (let i = 0; i < s.x.length; i++) {
    const a = d.update(s.x[i]!, s.t[i]!).anomalous;
    if (i >= from && a && prev) return i - 1;
    prev = i >= from && a;
  }
  return -1;
}

describe('robust seasonal baseline: classical initialisation from the first period', () => {
  it('from the second period on, σ is close to the noise on a strongly seasonal series (8 σ daily cycle)', () => {
    const s = series(3, 8, 11);
    const b = baseline();
    const sigmaAt: number[] = [];
    let absErr = 0;
    let n = 0;
    for (let i = 0; i < s.x.length; i++) {
      b.at(s.t[i]!);
      if (i >= PER_DAY + 120) {
        absErr += Math.abs(s.x[i]! - b.expected);
        n++;
      }
      if (i % PER_DAY === PER_DAY - 1) sigmaAt.push(b.sigma);
      b.learn(s.x[i]!, s.t[i]!);
    }
    // The noise is σ = 1; the first period's σ includes the cycle (nothing is known about it yet).
    assert.ok(sigmaAt[1]! < 1.5, `σ at the end of day 2: ${sigmaAt[1]}`);
    assert.ok(sigmaAt[2]! < 1.5, `σ at the end of day 3: ${sigmaAt[2]}`);
    assert.ok(absErr / n < 1.2, `mean |x − expected| from day 2: ${absErr / n}`);
  });

  it('a slow leak early on a seasonal series (day 2.3, 6 σ over 3 h) is found within its ramp; without it nothing is raised', () => {
    const start = Math.round(2.3 * PER_DAY);
    const ramp = 180;
    const leak = (i: number): number => (i < start ? 0 : 6 * Math.min(1, (i - start) / ramp));
    const clean = firstConfirmed(liveMembers(), series(4, 8, 7), PER_DAY);
    assert.equal(clean, -1, `clean series raised an anomaly at sample ${clean}`);
    const found = firstConfirmed(liveMembers(), series(4, 8, 7, leak), start);
    assert.ok(
      found >= start && found <= start + ramp,
      found < 0 ? 'leak not found' : `leak found ${found - start} samples after its start (ramp ${ramp})`,
    );
  });

  it('snapshot: the initialisation state round-trips; a snapshot without it (older) restores as initialised', () => {
    const s = series(1.5, 8, 3);
    const a = baseline();
    const half = Math.round(0.5 * PER_DAY);
    for (let i = 0; i < half; i++) {
      a.at(s.t[i]!);
      a.learn(s.x[i]!, s.t[i]!);
    }
    const mid = a.state();
    assert.deepEqual(mid.init?.[0], 0);
    const b = baseline();
    b.setState(JSON.parse(JSON.stringify(mid)), 'test');
    for (let i = half; i < s.x.length; i++) {
      a.at(s.t[i]!);
      b.at(s.t[i]!);
      assert.equal(b.expected, a.expected);
      a.learn(s.x[i]!, s.t[i]!);
      b.learn(s.x[i]!, s.t[i]!);
    }
    assert.deepEqual(a.state().init?.[0], 1);
    const legacy: Record<string, unknown> = { ...mid };
    delete legacy.init;
    const c = baseline();
    c.setState(legacy, 'test');
    assert.deepEqual(c.state().init, [1, 0]);
    assert.throws(() => c.setState({ ...mid, init: [2, 0] }, 'test'), InvalidInputError);
  });
});
