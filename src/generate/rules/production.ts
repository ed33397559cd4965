/**
 * Phase 6 production rules: the six alert groups (critical, warning, anomaly, SLA, component, meta) and the
 * recording rules of seed 002 with the thresholds of the original `alerts-production.yml` (inventory 2.3).
 * Fixed against the original: metric names that nothing emitted (inventory 1.7) are replaced by catalog metrics;
 * GB/s are 1e9 bytes/s; prediction accuracy is a 0..1 ratio; the HDE compression alert compares a ratio of ~3-5x
 * with 2.0 (inventory 2.4 `CompressionRatioDegraded`) instead of 0.70; `rate()` on gauges is replaced by
 * `delta()` / `changes()`; meta alerts use the series this stack really has (`up`, `scrape_duration_seconds`).
 */
import { getMetric } from '../../catalog/index.ts';
import { HEALTH } from '../../model/dwcp.ts';
import type { Expr } from '../promql/ast.ts';
import {
  add,
  agg,
  aggBy,
  and,
  call,
  div,
  eq,
  eqOp,
  gt,
  gte,
  histogramQuantile,
  increase,
  lt,
  num,
  paren,
  range,
  rate,
  re,
  sumBy,
} from '../promql/build.ts';
import { bucketRef, metricRef } from '../promql/metric.ts';
import { inlineCode } from '../promql/print.ts';
import {
  activeCounters,
  counterIncrease,
  counterRate,
  gaugeGrowth,
  gaugeIs,
  gaugeShare,
  histogramQuantileAt,
} from './fixtures.ts';
import type { AlertRule, RecordingRule, RuleGroup } from './types.ts';

const S2 = 'seed 002 "Production Alert Rules" / inventory 2.3';
const m = getMetric;
const R = ['region'] as const;
const RI = ['region', 'instance'] as const;

const latencyBucket = () => bucketRef(m('dwcp_v3_migration_latency_seconds'));
const latencyQ = (q: number): Expr => histogramQuantile(q, latencyBucket(), '5m', R);
const throughputAmst = (): Expr =>
  aggBy(
    'avg',
    R,
    metricRef(m('dwcp_v3_throughput_bytes_per_second'), eq('component', 'amst'), eq('direction', 'tx')),
  );
const errorsPerSecond = (d: '5m' | '10m'): Expr => sumBy(R, rate(metricRef(m('dwcp_v3_errors_total')), d));
const sla = (t: string) => metricRef(m('dwcp_v3_sla_compliance'), eq('sla_type', t));

const LAT_FX = { source: 'us-east-1', destination: 'eu-west-1', vm_size: '4GB', mode: 'datacenter' };
const TPUT_FX = { component: 'amst', direction: 'tx', transport: 'rdma' };
const ERR_FX = { component: 'amst', error_type: 'timeout', severity: 'warning' };

/** GO/NO-GO score of the rollout: mean of the worst latency, throughput and error-rate SLA compliance (0..1). */
export const GO_NO_GO: Expr = div(
  paren(add(add(agg('min', sla('latency')), agg('min', sla('throughput'))), agg('min', sla('error_rate')))),
  num(3),
);

function goNoGoFixture(v: number) {
  const types = ['latency', 'throughput', 'error_rate'];
  const good = Math.round(v * 3);
  return types.flatMap((t, i) =>
    gaugeIs('dwcp_v3_sla_compliance', { sla_type: t, metric: `${t}_p99` })(i < good ? 1 : 0),
  );
}

const LATENCY_HINTS = {
  causes: [
    'WAN congestion or loss on the migration path',
    'a slow component (HDE compression, ACP consensus) in the data path',
    'the v3 build of the current rollout stage',
  ],
  actions: [
    `Find the slow component: ${inlineCode(histogramQuantile(0.99, bucketRef(m('dwcp_v3_component_latency_seconds')), '5m', ['component']))}`,
    'Compare v1 and v3 latency on the Phase 6 dashboard; if only v3 is slow, it is a rollout regression',
  ],
};
const THROUGHPUT_HINTS = {
  causes: ['RDMA fallen back to TCP', 'AMST running too few streams', 'link saturated by other traffic'],
  actions: [
    'Break throughput down by transport (rdma/tcp) and node',
    'Check AMST active streams and congestion events',
  ],
};
const ERROR_HINTS = {
  causes: [
    'a failing component (see component health)',
    'a bad v3 build in the current rollout stage',
    'network partition between regions',
  ],
  actions: [
    `Break errors down: ${inlineCode(sumBy(['component', 'error_type'], rate(metricRef(m('dwcp_v3_errors_total')), '5m')))}`,
    'Check whether errors started with a rollout step',
  ],
};

