/**
 * The remote-write queue's counters on the monitor's catalog metrics (`dwcp_monitor_remote_storage_*`,
 * src/catalog/monitor.ts).
 */
import { getMetric } from '../catalog/index.ts';
import type { CatalogMetrics } from '../catalog/registry.ts';
import type { RemoteWriteQueueMetrics } from './write-queue.ts';

/**
 * The queue's metrics on `metrics` (created from the monitor group).
 * @throws InvalidInputError when `metrics` was not created from the monitor group.
 */
export function catalogRemoteStorageMetrics(metrics: CatalogMetrics): RemoteWriteQueueMetrics {
  const sent = metrics.counter(getMetric('dwcp_monitor_remote_storage_samples_sent_total').name);
  const failed = metrics.counter(getMetric('dwcp_monitor_remote_storage_samples_failed_total').name);
  const dropped = metrics.counter(getMetric('dwcp_monitor_remote_storage_samples_dropped_total').name);
  const retries = metrics.counter(getMetric('dwcp_monitor_remote_storage_retries_total').name);
  const queued = metrics.gauge(getMetric('dwcp_monitor_remote_storage_queue_samples').name);
  return {
    sent: (n) => sent.inc(n),
    failed: (reason, n) => failed.inc({ reason }, n),
    dropped: (n) => dropped.inc(n),
    retried: () => retries.inc(),
    queued: (n) => queued.set(n),
  };
}
