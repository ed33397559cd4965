import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { planCapacity } from '../../../../src/analysis/forecast/capacity.ts';
import type { CapacityPlan, CapacitySeries } from '../../../../src/analysis/forecast/capacity.ts';
import { DAY_MS } from '../../../../src/analysis/forecast/linear.ts';
import { MAX_RESAMPLE_POINTS, resampleFixedStep } from '../../../../src/analysis/forecast/resample.ts';
import { InvalidInputError } from '../../../../src/errors.ts';

const close = (a: number, b: number, tol: number): void => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b} (tol ${tol})`);
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
      for (const [c, d] of [[p.warning, 30], [p.critical, 40], [p.full, 50]] as const) {
        close(c.expected!, d, 1e-6);
        close(c.conservative!, d, 1e-6); // no noise: the interval has zero width
        close(c.optimistic!, d, 1e-6);
      }
      assert.deepEqual(p.forecasts.map((f) => Math.round(f.mean * 1e6) / 1e6), [80, 110, 140]);
      assert.equal(p.recommendation.action, 'scale-out-within-month'); // conservative days to critical = 40
      // ⌈(140 − 50)/100 × 10⌉ = 9
      assert.deepEqual(p.scaleOut, { nodes: 10, expected: 9, low: 9, high: 9 });
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
    const p = ok(planCapacity({ timestampsMs, values: timestampsMs.map((t) => 40 - (t - NOW) / DAY_MS / 10) }, { nodes: 4, model: 'linear' }, NOW));
    assert.ok(p.growthPctPerDay < 0);
    assert.equal(p.warning.expected, null);
    assert.equal(p.recommendation.action, 'no-growth');
    assert.equal(p.scaleOut?.expected, 0);
  });

  it('converts raw values with `capacity` and measures days from max(now, last sample)', () => {
    const r = ramp(10);
    const p = ok(planCapacity({ timestampsMs: r.timestampsMs, values: (r.values as number[]).map((v) => v * 20) }, { capacity: 2000, model: 'linear' }, NOW + 5 * DAY_MS));
    close(p.currentPct, 55, 1e-6);
    close(p.warning.expected!, 25, 1e-6);
  });

  it('returns an explicit insufficient-data result below minPoints (not null)', () => {
    const r = planCapacity({ timestampsMs: [NOW - 2 * HOUR, NOW - HOUR, NOW], values: [1, 2, 3] }, {}, NOW);
    assert.deepEqual(r, { status: 'insufficient-data', points: 3, requiredPoints: 100, reason: '3 samples; at least 100 needed' });
    assert.equal(planCapacity(ramp(1), { model: 'seasonal', minPoints: 10 }, NOW).status, 'insufficient-data');
  });

  it('rejects NaN, unsorted timestamps, capacity ≤ 0, negative utilisation and bad options', () => {
    const r = ramp(5);
    const vals = [...(r.values as number[])];
    vals[3] = Number.NaN;
    assert.throws(() => planCapacity({ timestampsMs: r.timestampsMs, values: vals }, {}, NOW), InvalidInputError);
    const ts = [...(r.timestampsMs as number[])];
    [ts[3], ts[4]] = [ts[4]!, ts[3]!];
    assert.throws(() => planCapacity({ timestampsMs: ts, values: r.values }, {}, NOW), InvalidInputError);
    assert.throws(() => planCapacity(r, { capacity: 0 }, NOW), InvalidInputError);
    assert.throws(() => planCapacity(r, { capacity: -5 }, NOW), InvalidInputError);
    assert.throws(() => planCapacity({ timestampsMs: r.timestampsMs, values: (r.values as number[]).map((v) => -v) }, {}, NOW), InvalidInputError);
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
    const r = resampleFixedStep(ts, ts.map((t) => t / 1000), { stepMs: 1000, maxPoints: 100 });
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
    assert.throws(() => resampleFixedStep([0, 1], [1, 2], { stepMs: 1, maxPoints: MAX_RESAMPLE_POINTS + 1 }), InvalidInputError);
    assert.throws(() => resampleFixedStep([1, 0], [1, 2], { stepMs: 1 }), InvalidInputError);
    assert.throws(() => resampleFixedStep([], [], { stepMs: 1 }), InvalidInputError);
  });
});
