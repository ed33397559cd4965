import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { metricsOf } from '../../../src/catalog/index.ts';
import { InvalidInputError } from '../../../src/errors.ts';
import { createCatalogMetrics, type CatalogMetrics } from '../../../src/catalog/registry.ts';
import { AmstMetrics } from '../../../src/sdk/v1/amst.ts';
import { FederationMetrics } from '../../../src/sdk/v1/federation.ts';
import { HdeMetrics } from '../../../src/sdk/v1/hde.ts';
import { MigrationMetrics } from '../../../src/sdk/v1/migration.ts';
import { SystemMetrics } from '../../../src/sdk/v1/system.ts';
import { valueOf, valuesOf } from '../../helpers/metric-values.ts';

const base = { cluster: 'us-east', node: 'node-1' };
let registry: Registry;
let m: CatalogMetrics;
let now: number;
const clock = (): number => now;

beforeEach(() => {
  registry = new Registry();
  m = createCatalogMetrics(registry, metricsOf('v1'));
  now = 1_000_000;
});

describe('AmstMetrics', () => {
  it('tracks active streams, totals, stream duration and bytes', async () => {
    const a = new AmstMetrics(m, base, { clock });
    a.onStreamStart('s1');
    a.onStreamStart('s2');
    assert.equal(await valueOf(registry, 'dwcp_amst_streams_active', base), 2);
    assert.equal(await valueOf(registry, 'dwcp_amst_streams_total', { ...base, result: 'success' }), 2);
    now += 250;
    assert.equal(a.onStreamEnd('s1'), 0.25);
    assert.equal(await valueOf(registry, 'dwcp_amst_streams_active', base), 1);
    assert.equal(
      await valueOf(
        registry,
        'dwcp_amst_latency_seconds',
        { operation: 'stream_duration' },
        'dwcp_amst_latency_seconds_sum',
      ),
      0.25,
    );
    assert.equal(
      await valueOf(
        registry,
        'dwcp_amst_latency_seconds',
        { operation: 'stream_duration', le: '0.256' },
        'dwcp_amst_latency_seconds_bucket',
      ),
      1,
    );
    a.onStreamData('s2', 1000, 50);
    a.onStreamData('s2', 500, 0);
    assert.equal(await valueOf(registry, 'dwcp_amst_bytes_sent_total', { stream_id: 's2' }), 1500);
    assert.equal(await valueOf(registry, 'dwcp_amst_bytes_received_total', { stream_id: 's2' }), 50);
    a.onStreamError('s2', 'connection_timeout');
    a.onStreamOpenFailed('connection_timeout');
    assert.equal(await valueOf(registry, 'dwcp_amst_errors_total', { error_type: 'connection_timeout' }), 2);
    assert.equal(await valueOf(registry, 'dwcp_amst_streams_total', { result: 'failure' }), 1);
    assert.equal(a.onBandwidthUpdate(750, 1000), 75);
    assert.equal(await valueOf(registry, 'dwcp_amst_bandwidth_utilization_percent', base), 75);
    assert.equal(a.onBandwidthUpdate(10, 0), 0);
  });

  it('ending an unknown stream observes nothing and never drives active below 0', async () => {
    const a = new AmstMetrics(m, base, { clock });
    assert.equal(a.onStreamEnd('never'), undefined);
    assert.equal(await valueOf(registry, 'dwcp_amst_streams_active', base), 0);
    assert.equal(
      await valueOf(
        registry,
        'dwcp_amst_latency_seconds',
        { operation: 'stream_duration' },
        'dwcp_amst_latency_seconds_count',
      ),
      undefined,
    );
  });

  it('bounds in-flight streams and stream_id cardinality', async () => {
    const warnings: string[] = [];
    const a = new AmstMetrics(m, base, {
      clock,
      maxInFlight: 5,
      streamIdLimit: 4,
      warn: (w) => warnings.push(w),
    });
    for (let i = 0; i < 100; i++) {
      a.onStreamStart(`s${i}`);
      a.onStreamData(`s${i}`, 1, 1);
    }
    assert.equal(a.trackedStreams, 5);
    assert.equal(a.activeStreams, 100);
    const ids = new Set(
      (await valuesOf(registry, 'dwcp_amst_bytes_sent_total')).map((r) => r.labels.stream_id),
    );
    assert.deepEqual([...ids].sort(), ['overflow', 's0', 's1', 's2', 's3']);
    assert.equal(await valueOf(registry, 'dwcp_amst_bytes_sent_total', { stream_id: 'overflow' }), 96);
    assert.equal(warnings.length, 1);
  });

  it('initialize exports zero series', async () => {
    const a = new AmstMetrics(m, base, { clock });
    a.initialize(['packet_loss']);
    assert.equal(await valueOf(registry, 'dwcp_amst_errors_total', { error_type: 'packet_loss' }), 0);
    assert.equal(await valueOf(registry, 'dwcp_amst_streams_total', { result: 'failure' }), 0);
  });

  it('rejects bad input', () => {
    const a = new AmstMetrics(m, base, { clock });
    assert.throws(() => a.onStreamStart(''), InvalidInputError);
    assert.throws(() => a.onStreamData('s', -1, 0), InvalidInputError);
    assert.throws(() => a.onStreamData('s', Number.NaN, 0), InvalidInputError);
    assert.throws(() => a.onStreamError('s', ''), InvalidInputError);
    assert.throws(() => a.onBandwidthUpdate(1, Number.POSITIVE_INFINITY), InvalidInputError);
    assert.throws(() => a.observeLatency('op', -0.1), InvalidInputError);
    assert.throws(() => new AmstMetrics(m, { cluster: '', node: 'n' }), InvalidInputError);
    assert.throws(() => new AmstMetrics(m, base, { maxInFlight: 0 }), InvalidInputError);
  });
});

