/** The detection engine hands detectors the catalog's bad direction of each series. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { type DetectorFactory } from '../../../src/analysis/anomaly/detector.ts';
import { DetectionEngine } from '../../../src/monitor/detection-engine.ts';
import { LIVE_ANALYSED_KINDS, liveDetectorFactory } from '../../../src/monitor/live-detector.ts';
import { SeriesTracker } from '../../../src/monitor/series-tracker.ts';
import type { Sample } from '../../../src/model/sample.ts';
import { thresholdDetector } from './detection-engine-fixtures.ts';

describe('the bad direction comes from the catalog', () => {
  const DAY = 86_400_000;
  const live = (factory: DetectorFactory) =>
    new DetectionEngine({
      factory,
      detectorName: 'live',
      minConfidence: 0.8,
      confirmSamples: 2,
      cooldownMs: 300_000,
      resolveAfterSamples: 3,
      maxSeries: 100,
      kinds: LIVE_ANALYSED_KINDS,
    });

  it('hands every detector the catalog direction of its series (per metric and per label)', () => {
    const seen = new Map<string, string | undefined>();
    const e = new DetectionEngine({
      factory: (ctx) => {
        seen.set(`${ctx.kind} ${JSON.stringify(ctx.labels)}`, ctx.direction);
        return thresholdDetector();
      },
      detectorName: 'spy',
      minConfidence: 0.8,
      confirmSamples: 1,
      cooldownMs: 0,
      resolveAfterSamples: 1,
      maxSeries: 100,
      kinds: LIVE_ANALYSED_KINDS,
    });
    const tr = new SeriesTracker(100);
    const batch = (t: number, v: number): Sample[] => [
      {
        name: 'dwcp_v3_resource_utilization_percent',
        labels: { resource_type: 'network', node: 'n1' },
        value: v,
        timestampMs: t,
      },
      {
        name: 'dwcp_v3_resource_utilization_percent',
        labels: { resource_type: 'memory', node: 'n1' },
        value: v,
        timestampMs: t,
      },
      {
        name: 'dwcp_v3_rdma_throughput_bytes_per_second',
        labels: { node_id: 'n1' },
        value: v,
        timestampMs: t,
      },
      {
        name: 'dwcp_v3_consensus_operations_total',
        labels: { node_id: 'n1', protocol: 'raft', result: 'success' },
        value: v,
        timestampMs: t,
      },
      {
        name: 'dwcp_v3_consensus_operations_total',
        labels: { node_id: 'n1', protocol: 'raft', result: 'timeout' },
        value: v,
        timestampMs: t,
      },
      {
        name: 'dwcp_v3_compression_ratio',
        labels: { node_id: 'n1', algorithm: 'zstd' },
        value: v,
        timestampMs: t,
      },
    ];
    e.process(tr.admit(batch(1000, 1)).inputs, 1000);
    e.process(tr.admit(batch(2000, 2)).inputs, 2000);
    assert.deepEqual(Object.fromEntries(seen), {
      'utilization {"resource_type":"network","node":"n1"}': 'down',
      'utilization {"resource_type":"memory","node":"n1"}': 'up',
      'bandwidth {"node_id":"n1"}': 'down',
      'error_rate {"node_id":"n1","protocol":"raft","result":"success"}': 'down',
      'error_rate {"node_id":"n1","protocol":"raft","result":"timeout"}': 'up',
      'compression {"node_id":"n1","algorithm":"zstd"}': 'down',
    });
  });

  /** Anomalies opened on `metric{labels}` by noise around `base` for 300 s, then `step` added for 60 s. */
  function opened(
    factory: DetectorFactory,
    metric: string,
    labels: Record<string, string>,
    base: number,
    noise: number,
    step: number,
  ): number {
    const e = live(factory);
    const tr = new SeriesTracker(100);
    let seed = 7;
    const rnd = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31) * 2 - 1;
    let n = 0;
    for (let i = 0; i < 360; i++) {
      const t = 1_700_000_000_000 + i * 1000;
      const v = base + noise * rnd() + (i >= 300 ? step : 0);
      n += e.process(tr.admit([{ name: metric, labels, value: v, timestampMs: t }]).inputs, t).opened.length;
    }
    return n;
  }

  it('network utilisation (shipped ensemble): a rise — more work on the same link — raises nothing, a drop does', () => {
    const f = liveDetectorFactory('ensemble', DAY);
    const labels = { resource_type: 'network', node: 'n1' };
    assert.equal(opened(f, 'dwcp_v3_resource_utilization_percent', labels, 50, 2, 15), 0);
    assert.ok(opened(f, 'dwcp_v3_resource_utilization_percent', labels, 50, 2, -15) >= 1);
    // Memory utilisation keeps the kind's direction: the rise is the bad one.
    const memory = { resource_type: 'memory', node: 'n1' };
    assert.equal(opened(f, 'dwcp_v3_resource_utilization_percent', memory, 50, 2, -15), 0);
    assert.ok(opened(f, 'dwcp_v3_resource_utilization_percent', memory, 50, 2, 15) >= 1);
  });

  it('throughput (z-score detector): a rise raises nothing, a drop does', () => {
    const f = liveDetectorFactory('statistical', DAY);
    const labels = { node_id: 'n1' };
    assert.equal(opened(f, 'dwcp_v3_rdma_throughput_bytes_per_second', labels, 1e9, 1e7, 3e8), 0);
    assert.ok(opened(f, 'dwcp_v3_rdma_throughput_bytes_per_second', labels, 1e9, 1e7, -3e8) >= 1);
  });
});
