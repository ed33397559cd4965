/**
 * DWCP v1 recording rules: the DWCP v1 metrics spec's "Recording Rules" with the expressions of the original
 * `dwcp-recording-rules.yml`, fixed: availability counts healthy series (the original summed the value 2), and
 * the three rules that did not parse are rewritten. Also the shared v1 expressions the alerts use.
 * @see seed 001 "Recording Rules"; NovaCron inventory 2.2
 */
import { getMetric } from '../../catalog/index.ts';
import { HEALTH } from '../../model/dwcp.ts';
import type { Expr } from '../promql/ast.ts';
import {
  aggBy,
  bin,
  call,
  div,
  eq,
  eqOp,
  histogramQuantile,
  increase,
  mul,
  num,
  range,
  rate,
  sub,
  sumBy,
} from '../promql/build.ts';
import { bucketRef, countRef, metricRef, recordedRef, sumRef } from '../promql/metric.ts';
import type { RecordingRule } from './types.ts';

const SRC_R = 'DWCP v1 metrics spec "Recording Rules"; original dwcp-recording-rules.yml';
/** Labels of v1 node series. */
export const CN = ['cluster', 'node'] as const;

const m = getMetric;

/** Share of AMST streams that ended in an error over 5 minutes, per cluster and node. */
export const amstErrorRatio: Expr = div(
  sumBy(CN, rate(metricRef(m('dwcp_amst_errors_total')), '5m')),
  sumBy(CN, rate(metricRef(m('dwcp_amst_streams_total')), '5m')),
);

function rec(record: string, expr: Expr, source = SRC_R): RecordingRule {
  return { kind: 'record', record, expr, source };
}

/** Bytes per second HDE compression saved (original - compressed) per cluster over a window. */
export const bytesSavedRate = (d: '5m' | '1h' | '24h'): Expr =>
  sub(
    sumBy(['cluster'], rate(metricRef(m('dwcp_hde_bytes_original_total')), d)),
    sumBy(['cluster'], rate(metricRef(m('dwcp_hde_bytes_compressed_total')), d)),
  );

/** The v1 component health series (0 down, 1 degraded, 2 healthy). */
export const healthSel = () => metricRef(m('dwcp_system_component_health'));

