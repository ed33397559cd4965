import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { metricsOf } from '../../../src/catalog/index.ts';
import { InvalidInputError } from '../../../src/errors.ts';
import type { Mode } from '../../../src/model/dwcp.ts';
import { ProductionMetrics } from '../../../src/sdk/production.ts';
import { createCatalogMetrics } from '../../../src/catalog/registry.ts';
import { DELTA_WINDOW, DwcpV3Collector } from '../../../src/sdk/v3/collector.ts';
import { valueOf, valuesOf } from '../../helpers/metric-values.ts';

let registry: Registry;
let c: DwcpV3Collector;
const n = { node_id: 'node-2' };

beforeEach(() => {
  registry = new Registry();
  c = new DwcpV3Collector(createCatalogMetrics(registry, metricsOf('v3')), 'node-2');
});

describe('DwcpV3Collector', () => {
  it('mode: switches counted, current mode one-hot', async () => {
    c.setMode('hybrid');
    c.recordModeSwitch('hybrid', 'datacenter');
    assert.equal(c.currentMode, 'datacenter');
    assert.equal(
      await valueOf(registry, 'dwcp_v3_mode_switches_total', {
        ...n,
        from_mode: 'hybrid',
        to_mode: 'datacenter',
      }),
      1,
    );
    assert.equal(await valueOf(registry, 'dwcp_v3_current_mode', { ...n, mode: 'datacenter' }), 1);
    assert.equal(await valueOf(registry, 'dwcp_v3_current_mode', { ...n, mode: 'hybrid' }), 0);
    assert.equal(await valueOf(registry, 'dwcp_v3_current_mode', { ...n, mode: 'internet' }), 0);
  });

  it('migrations: success with duration and bytes, failures counted separately', async () => {
    c.recordMigration({
      mode: 'internet',
      success: true,
      durationSeconds: 42,
      bytes: 1000,
      memoryBytes: 4000,
    });
    c.recordMigration({ mode: 'internet', success: false, durationSeconds: 5, bytes: 10, memoryBytes: 40 });
    const l = { ...n, mode: 'internet' };
    assert.equal(await valueOf(registry, 'dwcp_v3_migration_success_total', l), 1);
    assert.equal(await valueOf(registry, 'dwcp_v3_migration_failures_total', l), 1);
    assert.equal(
      await valueOf(
        registry,
        'dwcp_v3_migration_duration_seconds',
        l,
        'dwcp_v3_migration_duration_seconds_sum',
      ),
      42,
    );
    assert.equal(
      await valueOf(registry, 'dwcp_v3_bytes_transferred_total', { ...l, direction: 'sent' }),
      1010,
    );
    // Guest memory of the successful (observed) migrations only, beside the duration histogram.
    assert.equal(await valueOf(registry, 'dwcp_v3_migration_memory_bytes_total', l), 4000);
    assert.throws(
      () =>
        c.recordMigration({
          mode: 'internet',
          success: true,
          durationSeconds: 1,
          bytes: 0,
          memoryBytes: Number.NaN,
        }),
      InvalidInputError,
    );
  });

  it('per-component recordings', async () => {
    c.amst.streamsOpened('datacenter', 64);
    c.amst.streamsClosed('datacenter', 10);
    c.amst.streamsClosed('datacenter', 100);
    assert.equal(await valueOf(registry, 'dwcp_v3_active_streams', { ...n, mode: 'datacenter' }), 0);
    c.amst.streamsOpened('internet', 8);
    assert.equal(await valueOf(registry, 'dwcp_v3_active_streams', { ...n, mode: 'internet' }), 8);
    c.amst.congestion('internet', 3);
    c.amst.failedStream('internet');
    c.amst.efficiency(0.9);
    assert.equal(await valueOf(registry, 'dwcp_v3_congestion_events_total', { ...n, mode: 'internet' }), 3);
    assert.equal(await valueOf(registry, 'dwcp_v3_failed_streams_total', { ...n, mode: 'internet' }), 1);
    assert.equal(await valueOf(registry, 'dwcp_v3_amst_stream_efficiency_ratio', n), 0.9);

    assert.equal(
      c.hde.compression({
        algorithm: 'zstd-max',
        originalBytes: 5000,
        compressedBytes: 1000,
        latencySeconds: 0.004,
        deltaHit: true,
      }),
      5,
    );
    c.hde.crdtMerges(2);
    c.hde.algorithmSelectionAccuracy(0.91);
    assert.equal(await valueOf(registry, 'dwcp_v3_compression_ratio', { ...n, algorithm: 'zstd-max' }), 5);
    assert.equal(await valueOf(registry, 'dwcp_v3_compressions_total', { ...n, algorithm: 'zstd-max' }), 1);
    assert.equal(
      await valueOf(
        registry,
        'dwcp_v3_compression_latency_seconds',
        { ...n, algorithm: 'zstd-max' },
        'dwcp_v3_compression_latency_seconds_sum',
      ),
      0.004,
    );
    assert.equal(await valueOf(registry, 'dwcp_v3_crdt_merges_total', n), 2);

    c.pba.prediction({ mode: 'datacenter', accuracy: 0.87, latencySeconds: 0.02, predictedBps: 2.5e9 });
    c.pba.modelSwitch();
    assert.equal(await valueOf(registry, 'dwcp_v3_prediction_accuracy', { ...n, mode: 'datacenter' }), 0.87);
    assert.equal(
      await valueOf(registry, 'dwcp_v3_predicted_bandwidth_bytes_per_second', { ...n, mode: 'datacenter' }),
      2.5e9,
    );
    assert.equal(await valueOf(registry, 'dwcp_v3_predictions_total', { ...n, mode: 'datacenter' }), 1);
    assert.equal(await valueOf(registry, 'dwcp_v3_pba_model_switches_total', n), 1);

    c.ass.sync({ type: 'incremental', ok: false, latencySeconds: 7, mode: 'internet' });
    c.ass.conflictsResolved(2);
    c.ass.crdtOperations(5);
    assert.equal(
      await valueOf(registry, 'dwcp_v3_sync_operations_total', {
        ...n,
        type: 'incremental',
        result: 'failure',
      }),
      1,
    );
    assert.equal(
      await valueOf(
        registry,
        'dwcp_v3_sync_latency_seconds',
        { ...n, mode: 'internet' },
        'dwcp_v3_sync_latency_seconds_sum',
      ),
      7,
    );
    assert.equal(await valueOf(registry, 'dwcp_v3_sync_conflicts_resolved_total', n), 2);
    assert.equal(await valueOf(registry, 'dwcp_v3_crdt_operations_total', n), 5);

    c.acp.consensus({ protocol: 'pbft', latencySeconds: 2.5, result: 'timeout' });
    c.acp.byzantine(2);
    c.acp.leaderChange();
    assert.equal(
      await valueOf(registry, 'dwcp_v3_consensus_operations_total', {
        ...n,
        protocol: 'pbft',
        result: 'timeout',
      }),
      1,
    );
    assert.equal(
      await valueOf(
        registry,
        'dwcp_v3_consensus_latency_seconds',
        { ...n, protocol: 'pbft' },
        'dwcp_v3_consensus_latency_seconds_sum',
      ),
      2.5,
    );
    assert.equal(await valueOf(registry, 'dwcp_v3_byzantine_detections_total', n), 2);
    assert.equal(await valueOf(registry, 'dwcp_v3_leader_changes_total', n), 1);

    c.itp.placement({ optimal: false, score: 72, predictionAccuracy: 0.9, geoOptimized: true });
    assert.equal(
      await valueOf(registry, 'dwcp_v3_placement_decisions_total', { ...n, quality: 'suboptimal' }),
      1,
    );
    assert.equal(await valueOf(registry, 'dwcp_v3_placement_score', n), 72);
    assert.equal(await valueOf(registry, 'dwcp_v3_itp_prediction_accuracy', n), 0.9);
    assert.equal(await valueOf(registry, 'dwcp_v3_geo_optimizations_total', n), 1);

    c.recordRdma({ throughputBps: 2.7e9, utilisation: 0.6, latencySeconds: 2e-5 });
    c.setTcpStreams(12);
    c.setPacketLoss('internet', 0.01);
    c.setModeThroughput('internet', 5e7);
    c.setAdaptiveDecisionAccuracy(0.9);
    c.recordFailover('internet');
    c.recordTransfer({
      mode: 'internet',
      operation: 'send',
      latencySeconds: 0.2,
      sentBytes: 100,
      receivedBytes: 5,
    });
    c.componentOperation('hde', 'encode', 0.003);
    c.componentError('acp', 'timeout');
    assert.equal(await valueOf(registry, 'dwcp_v3_rdma_throughput_bytes_per_second', n), 2.7e9);
    assert.equal(await valueOf(registry, 'dwcp_v3_rdma_bandwidth_utilization_ratio', n), 0.6);
    assert.equal(await valueOf(registry, 'dwcp_v3_tcp_streams', n), 12);
    assert.equal(await valueOf(registry, 'dwcp_v3_packet_loss_ratio', { ...n, mode: 'internet' }), 0.01);
    assert.equal(
      await valueOf(registry, 'dwcp_v3_mode_throughput_bytes_per_second', { ...n, mode: 'internet' }),
      5e7,
    );
    assert.equal(await valueOf(registry, 'dwcp_v3_failover_events_total', { ...n, mode: 'internet' }), 1);
    assert.equal(
      await valueOf(
        registry,
        'dwcp_v3_mode_latency_seconds',
        { ...n, mode: 'internet', operation: 'send' },
        'dwcp_v3_mode_latency_seconds_count',
      ),
      1,
    );
    assert.equal(
      await valueOf(registry, 'dwcp_v3_bytes_transferred_total', {
        ...n,
        mode: 'internet',
        direction: 'received',
      }),
      5,
    );
    assert.equal(
      await valueOf(registry, 'dwcp_v3_component_operations_total', {
        ...n,
        component: 'hde',
        operation_type: 'encode',
      }),
      1,
    );
    assert.equal(
      await valueOf(registry, 'dwcp_v3_component_errors_total', {
        ...n,
        component: 'acp',
        error_type: 'timeout',
      }),
      1,
    );
  });

  it('delta hit ratio covers the last DELTA_WINDOW compressions only (bounded)', async () => {
    const rec = (hit: boolean): number =>
      c.hde.compression({
        algorithm: 'lz4',
        originalBytes: 10,
        compressedBytes: 5,
        latencySeconds: 0.001,
        deltaHit: hit,
      });
    for (let i = 0; i < 1000; i++) rec(true);
    assert.equal(await valueOf(registry, 'dwcp_v3_delta_hit_ratio', n), 1);
    for (let i = 0; i < DELTA_WINDOW / 2; i++) rec(false);
    assert.equal(await valueOf(registry, 'dwcp_v3_delta_hit_ratio', n), 0.5);
    for (let i = 0; i < DELTA_WINDOW; i++) rec(false);
    assert.equal(await valueOf(registry, 'dwcp_v3_delta_hit_ratio', n), 0);
  });

  it('initialize exports zero series for enumerable labels', async () => {
    c.initialize(['internal']);
    assert.equal(await valueOf(registry, 'dwcp_v3_byzantine_detections_total', n), 0);
    assert.equal(
      await valueOf(registry, 'dwcp_v3_consensus_operations_total', {
        ...n,
        protocol: 'raft',
        result: 'timeout',
      }),
      0,
    );
    assert.equal(
      await valueOf(registry, 'dwcp_v3_rdma_latency_seconds', n, 'dwcp_v3_rdma_latency_seconds_count'),
      0,
    );
    assert.equal((await valuesOf(registry, 'dwcp_v3_mode_switches_total')).length, 6);
  });

  it('rejects bad input', () => {
    assert.throws(() => c.setMode('lan' as Mode), InvalidInputError);
    assert.throws(() => c.recordModeSwitch('internet', 'internet'), /itself/);
    assert.throws(
      () => c.recordMigration({ mode: 'internet', success: true, durationSeconds: -1, bytes: 0 }),
      InvalidInputError,
    );
    assert.throws(() => c.amst.efficiency(1.5), InvalidInputError);
    assert.throws(() => c.amst.bytes('internet', 'up' as 'sent', 1), InvalidInputError);
    assert.throws(
      () =>
        c.hde.compression({
          algorithm: 'lz4',
          originalBytes: 5,
          compressedBytes: 0,
          latencySeconds: 0,
          deltaHit: false,
        }),
      InvalidInputError,
    );
    assert.throws(
      () => c.pba.prediction({ mode: 'internet', accuracy: 70, latencySeconds: 0.01, predictedBps: 1 }),
      InvalidInputError,
    );
    assert.throws(
      () => c.ass.sync({ type: 'partial' as 'full', ok: true, latencySeconds: 1, mode: 'internet' }),
      InvalidInputError,
    );
    assert.throws(
      () => c.acp.consensus({ protocol: 'paxos' as 'raft', latencySeconds: 1, result: 'success' }),
      InvalidInputError,
    );
    assert.throws(
      () => c.acp.consensus({ protocol: 'raft', latencySeconds: 1, result: 'ok' as 'success' }),
      InvalidInputError,
    );
    assert.throws(() => c.itp.placement({ optimal: true, score: 101 }), InvalidInputError);
    assert.throws(() => c.setPacketLoss('internet', -0.1), InvalidInputError);
    assert.throws(() => c.componentOperation('dwcp' as 'amst', 'x', 1), InvalidInputError);
    assert.throws(() => c.setTcpStreams(Number.NaN), InvalidInputError);
    assert.throws(
      () => new DwcpV3Collector(createCatalogMetrics(new Registry(), metricsOf('v3')), ''),
      InvalidInputError,
    );
  });
});