describe('HdeMetrics', () => {
  it('observes ratios, counts bytes and keeps the real running delta hit rate', async () => {
    const h = new HdeMetrics(m, base);
    assert.ok(Number.isNaN(h.deltaHitRatePercent));
    assert.equal(h.onCompressionComplete('vm_memory', 4000, 1000, true), 4);
    h.onCompressionComplete('vm_memory', 3000, 1000, false);
    h.onCompressionComplete('vm_memory', 3000, 1000, true);
    h.onCompressionComplete('vm_disk', 1000, 1000, true);
    assert.equal(h.deltaHitRatePercent, 75);
    assert.equal(await valueOf(registry, 'dwcp_hde_delta_hit_rate_percent', base), 75);
    assert.equal(
      await valueOf(registry, 'dwcp_hde_bytes_original_total', { data_type: 'vm_memory' }),
      10_000,
    );
    assert.equal(
      await valueOf(registry, 'dwcp_hde_bytes_compressed_total', { data_type: 'vm_memory' }),
      3000,
    );
    assert.equal(
      await valueOf(
        registry,
        'dwcp_hde_compression_ratio',
        { data_type: 'vm_memory' },
        'dwcp_hde_compression_ratio_sum',
      ),
      10,
    );
    assert.equal(
      await valueOf(
        registry,
        'dwcp_hde_compression_ratio',
        { data_type: 'vm_memory' },
        'dwcp_hde_compression_ratio_count',
      ),
      3,
    );
    assert.equal(
      await valueOf(registry, 'dwcp_hde_operations_total', { operation: 'encode', result: 'success' }),
      4,
    );
    h.onDecompressionComplete(true);
    h.onDecompressionComplete(false);
    h.onCompressionFailed();
    assert.equal(
      await valueOf(registry, 'dwcp_hde_operations_total', { operation: 'decode', result: 'failure' }),
      1,
    );
    assert.equal(
      await valueOf(registry, 'dwcp_hde_operations_total', { operation: 'encode', result: 'failure' }),
      1,
    );
    h.onBaselineUpdate('vm_state', 12);
    h.onDictionaryUpdate(81.5);
    assert.equal(await valueOf(registry, 'dwcp_hde_baseline_count', { baseline_type: 'vm_state' }), 12);
    assert.equal(await valueOf(registry, 'dwcp_hde_dictionary_efficiency_percent', base), 81.5);
  });

  it('rejects bad input', () => {
    const h = new HdeMetrics(m, base);
    assert.throws(() => h.onCompressionComplete('', 1, 1, true), InvalidInputError);
    assert.throws(() => h.onCompressionComplete('x', -1, 1, true), InvalidInputError);
    assert.throws(() => h.onCompressionComplete('x', 10, 0, true), /compressed bytes is 0/);
    assert.throws(() => h.onDictionaryUpdate(101), InvalidInputError);
    assert.throws(() => h.onDictionaryUpdate(Number.NaN), InvalidInputError);
    assert.throws(() => h.onBaselineUpdate('t', -3), InvalidInputError);
  });
});

