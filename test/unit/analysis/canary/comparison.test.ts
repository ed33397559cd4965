import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { compareVersions, improvementPercent } from '../../../../src/analysis/canary/comparison.ts';
import type { VersionComparison, VersionSamples } from '../../../../src/analysis/canary/comparison.ts';
import type { MetricJudgement } from '../../../../src/analysis/canary/judge.ts';
import { quantileSorted } from '../../../../src/math/quantile.ts';
import {
  DEFAULT_SEVERITY_BANDS,
  detectRegressions,
  regressionSeverity,
} from '../../../../src/analysis/canary/regression.ts';
import {
  initialRolloutState,
  reduceRollout,
  stagesCrossed,
} from '../../../../src/analysis/canary/rollout-tracker.ts';
import type { RolloutTrackerState } from '../../../../src/analysis/canary/rollout-tracker.ts';
import { InvalidInputError } from '../../../../src/errors.ts';

const v1: VersionSamples = {
  throughputMbps: [100, 100, 100, 100],
  latencySeconds: [1, 2, 3, 4],
  cpuPercent: [50, 50],
  memoryMb: [1000, 1000],
  compressionRatio: [3, 3],
  migrationSeconds: [100, 100, 100],
  originalBytes: 10e9,
  transferredBytes: 10e9,
};
const v3: VersionSamples = {
  throughputMbps: [120, 120, 120, 120],
  latencySeconds: [0.5, 1, 1.5, 2],
  cpuPercent: [40, 40],
  memoryMb: [1100, 1100],
  compressionRatio: [4.5, 4.5],
  migrationSeconds: [10, 20, 30],
  originalBytes: 10e9,
  transferredBytes: 4e9,
};

describe('compareVersions', () => {
  it('computes the seed-000 figures by hand-checked formulas', () => {
    const c = compareVersions(v1, v3);
    assert.equal(c.throughputImprovementPercent, 20); // (120 − 100)/100
    // p95 type 7: v1 [1,2,3,4] → 3.85 (numpy.percentile), v3 → 1.925; (3.85 − 1.925)/3.85 = 50 %
    assert.ok(Math.abs(c.latencyP95ImprovementPercent! - 50) < 1e-12);
    assert.equal(c.cpuImprovementPercent, 20); // (50 − 40)/50
    assert.equal(c.memoryImprovementPercent, -10); // (1000 − 1100)/1000
    assert.equal(c.compressionImprovementPercent, 50);
    assert.equal(c.bandwidthSavedGb, 6);
    assert.equal(c.bandwidthSavedPercent, 60);
    assert.ok(Math.abs(c.costSavingsUsd - 0.12) < 1e-12); // 6 GB × $0.02
    assert.equal(c.migrationSpeedup, 5); // median 100 / median 20
    assert.equal(c.deltas.length, 5);
    assert.ok(Math.abs(compareVersions(v1, v3, { pricePerGb: 0.05 }).costSavingsUsd - 0.3) < 1e-12);
  });

  it('quantiles use Hyndman-Fan type 7 (numpy default)', () => {
    assert.ok(Math.abs(quantileSorted([1, 2, 3, 4], 0.95) - 3.85) < 1e-12);
    assert.equal(quantileSorted([7], 0.99), 7);
    assert.equal(quantileSorted([1, 2, 3], 0.5), 2);
  });

  it('missing data gives null, not Infinity', () => {
    assert.equal(improvementPercent(0, 5, true), null);
    const c = compareVersions(
      { ...v1, compressionRatio: [], migrationSeconds: undefined, originalBytes: undefined },
      { ...v3, originalBytes: undefined },
    );
    assert.equal(c.compressionImprovementPercent, null);
    assert.equal(c.migrationSpeedup, null);
    assert.equal(c.bandwidthSavedPercent, null);
    assert.equal(c.costSavingsUsd, 0);
    assert.equal(c.deltas.length, 4);
  });

  it('bad input throws InvalidInputError with clear messages', () => {
    assert.throws(() => compareVersions(v1, v3, { pricePerGb: -0.02 }), {
      name: 'InvalidInputError',
      message: /price per GB must be a finite number >= 0/,
    });
    assert.throws(() => compareVersions(v1, { ...v3, latencySeconds: [1, Number.NaN] }), {
      message: /v3\.latencySeconds\[1\] is NaN/,
    });
    assert.throws(() => compareVersions(v1, { ...v3, transferredBytes: -1 }), /v3\.transferredBytes must be/);
  });
});