/** Seed 002 critical group (7 rules): page-worthy symptoms of the rollout. */
export const PRODUCTION_CRITICAL: readonly AlertRule[] = [
  {
    kind: 'alert',
    name: 'DWCPv3RolloutNoGo',
    component: 'rollout',
    severity: 'critical',
    escalation: 'immediate',
    for: '1m',
    expr: lt(GO_NO_GO, num(0.5)),
    summary: 'DWCP v3 rollout is NO-GO: SLA compliance failing',
    description:
      'The mean of the worst latency, throughput and error-rate SLA compliance is below 0.5: at least two SLA types are violated. Halt the rollout.',
    source: S2,
    test: { series: goNoGoFixture, firing: 1 / 3, silent: 2 / 3 },
    runbook: {
      causes: [
        'v3 regression introduced by the current rollout stage',
        'an infrastructure incident that breaks several SLAs at once',
      ],
      actions: [
        'Freeze the rollout at the current stage now',
        `Identify the violated SLA types: ${inlineCode(eqOp(metricRef(m('dwcp_v3_sla_compliance')), num(0)))}`,
      ],
    },
  },
  {
    kind: 'alert',
    name: 'DWCPv3LatencyP99Critical',
    component: 'migration',
    severity: 'critical',
    escalation: 'immediate',
    for: '2m',
    expr: gt(latencyQ(0.99), num(0.5)),
    summary: 'Migration latency P99 above 500 ms in {{ $labels.region }}',
    description:
      'The P99 of DWCP v3 migration latency in region {{ $labels.region }} has been above 500 ms (Phase 6 SLA) for 2 minutes.',
    source: S2,
    test: {
      series: histogramQuantileAt('dwcp_v3_migration_latency_seconds', LAT_FX, 0.99),
      firing: 0.505,
      silent: 0.495,
    },
    runbook: LATENCY_HINTS,
  },
  {
    kind: 'alert',
    name: 'DWCPv3ThroughputCriticalLow',
    component: 'amst',
    severity: 'critical',
    escalation: 'high',
    for: '3m',
    expr: lt(throughputAmst(), num(2.0e9)),
    summary: 'AMST throughput below 2.0 GB/s in {{ $labels.region }}',
    description:
      'Average AMST transmit throughput in region {{ $labels.region }} has been below 2.0 GB/s (2e9 bytes/s; target 2.4 GB/s) for 3 minutes.',
    source: `${S2}; GB/s = 1e9 bytes/s`,
    test: { series: gaugeIs('dwcp_v3_throughput_bytes_per_second', TPUT_FX), firing: 1.98e9, silent: 2.02e9 },
    runbook: THROUGHPUT_HINTS,
  },
  {
    kind: 'alert',
    name: 'DWCPv3ErrorRateCritical',
    component: 'system',
    severity: 'critical',
    escalation: 'immediate',
    for: '1m',
    expr: gt(errorsPerSecond('5m'), num(10)),
    summary: 'More than 10 DWCP v3 errors per second in {{ $labels.region }}',
    description:
      'DWCP v3 components in region {{ $labels.region }} have logged more than 10 errors per second (5-minute rate) for 1 minute.',
    source: S2,
    test: { series: counterRate('dwcp_v3_errors_total', ERR_FX), firing: 10.1, silent: 9.9 },
    runbook: ERROR_HINTS,
  },
  {
    kind: 'alert',
    name: 'DWCPv3ComponentDown',
    component: 'system',
    severity: 'critical',
    escalation: 'immediate',
    for: '30s',
    expr: eqOp(metricRef(m('dwcp_v3_component_health')), num(HEALTH.down)),
    summary: 'DWCP v3 component {{ $labels.component }} down on {{ $labels.instance }}',
    description:
      'Component {{ $labels.component }} ({{ $labels.version }}) on {{ $labels.instance }} in {{ $labels.region }} reports health 0 (down).',
    source: S2,
    test: {
      series: gaugeIs('dwcp_v3_component_health', { component: 'acp', version: 'v3' }),
      firing: HEALTH.down,
      silent: HEALTH.degraded,
    },
    runbook: {
      causes: [
        'the component process crashed or failed its health check',
        'a dependency (peer nodes, storage) is unreachable',
      ],
      actions: [
        'Check the node: `curl http://<instance>/health`',
        'Check the component error counters on the component dashboard',
      ],
    },
  },
  {
    kind: 'alert',
    name: 'DWCPv3ConsensusFailure',
    component: 'acp',
    severity: 'critical',
    escalation: 'high',
    for: '1m',
    expr: gt(
      sumBy(
        RI,
        rate(metricRef(m('dwcp_v3_consensus_operations_total'), re('result', 'failure|timeout')), '2m'),
      ),
      num(0),
    ),
    summary: 'ACP consensus rounds failing on {{ $labels.instance }}',
    description:
      'ACP consensus rounds on {{ $labels.instance }} ({{ $labels.region }}) have been failing or timing out for 1 minute.',
    source: `${S2}; dwcp_v3_acp_consensus_failures_total (never emitted) replaced by consensus operations with result failure|timeout`,
    test: {
      series: counterRate('dwcp_v3_consensus_operations_total', {
        node_id: 'node-1',
        protocol: 'raft',
        result: 'timeout',
      }),
      firing: 0.01,
      silent: 0,
    },
    runbook: {
      causes: [
        'quorum lost (nodes down or partitioned)',
        'Byzantine node',
        'consensus timeouts on high-latency links',
      ],
      actions: [
        'Check leader changes and Byzantine detections on the ACP dashboard',
        'Check that a quorum of nodes is up',
      ],
    },
  },
  {
    kind: 'alert',
    name: 'DWCPv3MemoryLeakSuspected',
    component: 'system',
    severity: 'critical',
    escalation: 'high',
    for: '10m',
    expr: gt(
      call(
        'delta',
        range(metricRef(m('dwcp_v3_resource_utilization_percent'), eq('resource_type', 'memory')), '30m'),
      ),
      num(5),
    ),
    summary: 'Memory use on {{ $labels.instance }} grew by more than 5 points in 30 minutes',
    description:
      'Memory utilisation on {{ $labels.instance }} ({{ $labels.node }}) grew by more than 5 percentage points over 30 minutes, for 10 minutes.',
    source: `${S2}; fixed: the original took rate() of a gauge (per second), we use delta() over 30m`,
    test: {
      series: gaugeGrowth(
        'dwcp_v3_resource_utilization_percent',
        { resource_type: 'memory', node: 'node-1' },
        30,
      ),
      firing: 5.05,
      silent: 4.95,
    },
    runbook: {
      causes: ['a leak in the v3 build (buffers, goroutines, baselines)', 'caches without limits'],
      actions: [
        'Take a heap profile of the process',
        'Compare with the same node before the last rollout step',
      ],
    },
  },
];

