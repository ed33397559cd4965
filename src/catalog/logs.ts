/**
 * Metrics derived from the logs the monitor ingests (src/logs/log-metrics.ts): series the monitor makes itself
 * from stored log entries and analyses like scraped ones (unlike the monitor's self-metrics, which are not
 * analysed). The series tracker analyses them like series outside the catalog (src/monitor/series-tracker.ts
 * `leftToInference`), with the kind inferred from the name (`error_rate`).
 */
import type { MetricDef } from './types.ts';

const LD = 'log-derived metrics (error-log rate per node fed to detection)';

export const LOG_METRICS = [
  {
    name: 'dwcp_log_error_entries_total',
    type: 'counter',
    help: 'Log entries at level error or fatal stored per node (node_id, empty for entries without one) and level, counted from the logs the monitor ingests (OTLP, Loki push, its own log); analysed as a per-second rate: the error-log rate of a node.',
    unit: 'count',
    labels: ['node_id', 'level'],
    group: 'logs',
    area: 'system',
    anomalyKind: 'error_rate',
    source: LD,
  },
] as const satisfies readonly MetricDef[];

export type LogMetricName = (typeof LOG_METRICS)[number]['name'];
