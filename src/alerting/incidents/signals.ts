/**
 * Signals are what incidents are made of: an anomaly of the detection engine or a firing alert of a rule,
 * reduced to where (node, region, component), what (metric or alert name), how bad (alert severity) and when.
 * Pure.
 */
import { findMetric, metricForSampleName } from '../../catalog/index.ts';
import type { AlertSeverity, IncidentSignal } from '../../contract/alerting.ts';
import type { Anomaly } from '../../model/anomaly.ts';
import { isComponent, type Severity } from '../../model/dwcp.ts';
import type { Labels } from '../../model/sample.ts';
import { alertAnnotations } from '../alertmanager-payload.ts';
import type { RuleAlert } from '../rules/engine.ts';

/** Alert severity of each anomaly severity. */
export type AnomalySeverityMap = Readonly<Record<Severity, AlertSeverity>>;

/**
 * Default mapping: critical anomalies are critical, every other anomaly is a warning. The detector only opens an
 * anomaly after confirmation at confidence >= 0.8, and most anomalies of real faults in the labelled DWCP
 * scenarios are `low` (a deviation just past the band); mapping `low` to `info` would send them to chat only.
 */
export const DEFAULT_ANOMALY_SEVERITY: AnomalySeverityMap = Object.freeze({
  low: 'warning',
  medium: 'warning',
  high: 'warning',
  critical: 'critical',
});

/** Label names that may carry the node, in order of preference. */
export const NODE_LABELS: readonly string[] = Object.freeze(['node', 'node_id', 'exported_node']);

/** The node of a label set, or null. */
export function nodeOf(labels: Labels): string | null {
  for (const n of NODE_LABELS) {
    const v = labels[n];
    if (v !== undefined && v !== '') return v;
  }
  return null;
}

/** The region of a label set (`region`, else `cluster`), or null. */
export function regionOf(labels: Labels): string | null {
  return labels.region || labels.cluster || null;
}

/** The signal of an anomaly (key `anomaly:<id>`, or `anomaly-series:<series key>` before it is stored). */
export function signalOfAnomaly(
  a: Anomaly,
  map: AnomalySeverityMap = DEFAULT_ANOMALY_SEVERITY,
): IncidentSignal {
  return {
    key: a.id > 0 ? `anomaly:${a.id}` : `anomaly-series:${a.seriesKey}@${a.startedAtMs}`,
    source: 'anomaly',
    name: a.metric,
    component: a.component,
    node: nodeOf(a.labels),
    region: regionOf(a.labels),
    severity: map[a.severity],
    labels: a.labels,
    summary: alertAnnotations(a).summary!,
    startedAtMs: a.startedAtMs,
    resolvedAtMs: a.resolvedAtMs,
  };
}

/** The component of a rule alert: its `component` label, else the catalog area of its `metric` label, else `system`. */
function componentOfAlert(labels: Labels): string {
  const c = labels.component;
  if (c && (isComponent(c) || c === 'system')) return c;
  const metric = labels.metric
    ? (findMetric(labels.metric) ?? metricForSampleName(labels.metric))
    : undefined;
  return metric && isComponent(metric.area) ? metric.area : 'system';
}

/** The signal of a firing rule alert (key `rule:<alertname>:<fingerprint>`). */
export function signalOfRuleAlert(a: RuleAlert): IncidentSignal {
  return {
    key: `rule:${a.rule}:${a.fingerprint}`,
    source: 'rule',
    name: a.rule,
    component: componentOfAlert(a.labels),
    node: nodeOf(a.labels),
    region: regionOf(a.labels),
    severity: a.severity,
    labels: a.labels,
    summary: a.annotations.summary ?? `${a.rule} (${a.severity})`,
    startedAtMs: a.activeAtMs,
    resolvedAtMs: null,
  };
}