/** Seed 002 warning group (5 rules). */
export const PRODUCTION_WARNING: readonly AlertRule[] = [
  {
    kind: 'alert',
    name: 'DWCPv3LatencyP95High',
    component: 'migration',
    severity: 'warning',
    escalation: 'low',
    for: '5m',
    expr: gt(latencyQ(0.95), num(0.3)),
    summary: 'Migration latency P95 above 300 ms in {{ $labels.region }}',
    description:
      'The P95 of DWCP v3 migration latency in region {{ $labels.region }} has been above 300 ms for 5 minutes.',
    source: S2,
    test: {
      series: histogramQuantileAt('dwcp_v3_migration_latency_seconds', LAT_FX, 0.95),
      firing: 0.303,
      silent: 0.297,
    },
    runbook: LATENCY_HINTS,
  },
  {
    kind: 'alert',
    name: 'DWCPv3ThroughputLow',
    component: 'amst',
    severity: 'warning',
    escalation: 'low',
    for: '5m',
    expr: lt(throughputAmst(), num(2.2e9)),
    summary: 'AMST throughput below 2.2 GB/s in {{ $labels.region }}',
    description:
      'Average AMST transmit throughput in region {{ $labels.region }} has been below 2.2 GB/s (2.2e9 bytes/s) for 5 minutes.',
    source: S2,
    test: {
      series: gaugeIs('dwcp_v3_throughput_bytes_per_second', TPUT_FX),
      firing: 2.178e9,
      silent: 2.222e9,
    },
    runbook: THROUGHPUT_HINTS,
  },
  {
    kind: 'alert',
    name: 'DWCPv3ErrorRateElevated',
    component: 'system',
    severity: 'warning',
    escalation: 'low',
    for: '5m',
    expr: gt(errorsPerSecond('10m'), num(1)),
    summary: 'More than 1 DWCP v3 error per second in {{ $labels.region }}',
    description:
      'DWCP v3 components in region {{ $labels.region }} have logged more than 1 error per second (10-minute rate) for 5 minutes.',
    source: S2,
    test: { series: counterRate('dwcp_v3_errors_total', ERR_FX), firing: 1.01, silent: 0.99 },
    runbook: ERROR_HINTS,
  },
  {
    kind: 'alert',
    name: 'DWCPv3CPUHighUsage',
    component: 'system',
    severity: 'warning',
    escalation: 'low',
    for: '10m',
    expr: gt(
      aggBy('avg', RI, metricRef(m('dwcp_v3_resource_utilization_percent'), eq('resource_type', 'cpu'))),
      num(80),
    ),
    summary: 'CPU above 80 % on {{ $labels.instance }}',
    description:
      'CPU utilisation on {{ $labels.instance }} ({{ $labels.region }}) has been above 80 % for 10 minutes.',
    source: S2,
    test: {
      series: gaugeIs('dwcp_v3_resource_utilization_percent', { resource_type: 'cpu', node: 'node-1' }),
      firing: 80.8,
      silent: 79.2,
    },
    runbook: {
      causes: ['HDE compression at high levels (zstd-max, brotli)', 'too many concurrent migrations'],
      actions: ['Check the HDE algorithm mix', 'Check the number of running migrations on the node'],
    },
  },
  {
    kind: 'alert',
    name: 'DWCPv3RolloutStalled',
    component: 'rollout',
    severity: 'warning',
    escalation: 'low',
    for: '15m',
    expr: and(
      and(
        eqOp(call('changes', range(metricRef(m('dwcp_v3_rollout_progress_percent')), '30m')), num(0)),
        gt(metricRef(m('dwcp_v3_rollout_progress_percent')), num(0)),
      ),
      lt(metricRef(m('dwcp_v3_rollout_progress_percent')), num(100)),
    ),
    summary: 'DWCP v3 rollout stalled at stage {{ $labels.stage }} in {{ $labels.region }}',
    description:
      'Rollout progress in {{ $labels.region }} has not changed for 45 minutes while between 0 % and 100 %.',
    source: `${S2}; fixed: the original took rate() of a gauge; here no change in 30m plus for 15m. The unit test checks 99 % (stalled, fires) and 100 % (complete, silent)`,
    test: {
      series: gaugeIs('dwcp_v3_rollout_progress_percent', { stage: 'canary' }),
      firing: 99,
      silent: 100,
    },
    runbook: {
      causes: ['the rollout controller paused on a NO-GO decision', 'the controller itself is stuck'],
      actions: ['Check whether DWCPv3RolloutNoGo fired recently', 'Check the rollout controller logs'],
    },
  },
];

