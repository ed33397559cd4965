/**
 * Metrics derived from the spans the monitor receives (src/traces/span-series.ts): per node, service and operation, the
 * share of failed calls and the 95th/99th percentile of the call duration, over the calls since the previous
 * value. Unlike the span metrics among the monitor's self-metrics (`dwcp_monitor_span_*`, stored and not
 * analysed), these are series the monitor makes itself and analyses: a slow or failing operation seen only in
 * traces raises an anomaly naming its node (`node_id`), service and operation. The series tracker analyses them like series outside
 * the catalog (warm-up, the inferred tuning; src/monitor/series-tracker.ts `leftToInference`) with the kind and
 * bad direction given here.
 * @see https://github.com/open-telemetry/opentelemetry-collector-contrib/tree/main/connector/spanmetricsconnector
 */
import type { MetricDef } from './types.ts';

const TD =
  'trace-derived metrics (per-operation error ratio and latency percentiles fed to detection; docs/traces.md)';

export const TRACE_METRICS = [
  {
    name: 'dwcp_span_error_ratio',
    type: 'gauge',
    help: 'Share of the spans of a node, service and operation (span name) with status error, over the calls since the previous value (at least the minimum number of calls). node_id is absent for spans that name no node.',
    unit: 'ratio',
    labels: ['node_id', 'service_name', 'span_name'],
    group: 'traces',
    area: 'system',
    anomalyKind: 'error_rate',
    source: TD,
  },
  {
    name: 'dwcp_span_latency_seconds',
    type: 'gauge',
    help: 'Percentile (quantile 0.95 or 0.99) of the span duration of a node, service and operation, over the calls since the previous value (at least the minimum number of calls). node_id is absent for spans that name no node.',
    unit: 'seconds',
    labels: ['node_id', 'service_name', 'span_name', 'quantile'],
    group: 'traces',
    area: 'system',
    anomalyKind: 'latency',
    source: TD,
  },
] as const satisfies readonly MetricDef[];

export type TraceMetricName = (typeof TRACE_METRICS)[number]['name'];