describe('regression severity and detection', () => {
  it('bands at the 10/15/20/30 % boundaries (boundary values belong to the lower band)', () => {
    const cases: [number, string | null][] = [
      [-50, null],
      [Number.NaN, null],
      [10, null],
      [10.01, 'low'],
      [15, 'low'],
      [15.01, 'medium'],
      [20, 'medium'],
      [20.01, 'high'],
      [30, 'high'],
      [30.01, 'critical'],
      [400, 'critical'],
    ];
    for (const [d, s] of cases) assert.equal(regressionSeverity(d), s, `degradation ${d}`);
    assert.deepEqual(DEFAULT_SEVERITY_BANDS, { threshold: 10, medium: 15, high: 20, critical: 30 });
  });

  it('needs significance by default and fills v1/v3 values', () => {
    const base = { pValue: 0.001, baselineMedian: 1, canaryMedian: 1.2 };
    const inputs = [
      { metric: 'latency', degradationPercent: 20, significant: true, ...base },
      { metric: 'cpu', degradationPercent: 40, significant: false, ...base },
    ];
    const r = detectRegressions(inputs);
    assert.deepEqual(r, [
      {
        metric: 'latency',
        severity: 'medium',
        degradationPercent: 20,
        pValue: 0.001,
        v1Value: 1,
        v3Value: 1.2,
      },
    ]);
    assert.equal(detectRegressions(inputs, { requireSignificance: false }).length, 2);
    assert.throws(
      () => detectRegressions(inputs, { bands: { threshold: 10, medium: 5, high: 20, critical: 30 } }),
      InvalidInputError,
    );
  });
});

function delta(metric: string, degradationPercent: number): MetricJudgement {
  return {
    metric,
    unit: '',
    badDirection: 'increase',
    classification: 'pass',
    failed: false,
    critical: false,
    weight: 1,
    nBaseline: 100,
    nCanary: 100,
    baselineMedian: 1,
    canaryMedian: 1 + degradationPercent / 100,
    shift: degradationPercent / 100,
    shiftLower: 0,
    shiftUpper: 0,
    effectPercent: degradationPercent,
    effectLowerPercent: degradationPercent - 1,
    effectUpperPercent: degradationPercent + 1,
    degradationPercent,
    degradationUpperPercent: degradationPercent + 1,
    pValue: 1e-6,
    significant: true,
    tolerance: 0.25,
    confidence: 0.98,
    bandLower: -0.25,
    bandUpper: 0.25,
    guard: null,
    reason: '',
  };
}
const baseCmp = compareVersions(v1, v3);
const cmp = (...d: MetricJudgement[]): VersionComparison => ({ ...baseCmp, deltas: d });

