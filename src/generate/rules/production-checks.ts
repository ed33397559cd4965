/**
 * Phase 6 production alerts on the detector, the SLA gauges, the components and the monitoring itself: the
 * anomaly (3), SLA (4), component (5) and meta (3) groups. Fixed against the original: metric names that nothing
 * emitted are replaced by catalog metrics, prediction accuracy is a 0..1 ratio, the HDE compression alert
 * compares a ratio of ~3-5x with 2.0 (the original `CompressionRatioDegraded`) instead of 0.70, and meta alerts
 * use the series this stack really has (`up`, `scrape_duration_seconds`).
 * Each threshold is written once; `threshold.ts` derives expression, text and promtool values from it.
 * @see seed 002 "Production Alert Rules"; NovaCron inventory 2.3, 2.4, 1.7
 */
import type { Expr } from '../promql/ast.ts';
import {
  aggBy,
  call,
  eq,
  eqOp,
  gt,
  histogramQuantile,
  increase,
  num,
  range,
  re,
  sumBy,
} from '../promql/build.ts';
import { bucketRef, metricRef } from '../promql/metric.ts';
import { inlineCode } from '../promql/print.ts';
import { activeCounters, counterIncrease, gaugeIs, gaugeShare, histogramQuantileAt } from './fixtures.ts';
import { ERROR_HINTS, LATENCY_HINTS, m, R, RI, S2, sla, THROUGHPUT_HINTS } from './production-common.ts';
import { stateAlert, thresholdAlert } from './threshold.ts';
import type { AlertRule, Escalation } from './types.ts';

const anomalyIncrease = (type: string): Expr =>
  sumBy(RI, increase(metricRef(m('dwcp_v3_anomaly_detections_total'), eq('anomaly_type', type)), '5m'));

/** "Any anomaly in 5 minutes" alert on one anomaly type; the test probes 0.5 anomalies per 5 minutes. */
function anomalyAlert(name: string, type: string, runbook: AlertRule['runbook']): AlertRule {
  return thresholdAlert({
    name,
    component: 'system',
    severity: 'warning',
    escalation: 'low',
    for: '2m',
    measure: anomalyIncrease(type),
    direction: 'above',
    threshold: 0,
    unit: 'number',
    summary: () => `${type[0]!.toUpperCase()}${type.slice(1)} anomalies detected on {{ $labels.instance }}`,
    description: () =>
      `The anomaly detector on {{ $labels.instance }} ({{ $labels.region }}) reported ${type} anomalies in the last 5 minutes, for 2 minutes.`,
    source: S2,
    fixture: counterIncrease(
      'dwcp_v3_anomaly_detections_total',
      { anomaly_type: type, severity: 'warning' },
      5,
    ),
    margin: { grid: 0.5 },
    runbook,
  });
}

