/**
 * DWCP v1 error, health and SLA alerts: the DWCP v1 metrics spec's "Alerting Rules" with the expressions and
 * thresholds of the original `configs/prometheus/dwcp-alerts.yml`, bugs fixed: component down means health == 0
 * (the original's `< 2` included degraded) and availability counts healthy series (the original summed the
 * value 2). Each threshold is written once; `threshold.ts` derives expression, text and promtool values from it.
 * @see seed 001 "Alerting Rules"; NovaCron inventory 2.1
 */
import { getMetric } from '../../catalog/index.ts';
import { HEALTH } from '../../model/dwcp.ts';
import { aggBy, bin, div, eq, lt, num, rate, sumBy } from '../promql/build.ts';
import { countRef, metricRef, sumRef } from '../promql/metric.ts';
import { inlineCode } from '../promql/print.ts';
import { counterRatio, gaugeIs, gaugeShare, histogramMean } from './fixtures.ts';
import { stateAlert, thresholdAlert } from './threshold.ts';
import type { AlertRule } from './types.ts';
import { FX, MIG, ON_NODE, SRC_A } from './v1-alert-common.ts';
import { amstErrorRatio, healthSel } from './v1-recording.ts';

const m = getMetric;

const errorRatioFixture = counterRatio(
  { name: 'dwcp_amst_errors_total', labels: { ...FX, error_type: 'connection_timeout' } },
  { name: 'dwcp_amst_streams_total', labels: { ...FX, result: 'success' } },
);

const AMST_ERR = {
  causes: [
    'WAN path loss or congestion between the clusters',
    'a remote node refusing or resetting streams',
    'a bad rollout of the AMST transport',
  ],
  actions: [
    `Break the error rate down by error_type: ${inlineCode(sumBy(['error_type'], rate(metricRef(m('dwcp_amst_errors_total')), '5m')))}`,
    'Check the remote node of the failing streams and the network path (packet loss, MTU)',
  ],
};

