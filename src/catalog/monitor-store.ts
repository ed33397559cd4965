/**
 * The monitor's own sample store, as metrics: the chunks layout's head, write-ahead log, checkpoints and
 * rollups (src/store/tsdb), and raw samples deleted by retention on every SQL layout. Read from the store's
 * counters every few seconds (src/monitor/store-metrics.ts); a table, no logic.
 * @see docs/storage.md, "Write path and durability" and "Retention and downsampling"
 */
import type { MetricDef } from './types.ts';

const ST = 'the monitor sample store (docs/storage.md)';

export const MONITOR_STORE_METRICS = [
  {
    name: 'dwcp_monitor_store_head_series',
    type: 'gauge',
    help: 'Series held in the in-memory head of the chunks layout (bounded by the head series limit).',
    unit: 'count',
    labels: [],
    group: 'monitor',
    area: 'monitor',
    anomalyKind: 'generic',
    source: ST,
  },
  {
    name: 'dwcp_monitor_store_head_bytes',
    type: 'gauge',
    help: 'Bytes the head of the chunks layout accounts for (open chunks, head tails, series), bounded by its byte limit.',
    unit: 'bytes',
    labels: [],
    group: 'monitor',
    area: 'monitor',
    anomalyKind: 'generic',
    source: ST,
  },
  {
    name: 'dwcp_monitor_store_wal_bytes',
    type: 'gauge',
    help: 'Bytes of the write-ahead log of the chunks layout on disk (segments since the last completed checkpoint).',
    unit: 'bytes',
    labels: [],
    group: 'monitor',
    area: 'monitor',
    anomalyKind: 'generic',
    source: ST,
  },
  {
    name: 'dwcp_monitor_store_checkpoints_total',
    type: 'counter',
    help: 'Checkpoints of the chunks layout completed (open chunks written to the database, older WAL segments deleted).',
    unit: 'count',
    labels: [],
    group: 'monitor',
    area: 'monitor',
    anomalyKind: 'generic',
    source: ST,
  },
  {
    name: 'dwcp_monitor_store_write_errors_total',
    type: 'counter',
    help: 'Failed writes of chunks or checkpoint slices to the database (the samples stay in the WAL and memory; the write is retried).',
    unit: 'count',
    labels: [],
    group: 'monitor',
    area: 'monitor',
    anomalyKind: 'generic',
    source: ST,
  },
  {
    name: 'dwcp_monitor_store_rollup_watermark_timestamp_seconds',
    type: 'gauge',
    help: 'End of the newest hour the chunks layout has rolled up into 1-minute and 1-hour rollups (Unix time); 0 before the first.',
    unit: 'seconds',
    labels: [],
    group: 'monitor',
    area: 'monitor',
    anomalyKind: 'generic',
    source: ST,
  },
  {
    name: 'dwcp_monitor_store_retention_deleted_samples_total',
    type: 'counter',
    help: 'Raw samples deleted by the retention of the sample store (storage.retention; the chunks layout keeps their rollups).',
    unit: 'count',
    labels: [],
    group: 'monitor',
    area: 'monitor',
    anomalyKind: 'generic',
    source: ST,
  },
] as const satisfies readonly MetricDef[];

/** Names of the store metrics (literal union). */
export type MonitorStoreMetricName = (typeof MONITOR_STORE_METRICS)[number]['name'];