/** Group `dwcp_aggregations` of the original recording file, fixed. */
export const V1_RECORDING: readonly RecordingRule[] = [
  rec('dwcp:amst:error_rate:5m', amstErrorRatio),
  rec(
    'dwcp:amst:throughput_mbps:5m',
    div(mul(sumBy(CN, rate(metricRef(m('dwcp_amst_bytes_sent_total')), '5m')), num(8)), num(1e6)),
  ),
  rec(
    'dwcp:amst:stream_duration_p95:10m',
    histogramQuantile(
      0.95,
      bucketRef(m('dwcp_amst_latency_seconds'), eq('operation', 'stream_duration')),
      '10m',
      ['cluster'],
    ),
  ),
  rec(
    'dwcp:amst:stream_duration_p99:10m',
    histogramQuantile(
      0.99,
      bucketRef(m('dwcp_amst_latency_seconds'), eq('operation', 'stream_duration')),
      '10m',
      ['cluster'],
    ),
  ),
  rec(
    'dwcp:hde:compression_ratio_median:10m',
    histogramQuantile(0.5, bucketRef(m('dwcp_hde_compression_ratio')), '10m', ['cluster', 'data_type']),
  ),
  rec(
    'dwcp:hde:compression_ratio_p95:10m',
    histogramQuantile(0.95, bucketRef(m('dwcp_hde_compression_ratio')), '10m', ['cluster', 'data_type']),
  ),
  rec('dwcp:hde:bandwidth_saved_mbps:5m', div(mul(bytesSavedRate('5m'), num(8)), num(1e6))),
  rec(
    'dwcp:hde:success_rate:5m',
    div(
      sumBy(CN, rate(metricRef(m('dwcp_hde_operations_total'), eq('result', 'success')), '5m')),
      sumBy(CN, rate(metricRef(m('dwcp_hde_operations_total')), '5m')),
    ),
  ),
  rec('dwcp:hde:bytes_saved:24h', mul(bytesSavedRate('24h'), num(86400))),
  rec(
    'dwcp:migration:duration_median:1h',
    histogramQuantile(0.5, bucketRef(m('dwcp_migration_duration_seconds')), '1h', [
      'cluster',
      'dwcp_enabled',
    ]),
  ),
  rec(
    'dwcp:migration:duration_p95:1h',
    histogramQuantile(0.95, bucketRef(m('dwcp_migration_duration_seconds')), '1h', [
      'cluster',
      'dwcp_enabled',
    ]),
  ),
  rec(
    'dwcp:migration:speedup_actual:1h',
    bin(
      '/',
      histogramQuantile(
        0.5,
        bucketRef(m('dwcp_migration_duration_seconds'), eq('dwcp_enabled', 'false')),
        '1h',
        ['cluster'],
      ),
      histogramQuantile(
        0.5,
        bucketRef(m('dwcp_migration_duration_seconds'), eq('dwcp_enabled', 'true')),
        '1h',
        ['cluster'],
      ),
    ),
  ),
  rec(
    'dwcp:federation:sync_duration_p95:10m',
    histogramQuantile(0.95, bucketRef(m('dwcp_federation_sync_duration_seconds')), '10m', [
      'cluster',
      'remote_cluster',
    ]),
  ),
  rec(
    'dwcp:federation:bandwidth_saved_gbps:1h',
    div(
      mul(
        sumBy(['cluster'], rate(metricRef(m('dwcp_federation_bandwidth_saved_bytes_total')), '1h')),
        num(8),
      ),
      num(1e9),
    ),
  ),
  rec(
    'dwcp:federation:total_savings_tb:24h',
    div(
      sumBy(['cluster'], increase(metricRef(m('dwcp_federation_bandwidth_saved_bytes_total')), '24h')),
      num(1e12),
    ),
  ),
  rec(
    'dwcp:system:availability:5m',
    aggBy('avg', ['cluster'], bin('==', healthSel(), num(HEALTH.healthy), { bool: true })),
  ),
  rec(
    'dwcp:system:degraded_components:5m',
    aggBy('count', ['cluster'], eqOp(healthSel(), num(HEALTH.degraded))),
  ),
  rec('dwcp:system:down_components:5m', aggBy('count', ['cluster'], eqOp(healthSel(), num(HEALTH.down)))),
  rec(
    'dwcp:efficiency:overall_compression:1h',
    div(
      sumBy(['cluster'], rate(metricRef(m('dwcp_hde_bytes_original_total')), '1h')),
      sumBy(['cluster'], rate(metricRef(m('dwcp_hde_bytes_compressed_total')), '1h')),
    ),
  ),
  rec(
    'dwcp:efficiency:bandwidth_savings_ratio:1h',
    div(bytesSavedRate('1h'), sumBy(['cluster'], rate(metricRef(m('dwcp_hde_bytes_original_total')), '1h'))),
  ),
];

const availability5m = V1_RECORDING.find((r) => r.record === 'dwcp:system:availability:5m')!;

/** Group `dwcp_sla_tracking`; the 30-day availability no longer fails to parse. */
export const V1_SLA_RECORDING: readonly RecordingRule[] = [
  rec('dwcp:sla:availability:30d', call('avg_over_time', range(recordedRef(availability5m), '30d'))),
  rec(
    'dwcp:sla:migration_time:24h',
    div(
      sumBy(
        ['cluster'],
        rate(sumRef(m('dwcp_migration_duration_seconds'), eq('dwcp_enabled', 'true')), '24h'),
      ),
      sumBy(
        ['cluster'],
        rate(countRef(m('dwcp_migration_duration_seconds'), eq('dwcp_enabled', 'true')), '24h'),
      ),
    ),
  ),
  rec(
    'dwcp:sla:compression_ratio:24h',
    histogramQuantile(0.5, bucketRef(m('dwcp_hde_compression_ratio')), '24h', ['cluster']),
  ),
  rec(
    'dwcp:sla:error_rate:24h',
    div(
      sumBy(['cluster'], rate(metricRef(m('dwcp_amst_errors_total')), '24h')),
      sumBy(['cluster'], rate(metricRef(m('dwcp_amst_streams_total')), '24h')),
    ),
  ),
];