describe('rollout tracker (pure state transitions)', () => {
  it('snapshots stages crossed upward only: 0→0 none, 0→30 takes 10 and 25', () => {
    assert.deepEqual(stagesCrossed(0, 0), []);
    assert.deepEqual(stagesCrossed(0, 30), [10, 25]);
    assert.deepEqual(stagesCrossed(30, 25), []);
    assert.deepEqual(stagesCrossed(25, 100), [50, 75, 100]);
    let s = initialRolloutState();
    s = reduceRollout(s, { type: 'rollout', percent: 0, atMs: 1, comparison: cmp() });
    assert.equal(s.snapshots.length, 0);
    s = reduceRollout(s, { type: 'rollout', percent: 30, atMs: 2, comparison: cmp() });
    assert.deepEqual(
      s.snapshots.map((x) => [x.stage, x.rolloutPercent, x.atMs]),
      [
        [10, 30, 2],
        [25, 30, 2],
      ],
    );
    s = reduceRollout(s, { type: 'rollout', percent: 20, atMs: 3, comparison: cmp() }); // rollback: no snapshot
    s = reduceRollout(s, { type: 'rollout', percent: 25, atMs: 4, comparison: cmp() }); // re-crossing 25
    assert.deepEqual(
      s.snapshots.map((x) => x.stage),
      [10, 25, 25],
    );
    assert.equal(s.rolloutPercent, 25);
  });

  it('de-duplicates alerts per metric and severity; recovery clears; the input state is not modified', () => {
    let s: RolloutTrackerState = Object.freeze(initialRolloutState());
    const e = (d: MetricJudgement[], atMs: number) => ({
      type: 'evaluate' as const,
      atMs,
      comparison: cmp(...d),
    });
    s = reduceRollout(s, e([delta('latency', 12)], 1));
    const frozen = Object.freeze(s);
    s = reduceRollout(frozen, e([delta('latency', 13)], 2)); // still low → no new alert
    assert.equal(frozen.alerts.length, 1);
    assert.equal(s.alerts.length, 1);
    s = reduceRollout(s, e([delta('latency', 25), delta('cpu', 11)], 3));
    assert.deepEqual(
      s.alerts.map((a) => [a.metric, a.severity, a.previousSeverity]),
      [
        ['latency', 'low', null],
        ['latency', 'high', 'low'],
        ['cpu', 'low', null],
      ],
    );
    assert.deepEqual(s.active, { latency: 'high', cpu: 'low' });
    s = reduceRollout(s, e([], 4)); // recovered
    assert.deepEqual(s.active, {});
    s = reduceRollout(s, e([delta('cpu', 11)], 5)); // regresses again → alert again
    assert.equal(s.alerts.length, 4);
    assert.equal(s.alerts[3]!.v1Value, 1);
  });

  it('bounds alert and snapshot history and counts what it dropped', () => {
    let s = initialRolloutState();
    for (let i = 0; i < 50; i++) {
      const d = i % 2 === 0 ? 12 : 25; // severity flips every event → an alert each time
      s = reduceRollout(
        s,
        { type: 'evaluate', atMs: i, comparison: cmp(delta('latency', d)) },
        { maxAlerts: 5 },
      );
    }
    assert.equal(s.alerts.length, 5);
    assert.equal(s.droppedAlerts, 45);
    assert.equal(s.alerts[4]!.atMs, 49);
    for (let i = 0; i < 20; i++) {
      s = reduceRollout(s, { type: 'rollout', percent: 0, atMs: i, comparison: cmp() }, { maxSnapshots: 4 });
      s = reduceRollout(
        s,
        { type: 'rollout', percent: 100, atMs: i, comparison: cmp() },
        { maxSnapshots: 4 },
      );
    }
    assert.equal(s.snapshots.length, 4);
    assert.equal(s.droppedSnapshots, 20 * 5 - 4);
  });

  it('rejects a bad percentage, time or limit', () => {
    const s = initialRolloutState();
    assert.throws(
      () => reduceRollout(s, { type: 'rollout', percent: 120, atMs: 1, comparison: cmp() }),
      /rollout percentage must be in \[0, 100\]/,
    );
    assert.throws(
      () => reduceRollout(s, { type: 'rollout', percent: Number.NaN, atMs: 1, comparison: cmp() }),
      InvalidInputError,
    );
    assert.throws(
      () => reduceRollout(s, { type: 'evaluate', atMs: Number.NaN, comparison: cmp() }),
      /event time/,
    );
    assert.throws(
      () => reduceRollout(s, { type: 'evaluate', atMs: 1, comparison: cmp() }, { maxAlerts: 0 }),
      /maxAlerts/,
    );
  });
});
