/**
 * Phase 6 production symptom alerts: the critical (7) and warning (5) groups with the thresholds of the
 * original `alerts-production.yml`. Fixed against the original: GB/s are 1e9 bytes/s; `rate()` on gauges is
 * replaced by `delta()` / `changes()`; dwcp_v3_acp_consensus_failures_total (never emitted) is replaced by the
 * share of consensus operations whose result is not success, which pages above 1 % (warning above 0.1 %) instead
 * of on any failed round.
 * Each threshold is written once; `threshold.ts` derives expression, text and promtool values from it.
 * @see seed 002 "Production Alert Rules"; NovaCron inventory 2.3
 */
import { HEALTH } from '../../model/dwcp.ts';
import type { Expr } from '../promql/ast.ts';
import { aggBy, and, call, div, eq, eqOp, gt, lt, ne, num, range, rate, sumBy } from '../promql/build.ts';
import { metricRef } from '../promql/metric.ts';
import { inlineCode } from '../promql/print.ts';
import { counterRate, counterRatio, gaugeGrowth, gaugeIs, histogramQuantileAt } from './fixtures.ts';
import {
  DOWNTIME_HINTS,
  ERR_FX,
  ERROR_HINTS,
  errorsPerSecond,
  GO_NO_GO,
  LAT_FX,
  latencyQ,
  m,
  RI,
  S2,
  THROUGHPUT_HINTS,
  datacenterThroughputAmst,
  datacenterThroughputFixture,
} from './production-common.ts';
import { stateAlert, thresholdAlert } from './threshold.ts';
import type { AlertRule, InputSeries } from './types.ts';

/** Three SLA types, `round(v x 3)` of them compliant: the GO/NO-GO score moves in steps of 1/3. */
function goNoGoFixture(v: number): InputSeries[] {
  const types = ['latency', 'throughput', 'error_rate'];
  const good = Math.round(v * 3);
  return types.flatMap((t, i) =>
    gaugeIs('dwcp_v3_sla_compliance', { sla_type: t, metric: `${t}_p99` })(i < good ? 1 : 0),
  );
}

/** Consensus rounds of `dwcp_v3_consensus_operations_total` per second by (region, instance) over 5 minutes. */
const consensusRounds = (failedOnly: boolean): Expr =>
  sumBy(
    RI,
    rate(
      failedOnly
        ? metricRef(m('dwcp_v3_consensus_operations_total'), ne('result', 'success'))
        : metricRef(m('dwcp_v3_consensus_operations_total')),
      '5m',
    ),
  );

/** Share of ACP consensus rounds that did not succeed (timeout or failure) per (region, instance), over 5 minutes. */
export const CONSENSUS_FAILURE_RATIO: Expr = div(consensusRounds(true), consensusRounds(false));

/**
 * ACP consensus failure alerts on the failure ratio (non-success / all rounds over 5 m), never on a single failed
 * round: `critical` pages above 1 % for 2 m, `warning` notifies above 0.1 % for 10 m.
 */
function consensusFailureAlert(level: 'critical' | 'warning'): AlertRule {
  const critical = level === 'critical';
  const minutes = critical ? 2 : 10;
  return thresholdAlert({
    name: critical ? 'DWCPv3ConsensusFailure' : 'DWCPv3ConsensusFailureRatioElevated',
    component: 'acp',
    severity: level,
    escalation: critical ? 'high' : 'low',
    for: `${minutes}m`,
    measure: CONSENSUS_FAILURE_RATIO,
    direction: 'above',
    threshold: critical ? 0.01 : 0.001,
    unit: 'ratio',
    summary: (t) => `More than ${t} of ACP consensus rounds failing on {{ $labels.instance }}`,
    description: (t) =>
      `More than ${t} of ACP consensus rounds on {{ $labels.instance }} ({{ $labels.region }}) timed out or failed over the last 5 minutes, for ${minutes} minutes.`,
    source: `${S2}; dwcp_v3_acp_consensus_failures_total (never emitted) replaced by the share of consensus operations whose result is not success; pages on the ratio (1 % for 2 m, warning 0.1 % for 10 m), not on a single failed round`,
    fixture: counterRatio(
      {
        name: 'dwcp_v3_consensus_operations_total',
        labels: { node_id: 'node-1', protocol: 'raft', result: 'timeout' },
      },
      {
        name: 'dwcp_v3_consensus_operations_total',
        labels: { node_id: 'node-1', protocol: 'raft', result: 'success' },
      },
      { denomIsSum: true },
    ),
    runbook: {
      causes: [
        'quorum lost (nodes down or partitioned)',
        'Byzantine node',
        'consensus timeouts on high-latency links',
      ],
      actions: [
        `Break the rounds down by result: ${inlineCode(sumBy(['instance', 'result'], rate(metricRef(m('dwcp_v3_consensus_operations_total')), '5m')))}`,
        'Check leader changes and Byzantine detections on the ACP dashboard',
        'Check that a quorum of nodes is up',
      ],
    },
  });
}