describe('MigrationMetrics', () => {
  it('observes durations from the injected clock with dwcp_enabled', async () => {
    const mm = new MigrationMetrics(m, base, { clock });
    mm.onMigrationStart('m1');
    mm.onMigrationStart('m2');
    now += 12_000;
    assert.equal(mm.onMigrationComplete('m1', 'node-1', 'node-2', true, true), 12);
    now += 48_000;
    assert.equal(mm.onMigrationComplete('m2', 'node-1', 'node-3', true, false), 60);
    const l = { cluster: 'us-east', source_node: 'node-1' };
    assert.equal(
      await valueOf(
        registry,
        'dwcp_migration_duration_seconds',
        { ...l, dwcp_enabled: 'true' },
        'dwcp_migration_duration_seconds_sum',
      ),
      12,
    );
    assert.equal(
      await valueOf(
        registry,
        'dwcp_migration_duration_seconds',
        { ...l, dest_node: 'node-3', dwcp_enabled: 'false' },
        'dwcp_migration_duration_seconds_sum',
      ),
      60,
    );
    assert.equal(mm.onMigrationComplete('unknown', 'a', 'b', true, true), undefined);
    mm.onSpeedupCalculated('large_vm', 8.5);
    assert.equal(
      await valueOf(registry, 'dwcp_migration_speedup_factor', { cluster: 'us-east', vm_type: 'large_vm' }),
      8.5,
    );
  });

  it('does not observe failed migrations', async () => {
    const mm = new MigrationMetrics(m, base, { clock });
    mm.onMigrationStart('m1');
    now += 5000;
    assert.equal(mm.onMigrationComplete('m1', 'a', 'b', false, true, 2 ** 31), 5);
    assert.equal((await valuesOf(registry, 'dwcp_migration_duration_seconds')).length, 0);
    assert.equal((await valuesOf(registry, 'dwcp_migration_memory_bytes_total')).length, 0);
  });

  it('counts the guest memory of observed migrations with the histogram labels (time per byte)', async () => {
    const mm = new MigrationMetrics(m, base, { clock });
    mm.initialize('a', ['b']);
    const l = { cluster: 'us-east', source_node: 'a', dest_node: 'b', dwcp_enabled: 'true' };
    assert.equal(await valueOf(registry, 'dwcp_migration_memory_bytes_total', l), 0);
    for (const [id, bytes] of [
      ['m1', 2 ** 31],
      ['m2', 2 ** 33],
    ] as const) {
      mm.onMigrationStart(id);
      now += 4000;
      mm.onMigrationComplete(id, 'a', 'b', true, true, bytes);
    }
    mm.onMigrationStart('m3');
    mm.onMigrationComplete('m3', 'a', 'b', true, true); // without a size: the duration only
    assert.equal(await valueOf(registry, 'dwcp_migration_memory_bytes_total', l), 10 * 2 ** 30);
    assert.equal(
      await valueOf(registry, 'dwcp_migration_duration_seconds', l, 'dwcp_migration_duration_seconds_count'),
      3,
    );
    mm.onMigrationStart('m4');
    assert.throws(() => mm.onMigrationComplete('m4', 'a', 'b', true, true, -1), InvalidInputError);
  });

  it('bounds in-flight migrations', () => {
    const mm = new MigrationMetrics(m, base, { clock, maxInFlight: 3 });
    for (let i = 0; i < 50; i++) mm.onMigrationStart(`m${i}`);
    assert.equal(mm.inFlightCount, 3);
    assert.equal(mm.onMigrationComplete('m0', 'a', 'b', true, true), undefined);
    assert.equal(mm.onMigrationComplete('m49', 'a', 'b', true, true), 0);
  });

  it('rejects bad input', () => {
    const mm = new MigrationMetrics(m, base, { clock });
    assert.throws(() => mm.onMigrationStart(''), InvalidInputError);
    assert.throws(() => mm.onMigrationComplete('m', '', 'b', true, true), InvalidInputError);
    assert.throws(() => mm.onSpeedupCalculated('t', -1), InvalidInputError);
    assert.throws(() => mm.onSpeedupCalculated('', 2), InvalidInputError);
  });
});