const anomalyIncrease = (type: string): Expr =>
  gt(
    sumBy(RI, increase(metricRef(m('dwcp_v3_anomaly_detections_total'), eq('anomaly_type', type)), '5m')),
    num(0),
  );

/** Seed 002 anomaly group (3 rules) over the detector's anomaly counter. */
export const PRODUCTION_ANOMALY: readonly AlertRule[] = [
  {
    kind: 'alert',
    name: 'DWCPv3LatencyAnomalyDetected',
    component: 'system',
    severity: 'warning',
    escalation: 'low',
    for: '2m',
    expr: anomalyIncrease('latency'),
    summary: 'Latency anomalies detected on {{ $labels.instance }}',
    description:
      'The anomaly detector on {{ $labels.instance }} ({{ $labels.region }}) reported latency anomalies in the last 5 minutes, for 2 minutes.',
    source: S2,
    test: {
      series: counterIncrease(
        'dwcp_v3_anomaly_detections_total',
        { anomaly_type: 'latency', severity: 'warning' },
        5,
      ),
      firing: 0.5,
      silent: 0,
    },
    runbook: LATENCY_HINTS,
  },
  {
    kind: 'alert',
    name: 'DWCPv3ThroughputAnomalyDetected',
    component: 'system',
    severity: 'warning',
    escalation: 'low',
    for: '2m',
    expr: anomalyIncrease('throughput'),
    summary: 'Throughput anomalies detected on {{ $labels.instance }}',
    description:
      'The anomaly detector on {{ $labels.instance }} ({{ $labels.region }}) reported throughput anomalies in the last 5 minutes, for 2 minutes.',
    source: S2,
    test: {
      series: counterIncrease(
        'dwcp_v3_anomaly_detections_total',
        { anomaly_type: 'throughput', severity: 'warning' },
        5,
      ),
      firing: 0.5,
      silent: 0,
    },
    runbook: THROUGHPUT_HINTS,
  },
  {
    kind: 'alert',
    name: 'DWCPv3MultipleAnomalies',
    component: 'system',
    severity: 'critical',
    escalation: 'high',
    for: '3m',
    expr: gte(
      aggBy(
        'count',
        R,
        gt(
          sumBy(
            ['region', 'instance', 'anomaly_type'],
            increase(metricRef(m('dwcp_v3_anomaly_detections_total')), '5m'),
          ),
          num(0),
        ),
      ),
      num(3),
    ),
    summary: 'Anomalies on 3 or more node/type pairs in {{ $labels.region }}',
    description:
      'In region {{ $labels.region }} at least 3 (node, anomaly type) pairs reported anomalies in the last 5 minutes, for 3 minutes: the system is unstable.',
    source: `${S2}; counted per (instance, anomaly_type) in a region`,
    test: {
      series: activeCounters('dwcp_v3_anomaly_detections_total', (i) => ({
        instance: `node-${i + 1}:9400`,
        anomaly_type: 'latency',
        severity: 'warning',
      })),
      firing: 3,
      silent: 2,
    },
    runbook: {
      causes: ['a regional incident (network, power)', 'a regression affecting many nodes'],
      actions: [
        'Open the anomaly timeline on the Phase 6 dashboard',
        'Check whether anomalies share a node, a component or a start time',
      ],
    },
  },
];

