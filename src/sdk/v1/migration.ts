/** VM migration wrapper of seed 001 ("Instrument Migration Components"). */
import type { Counter, Gauge, Histogram } from 'prom-client';
import { observeWithExemplar, type TraceExemplar } from '../exemplar.ts';
import { InFlight } from '../in-flight.ts';
import type { CatalogMetrics } from '../../catalog/registry.ts';
import { nonEmpty, nonNegative } from '../validate.ts';
import { checkBase, type Clock, type V1BaseLabels } from './base.ts';
import { checkResources, type MigrationResources } from '../migration-resources.ts';

export interface MigrationMetricsOptions {
  /** Milliseconds clock for durations; default `Date.now`. */
  readonly clock?: Clock;
  /** In-flight migrations whose start time is kept; default 10 000 (oldest evicted beyond). */
  readonly maxInFlight?: number;
}

/**
 * Records migration durations (DWCP and standard), the guest memory they moved and speedup factors on
 * `dwcp_migration_*`.
 */
export class MigrationMetrics {
  private readonly base: V1BaseLabels;
  private readonly clock: Clock;
  private readonly inFlight: InFlight;
  private readonly duration: Histogram<string>;
  private readonly memory: Counter<string>;
  private readonly cpu: Counter<string>;
  private readonly hostMemory: Histogram<string>;
  private readonly sent: Counter<string>;
  private readonly speedup: Gauge<string>;

  constructor(metrics: CatalogMetrics, base: V1BaseLabels, options: MigrationMetricsOptions = {}) {
    this.base = checkBase(base);
    this.clock = options.clock ?? Date.now;
    this.inFlight = new InFlight(options.maxInFlight ?? 10_000);
    this.duration = metrics.histogram('dwcp_migration_duration_seconds');
    this.memory = metrics.counter('dwcp_migration_memory_bytes_total');
    this.cpu = metrics.counter('dwcp_migration_cpu_seconds_total');
    this.hostMemory = metrics.histogram('dwcp_migration_host_memory_peak_bytes');
    this.sent = metrics.counter('dwcp_migration_sent_bytes_total');
    this.speedup = metrics.gauge('dwcp_migration_speedup_factor');
  }

  /**
   * Exports empty duration and memory series (count 0) for migrations from `sourceNode` to each destination, DWCP
   * and standard, so the series exist before the first migration completes.
   * @throws InvalidInputError on empty node names.
   */
  initialize(sourceNode: string, destNodes: readonly string[]): void {
    nonEmpty(sourceNode, 'source node');
    for (const d of destNodes) {
      nonEmpty(d, 'destination node');
      for (const dwcp of ['true', 'false']) {
        const labels = {
          cluster: this.base.cluster,
          source_node: sourceNode,
          dest_node: d,
          dwcp_enabled: dwcp,
        };
        this.duration.zero(labels);
        this.memory.inc(labels, 0);
        this.cpu.inc(labels, 0);
        this.hostMemory.zero(labels);
        this.sent.inc(labels, 0);
      }
    }
  }

  /** A migration started now (clock). @throws InvalidInputError on an empty id. */
  onMigrationStart(migrationId: string): void {
    this.inFlight.start(nonEmpty(migrationId, 'migration id'), this.clock());
  }

  /**
   * A migration finished. When it succeeded and its start is known, observes
   * dwcp_migration_duration_seconds{cluster, source_node, dest_node, dwcp_enabled} with the clock difference in
   * seconds (failed migrations are not observed: their duration is not a migration time), and adds
   * `memoryBytes` (the VM's guest memory, before compression) to dwcp_migration_memory_bytes_total with the same
   * labels, so that the rollout analysis can judge migration time per byte. Returns the duration in seconds, or
   * undefined when the id was never started (or evicted). `exemplar` (the migration's span) rides on the duration
   * observation as an OpenMetrics exemplar. `resources` (what the migration used) go, for a successful migration, to
   * dwcp_migration_cpu_seconds_total, dwcp_migration_host_memory_peak_bytes and dwcp_migration_sent_bytes_total
   * with the same labels (the rollout status compares CPU, memory and bandwidth saved per version from them).
   * @throws InvalidInputError on empty id or node names, or a negative or non-finite `memoryBytes` or resource.
   */
  onMigrationComplete(
    migrationId: string,
    sourceNode: string,
    destNode: string,
    ok: boolean,
    dwcpEnabled: boolean,
    memoryBytes?: number,
    exemplar?: TraceExemplar,
    resources?: MigrationResources,
  ): number | undefined {
    nonEmpty(migrationId, 'migration id');
    nonEmpty(sourceNode, 'source node');
    nonEmpty(destNode, 'destination node');
    if (memoryBytes !== undefined) nonNegative(memoryBytes, 'migration memory bytes');
    if (resources) checkResources(resources);
    const start = this.inFlight.end(migrationId);
    if (start === undefined) return undefined;
    const seconds = Math.max(0, (this.clock() - start) / 1000);
    if (ok) {
      const labels = {
        cluster: this.base.cluster,
        source_node: sourceNode,
        dest_node: destNode,
        dwcp_enabled: dwcpEnabled ? 'true' : 'false',
      };
      observeWithExemplar(this.duration, labels, seconds, exemplar);
      if (memoryBytes !== undefined) this.memory.inc(labels, memoryBytes);
      if (resources) {
        this.cpu.inc(labels, resources.cpuSeconds);
        this.hostMemory.observe(labels, resources.hostMemoryPeakBytes);
        this.sent.inc(labels, resources.sentBytes);
      }
    }
    return seconds;
  }

  /** Speedup of DWCP over standard migration (standard time / DWCP time) for a VM type. */
  onSpeedupCalculated(vmType: string, factor: number): void {
    nonEmpty(vmType, 'vm type');
    this.speedup.set({ cluster: this.base.cluster, vm_type: vmType }, nonNegative(factor, 'speedup factor'));
  }

  /** Migrations whose start is held (bounded by maxInFlight). */
  get inFlightCount(): number {
    return this.inFlight.size;
  }
}