/** Critical group (7 rules): page-worthy symptoms of the rollout. */
export const PRODUCTION_CRITICAL: readonly AlertRule[] = [
  thresholdAlert({
    name: 'DWCPv3RolloutNoGo',
    component: 'rollout',
    severity: 'critical',
    escalation: 'immediate',
    for: '1m',
    measure: GO_NO_GO,
    direction: 'below',
    threshold: 0.5,
    unit: 'number',
    summary: () => 'DWCP v3 rollout is NO-GO: SLA compliance failing',
    description: (t) =>
      `The mean of the worst latency, throughput and error-rate SLA compliance is below ${t}: at least two SLA types are violated. Halt the rollout.`,
    source: S2,
    fixture: goNoGoFixture,
    margin: { grid: 1 / 3 },
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
  }),
  thresholdAlert({
    name: 'DWCPv3LatencyP99Critical',
    component: 'migration',
    severity: 'critical',
    escalation: 'immediate',
    for: '2m',
    measure: latencyQ(0.99),
    direction: 'above',
    threshold: 0.5,
    unit: 'seconds',
    summary: (t) => `Migration switchover downtime P99 above ${t} in {{ $labels.region }}`,
    description: (t) =>
      `The P99 of DWCP v3 migration switchover downtime (the pause the VM sees) in region {{ $labels.region }} has been above ${t} (Phase 6 SLA) for 2 minutes.`,
    source: `${S2}; dwcp_v3_migration_latency_seconds is the switchover downtime (QEMU "downtime"), not the whole migration`,
    fixture: histogramQuantileAt('dwcp_v3_migration_latency_seconds', LAT_FX, 0.99),
    runbook: DOWNTIME_HINTS,
  }),
  thresholdAlert({
    name: 'DWCPv3ThroughputCriticalLow',
    component: 'amst',
    severity: 'critical',
    escalation: 'high',
    for: '3m',
    measure: datacenterThroughputAmst(),
    direction: 'below',
    threshold: 2.0e9,
    unit: 'bytes_per_second',
    summary: (t) => `AMST throughput of datacenter-mode nodes below ${t} in {{ $labels.region }}`,
    description: (t, v) =>
      `Average AMST transmit throughput of the datacenter-mode nodes (sum over transports) in region {{ $labels.region }} has been below ${t} (${v / 1e9}e9 bytes/s; target 2.4 GB/s) for 3 minutes.`,
    source: `${S2}; GB/s = 1e9 bytes/s; scoped to datacenter mode, whose RDMA target the 2.4 GB/s is (the original ThroughputDegradation alert uses mode="datacenter")`,
    fixture: datacenterThroughputFixture,
    runbook: THROUGHPUT_HINTS,
  }),
  thresholdAlert({
    name: 'DWCPv3ErrorRateCritical',
    component: 'system',
    severity: 'critical',
    escalation: 'immediate',
    for: '1m',
    measure: errorsPerSecond('5m'),
    direction: 'above',
    threshold: 10,
    unit: 'number',
    summary: (t) => `More than ${t} DWCP v3 errors per second in {{ $labels.region }}`,
    description: (t) =>
      `DWCP v3 components in region {{ $labels.region }} have logged more than ${t} errors per second (5-minute rate) for 1 minute.`,
    source: S2,
    fixture: counterRate('dwcp_v3_errors_total', ERR_FX),
    runbook: ERROR_HINTS,
  }),
  stateAlert({
    name: 'DWCPv3ComponentDown',
    component: 'system',
    severity: 'critical',
    escalation: 'immediate',
    for: '30s',
    measure: metricRef(m('dwcp_v3_component_health')),
    state: HEALTH.down,
    otherState: HEALTH.degraded,
    summary: 'DWCP v3 component {{ $labels.component }} down on {{ $labels.instance }}',
    description:
      'Component {{ $labels.component }} ({{ $labels.version }}) on {{ $labels.instance }} in {{ $labels.region }} reports health 0 (down).',
    source: S2,
    fixture: gaugeIs('dwcp_v3_component_health', { component: 'acp', version: 'v3' }),
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
  }),
  consensusFailureAlert('critical'),
  thresholdAlert({
    name: 'DWCPv3MemoryLeakSuspected',
    component: 'system',
    severity: 'critical',
    escalation: 'high',
    for: '10m',
    measure: call(
      'delta',
      range(metricRef(m('dwcp_v3_resource_utilization_percent'), eq('resource_type', 'memory')), '30m'),
    ),
    direction: 'above',
    threshold: 5,
    unit: 'number',
    summary: (t) => `Memory use on {{ $labels.instance }} grew by more than ${t} points in 30 minutes`,
    description: (t) =>
      `Memory utilisation on {{ $labels.instance }} ({{ $labels.node }}) grew by more than ${t} percentage points over 30 minutes, for 10 minutes.`,
    source: `${S2}; fixed: the original took rate() of a gauge (per second), we use delta() over 30m`,
    fixture: gaugeGrowth(
      'dwcp_v3_resource_utilization_percent',
      { resource_type: 'memory', node: 'node-1' },
      30,
    ),
    runbook: {
      causes: ['a leak in the v3 build (buffers, goroutines, baselines)', 'caches without limits'],
      actions: [
        'Take a heap profile of the process',
        'Compare with the same node before the last rollout step',
      ],
    },
  }),
];