/** Seed 002 SLA group (4 rules) over the SLA compliance gauge. */
export const PRODUCTION_SLA: readonly AlertRule[] = [
  {
    kind: 'alert',
    name: 'DWCPv3SLALatencyViolation',
    component: 'sla',
    severity: 'critical',
    escalation: 'high',
    for: '2m',
    labels: { sla: 'true' },
    expr: eqOp(sla('latency'), num(0)),
    summary: 'Latency SLA violated ({{ $labels.metric }}) on {{ $labels.instance }}',
    description:
      'The latency SLA ({{ $labels.metric }}) on {{ $labels.instance }} has been violated for 2 minutes.',
    source: S2,
    test: {
      series: gaugeIs('dwcp_v3_sla_compliance', { sla_type: 'latency', metric: 'p99' }),
      firing: 0,
      silent: 1,
    },
    runbook: LATENCY_HINTS,
  },
  {
    kind: 'alert',
    name: 'DWCPv3SLAThroughputViolation',
    component: 'sla',
    severity: 'critical',
    escalation: 'high',
    for: '3m',
    labels: { sla: 'true' },
    expr: eqOp(sla('throughput'), num(0)),
    summary: 'Throughput SLA violated ({{ $labels.metric }}) on {{ $labels.instance }}',
    description:
      'The throughput SLA ({{ $labels.metric }}) on {{ $labels.instance }} has been violated for 3 minutes.',
    source: S2,
    test: {
      series: gaugeIs('dwcp_v3_sla_compliance', { sla_type: 'throughput', metric: 'bytes_per_second' }),
      firing: 0,
      silent: 1,
    },
    runbook: THROUGHPUT_HINTS,
  },
  {
    kind: 'alert',
    name: 'DWCPv3SLAErrorRateViolation',
    component: 'sla',
    severity: 'critical',
    escalation: 'immediate',
    for: '1m',
    labels: { sla: 'true' },
    expr: eqOp(sla('error_rate'), num(0)),
    summary: 'Error-rate SLA violated ({{ $labels.metric }}) on {{ $labels.instance }}',
    description:
      'The error-rate SLA ({{ $labels.metric }}) on {{ $labels.instance }} has been violated for 1 minute.',
    source: S2,
    test: {
      series: gaugeIs('dwcp_v3_sla_compliance', { sla_type: 'error_rate', metric: 'errors_ratio' }),
      firing: 0,
      silent: 1,
    },
    runbook: ERROR_HINTS,
  },
  {
    kind: 'alert',
    name: 'DWCPv3SLAOverallCompliance',
    component: 'sla',
    severity: 'warning',
    escalation: 'low',
    for: '5m',
    labels: { sla: 'true' },
    expr: lt(aggBy('avg', R, metricRef(m('dwcp_v3_sla_compliance'))), num(0.95)),
    summary: 'Overall SLA compliance below 95 % in {{ $labels.region }}',
    description:
      'Fewer than 95 % of SLA compliance series in region {{ $labels.region }} have been compliant for 5 minutes.',
    source: S2,
    test: {
      series: gaugeShare(
        'dwcp_v3_sla_compliance',
        100,
        (i) => ({ instance: `node-${i}:9400`, sla_type: 'latency', metric: 'p99' }),
        1,
        0,
      ),
      firing: 0.94,
      silent: 0.96,
    },
    runbook: {
      causes: ['SLA violations on several nodes'],
      actions: [`List violations: ${inlineCode(eqOp(metricRef(m('dwcp_v3_sla_compliance')), num(0)))}`],
    },
  },
];

