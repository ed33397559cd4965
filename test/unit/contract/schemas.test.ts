import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PairBandwidthSchema } from '../../../src/contract/network.ts';
import { RegionHealthSchema } from '../../../src/contract/regions.ts';
import { DECISION_VALUE, ROLLOUT_DECISIONS } from '../../../src/contract/rollout.ts';
import { BudgetReportSchema, SloStatusSchema } from '../../../src/contract/slo.ts';
import { LiveEventSchema } from '../../../src/contract/live.ts';
import { CapacityOutcomeSchema } from '../../../src/contract/capacity.ts';

const trend = { direction: 'unknown', slopePerHour: null, points: 0 } as const;
const inputs = {
  availabilityPercent: 100,
  utilizationPercent: 40,
  latencyMs: 20,
  errorRate: 0,
  consensusHealthPercent: 100,
};
const factors = { availability: 100, headroom: 60, latency: 80, errorRate: 100, consensus: 100 };

describe('API contract unions', () => {
  it('a region is either scored with every factor or insufficient-data saying which factors lack what', () => {
    const modes = [
      { mode: 'internet', latencyMs: 278, observations: 900, score: 100, baselineMs: 500, zeroScoreMs: 5000 },
    ];
    const scored = {
      region: 'eu',
      status: 'healthy',
      score: 90,
      factors,
      inputs,
      latencyByMode: modes,
      missing: [],
      reasons: [],
      trend,
    };
    const unscored = {
      region: 'eu',
      status: 'insufficient-data',
      score: null,
      factors: null,
      inputs: { latencyMs: 20 },
      latencyByMode: [{ mode: 'internet', latencyMs: 20, observations: 4 }],
      missing: ['errorRate', 'latencyMs'],
      reasons: ['error rate: no data in the window', 'latency: 4 observations, 30 needed'],
      trend,
    };
    assert.ok(RegionHealthSchema.safeParse(scored).success);
    assert.ok(RegionHealthSchema.safeParse(unscored).success);
    assert.ok(!RegionHealthSchema.safeParse({ ...scored, score: null }).success, 'scored without a score');
    assert.ok(!RegionHealthSchema.safeParse({ ...scored, score: 140 }).success, 'score beyond 100');
    assert.ok(
      !RegionHealthSchema.safeParse({ ...scored, missing: ['latencyMs'] }).success,
      'scored with a missing factor',
    );
    assert.ok(
      !RegionHealthSchema.safeParse({ ...unscored, missing: [] }).success,
      'unscored without a missing factor',
    );
    assert.ok(
      !RegionHealthSchema.safeParse({ ...unscored, reasons: [] }).success,
      'unscored without a reason',
    );
    assert.ok(!RegionHealthSchema.safeParse({ ...unscored, factors }).success, 'unscored with factors');
    assert.ok(!RegionHealthSchema.safeParse({ ...unscored, status: null }).success, 'the former null status');
  });

  it('an SLO report is a verdict with compliance and budget in range, or no verdict with what is missing', () => {
    const window = {
      windowMs: 300_000,
      badFraction: null,
      burnRate: null,
      steps: 0,
      observedMs: 30_000,
      coverage: 0.1,
      bad: 0,
      valid: 0,
    };
    const pair = {
      severity: 'page',
      longWindowMs: 3_600_000,
      shortWindowMs: 300_000,
      factor: 14.4,
      budgetConsumed: 0.02,
      minEvents: 70,
      long: window,
      short: window,
    };
    const base = {
      slo: 'availability',
      objective: 0.999,
      windowMs: 30 * 86_400_000,
      windowStartMs: 0,
      nowMs: 1,
      kind: 'events',
      good: 155,
      bad: 1,
      valid: 156,
      coverage: 1e-5,
      evidence: {
        observedMs: 30_000,
        requiredObservedMs: 1_800_000,
        minWindowCoverage: 0.9,
        alpha: 0.05,
        pValue: 0.14,
      },
      violations: [],
      violationsTruncated: false,
      violationTimeMs: 0,
      burnRates: [
        {
          ...pair,
          state: 'insufficient-data',
          firing: false,
          pValue: null,
          missing: ['long window 1h: 30s measured (0.8 %); 90 % needed'],
        },
      ],
      alerts: { page: false, ticket: false },
    };
    const pending = {
      ...base,
      status: 'insufficient-data',
      compliance: null,
      budget: null,
      missing: ['30s measured of the 30m needed before a verdict'],
    };
    const budget = {
      unit: 'events',
      total: 10,
      consumed: 1,
      remaining: 9,
      consumedFraction: 0.1,
      remainingFraction: 0.9,
      exhausted: false,
    };
    const verdict = { ...base, status: 'met', compliance: 0.9994, budget, missing: [] };
    assert.ok(BudgetReportSchema.safeParse(pending).success);
    assert.ok(BudgetReportSchema.safeParse(verdict).success);
    assert.ok(
      !BudgetReportSchema.safeParse({ ...pending, missing: [] }).success,
      'no verdict must say what is missing',
    );
    assert.ok(
      !BudgetReportSchema.safeParse({ ...pending, compliance: 0.99 }).success,
      'no verdict carries no compliance',
    );
    assert.ok(!BudgetReportSchema.safeParse({ ...verdict, budget: null }).success, 'a verdict has a budget');
    assert.ok(
      !BudgetReportSchema.safeParse({ ...verdict, budget: { ...budget, remainingFraction: -12.89 } }).success,
      'remaining below 0',
    );
    assert.ok(
      !BudgetReportSchema.safeParse({ ...verdict, missing: ['x'] }).success,
      'a verdict misses nothing',
    );
  });

  it('an SLO is either evaluated with a report or not evaluated with a reason', () => {
    const base = { name: 'availability', description: null, objective: 0.999, windowMs: 3_600_000 };
    assert.ok(
      SloStatusSchema.safeParse({ ...base, evaluated: false, reason: 'no data', report: null }).success,
    );
    assert.ok(!SloStatusSchema.safeParse({ ...base, evaluated: false, reason: null, report: null }).success);
    assert.ok(!SloStatusSchema.safeParse({ ...base, evaluated: true, reason: null, report: null }).success);
  });

  it('bandwidth has a capacity and utilisation together, or neither', () => {
    const t = { txBytesPerSecond: 10, rxBytesPerSecond: 5 };
    assert.ok(
      PairBandwidthSchema.safeParse({
        ...t,
        capacityBytesPerSecond: 100,
        utilization: { tx: 0.1, rx: 0.05, max: 0.1 },
      }).success,
    );
    assert.ok(
      PairBandwidthSchema.safeParse({ ...t, capacityBytesPerSecond: null, utilization: null }).success,
    );
    assert.ok(
      !PairBandwidthSchema.safeParse({
        ...t,
        capacityBytesPerSecond: null,
        utilization: { tx: 0, rx: 0, max: 0 },
      }).success,
    );
  });

  it('a capacity outcome is a plan, too little data or rejected data; a seasonal plan carries its Holt-Winters fit', () => {
    assert.ok(
      CapacityOutcomeSchema.safeParse({ status: 'invalid-data', reason: 'negative utilisation' }).success,
    );
    assert.ok(
      CapacityOutcomeSchema.safeParse({
        status: 'insufficient-data',
        points: 3,
        requiredPoints: 100,
        spanMs: 120_000,
        requiredSpanMs: 86_400_000,
        reason: '2m of history; at least 1d needed',
      }).success,
    );
    assert.ok(
      !CapacityOutcomeSchema.safeParse({
        status: 'insufficient-data',
        points: 3,
        requiredPoints: 100,
        reason: 'too few',
      }).success,
      'says the history',
    );
    assert.ok(!CapacityOutcomeSchema.safeParse({ status: 'ok', model: 'seasonal' }).success);
  });

  it('live events are discriminated by type and nothing else is accepted', () => {
    assert.ok(LiveEventSchema.safeParse({ type: 'anomaly_resolved', id: 3, resolvedAtMs: 1 }).success);
    assert.ok(LiveEventSchema.safeParse({ type: 'targets', targets: [] }).success);
    assert.ok(!LiveEventSchema.safeParse({ type: 'anomaly_resolved', id: 3 }).success);
    assert.ok(!LiveEventSchema.safeParse({ type: 'hello' }).success);
  });

  it('decision values grow from NO-GO to GO', () => {
    assert.deepEqual(
      ROLLOUT_DECISIONS.map((d) => DECISION_VALUE[d]),
      [0, 1, 2],
    );
  });
});
