import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { planCapacity } from '../../../../src/analysis/forecast/capacity.ts';
import type { CapacityPlan, CapacitySeries } from '../../../../src/analysis/forecast/capacity.ts';
import { DAY_MS } from '../../../../src/analysis/forecast/linear.ts';
import { MAX_RESAMPLE_POINTS, resampleFixedStep } from '../../../../src/analysis/forecast/resample.ts';
import { InvalidInputError } from '../../../../src/errors.ts';

const close = (a: number, b: number, tol: number): void =>
  assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b} (tol ${tol})`);
const HOUR = 3_600_000;
const NOW = Date.UTC(2024, 5, 1);

/** Hourly samples over `days` days ending at NOW, value = 50 % + 1 %/day (so 50 % now). */
function ramp(days: number): CapacitySeries {
  const n = days * 24 + 1;
  const timestampsMs = Array.from({ length: n }, (_, i) => NOW - (n - 1 - i) * HOUR);
  return { timestampsMs, values: timestampsMs.map((t) => 50 + (t - NOW) / DAY_MS) };
}

function ok(r: ReturnType<typeof planCapacity>): CapacityPlan {
  assert.equal(r.status, 'ok');
  return r as CapacityPlan;
}

describe('planCapacity', () => {
  for (const model of ['linear', 'seasonal'] as const) {
    it(`${model}: a 50 % + 1 %/day ramp reaches 80 % in 30 days, 90 % in 40, 100 % in 50`, () => {
      const p = ok(planCapacity(ramp(10), { model, nodes: 10 }, NOW));
      assert.equal(p.model, model);
      close(p.growthPctPerDay, 1, 1e-9);
      close(p.currentPct, 50, 1e-6);
      for (const [c, d] of [
        [p.warning, 30],
        [p.critical, 40],
        [p.full, 50],
      ] as const) {
        close(c.expected!, d, 1e-6);
        close(c.conservative!, d, 1e-6); // no noise: the interval has zero width
        close(c.optimistic!, d, 1e-6);
      }
      // 110 % and 140 % are beyond capacity: forecasts stay at the physical maximum (100 %).
      assert.deepEqual(
        p.forecasts.map((f) => Math.round(f.mean * 1e6) / 1e6),
        [80, 100, 100],
      );
      assert.ok(p.trend.significant);
      assert.equal(p.recommendation.action, 'scale-out-within-month'); // conservative days to critical = 40
      // ⌈(100 − 50)/100 × 10⌉ = 5
      assert.deepEqual(p.scaleOut, { nodes: 10, expected: 5, low: 5, high: 5 });
    });
  }

  it('auto picks seasonal with ≥ 2 days of data and linear below; reports it', () => {
    assert.equal(ok(planCapacity(ramp(10), {}, NOW)).model, 'seasonal');
    const short = ramp(1); // 25 hourly points: below the default 100 → insufficient
    assert.equal(planCapacity(short, {}, NOW).status, 'insufficient-data');
    const p = ok(planCapacity(short, { minPoints: 10 }, NOW));
    assert.equal(p.model, 'linear');
    assert.match(p.modelReason, /less than 2 seasons/);
  });

  it('uses the upper bound for the conservative day: noise makes it earlier than the expected day', () => {
    const base = ramp(10);
    let seed = 7;
    const values = Array.from(base.values as number[], (v) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return v + 4 * (seed / 2147483648 - 0.5);
    });
    const p = ok(planCapacity({ timestampsMs: base.timestampsMs, values }, { model: 'linear' }, NOW));
    assert.ok(p.warning.conservative! < p.warning.expected!, JSON.stringify(p.warning));
    assert.ok(p.warning.optimistic! > p.warning.expected!, JSON.stringify(p.warning));
    close(p.warning.expected!, 30, 1.5);
    for (const f of p.forecasts) assert.ok(f.lower <= f.mean && f.mean <= f.upper);
  });

  it('flat or falling utilisation → no growth, no crossing, no nodes', () => {
    const timestampsMs = ramp(5).timestampsMs as number[];
    const p = ok(
      planCapacity(
        { timestampsMs, values: timestampsMs.map((t) => 40 - (t - NOW) / DAY_MS / 10) },
        { nodes: 4, model: 'linear' },
        NOW,
      ),
    );
    assert.ok(p.growthPctPerDay < 0);
    assert.equal(p.warning.expected, null);
    assert.equal(p.recommendation.action, 'no-growth');
    assert.equal(p.scaleOut?.expected, 0);
  });

  it('converts raw values with `capacity` and measures days from max(now, last sample)', () => {
    const r = ramp(10);
    const p = ok(
      planCapacity(
        { timestampsMs: r.timestampsMs, values: (r.values as number[]).map((v) => v * 20) },
        { capacity: 2000, model: 'linear' },
        NOW + 5 * DAY_MS,
      ),
    );
    close(p.currentPct, 55, 1e-6);
    close(p.warning.expected!, 25, 1e-6);
  });

  it('returns an explicit insufficient-data result below minPoints (not null)', () => {
    const r = planCapacity({ timestampsMs: [NOW - 2 * HOUR, NOW - HOUR, NOW], values: [1, 2, 3] }, {}, NOW);
    assert.deepEqual(r, {
      status: 'insufficient-data',
      points: 3,
      requiredPoints: 100,
      spanMs: 2 * HOUR,
      requiredSpanMs: DAY_MS,
      reason: '3 samples; at least 100 needed; 2h of history; at least 1d needed',
    });
    assert.equal(
      planCapacity(ramp(1), { model: 'seasonal', minPoints: 10 }, NOW).status,
      'insufficient-data',
    );
  });

  it('minutes of data never forecast: 4 minutes of a healthy node at 1 s → insufficient-data (history)', () => {
    // The simulator's CPU around 50 % on a compressed 30-minute day: 4 minutes look like a steep ramp (~900 %/day).
    const timestampsMs = Array.from({ length: 240 }, (_, i) => NOW - (239 - i) * 1000);
    const values = timestampsMs.map(
      (t, i) => 50 + 3 * Math.sin((2 * Math.PI * (t - NOW)) / (30 * 60_000)) + ((i * 7919) % 11) / 11,
    );
    const r = planCapacity({ timestampsMs, values }, {}, NOW);
    assert.equal(r.status, 'insufficient-data');
    if (r.status !== 'insufficient-data') return;
    assert.equal(r.reason, '3m59s of history; at least 1d needed');
    assert.equal(r.points, 240);
    // Why the history gate: within 4 minutes a piece of the cycle IS a significant slope (hundreds of %/day), and
    // no test on these points alone can tell it from growth. Even then the forecasts stay within [0, 100] %.
    const p = ok(planCapacity({ timestampsMs, values }, { minHistoryMs: 0, model: 'linear' }, NOW));
    assert.ok(p.trend.significant && p.growthPctPerDay > 100, JSON.stringify(p.trend));
    for (const f of p.forecasts)
      assert.ok(f.upper <= 100 && f.lower >= 0 && f.mean <= 100, JSON.stringify(f));
  });

  it('a significant trend must exclude zero: a flat series with slow autocorrelated wander forecasts its level', () => {
    // Two days of 5-minute samples: AR(1) wander (phi 0.98) around 40 %, no trend.
    let seed = 11;
    const rnd = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648 - 0.5;
    };
    const n = 2 * 288;
    const timestampsMs = Array.from({ length: n }, (_, i) => NOW - (n - 1 - i) * 300_000);
    let x = 0;
    const values = timestampsMs.map(() => {
      x = 0.98 * x + 2 * rnd();
      return Math.max(0, 40 + x);
    });
    const p = ok(planCapacity({ timestampsMs, values }, { model: 'linear' }, NOW));
    assert.ok(p.trend.lag1Autocorrelation > 0.8, String(p.trend.lag1Autocorrelation));
    assert.ok(p.trend.effectiveSamples < n / 5, String(p.trend.effectiveSamples));
    assert.ok(p.trend.lowerPerDay < 0 && p.trend.upperPerDay > 0, JSON.stringify(p.trend));
    assert.equal(p.growthPctPerDay, 0);
    assert.notEqual(p.recommendation.action, 'scale-out-now');
  });

  it('forecasts, bounds and days stay in the physical range [0, maxPct]', () => {
    const steep = ramp(5); // +1.5 %/day from 75 % once scaled
    const values = (steep.values as number[]).map((v) => v * 1.5);
    const p = ok(planCapacity({ timestampsMs: steep.timestampsMs, values }, { model: 'linear' }, NOW));
    for (const f of p.forecasts)
      for (const v of [f.mean, f.lower, f.upper]) assert.ok(v >= 0 && v <= 100, JSON.stringify(f));
    const half = ok(
      planCapacity(
        { timestampsMs: steep.timestampsMs, values: values.map((v) => v / 2) },
        { model: 'linear', maxPct: 50, warningPct: 40, criticalPct: 45 },
        NOW,
      ),
    );
    for (const f of half.forecasts) assert.ok(f.upper <= 50, JSON.stringify(f));
    assert.equal(half.full.thresholdPct, 50);
    assert.throws(() => planCapacity(steep, { maxPct: 80 }, NOW), InvalidInputError); // critical 90 > max 80
  });

  it('rejects NaN, unsorted timestamps, capacity ≤ 0, negative utilisation and bad options', () => {
    const r = ramp(5);
    const vals = [...(r.values as number[])];
    vals[3] = Number.NaN;
    assert.throws(
      () => planCapacity({ timestampsMs: r.timestampsMs, values: vals }, {}, NOW),
      InvalidInputError,
    );
    const ts = [...(r.timestampsMs as number[])];
    [ts[3], ts[4]] = [ts[4]!, ts[3]!];
    assert.throws(() => planCapacity({ timestampsMs: ts, values: r.values }, {}, NOW), InvalidInputError);
    assert.throws(() => planCapacity(r, { capacity: 0 }, NOW), InvalidInputError);
    assert.throws(() => planCapacity(r, { capacity: -5 }, NOW), InvalidInputError);
    assert.throws(
      () =>
        planCapacity(
          { timestampsMs: r.timestampsMs, values: (r.values as number[]).map((v) => -v) },
          {},
          NOW,
        ),
      InvalidInputError,
    );
    assert.throws(() => planCapacity(r, { warningPct: 95 }, NOW), InvalidInputError);
    assert.throws(() => planCapacity(r, { nodes: 1.5 }, NOW), InvalidInputError);
    assert.throws(() => planCapacity(r, { stepMs: 7 * HOUR }, NOW), InvalidInputError);
    assert.throws(() => planCapacity(r, {}, Number.NaN), InvalidInputError);
  });
});

describe('resampleFixedStep', () => {
  it('averages samples per bucket and interpolates gaps', () => {
    const r = resampleFixedStep([0, 1000, 1400, 4000], [1, 2, 4, 9], { stepMs: 1000 });
    assert.deepEqual([...r.values], [1, 3, 5, 7, 9]);
    assert.equal(r.observedBuckets, 3);
    assert.equal(r.filledBuckets, 2);
    assert.equal(r.longestGapBuckets, 2);
    assert.equal(r.startMs, 0);
  });

  it('averages duplicate timestamps', () => {
    assert.deepEqual([...resampleFixedStep([0, 0, 1000], [1, 3, 5], { stepMs: 1000 }).values], [2, 5]);
  });

  it('bounds the output to maxPoints, keeping the most recent buckets', () => {
    const n = 10_000;
    const ts = Array.from({ length: n }, (_, i) => i * 1000);
    const r = resampleFixedStep(
      ts,
      ts.map((t) => t / 1000),
      { stepMs: 1000, maxPoints: 100 },
    );
    assert.equal(r.values.length, 100);
    assert.equal(r.droppedBuckets, n - 100);
    assert.equal(r.values[0], n - 100);
    assert.equal(r.values[99], n - 1);
    assert.equal(r.startMs, (n - 100) * 1000);
    // One sample per day over ~30 years at a 1 s step would be 1e9 buckets: still bounded by the default.
    const big = resampleFixedStep([0, 1e12], [1, 2], { stepMs: 1000 });
    assert.ok(big.values.length <= 100_000);
  });

  it('rejects bad steps, bounds and series', () => {
    assert.throws(() => resampleFixedStep([0, 1], [1, 2], { stepMs: 0 }), InvalidInputError);
    assert.throws(
      () => resampleFixedStep([0, 1], [1, 2], { stepMs: 1, maxPoints: MAX_RESAMPLE_POINTS + 1 }),
      InvalidInputError,
    );
    assert.throws(() => resampleFixedStep([1, 0], [1, 2], { stepMs: 1 }), InvalidInputError);
    assert.throws(() => resampleFixedStep([], [], { stepMs: 1 }), InvalidInputError);
  });
});