/** Seed 002 component group (AMST, HDE, PBA x2, ACP). */
export const PRODUCTION_COMPONENT: readonly AlertRule[] = [
  {
    kind: 'alert',
    name: 'DWCPv3AMSTStreamSaturation',
    component: 'amst',
    severity: 'warning',
    escalation: 'low',
    for: '5m',
    expr: gt(metricRef(m('dwcp_v3_active_streams'), eq('mode', 'datacenter')), num(450)),
    summary: 'AMST close to its 512-stream limit on {{ $labels.instance }}',
    description:
      'AMST on {{ $labels.instance }} ({{ $labels.node_id }}) has run more than 450 of at most 512 datacenter streams for 5 minutes.',
    source: `${S2}; dwcp_v3_amst_active_streams (never emitted) is dwcp_v3_active_streams`,
    test: {
      series: gaugeIs('dwcp_v3_active_streams', { node_id: 'node-1', mode: 'datacenter' }),
      firing: 451,
      silent: 450,
    },
    runbook: {
      causes: ['many parallel migrations', 'streams not released'],
      actions: ['Compare streams with running migrations', 'Throttle new migrations on the node'],
    },
  },
  {
    kind: 'alert',
    name: 'DWCPv3HDECompressionLow',
    component: 'hde',
    severity: 'warning',
    escalation: 'low',
    for: '10m',
    expr: lt(
      aggBy(
        'avg',
        RI,
        metricRef(m('dwcp_v3_compression_ratio'), re('algorithm', 'lz4|zstd|zstd-max|brotli')),
      ),
      num(2),
    ),
    summary: 'HDE compression ratio below 2x on {{ $labels.instance }}',
    description:
      'The average HDE compression ratio on {{ $labels.instance }} has been below 2x for 10 minutes (target 3-5x).',
    source: `${S2}; fixed: the original compared the ~3.5x ratio with 0.70; threshold 2.0 from inventory 2.4 CompressionRatioDegraded`,
    test: {
      series: gaugeIs('dwcp_v3_compression_ratio', { node_id: 'node-1', algorithm: 'zstd' }),
      firing: 1.98,
      silent: 2.02,
    },
    runbook: {
      causes: ['incompressible workload', 'the ML algorithm selector choosing a fast, weak algorithm'],
      actions: ['Check the algorithm mix and delta hit ratio on the HDE dashboard'],
    },
  },
  {
    kind: 'alert',
    name: 'DWCPv3PBAPredictionAccuracyLow',
    component: 'pba',
    severity: 'warning',
    escalation: 'low',
    for: '10m',
    expr: lt(
      aggBy('avg', RI, metricRef(m('dwcp_v3_prediction_accuracy'), eq('mode', 'datacenter'))),
      num(0.85),
    ),
    summary: 'PBA datacenter prediction accuracy below 85 % on {{ $labels.instance }}',
    description:
      'PBA bandwidth prediction accuracy in datacenter mode on {{ $labels.instance }} has been below 0.85 for 10 minutes.',
    source: `${S2}; accuracy is a 0..1 ratio (the original exported percent), datacenter target 0.85 (seed 000)`,
    test: {
      series: gaugeIs('dwcp_v3_prediction_accuracy', { node_id: 'node-1', mode: 'datacenter' }),
      firing: 0.8415,
      silent: 0.8585,
    },
    runbook: {
      causes: ['traffic pattern changed since the model was trained', 'model input features missing'],
      actions: [
        'Retrain or roll back the PBA model',
        'Compare predicted and actual bandwidth on the PBA dashboard',
      ],
    },
  },
  {
    kind: 'alert',
    name: 'DWCPv3PBAInternetPredictionAccuracyLow',
    component: 'pba',
    severity: 'warning',
    escalation: 'low',
    for: '10m',
    expr: lt(aggBy('avg', RI, metricRef(m('dwcp_v3_prediction_accuracy'), eq('mode', 'internet'))), num(0.7)),
    summary: 'PBA internet prediction accuracy below 70 % on {{ $labels.instance }}',
    description:
      'PBA bandwidth prediction accuracy in internet mode on {{ $labels.instance }} has been below 0.70 for 10 minutes.',
    source: 'seed 000 PBA targets (internet 70 %); companion of DWCPv3PBAPredictionAccuracyLow',
    test: {
      series: gaugeIs('dwcp_v3_prediction_accuracy', { node_id: 'node-1', mode: 'internet' }),
      firing: 0.693,
      silent: 0.707,
    },
    runbook: {
      causes: ['WAN conditions more volatile than the model expects'],
      actions: ['Compare predicted and actual bandwidth on the PBA dashboard'],
    },
  },
  {
    kind: 'alert',
    name: 'DWCPv3ACPConsensusLatencyHigh',
    component: 'acp',
    severity: 'warning',
    escalation: 'low',
    for: '3m',
    expr: gt(
      histogramQuantile(
        0.95,
        bucketRef(m('dwcp_v3_consensus_latency_seconds'), eq('protocol', 'raft')),
        '5m',
        RI,
      ),
      num(0.1),
    ),
    summary: 'Raft consensus P95 above 100 ms on {{ $labels.instance }}',
    description:
      'The P95 of Raft (datacenter) consensus latency on {{ $labels.instance }} has been above 100 ms for 3 minutes (datacenter target < 100 ms).',
    source: `${S2}; dwcp_v3_acp_consensus_latency_ms (never emitted) is the histogram dwcp_v3_consensus_latency_seconds`,
    test: {
      series: histogramQuantileAt(
        'dwcp_v3_consensus_latency_seconds',
        { node_id: 'node-1', protocol: 'raft' },
        0.95,
      ),
      firing: 0.101,
      silent: 0.099,
    },
    runbook: {
      causes: ['slow or overloaded peer', 'leader on a high-latency link'],
      actions: ['Check leader changes and per-node latency on the ACP dashboard'],
    },
  },
];

