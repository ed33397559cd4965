/** evaluateErrorBudget: violation intervals. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateErrorBudget } from '../../../../src/analysis/slo/budget.ts';
import { sloTemplate } from '../../../../src/analysis/slo/definition.ts';
import { thresholdSteps, type BoolStep } from '../../../../src/analysis/slo/series.ts';
import { latency, MIN, near, NOW_GATE, T0 } from './budget-fixtures.ts';

describe('evaluateErrorBudget: violation intervals', () => {
  it('merges contiguous bad steps, splits at good steps and gaps, and sums real durations', () => {
    const bad = new Set([3, 4, 5, 10, 20, 22]); // 21 is missing (no data)
    const values: { tMs: number; value: number }[] = [];
    for (let i = 0; i < 30; i++) {
      if (i === 21) continue;
      values.push({ tMs: T0 + i * MIN, value: bad.has(i) ? 0.5 + i / 100 : 0.1 });
    }
    const sli = latency.sli.type === 'threshold' ? latency.sli : assert.fail('threshold template');
    const steps = thresholdSteps(sli, values);
    assert.equal(steps[5]!.good, false); // 0.55 is not < 0.5
    const r = evaluateErrorBudget(
      { slo: latency, series: { kind: 'steps', stepMs: MIN, steps } },
      NOW_GATE,
      T0 + 30 * MIN,
    );
    assert.deepEqual(
      r.violations.map((v) => ({
        start: (v.startMs - T0) / MIN,
        end: (v.endMs - T0) / MIN,
        dur: v.durationMs / MIN,
        steps: v.steps,
        worst: v.worstValue,
      })),
      [
        { start: 3, end: 6, dur: 3, steps: 3, worst: 0.55 },
        { start: 10, end: 11, dur: 1, steps: 1, worst: 0.6 },
        { start: 20, end: 21, dur: 1, steps: 1, worst: 0.7 },
        { start: 22, end: 23, dur: 1, steps: 1, worst: 0.72 },
      ],
    );
    assert.equal(r.violationTimeMs, 6 * MIN);
    assert.equal(r.bad, 6 * MIN);
    near(r.compliance, 23 / 29);
  });

  it('uses the minimum as the worst value for >= thresholds and marks an ongoing run open', () => {
    const tp = sloTemplate('throughput-datacenter')!;
    const sli = tp.sli.type === 'threshold' ? tp.sli : assert.fail('threshold template');
    const steps = thresholdSteps(sli, [
      { tMs: T0, value: 2.5e9 },
      { tMs: T0 + MIN, value: 2.0e9 },
      { tMs: T0 + 2 * MIN, value: 1.5e9 },
      { tMs: T0 + 3 * MIN, value: 2.3e9 },
    ]);
    const r = evaluateErrorBudget(
      { slo: tp, series: { kind: 'steps', stepMs: MIN, steps } },
      {},
      T0 + 4 * MIN + 1000,
    );
    assert.equal(r.violations.length, 1);
    assert.equal(r.violations[0]!.worstValue, 1.5e9);
    assert.equal(r.violations[0]!.open, true);
    assert.equal(r.violations[0]!.durationMs, 3 * MIN);
    // Same data seen 10 minutes later: the run is no longer current.
    const later = evaluateErrorBudget(
      { slo: tp, series: { kind: 'steps', stepMs: MIN, steps } },
      {},
      T0 + 14 * MIN,
    );
    assert.equal(later.violations[0]!.open, false);
  });

  it('caps the listed intervals but still sums every duration', () => {
    const steps: BoolStep[] = Array.from({ length: 20 }, (_, i) => ({
      tMs: T0 + i * MIN,
      good: i % 2 === 0,
    }));
    const r = evaluateErrorBudget(
      { slo: latency, series: { kind: 'steps', stepMs: MIN, steps } },
      { maxViolations: 3 },
      T0 + 20 * MIN,
    );
    assert.equal(r.violations.length, 3);
    assert.equal(r.violationsTruncated, true);
    assert.equal(r.violationTimeMs, 10 * MIN);
  });
});
