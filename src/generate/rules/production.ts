/**
 * Phase 6 production rules: the six alert groups (critical, warning, anomaly, SLA, component, meta) and the
 * recording rules of the Phase 6 production monitoring spec with the thresholds of the original
 * `alerts-production.yml`.
 * Alerts are in `production-symptoms.ts` (critical, warning) and `production-checks.ts` (the other four),
 * shared expressions in `production-common.ts`.
 * @see seed 002 "Production Alert Rules", "Recording Rules"; NovaCron inventory 2.3
 */
import type { Expr } from '../promql/ast.ts';
import { aggBy } from '../promql/build.ts';
import { metricRef } from '../promql/metric.ts';
import {
  PRODUCTION_ANOMALY,
  PRODUCTION_COMPONENT,
  PRODUCTION_META,
  PRODUCTION_SLA,
} from './production-checks.ts';
import { errorsPerSecond, GO_NO_GO, latencyQ, m, R, throughputAmst } from './production-common.ts';
import { PRODUCTION_CRITICAL, PRODUCTION_WARNING } from './production-symptoms.ts';
import type { RecordingRule, RuleGroup } from './types.ts';

function rec(record: string, expr: Expr): RecordingRule {
  return {
    kind: 'record',
    record,
    expr,
    source: 'Phase 6 production monitoring spec "Recording Rules"; original alerts-production.yml',
  };
}

/** Production recording rules plus the GO/NO-GO score used by the Phase 6 dashboard. */
export const PRODUCTION_RECORDING: readonly RecordingRule[] = [
  rec('dwcp_v3:migration_latency_p50:5m', latencyQ(0.5)),
  rec('dwcp_v3:migration_latency_p95:5m', latencyQ(0.95)),
  rec('dwcp_v3:migration_latency_p99:5m', latencyQ(0.99)),
  rec('dwcp_v3:throughput_avg:5m', throughputAmst()),
  rec('dwcp_v3:error_rate:5m', errorsPerSecond('5m')),
  rec('dwcp_v3:sla_compliance_overall:5m', aggBy('avg', R, metricRef(m('dwcp_v3_sla_compliance')))),
  rec('dwcp_v3:go_no_go:score', GO_NO_GO),
];

/** The six production alert groups (intervals of the original) plus the recording group. */
export const PRODUCTION_GROUPS: readonly RuleGroup[] = [
  { name: 'dwcp_v3_recording', file: 'dwcp-v3-recording.yml', interval: '15s', rules: PRODUCTION_RECORDING },
  { name: 'dwcp_v3_critical', file: 'dwcp-v3-alerts.yml', interval: '15s', rules: PRODUCTION_CRITICAL },
  { name: 'dwcp_v3_warning', file: 'dwcp-v3-alerts.yml', interval: '30s', rules: PRODUCTION_WARNING },
  { name: 'dwcp_v3_anomaly', file: 'dwcp-v3-alerts.yml', interval: '30s', rules: PRODUCTION_ANOMALY },
  { name: 'dwcp_v3_sla', file: 'dwcp-v3-alerts.yml', interval: '30s', rules: PRODUCTION_SLA },
  { name: 'dwcp_v3_component', file: 'dwcp-v3-alerts.yml', interval: '30s', rules: PRODUCTION_COMPONENT },
  { name: 'dwcp_v3_meta', file: 'dwcp-v3-alerts.yml', interval: '1m', rules: PRODUCTION_META },
];