/** Seed 002 meta group: monitoring of the monitoring (scrapes, Alertmanager). */
export const PRODUCTION_META: readonly AlertRule[] = [
  {
    kind: 'alert',
    name: 'DWCPv3PrometheusScrapeFailures',
    component: 'monitor',
    severity: 'warning',
    escalation: 'low',
    for: '5m',
    expr: eqOp(metricRef(m('up'), eq('job', 'dwcp')), num(0)),
    summary: 'Prometheus cannot scrape {{ $labels.instance }}',
    description:
      'Scrapes of DWCP target {{ $labels.instance }} have failed for 5 minutes; its dashboards and alerts are blind.',
    source: `${S2}; the original used Prometheus-internal counters, we alert on the synthetic up series`,
    test: { series: gaugeIs('up', {}), firing: 0, silent: 1 },
    runbook: {
      causes: ['the node or its metrics endpoint is down', 'firewall or service discovery change'],
      actions: ['Open Status > Targets in Prometheus for the error', '`curl http://<instance>/metrics`'],
    },
  },
  {
    kind: 'alert',
    name: 'DWCPv3MetricsCollectionSlow',
    component: 'monitor',
    severity: 'warning',
    escalation: 'low',
    for: '5m',
    expr: gt(
      call('max_over_time', range(metricRef(m('scrape_duration_seconds'), eq('job', 'dwcp')), '5m')),
      num(1),
    ),
    summary: 'Scraping {{ $labels.instance }} takes more than 1 s',
    description:
      'The slowest scrape of {{ $labels.instance }} in the last 5 minutes took more than 1 s (seed 002 target: full collection < 100 ms), for 5 minutes.',
    source: `${S2}; the original used prometheus_target_interval_length_seconds (not exposed per target)`,
    test: { series: gaugeIs('scrape_duration_seconds', {}), firing: 1.01, silent: 0.99 },
    runbook: {
      causes: ['label cardinality explosion on the node', 'the node is overloaded'],
      actions: [
        `Check ${inlineCode(metricRef(m('scrape_samples_scraped')))} of the target`,
        'Check node CPU',
      ],
    },
  },
  {
    kind: 'alert',
    name: 'DWCPv3AlertManagerDown',
    component: 'monitor',
    severity: 'critical',
    escalation: 'immediate',
    for: '2m',
    expr: eqOp(metricRef(m('up'), eq('job', 'alertmanager')), num(0)),
    summary: 'Alertmanager {{ $labels.instance }} is down',
    description:
      'Prometheus has not been able to scrape Alertmanager {{ $labels.instance }} for 2 minutes; alerts may not be delivered.',
    source: S2,
    test: {
      series: gaugeIs('up', { job: 'alertmanager', instance: 'alertmanager:9093' }),
      firing: 0,
      silent: 1,
    },
    runbook: {
      causes: ['Alertmanager process stopped', 'cluster peers partitioned'],
      actions: [
        '`systemctl status prometheus-alertmanager`',
        '`amtool check-config /etc/prometheus/alertmanager.yml`',
      ],
    },
  },
];