/** Warning group (6 rules). */
export const PRODUCTION_WARNING: readonly AlertRule[] = [
  thresholdAlert({
    name: 'DWCPv3LatencyP95High',
    component: 'migration',
    severity: 'warning',
    escalation: 'low',
    for: '5m',
    measure: latencyQ(0.95),
    direction: 'above',
    threshold: 0.3,
    unit: 'seconds',
    summary: (t) => `Migration switchover downtime P95 above ${t} in {{ $labels.region }}`,
    description: (t) =>
      `The P95 of DWCP v3 migration switchover downtime (the pause the VM sees) in region {{ $labels.region }} has been above ${t} for 5 minutes.`,
    source: `${S2}; dwcp_v3_migration_latency_seconds is the switchover downtime (QEMU "downtime"), not the whole migration`,
    fixture: histogramQuantileAt('dwcp_v3_migration_latency_seconds', LAT_FX, 0.95),
    runbook: DOWNTIME_HINTS,
  }),
  thresholdAlert({
    name: 'DWCPv3ThroughputLow',
    component: 'amst',
    severity: 'warning',
    escalation: 'low',
    for: '5m',
    measure: datacenterThroughputAmst(),
    direction: 'below',
    threshold: 2.2e9,
    unit: 'bytes_per_second',
    summary: (t) => `AMST throughput of datacenter-mode nodes below ${t} in {{ $labels.region }}`,
    description: (t, v) =>
      `Average AMST transmit throughput of the datacenter-mode nodes (sum over transports) in region {{ $labels.region }} has been below ${t} (${v / 1e9}e9 bytes/s) for 5 minutes.`,
    source: `${S2}; scoped to datacenter mode like DWCPv3ThroughputCriticalLow`,
    fixture: datacenterThroughputFixture,
    runbook: THROUGHPUT_HINTS,
  }),
  thresholdAlert({
    name: 'DWCPv3ErrorRateElevated',
    component: 'system',
    severity: 'warning',
    escalation: 'low',
    for: '5m',
    measure: errorsPerSecond('10m'),
    direction: 'above',
    threshold: 1,
    unit: 'number',
    summary: (t, v) => `More than ${t} DWCP v3 error${v === 1 ? '' : 's'} per second in {{ $labels.region }}`,
    description: (t, v) =>
      `DWCP v3 components in region {{ $labels.region }} have logged more than ${t} error${v === 1 ? '' : 's'} per second (10-minute rate) for 5 minutes.`,
    source: S2,
    fixture: counterRate('dwcp_v3_errors_total', ERR_FX),
    runbook: ERROR_HINTS,
  }),
  consensusFailureAlert('warning'),
  thresholdAlert({
    name: 'DWCPv3CPUHighUsage',
    component: 'system',
    severity: 'warning',
    escalation: 'low',
    for: '10m',
    measure: aggBy(
      'avg',
      RI,
      metricRef(m('dwcp_v3_resource_utilization_percent'), eq('resource_type', 'cpu')),
    ),
    direction: 'above',
    threshold: 80,
    unit: 'percent',
    summary: (t) => `CPU above ${t} on {{ $labels.instance }}`,
    description: (t) =>
      `CPU utilisation on {{ $labels.instance }} ({{ $labels.region }}) has been above ${t} for 10 minutes.`,
    source: S2,
    fixture: gaugeIs('dwcp_v3_resource_utilization_percent', { resource_type: 'cpu', node: 'node-1' }),
    runbook: {
      causes: ['HDE compression at high levels (zstd-max, brotli)', 'too many concurrent migrations'],
      actions: ['Check the HDE algorithm mix', 'Check the number of running migrations on the node'],
    },
  }),
  // Not a single threshold: "no change in 30m while between 0 % and 100 %", written out.
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