describe('FederationMetrics', () => {
  it('records syncs and saved bytes per remote cluster', async () => {
    const f = new FederationMetrics(m, base);
    f.onSync('eu-west', 'delta', 0.4);
    f.onSync('eu-west', 'delta', 0.6);
    f.onBandwidthSaved('eu-west', 1e6);
    const l = { cluster: 'us-east', remote_cluster: 'eu-west' };
    assert.equal(
      await valueOf(
        registry,
        'dwcp_federation_sync_duration_seconds',
        { ...l, sync_type: 'delta' },
        'dwcp_federation_sync_duration_seconds_count',
      ),
      2,
    );
    assert.equal(
      await valueOf(
        registry,
        'dwcp_federation_sync_duration_seconds',
        { ...l, sync_type: 'delta' },
        'dwcp_federation_sync_duration_seconds_sum',
      ),
      1,
    );
    assert.equal(await valueOf(registry, 'dwcp_federation_bandwidth_saved_bytes_total', l), 1e6);
  });
  it('rejects bad input', () => {
    const f = new FederationMetrics(m, base);
    assert.throws(() => f.onSync('', 'delta', 1), InvalidInputError);
    assert.throws(() => f.onSync('x', 'delta', -1), InvalidInputError);
    assert.throws(() => f.onBandwidthSaved('x', Number.NaN), InvalidInputError);
  });
});

describe('SystemMetrics', () => {
  it('exports health 0/1/2, toggles and a single version series', async () => {
    const s = new SystemMetrics(m, base);
    s.onComponentHealthChange('amst', 'healthy');
    s.onComponentHealthChange('hde', 'degraded');
    s.onComponentHealthChange('dwcp_manager', 'down');
    assert.equal(await valueOf(registry, 'dwcp_system_component_health', { component: 'amst' }), 2);
    assert.equal(await valueOf(registry, 'dwcp_system_component_health', { component: 'hde' }), 1);
    assert.equal(await valueOf(registry, 'dwcp_system_component_health', { component: 'dwcp_manager' }), 0);
    s.onFeatureToggle('hde_enabled', true);
    s.onFeatureToggle('pba_enabled', false);
    assert.equal(await valueOf(registry, 'dwcp_system_config_enabled', { feature: 'hde_enabled' }), 1);
    assert.equal(await valueOf(registry, 'dwcp_system_config_enabled', { feature: 'pba_enabled' }), 0);
    s.setVersionInfo('1.0.0', 'abc123', '2025-11-08');
    s.setVersionInfo('1.0.1', 'def456', '2025-11-09');
    const rows = await valuesOf(registry, 'dwcp_system_version_info');
    assert.equal(rows.length, 1);
    assert.deepEqual(rows[0]!.labels, {
      cluster: 'us-east',
      version: '1.0.1',
      git_commit: 'def456',
      build_date: '2025-11-09',
    });
    assert.equal(rows[0]!.value, 1);
  });
  it('rejects bad input', () => {
    const s = new SystemMetrics(m, base);
    assert.throws(() => s.onComponentHealthChange('amst', 'sick' as 'down'), InvalidInputError);
    assert.throws(() => s.onComponentHealthChange('', 'down'), InvalidInputError);
    assert.throws(() => s.onFeatureToggle('', true), InvalidInputError);
    assert.throws(() => s.setVersionInfo('1', '', 'd'), InvalidInputError);
  });
});