/** Anomaly group (3 rules) over the detector's anomaly counter. */
export const PRODUCTION_ANOMALY: readonly AlertRule[] = [
  anomalyAlert('DWCPv3LatencyAnomalyDetected', 'latency', LATENCY_HINTS),
  anomalyAlert('DWCPv3ThroughputAnomalyDetected', 'throughput', THROUGHPUT_HINTS),
  thresholdAlert({
    name: 'DWCPv3MultipleAnomalies',
    component: 'system',
    severity: 'critical',
    escalation: 'high',
    for: '3m',
    measure: aggBy(
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
    direction: 'at_least',
    threshold: 3,
    unit: 'number',
    summary: (t) => `Anomalies on ${t} or more node/type pairs in {{ $labels.region }}`,
    description: (t) =>
      `In region {{ $labels.region }} at least ${t} (node, anomaly type) pairs reported anomalies in the last 5 minutes, for 3 minutes: the system is unstable.`,
    source: `${S2}; counted per (instance, anomaly_type) in a region`,
    fixture: activeCounters('dwcp_v3_anomaly_detections_total', (i) => ({
      instance: `node-${i + 1}:9400`,
      anomaly_type: 'latency',
      severity: 'warning',
    })),
    margin: { grid: 1 },
    runbook: {
      causes: ['a regional incident (network, power)', 'a regression affecting many nodes'],
      actions: [
        'Open the anomaly timeline on the Phase 6 dashboard',
        'Check whether anomalies share a node, a component or a start time',
      ],
    },
  }),
];

/** An SLA type violated (compliance gauge 0; silent at 1). */
function slaViolation(
  name: string,
  type: string,
  title: string,
  metricLabel: string,
  forMinutes: 1 | 2 | 3,
  escalation: Escalation,
  runbook: AlertRule['runbook'],
): AlertRule {
  return stateAlert({
    name,
    component: 'sla',
    severity: 'critical',
    escalation,
    for: `${forMinutes}m`,
    labels: { sla: 'true' },
    measure: sla(type),
    state: 0,
    otherState: 1,
    summary: `${title} SLA violated ({{ $labels.metric }}) on {{ $labels.instance }}`,
    description: `The ${title.toLowerCase()} SLA ({{ $labels.metric }}) on {{ $labels.instance }} has been violated for ${forMinutes} minute${forMinutes === 1 ? '' : 's'}.`,
    source: S2,
    fixture: gaugeIs('dwcp_v3_sla_compliance', { sla_type: type, metric: metricLabel }),
    runbook,
  });
}

/** SLA group (4 rules) over the SLA compliance gauge. */
export const PRODUCTION_SLA: readonly AlertRule[] = [
  slaViolation('DWCPv3SLALatencyViolation', 'latency', 'Latency', 'p99', 2, 'high', LATENCY_HINTS),
  slaViolation(
    'DWCPv3SLAThroughputViolation',
    'throughput',
    'Throughput',
    'bytes_per_second',
    3,
    'high',
    THROUGHPUT_HINTS,
  ),
  slaViolation(
    'DWCPv3SLAErrorRateViolation',
    'error_rate',
    'Error-rate',
    'errors_ratio',
    1,
    'immediate',
    ERROR_HINTS,
  ),
  thresholdAlert({
    name: 'DWCPv3SLAOverallCompliance',
    component: 'sla',
    severity: 'warning',
    escalation: 'low',
    for: '5m',
    labels: { sla: 'true' },
    measure: aggBy('avg', R, metricRef(m('dwcp_v3_sla_compliance'))),
    direction: 'below',
    threshold: 0.95,
    unit: 'ratio',
    summary: (t) => `Overall SLA compliance below ${t} in {{ $labels.region }}`,
    description: (t) =>
      `Fewer than ${t} of SLA compliance series in region {{ $labels.region }} have been compliant for 5 minutes.`,
    source: S2,
    // 100 series: the share moves in steps of 0.01.
    fixture: gaugeShare(
      'dwcp_v3_sla_compliance',
      100,
      (i) => ({ instance: `node-${i}:9400`, sla_type: 'latency', metric: 'p99' }),
      1,
      0,
    ),
    margin: { absolute: 0.01 },
    runbook: {
      causes: ['SLA violations on several nodes'],
      actions: [`List violations: ${inlineCode(eqOp(metricRef(m('dwcp_v3_sla_compliance')), num(0)))}`],
    },
  }),
];

/** Component group (AMST, HDE, PBA x2, ACP). */
export const PRODUCTION_COMPONENT: readonly AlertRule[] = [
  thresholdAlert({
    name: 'DWCPv3AMSTStreamSaturation',
    component: 'amst',
    severity: 'warning',
    escalation: 'low',
    for: '5m',
    measure: metricRef(m('dwcp_v3_active_streams'), eq('mode', 'datacenter')),
    direction: 'above',
    threshold: 450,
    unit: 'number',
    summary: () => 'AMST close to its 512-stream limit on {{ $labels.instance }}',
    description: (t) =>
      `AMST on {{ $labels.instance }} ({{ $labels.node_id }}) has run more than ${t} of at most 512 datacenter streams for 5 minutes.`,
    source: `${S2}; dwcp_v3_amst_active_streams (never emitted) is dwcp_v3_active_streams`,
    fixture: gaugeIs('dwcp_v3_active_streams', { node_id: 'node-1', mode: 'datacenter' }),
    margin: { grid: 1 },
    runbook: {
      causes: ['many parallel migrations', 'streams not released'],
      actions: ['Compare streams with running migrations', 'Throttle new migrations on the node'],
    },
  }),
  thresholdAlert({
    name: 'DWCPv3HDECompressionLow',
    component: 'hde',
    severity: 'warning',
    escalation: 'low',
    for: '10m',
    measure: aggBy(
      'avg',
      RI,
      metricRef(m('dwcp_v3_compression_ratio'), re('algorithm', 'lz4|zstd|zstd-max|brotli')),
    ),
    direction: 'below',
    threshold: 2,
    unit: 'times',
    summary: (t) => `HDE compression ratio below ${t} on {{ $labels.instance }}`,
    description: (t) =>
      `The average HDE compression ratio on {{ $labels.instance }} has been below ${t} for 10 minutes (target 3-5x).`,
    source: `${S2}; fixed: the original compared the ~3.5x ratio with 0.70; threshold 2.0 from the original CompressionRatioDegraded alert (prometheus-alerts-production.yml)`,
    fixture: gaugeIs('dwcp_v3_compression_ratio', { node_id: 'node-1', algorithm: 'zstd' }),
    runbook: {
      causes: ['incompressible workload', 'the ML algorithm selector choosing a fast, weak algorithm'],
      actions: ['Check the algorithm mix and delta hit ratio on the HDE dashboard'],
    },
  }),
  thresholdAlert({
    name: 'DWCPv3PBAPredictionAccuracyLow',
    component: 'pba',
    severity: 'warning',
    escalation: 'low',
    for: '10m',
    measure: aggBy('avg', RI, metricRef(m('dwcp_v3_prediction_accuracy'), eq('mode', 'datacenter'))),
    direction: 'below',
    threshold: 0.85,
    unit: 'ratio',
    summary: (t) => `PBA datacenter prediction accuracy below ${t} on {{ $labels.instance }}`,
    description: (_t, v) =>
      `PBA bandwidth prediction accuracy in datacenter mode on {{ $labels.instance }} has been below ${v.toFixed(2)} for 10 minutes.`,
    source: `${S2}; accuracy is a 0..1 ratio (the original exported percent), datacenter target 0.85 (DWCP v3 monitoring spec)`,
    fixture: gaugeIs('dwcp_v3_prediction_accuracy', { node_id: 'node-1', mode: 'datacenter' }),
    runbook: {
      causes: ['traffic pattern changed since the model was trained', 'model input features missing'],
      actions: [
        'Retrain or roll back the PBA model',
        'Compare predicted and actual bandwidth on the PBA dashboard',
      ],
    },
  }),
  thresholdAlert({
    name: 'DWCPv3PBAInternetPredictionAccuracyLow',
    component: 'pba',
    severity: 'warning',
    escalation: 'low',
    for: '10m',
    measure: aggBy('avg', RI, metricRef(m('dwcp_v3_prediction_accuracy'), eq('mode', 'internet'))),
    direction: 'below',
    threshold: 0.7,
    unit: 'ratio',
    summary: (t) => `PBA internet prediction accuracy below ${t} on {{ $labels.instance }}`,
    description: (_t, v) =>
      `PBA bandwidth prediction accuracy in internet mode on {{ $labels.instance }} has been below ${v.toFixed(2)} for 10 minutes.`,
    source:
      'DWCP v3 monitoring spec PBA targets (internet 70 %); companion of DWCPv3PBAPredictionAccuracyLow',
    fixture: gaugeIs('dwcp_v3_prediction_accuracy', { node_id: 'node-1', mode: 'internet' }),
    runbook: {
      causes: ['WAN conditions more volatile than the model expects'],
      actions: ['Compare predicted and actual bandwidth on the PBA dashboard'],
    },
  }),
  thresholdAlert({
    name: 'DWCPv3ACPConsensusLatencyHigh',
    component: 'acp',
    severity: 'warning',
    escalation: 'low',
    for: '3m',
    measure: histogramQuantile(
      0.95,
      bucketRef(m('dwcp_v3_consensus_latency_seconds'), eq('protocol', 'raft')),
      '5m',
      RI,
    ),
    direction: 'above',
    threshold: 0.1,
    unit: 'seconds',
    summary: (t) => `Raft consensus P95 above ${t} on {{ $labels.instance }}`,
    description: (t) =>
      `The P95 of Raft (datacenter) consensus latency on {{ $labels.instance }} has been above ${t} for 3 minutes (datacenter target < ${t}).`,
    source: `${S2}; dwcp_v3_acp_consensus_latency_ms (never emitted) is the histogram dwcp_v3_consensus_latency_seconds`,
    fixture: histogramQuantileAt(
      'dwcp_v3_consensus_latency_seconds',
      { node_id: 'node-1', protocol: 'raft' },
      0.95,
    ),
    runbook: {
      causes: ['slow or overloaded peer', 'leader on a high-latency link'],
      actions: ['Check leader changes and per-node latency on the ACP dashboard'],
    },
  }),
];

/** Meta group: monitoring of the monitoring (scrapes, Alertmanager). */
export const PRODUCTION_META: readonly AlertRule[] = [
  stateAlert({
    name: 'DWCPv3PrometheusScrapeFailures',
    component: 'monitor',
    severity: 'warning',
    escalation: 'low',
    for: '5m',
    measure: metricRef(m('up'), eq('job', 'dwcp')),
    state: 0,
    otherState: 1,
    summary: 'Prometheus cannot scrape {{ $labels.instance }}',
    description:
      'Scrapes of DWCP target {{ $labels.instance }} have failed for 5 minutes; its dashboards and alerts are blind.',
    source: `${S2}; the original used Prometheus-internal counters, we alert on the synthetic up series`,
    fixture: gaugeIs('up', {}),
    runbook: {
      causes: ['the node or its metrics endpoint is down', 'firewall or service discovery change'],
      actions: ['Open Status > Targets in Prometheus for the error', '`curl http://<instance>/metrics`'],
    },
  }),
  thresholdAlert({
    name: 'DWCPv3MetricsCollectionSlow',
    component: 'monitor',
    severity: 'warning',
    escalation: 'low',
    for: '5m',
    measure: call('max_over_time', range(metricRef(m('scrape_duration_seconds'), eq('job', 'dwcp')), '5m')),
    direction: 'above',
    threshold: 1,
    unit: 'seconds',
    summary: (t) => `Scraping {{ $labels.instance }} takes more than ${t}`,
    description: (t) =>
      `The slowest scrape of {{ $labels.instance }} in the last 5 minutes took more than ${t} (target: full collection < 100 ms), for 5 minutes.`,
    source: `${S2}; the original used prometheus_target_interval_length_seconds (not exposed per target)`,
    fixture: gaugeIs('scrape_duration_seconds', {}),
    runbook: {
      causes: ['label cardinality explosion on the node', 'the node is overloaded'],
      actions: [
        `Check ${inlineCode(metricRef(m('scrape_samples_scraped')))} of the target`,
        'Check node CPU',
      ],
    },
  }),
  stateAlert({
    name: 'DWCPv3AlertManagerDown',
    component: 'monitor',
    severity: 'critical',
    escalation: 'immediate',
    for: '2m',
    measure: metricRef(m('up'), eq('job', 'alertmanager')),
    state: 0,
    otherState: 1,
    summary: 'Alertmanager {{ $labels.instance }} is down',
    description:
      'Prometheus has not been able to scrape Alertmanager {{ $labels.instance }} for 2 minutes; alerts may not be delivered.',
    source: S2,
    fixture: gaugeIs('up', { job: 'alertmanager', instance: 'alertmanager:9093' }),
    runbook: {
      causes: ['Alertmanager process stopped', 'cluster peers partitioned'],
      actions: [
        '`systemctl status prometheus-alertmanager`',
        '`amtool check-config /etc/prometheus/alertmanager.yml`',
      ],
    },
  }),
];
