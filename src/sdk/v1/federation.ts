/** Cross-cluster federation wrapper of seed 001 (`dwcp_federation_*`). */
import type { Counter, Histogram } from 'prom-client';
import type { CatalogMetrics } from '../../catalog/registry.ts';
import { nonEmpty, nonNegative } from '../validate.ts';
import { checkBase, type V1BaseLabels } from './base.ts';

/** Records federation sync durations and bandwidth saved by delta sync, per remote cluster. */
export class FederationMetrics {
  private readonly base: V1BaseLabels;
  private readonly syncDuration: Histogram<string>;
  private readonly saved: Counter<string>;

  constructor(metrics: CatalogMetrics, base: V1BaseLabels) {
    this.base = checkBase(base);
    this.syncDuration = metrics.histogram('dwcp_federation_sync_duration_seconds');
    this.saved = metrics.counter('dwcp_federation_bandwidth_saved_bytes_total');
  }

  /** One sync with `remoteCluster` of `syncType` (e.g. "delta", "full") taking `seconds`. @throws InvalidInputError */
  onSync(remoteCluster: string, syncType: string, seconds: number): void {
    nonEmpty(remoteCluster, 'remote cluster');
    nonEmpty(syncType, 'sync type');
    this.syncDuration.observe(
      { cluster: this.base.cluster, remote_cluster: remoteCluster, sync_type: syncType },
      nonNegative(seconds, 'sync seconds'),
    );
  }

  /** Bytes not sent to `remoteCluster` thanks to delta sync. @throws InvalidInputError */
  onBandwidthSaved(remoteCluster: string, bytes: number): void {
    nonEmpty(remoteCluster, 'remote cluster');
    this.saved.inc(
      { cluster: this.base.cluster, remote_cluster: remoteCluster },
      nonNegative(bytes, 'saved bytes'),
    );
  }
}
