import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PairBandwidthSchema } from '../../../src/contract/network.ts';
import { RegionHealthSchema } from '../../../src/contract/regions.ts';
import { DECISION_VALUE, ROLLOUT_DECISIONS } from '../../../src/contract/rollout.ts';
import { SloStatusSchema } from '../../../src/contract/slo.ts';
import { LiveEventSchema } from '../../../src/contract/live.ts';
import { CapacityOutcomeSchema } from '../../../src/contract/capacity.ts';

const trend = { direction: 'unknown', slopePerHour: null, points: 0 } as const;
const inputs = { availabilityPercent: 100, utilizationPercent: 40, latencyMs: 20, errorRate: 0, consensusHealthPercent: 100 };
const factors = { availability: 100, headroom: 60, latency: 80, errorRate: 100, consensus: 100 };

describe('API contract unions', () => {
  it('a region is either scored with every factor or unscored with the missing ones', () => {
    const scored = { region: 'eu', status: 'healthy', score: 90, factors, inputs, missing: [], trend };
    const unscored = { region: 'eu', status: null, score: null, factors: null, inputs: { latencyMs: 20 }, missing: ['errorRate'], trend };
    assert.ok(RegionHealthSchema.safeParse(scored).success);
    assert.ok(RegionHealthSchema.safeParse(unscored).success);
    assert.ok(!RegionHealthSchema.safeParse({ ...scored, score: null }).success, 'scored without a score');
    assert.ok(!RegionHealthSchema.safeParse({ ...scored, missing: ['latencyMs'] }).success, 'scored with a missing factor');
    assert.ok(!RegionHealthSchema.safeParse({ ...unscored, missing: [] }).success, 'unscored without a missing factor');
    assert.ok(!RegionHealthSchema.safeParse({ ...unscored, factors }).success, 'unscored with factors');
  });

  it('an SLO is either evaluated with a report or not evaluated with a reason', () => {
    const base = { name: 'availability', description: null, objective: 0.999, windowMs: 3_600_000 };
    assert.ok(SloStatusSchema.safeParse({ ...base, evaluated: false, reason: 'no data', report: null }).success);
    assert.ok(!SloStatusSchema.safeParse({ ...base, evaluated: false, reason: null, report: null }).success);
    assert.ok(!SloStatusSchema.safeParse({ ...base, evaluated: true, reason: null, report: null }).success);
  });

  it('bandwidth has a capacity and utilisation together, or neither', () => {
    const t = { txBytesPerSecond: 10, rxBytesPerSecond: 5 };
    assert.ok(PairBandwidthSchema.safeParse({ ...t, capacityBytesPerSecond: 100, utilization: { tx: 0.1, rx: 0.05, max: 0.1 } }).success);
    assert.ok(PairBandwidthSchema.safeParse({ ...t, capacityBytesPerSecond: null, utilization: null }).success);
    assert.ok(!PairBandwidthSchema.safeParse({ ...t, capacityBytesPerSecond: null, utilization: { tx: 0, rx: 0, max: 0 } }).success);
  });

  it('a capacity outcome is a plan, too little data or rejected data; a seasonal plan carries its Holt-Winters fit', () => {
    assert.ok(CapacityOutcomeSchema.safeParse({ status: 'invalid-data', reason: 'negative utilisation' }).success);
    assert.ok(CapacityOutcomeSchema.safeParse({ status: 'insufficient-data', points: 3, requiredPoints: 100, reason: 'too few' }).success);
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
