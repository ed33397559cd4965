/**
 * The sample store's own state on the monitor's /metrics (`dwcp_monitor_store_*`, src/catalog/monitor-store.ts):
 * the chunks layout's head, WAL, checkpoints, write errors and rollup watermark, read from its counters, and the
 * raw samples each maintenance pass deleted. Counters follow the store's cumulative counts by their increase
 * (a store reopened with lower counts adds nothing until it passes them).
 */
import { getMetric } from '../catalog/index.ts';
import type { CatalogMetrics } from '../catalog/registry.ts';

/** What the chunks layout reports about itself (a subset of its `stats()`; counts are cumulative). */
export interface StoreState {
  readonly headSeries: number;
  /** Accounted bytes of the head. */
  readonly headBytes: number;
  /** Bytes of the WAL on disk. */
  readonly walBytes: number;
  readonly checkpoints: number;
  readonly chunkWriteErrors: number;
  /** End of the newest rolled-up hour, Unix ms; undefined before the first. */
  readonly rollupWatermarkMs: number | undefined;
}

/** A store that reports its state (the chunks layout). */
export interface StoreStateSource {
  stats(): StoreState;
}

/** Whether `store` reports its state (the chunks layout does; the rows layout and remote stores do not). */
export function hasStoreState(store: object): store is StoreStateSource {
  return typeof (store as Partial<StoreStateSource>).stats === 'function';
}

/** The store metrics' writers. */
export interface StoreMetrics {
  /** Sets the gauges from `s` and adds the counters' increase since the last call. */
  update(s: StoreState): void;
  /** Counts raw samples a maintenance pass deleted. */
  retentionDeleted(samples: number): void;
}

/**
 * The store metrics on the monitor's catalog metrics.
 * @throws InvalidInputError when `metrics` was not created from the monitor group.
 */
export function catalogStoreMetrics(metrics: CatalogMetrics): StoreMetrics {
  const headSeries = metrics.gauge(getMetric('dwcp_monitor_store_head_series').name);
  const headBytes = metrics.gauge(getMetric('dwcp_monitor_store_head_bytes').name);
  const walBytes = metrics.gauge(getMetric('dwcp_monitor_store_wal_bytes').name);
  const watermark = metrics.gauge(getMetric('dwcp_monitor_store_rollup_watermark_timestamp_seconds').name);
  const checkpoints = metrics.counter(getMetric('dwcp_monitor_store_checkpoints_total').name);
  const writeErrors = metrics.counter(getMetric('dwcp_monitor_store_write_errors_total').name);
  const deleted = metrics.counter(getMetric('dwcp_monitor_store_retention_deleted_samples_total').name);
  let lastCheckpoints = 0;
  let lastWriteErrors = 0;
  return {
    update(s) {
      headSeries.set(s.headSeries);
      headBytes.set(s.headBytes);
      walBytes.set(s.walBytes);
      watermark.set(s.rollupWatermarkMs === undefined ? 0 : s.rollupWatermarkMs / 1000);
      if (s.checkpoints > lastCheckpoints) checkpoints.inc(s.checkpoints - lastCheckpoints);
      if (s.chunkWriteErrors > lastWriteErrors) writeErrors.inc(s.chunkWriteErrors - lastWriteErrors);
      lastCheckpoints = Math.max(lastCheckpoints, s.checkpoints);
      lastWriteErrors = Math.max(lastWriteErrors, s.chunkWriteErrors);
    },
    retentionDeleted(samples) {
      if (samples > 0) deleted.inc(samples);
    },
  };
}