describe('ProductionMetrics', () => {
  it('records every production metric', async () => {
    const r = new Registry();
    const p = new ProductionMetrics(createCatalogMetrics(r, metricsOf('production')), {
      node: 'node-1',
      region: 'us-east',
    });
    p.initialize([{ component: 'amst', errorType: 'stream_failure', severity: 'warning' }]);
    p.migrationDowntime({
      source: 'node-1',
      destination: 'node-2',
      vmSize: 'small',
      mode: 'datacenter',
      seconds: 0.25,
    });
    p.throughput('amst', 'tx', 'rdma', 2.5e9);
    p.error('amst', 'stream_failure', 'warning');
    p.componentHealth('acp', 'v3', 'degraded');
    p.resourceUtilisation('memory', 55);
    p.rolloutProgress('early_adopters', 25);
    p.slaCompliance('throughput', 'transfer_throughput', false);
    p.anomalyDetection('latency', 'critical');
    assert.equal(
      await valueOf(
        r,
        'dwcp_v3_migration_latency_seconds',
        { vm_size: 'small', mode: 'datacenter' },
        'dwcp_v3_migration_latency_seconds_sum',
      ),
      0.25,
    );
    assert.equal(
      await valueOf(r, 'dwcp_v3_throughput_bytes_per_second', { direction: 'tx', transport: 'rdma' }),
      2.5e9,
    );
    assert.equal(await valueOf(r, 'dwcp_v3_errors_total', { component: 'amst' }), 1);
    assert.equal(await valueOf(r, 'dwcp_v3_component_health', { component: 'acp', version: 'v3' }), 1);
    assert.equal(
      await valueOf(r, 'dwcp_v3_resource_utilization_percent', { resource_type: 'memory', node: 'node-1' }),
      55,
    );
    assert.equal(
      await valueOf(r, 'dwcp_v3_rollout_progress_percent', { stage: 'early_adopters', region: 'us-east' }),
      25,
    );
    assert.equal(await valueOf(r, 'dwcp_v3_sla_compliance', { sla_type: 'throughput' }), 0);
    assert.equal(
      await valueOf(r, 'dwcp_v3_anomaly_detections_total', { anomaly_type: 'latency', severity: 'critical' }),
      1,
    );
    assert.equal(
      await valueOf(r, 'dwcp_v3_anomaly_detections_total', {
        anomaly_type: 'throughput',
        severity: 'warning',
      }),
      0,
    );
  });

  it('shows only the current rollout stage when a node changes stage', async () => {
    const r = new Registry();
    const p = new ProductionMetrics(createCatalogMetrics(r, metricsOf('production')), {
      node: 'n',
      region: 'eu-west',
    });
    p.rolloutProgress('early_adopters', 10);
    p.rolloutProgress('early_adopters', 10);
    p.rolloutProgress('majority', 50);
    const stages = (await r.getSingleMetric('dwcp_v3_rollout_progress_percent')!.get()).values.map(
      (v) => `${v.labels.stage}=${v.value}`,
    );
    assert.deepEqual(stages, ['majority=50']);
    assert.throws(() => p.rolloutProgress('', 50), InvalidInputError);
    const after = (await r.getSingleMetric('dwcp_v3_rollout_progress_percent')!.get()).values;
    assert.deepEqual(
      after.map((v) => v.labels.stage),
      ['majority'],
      'a refused call changes nothing',
    );
  });

  it('rejects bad input', () => {
    const p = new ProductionMetrics(createCatalogMetrics(new Registry(), metricsOf('production')), {
      node: 'n',
      region: 'r',
    });
    assert.throws(() => p.resourceUtilisation('gpu' as 'cpu', 5), InvalidInputError);
    assert.throws(() => p.resourceUtilisation('cpu', 120), InvalidInputError);
    assert.throws(() => p.rolloutProgress('x', -1), InvalidInputError);
    assert.throws(() => p.throughput('amst', 'up' as 'tx', 'tcp', 1), InvalidInputError);
    assert.throws(() => p.error('amst', 'x', 'info' as 'warning'), InvalidInputError);
    assert.throws(() => p.componentHealth('amst', 'v3', 'ok' as 'down'), InvalidInputError);
    assert.throws(
      () =>
        p.migrationDowntime({ source: 'a', destination: 'b', vmSize: 's', mode: 'lan' as Mode, seconds: 1 }),
      InvalidInputError,
    );
    assert.throws(() => p.slaCompliance('cost' as 'latency', 'm', true), InvalidInputError);
    assert.throws(
      () =>
        new ProductionMetrics(createCatalogMetrics(new Registry(), metricsOf('production')), {
          node: '',
          region: 'r',
        }),
      InvalidInputError,
    );
  });
});