/** The v1 error-rate, component health, migration SLA and availability alerts (6). */
export const V1_HEALTH_ALERTS: readonly AlertRule[] = [
  thresholdAlert({
    name: 'DWCPHighErrorRate',
    component: 'amst',
    severity: 'critical',
    escalation: 'high',
    for: '5m',
    measure: amstErrorRatio,
    direction: 'above',
    threshold: 0.05,
    unit: 'ratio',
    summary: (t) => `AMST error rate above ${t} ${ON_NODE}`,
    description: (t) =>
      `More than ${t} of AMST streams on node {{ $labels.node }} (cluster {{ $labels.cluster }}) ended in an error over the last 5 minutes, for 5 minutes.`,
    source: `${SRC_A} (the spec lists it as critical; the original file had warning)`,
    fixture: errorRatioFixture,
    runbook: AMST_ERR,
  }),
  thresholdAlert({
    name: 'DWCPCriticalErrorRate',
    component: 'amst',
    severity: 'critical',
    escalation: 'immediate',
    for: '2m',
    measure: amstErrorRatio,
    direction: 'above',
    threshold: 0.15,
    unit: 'ratio',
    summary: (t) => `AMST error rate above ${t} ${ON_NODE}`,
    description: (t) =>
      `More than ${t} of AMST streams on node {{ $labels.node }} (cluster {{ $labels.cluster }}) failed over the last 5 minutes, for 2 minutes: migrations through this node are failing.`,
    source: SRC_A,
    fixture: errorRatioFixture,
    runbook: AMST_ERR,
  }),
  stateAlert({
    name: 'DWCPComponentDown',
    component: 'system',
    severity: 'critical',
    escalation: 'immediate',
    for: '2m',
    measure: healthSel(),
    state: HEALTH.down,
    otherState: HEALTH.degraded,
    summary: `DWCP component {{ $labels.component }} down ${ON_NODE}`,
    description:
      'Component {{ $labels.component }} on node {{ $labels.node }} (cluster {{ $labels.cluster }}) has reported health 0 (down) for 2 minutes.',
    source: `${SRC_A}; fixed: the original used < 2, which also fired for degraded`,
    fixture: gaugeIs('dwcp_system_component_health', { ...FX, component: 'hde' }),
    runbook: {
      causes: [
        'the component crashed or failed its self-check',
        'its dependency (network, storage, peer) is unreachable',
      ],
      actions: [
        'Check the node health endpoint: `curl http://<node>:<port>/health`',
        'Restart the component on the node if it does not recover within 5 minutes',
      ],
    },
  }),
  stateAlert({
    name: 'DWCPComponentDegraded',
    component: 'system',
    severity: 'warning',
    escalation: 'low',
    for: '5m',
    measure: healthSel(),
    state: HEALTH.degraded,
    otherState: HEALTH.healthy,
    summary: `DWCP component {{ $labels.component }} degraded ${ON_NODE}`,
    description:
      'Component {{ $labels.component }} on node {{ $labels.node }} (cluster {{ $labels.cluster }}) has reported health 1 (degraded) for 5 minutes.',
    source: SRC_A,
    fixture: gaugeIs('dwcp_system_component_health', { ...FX, component: 'hde' }),
    runbook: {
      causes: [
        'the component runs with reduced capacity (fallback mode, retries)',
        'a peer or dependency is slow',
      ],
      actions: [
        'Look at the component dashboard for the same node',
        'Check recent deploys and configuration changes of the node',
      ],
    },
  }),
  thresholdAlert({
    name: 'DWCPSLAViolation',
    component: 'migration',
    severity: 'critical',
    escalation: 'high',
    for: '5m',
    measure: div(
      sumBy(
        ['cluster'],
        rate(sumRef(m('dwcp_migration_duration_seconds'), eq('dwcp_enabled', 'true')), '1h'),
      ),
      sumBy(
        ['cluster'],
        rate(countRef(m('dwcp_migration_duration_seconds'), eq('dwcp_enabled', 'true')), '1h'),
      ),
    ),
    direction: 'above',
    threshold: 300,
    unit: 'seconds',
    summary: (_t, v) => `Mean DWCP migration time above the ${v / 60}-minute SLA on {{ $labels.cluster }}`,
    description: (t, v) =>
      `DWCP migrations in cluster {{ $labels.cluster }} took more than ${t} on average over the last hour (SLA: mean below ${v / 60} minutes).`,
    source: `${SRC_A}; for shortened from 1h to 5m because the 1h rate window already averages an hour`,
    fixture: histogramMean('dwcp_migration_duration_seconds', { ...MIG, dwcp_enabled: 'true' }),
    runbook: {
      causes: [
        'low WAN bandwidth or high loss on the migration path',
        'poor HDE compression for the VM workload',
        'large VMs dominating the hour',
      ],
      actions: [
        'Compare DWCP and standard migration times on the v1 dashboard',
        'Check AMST throughput and HDE compression ratio of the source nodes',
      ],
    },
  }),
  thresholdAlert({
    name: 'DWCPAvailabilitySLA',
    component: 'system',
    severity: 'critical',
    escalation: 'high',
    for: '5m',
    measure: aggBy('avg', ['cluster'], bin('==', healthSel(), num(HEALTH.healthy), { bool: true })),
    direction: 'below',
    threshold: 0.99,
    unit: 'ratio',
    summary: (t) => `Fewer than ${t} of DWCP components healthy in {{ $labels.cluster }}`,
    description: (t) =>
      `The share of DWCP component health series at 2 (healthy) in cluster {{ $labels.cluster }} has been below ${t} for 5 minutes.`,
    source: `${SRC_A}; fixed: the original summed the value 2 and so doubled the ratio`,
    // 200 series: the share moves in steps of 0.005.
    fixture: gaugeShare(
      'dwcp_system_component_health',
      200,
      (i) => ({ ...FX, node: `node-${String(i).padStart(3, '0')}`, component: 'amst' }),
      HEALTH.healthy,
      HEALTH.down,
    ),
    margin: { absolute: 0.005 },
    runbook: {
      causes: ['one or more components down or degraded (see DWCPComponentDown)', 'a whole node unhealthy'],
      actions: [
        `List unhealthy components: ${inlineCode(lt(healthSel(), num(HEALTH.healthy)))}`,
        'Follow the runbook of the component alerts that fire with it',
      ],
    },
  }),
];