function rec(record: string, expr: Expr): RecordingRule {
  return { kind: 'record', record, expr, source: 'seed 002 "Recording Rules" / inventory 2.3' };
}

/** Seed 002 recording rules plus the GO/NO-GO score used by the Phase 6 dashboard. */
export const PRODUCTION_RECORDING: readonly RecordingRule[] = [
  rec('dwcp_v3:migration_latency_p50:5m', latencyQ(0.5)),
  rec('dwcp_v3:migration_latency_p95:5m', latencyQ(0.95)),
  rec('dwcp_v3:migration_latency_p99:5m', latencyQ(0.99)),
  rec('dwcp_v3:throughput_avg:5m', throughputAmst()),
  rec('dwcp_v3:error_rate:5m', errorsPerSecond('5m')),
  rec('dwcp_v3:sla_compliance_overall:5m', aggBy('avg', R, metricRef(m('dwcp_v3_sla_compliance')))),
  rec('dwcp_v3:go_no_go:score', GO_NO_GO),
];

/** Seed 002's six alert groups (intervals of the original) plus its recording group. */
export const PRODUCTION_GROUPS: readonly RuleGroup[] = [
  { name: 'dwcp_v3_recording', file: 'dwcp-v3-recording.yml', interval: '15s', rules: PRODUCTION_RECORDING },
  { name: 'dwcp_v3_critical', file: 'dwcp-v3-alerts.yml', interval: '15s', rules: PRODUCTION_CRITICAL },
  { name: 'dwcp_v3_warning', file: 'dwcp-v3-alerts.yml', interval: '30s', rules: PRODUCTION_WARNING },
  { name: 'dwcp_v3_anomaly', file: 'dwcp-v3-alerts.yml', interval: '30s', rules: PRODUCTION_ANOMALY },
  { name: 'dwcp_v3_sla', file: 'dwcp-v3-alerts.yml', interval: '30s', rules: PRODUCTION_SLA },
  { name: 'dwcp_v3_component', file: 'dwcp-v3-alerts.yml', interval: '30s', rules: PRODUCTION_COMPONENT },
  { name: 'dwcp_v3_meta', file: 'dwcp-v3-alerts.yml', interval: '1m', rules: PRODUCTION_META },
];
