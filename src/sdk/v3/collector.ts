/**
 * The DWCP v3 collector (seed 000 / inventory 1.2, the original dwcp_v3_metrics.go) as typed methods, grouped
 * per component: `collector.amst`, `.hde`, `.pba`, `.ass`, `.acp`, `.itp`, plus mode, per-mode transport gauges,
 * migrations and generic component operations. Every series carries `node_id`.
 * Every method throws InvalidInputError on non-finite/negative numbers, ratios outside 0..1 and unknown modes.
 * The record types the methods take are in ./records.ts.
 * Length (just over 400 lines): one typed method group per component of the v3 catalog, nothing else.
 */
import type { Counter, Gauge, Histogram } from 'prom-client';
import type { MetricName } from '../../catalog/index.ts';
import { InvalidInputError } from '../../errors.ts';
import { COMPONENTS, isComponent, isMode, MODES, type Component, type Mode } from '../../model/dwcp.ts';
import type { CatalogMetrics } from '../../catalog/registry.ts';
import { inRange, nonEmpty, nonNegative } from '../validate.ts';
import { observeWithExemplar } from '../exemplar.ts';
import { checkResources } from '../migration-resources.ts';
import type {
  Direction,
  MigrationRecord,
  CompressionRecord,
  PredictionRecord,
  SyncRecord,
  ConsensusRecord,
  PlacementRecord,
  RdmaRecord,
  TransferRecord,
} from './records.ts';

/** Compressions over which dwcp_v3_delta_hit_ratio is computed (a sliding window, so changes show). */
export const DELTA_WINDOW = 64;

function mode(m: Mode): Mode {
  if (!isMode(m)) throw new InvalidInputError(`mode must be one of ${MODES.join(', ')}, got ${String(m)}`);
  return m;
}
function component(c: Component): Component {
  if (!isComponent(c)) throw new InvalidInputError(`unknown component ${String(c)}`);
  return c;
}
function ratio(v: number, what: string): number {
  return inRange(v, 0, 1, what);
}

/** The v3 collector for one node. Holds only per-mode counts (bounded by the 3 modes). */
export class DwcpV3Collector {
  readonly nodeId: string;
  private current: Mode | undefined;
  private readonly activeStreams = new Map<Mode, number>();
  /** Last DELTA_WINDOW delta-hit outcomes (ring buffer; 1 = hit). */
  private readonly deltaRing = new Uint8Array(DELTA_WINDOW);
  private deltaN = 0;
  private deltaI = 0;
  private deltaHits = 0;

  readonly amst: {
    /** `n` streams opened in `mode` (active_streams gauge += n). */
    streamsOpened(mode: Mode, n?: number): void;
    /** `n` streams closed in `mode` (active_streams gauge -= n, not below 0). */
    streamsClosed(mode: Mode, n?: number): void;
    /** Bytes moved in `mode` and direction (dwcp_v3_bytes_transferred_total). */
    bytes(mode: Mode, direction: Direction, bytes: number): void;
    /** Congestion-control events in `mode`. */
    congestion(mode: Mode, n?: number): void;
    /** Streams that failed to open or broke in `mode`. */
    failedStream(mode: Mode, n?: number): void;
    /** Stream efficiency active/total, 0..1. */
    efficiency(ratio: number): void;
  };
  readonly hde: {
    /**
     * One compression: ratio gauge, count, latency and the delta hit ratio over the last DELTA_WINDOW
     * compressions. Returns the ratio.
     */
    compression(r: CompressionRecord): number;
    crdtMerges(n?: number): void;
    /** ML algorithm-selection accuracy, 0..1. */
    algorithmSelectionAccuracy(ratio: number): void;
  };
  readonly pba: {
    prediction(r: PredictionRecord): void;
    modelSwitch(): void;
  };
  readonly ass: {
    sync(r: SyncRecord): void;
    conflictsResolved(n?: number): void;
    crdtOperations(n?: number): void;
  };
  readonly acp: {
    consensus(r: ConsensusRecord): void;
    byzantine(n?: number): void;
    leaderChange(): void;
  };
  readonly itp: {
    placement(r: PlacementRecord): void;
  };

  private readonly m: CatalogMetrics;

  /** @param metrics a set created with the v3 catalog group; @param nodeId value of the node_id label. */
  constructor(metrics: CatalogMetrics, nodeId: string) {
    this.m = metrics;
    this.nodeId = nonEmpty(nodeId, 'node id');
    const node_id = this.nodeId;
    const c = (n: MetricName): Counter<string> => metrics.counter(n);
    const g = (n: MetricName): Gauge<string> => metrics.gauge(n);
    const h = (n: MetricName): Histogram<string> => metrics.histogram(n);
    const count = (n: number | undefined, what: string): number => nonNegative(n ?? 1, what);

    const bytesTransferred = c('dwcp_v3_bytes_transferred_total');
    const activeG = g('dwcp_v3_active_streams');
    const setActive = (md: Mode, v: number): void => {
      this.activeStreams.set(md, v);
      activeG.set({ node_id, mode: md }, v);
    };
    const congestion = c('dwcp_v3_congestion_events_total');
    const failed = c('dwcp_v3_failed_streams_total');
    const eff = g('dwcp_v3_amst_stream_efficiency_ratio');
    this.amst = {
      streamsOpened: (md, n) =>
        setActive(mode(md), (this.activeStreams.get(md) ?? 0) + count(n, 'stream count')),
      streamsClosed: (md, n) =>
        setActive(mode(md), Math.max(0, (this.activeStreams.get(md) ?? 0) - count(n, 'stream count'))),
      bytes: (md, dir, b) => {
        if (dir !== 'sent' && dir !== 'received')
          throw new InvalidInputError(`direction must be sent or received, got ${String(dir)}`);
        bytesTransferred.inc({ node_id, mode: mode(md), direction: dir }, nonNegative(b, 'bytes'));
      },
      congestion: (md, n) => congestion.inc({ node_id, mode: mode(md) }, count(n, 'congestion events')),
      failedStream: (md, n) => failed.inc({ node_id, mode: mode(md) }, count(n, 'failed streams')),
      efficiency: (r) => eff.set({ node_id }, ratio(r, 'stream efficiency')),
    };

    const compRatio = g('dwcp_v3_compression_ratio');
    const compTotal = c('dwcp_v3_compressions_total');
    const compLat = h('dwcp_v3_compression_latency_seconds');
    const deltaRatio = g('dwcp_v3_delta_hit_ratio');
    const merges = c('dwcp_v3_crdt_merges_total');
    const algAcc = g('dwcp_v3_algorithm_selection_accuracy');
    this.hde = {
      compression: (r) => {
        nonEmpty(r.algorithm, 'algorithm');
        nonNegative(r.originalBytes, 'original bytes');
        nonNegative(r.compressedBytes, 'compressed bytes');
        nonNegative(r.latencySeconds, 'compression latency');
        if (r.compressedBytes === 0 && r.originalBytes > 0)
          throw new InvalidInputError('compressed bytes is 0 for non-empty input');
        const value = r.compressedBytes > 0 ? r.originalBytes / r.compressedBytes : 1;
        const l = { node_id, algorithm: r.algorithm };
        compRatio.set(l, value);
        compTotal.inc(l);
        compLat.observe(l, r.latencySeconds);
        if (this.deltaN === DELTA_WINDOW) this.deltaHits -= this.deltaRing[this.deltaI]!;
        else this.deltaN++;
        this.deltaRing[this.deltaI] = r.deltaHit ? 1 : 0;
        this.deltaHits += r.deltaHit ? 1 : 0;
        this.deltaI = (this.deltaI + 1) % DELTA_WINDOW;
        deltaRatio.set({ node_id }, this.deltaHits / this.deltaN);
        return value;
      },
      crdtMerges: (n) => merges.inc({ node_id }, count(n, 'merges')),
      algorithmSelectionAccuracy: (r) => algAcc.set({ node_id }, ratio(r, 'algorithm selection accuracy')),
    };

    const predAcc = g('dwcp_v3_prediction_accuracy');
    const predLat = h('dwcp_v3_prediction_latency_seconds');
    const preds = c('dwcp_v3_predictions_total');
    const predBw = g('dwcp_v3_predicted_bandwidth_bytes_per_second');
    const modelSwitches = c('dwcp_v3_pba_model_switches_total');
    this.pba = {
      prediction: (r) => {
        const l = { node_id, mode: mode(r.mode) };
        predAcc.set(l, ratio(r.accuracy, 'prediction accuracy'));
        predLat.observe(l, nonNegative(r.latencySeconds, 'prediction latency'));
        preds.inc(l);
        predBw.set(l, nonNegative(r.predictedBps, 'predicted bandwidth'));
      },
      modelSwitch: () => modelSwitches.inc({ node_id }),
    };

    const syncOps = c('dwcp_v3_sync_operations_total');
    const conflicts = c('dwcp_v3_sync_conflicts_resolved_total');
    const syncLat = h('dwcp_v3_sync_latency_seconds');
    const crdtOps = c('dwcp_v3_crdt_operations_total');
    this.ass = {
      sync: (r) => {
        if (r.type !== 'full' && r.type !== 'incremental')
          throw new InvalidInputError(`sync type must be full or incremental, got ${String(r.type)}`);
        const md = mode(r.mode);
        syncOps.inc({ node_id, type: r.type, result: r.ok ? 'success' : 'failure' });
        syncLat.observe({ node_id, mode: md }, nonNegative(r.latencySeconds, 'sync latency'));
      },
      conflictsResolved: (n) => conflicts.inc({ node_id }, count(n, 'conflicts')),
      crdtOperations: (n) => crdtOps.inc({ node_id }, count(n, 'crdt operations')),
    };

    const consOps = c('dwcp_v3_consensus_operations_total');
    const consLat = h('dwcp_v3_consensus_latency_seconds');
    const byz = c('dwcp_v3_byzantine_detections_total');
    const leader = c('dwcp_v3_leader_changes_total');
    this.acp = {
      consensus: (r) => {
        if (r.protocol !== 'raft' && r.protocol !== 'pbft')
          throw new InvalidInputError(`protocol must be raft or pbft, got ${String(r.protocol)}`);
        if (r.result !== 'success' && r.result !== 'timeout' && r.result !== 'failure') {
          throw new InvalidInputError(
            `consensus result must be success, timeout or failure, got ${String(r.result)}`,
          );
        }
        nonNegative(r.latencySeconds, 'consensus latency');
        consOps.inc({ node_id, protocol: r.protocol, result: r.result });
        consLat.observe({ node_id, protocol: r.protocol }, r.latencySeconds);
      },
      byzantine: (n) => byz.inc({ node_id }, count(n, 'byzantine detections')),
      leaderChange: () => leader.inc({ node_id }),
    };

    const placements = c('dwcp_v3_placement_decisions_total');
    const score = g('dwcp_v3_placement_score');
    const itpAcc = g('dwcp_v3_itp_prediction_accuracy');
    const geo = c('dwcp_v3_geo_optimizations_total');
    this.itp = {
      placement: (r) => {
        inRange(r.score, 0, 100, 'placement score');
        placements.inc({ node_id, quality: r.optimal ? 'optimal' : 'suboptimal' });
        score.set({ node_id }, r.score);
        if (r.predictionAccuracy !== undefined)
          itpAcc.set({ node_id }, ratio(r.predictionAccuracy, 'placement prediction accuracy'));
        if (r.geoOptimized) geo.inc({ node_id });
      },
    };
  }

  /**
   * Exports 0 for every counter and histogram series whose label values are enumerable (modes, protocols,
   * results, components, qualities), plus the given error types per component, so that `rate()` and
   * per-interval means work from the first scrape and every series exists before its first event
   * (Prometheus instrumentation practice: initialise labelled metrics).
   */
  initialize(componentErrorTypes: readonly string[] = ['internal']): void {
    const node_id = this.nodeId;
    const m = this.m;
    for (const md of MODES) {
      const l = { node_id, mode: md };
      for (const to of MODES)
        if (to !== md)
          m.counter('dwcp_v3_mode_switches_total').inc({ node_id, from_mode: md, to_mode: to }, 0);
      m.counter('dwcp_v3_failover_events_total').inc(l, 0);
      m.counter('dwcp_v3_congestion_events_total').inc(l, 0);
      m.counter('dwcp_v3_failed_streams_total').inc(l, 0);
      m.counter('dwcp_v3_predictions_total').inc(l, 0);
      m.counter('dwcp_v3_migration_success_total').inc(l, 0);
      m.counter('dwcp_v3_migration_failures_total').inc(l, 0);
      for (const d of ['sent', 'received'])
        m.counter('dwcp_v3_bytes_transferred_total').inc({ ...l, direction: d }, 0);
      m.histogram('dwcp_v3_migration_duration_seconds').zero(l);
      m.counter('dwcp_v3_migration_memory_bytes_total').inc(l, 0);
      m.counter('dwcp_v3_migration_cpu_seconds_total').inc(l, 0);
      m.histogram('dwcp_v3_migration_host_memory_peak_bytes').zero(l);
      m.counter('dwcp_v3_migration_sent_bytes_total').inc(l, 0);
      m.histogram('dwcp_v3_prediction_latency_seconds').zero(l);
      m.histogram('dwcp_v3_sync_latency_seconds').zero(l);
      m.gauge('dwcp_v3_active_streams').set(l, this.activeStreams.get(md) ?? 0);
    }
    for (const type of ['full', 'incremental'])
      for (const result of ['success', 'failure'])
        m.counter('dwcp_v3_sync_operations_total').inc({ node_id, type, result }, 0);
    for (const protocol of ['raft', 'pbft']) {
      for (const result of ['success', 'timeout', 'failure'])
        m.counter('dwcp_v3_consensus_operations_total').inc({ node_id, protocol, result }, 0);
      m.histogram('dwcp_v3_consensus_latency_seconds').zero({ node_id, protocol });
    }
    for (const quality of ['optimal', 'suboptimal'])
      m.counter('dwcp_v3_placement_decisions_total').inc({ node_id, quality }, 0);
    m.counter('dwcp_v3_crdt_merges_total').inc({ node_id }, 0);
    m.counter('dwcp_v3_pba_model_switches_total').inc({ node_id }, 0);
    m.counter('dwcp_v3_sync_conflicts_resolved_total').inc({ node_id }, 0);
    m.counter('dwcp_v3_crdt_operations_total').inc({ node_id }, 0);
    m.counter('dwcp_v3_byzantine_detections_total').inc({ node_id }, 0);
    m.counter('dwcp_v3_leader_changes_total').inc({ node_id }, 0);
    m.counter('dwcp_v3_geo_optimizations_total').inc({ node_id }, 0);
    m.histogram('dwcp_v3_rdma_latency_seconds').zero({ node_id });
    for (const c of COMPONENTS) {
      m.histogram('dwcp_v3_component_latency_seconds').zero({ node_id, component: c });
      for (const e of componentErrorTypes)
        m.counter('dwcp_v3_component_errors_total').inc(
          { node_id, component: c, error_type: nonEmpty(e, 'error type') },
          0,
        );
    }
  }

  /** Sets dwcp_v3_current_mode: 1 for `m`, 0 for the other modes. */
  setMode(m: Mode): void {
    mode(m);
    const g = this.m.gauge('dwcp_v3_current_mode');
    for (const x of MODES) g.set({ node_id: this.nodeId, mode: x }, x === m ? 1 : 0);
    this.current = m;
  }

  /** A mode switch: counts from->to and sets the current mode to `to`. @throws InvalidInputError when from == to. */
  recordModeSwitch(from: Mode, to: Mode): void {
    mode(from);
    mode(to);
    if (from === to) throw new InvalidInputError(`mode switch from ${from} to itself`);
    this.m.counter('dwcp_v3_mode_switches_total').inc({ node_id: this.nodeId, from_mode: from, to_mode: to });
    this.setMode(to);
  }

  /** The mode last set, or undefined. */
  get currentMode(): Mode | undefined {
    return this.current;
  }

  /**
   * One migration: success/failure counter, duration, guest memory and resources (successes only) and bytes sent.
   */
  recordMigration(r: MigrationRecord): void {
    const l = { node_id: this.nodeId, mode: mode(r.mode) };
    nonNegative(r.durationSeconds, 'migration duration');
    nonNegative(r.bytes, 'migration bytes');
    if (r.memoryBytes !== undefined) nonNegative(r.memoryBytes, 'migration memory bytes');
    if (r.resources) checkResources(r.resources);
    if (r.success) {
      this.m.counter('dwcp_v3_migration_success_total').inc(l);
      observeWithExemplar(
        this.m.histogram('dwcp_v3_migration_duration_seconds'),
        l,
        r.durationSeconds,
        r.exemplar,
      );
      if (r.memoryBytes !== undefined)
        this.m.counter('dwcp_v3_migration_memory_bytes_total').inc(l, r.memoryBytes);
      if (r.resources) {
        this.m.counter('dwcp_v3_migration_cpu_seconds_total').inc(l, r.resources.cpuSeconds);
        this.m
          .histogram('dwcp_v3_migration_host_memory_peak_bytes')
          .observe(l, r.resources.hostMemoryPeakBytes);
        this.m.counter('dwcp_v3_migration_sent_bytes_total').inc(l, r.resources.sentBytes);
      }
    } else {
      this.m.counter('dwcp_v3_migration_failures_total').inc(l);
    }
    this.m.counter('dwcp_v3_bytes_transferred_total').inc({ ...l, direction: 'sent' }, r.bytes);
  }

  /** One transfer operation: mode latency histogram and bytes in both directions. */
  recordTransfer(r: TransferRecord): void {
    const md = mode(r.mode);
    nonEmpty(r.operation, 'operation');
    this.m
      .histogram('dwcp_v3_mode_latency_seconds')
      .observe(
        { node_id: this.nodeId, mode: md, operation: r.operation },
        nonNegative(r.latencySeconds, 'latency'),
      );
    this.amst.bytes(md, 'sent', r.sentBytes);
    this.amst.bytes(md, 'received', r.receivedBytes);
  }

  /** Current throughput of `m` in bytes per second. */
  setModeThroughput(m: Mode, bytesPerSecond: number): void {
    this.m
      .gauge('dwcp_v3_mode_throughput_bytes_per_second')
      .set({ node_id: this.nodeId, mode: mode(m) }, nonNegative(bytesPerSecond, 'throughput'));
  }

  /** Hybrid-mode decision accuracy, 0..1. */
  setAdaptiveDecisionAccuracy(r: number): void {
    this.m
      .gauge('dwcp_v3_adaptive_decision_accuracy')
      .set({ node_id: this.nodeId }, ratio(r, 'decision accuracy'));
  }

  /** A failover (transport or consensus) in mode `m`. */
  recordFailover(m: Mode): void {
    this.m.counter('dwcp_v3_failover_events_total').inc({ node_id: this.nodeId, mode: mode(m) });
  }

  /** Datacenter-mode RDMA gauges and one latency observation. */
  recordRdma(r: RdmaRecord): void {
    const l = { node_id: this.nodeId };
    this.m
      .gauge('dwcp_v3_rdma_throughput_bytes_per_second')
      .set(l, nonNegative(r.throughputBps, 'rdma throughput'));
    this.m.gauge('dwcp_v3_rdma_bandwidth_utilization_ratio').set(l, ratio(r.utilisation, 'rdma utilisation'));
    this.m
      .histogram('dwcp_v3_rdma_latency_seconds')
      .observe(l, nonNegative(r.latencySeconds, 'rdma latency'));
  }

  /** Open TCP streams (internet mode). */
  setTcpStreams(n: number): void {
    this.m.gauge('dwcp_v3_tcp_streams').set({ node_id: this.nodeId }, nonNegative(n, 'tcp streams'));
  }

  /** WAN packet loss in mode `m`, 0..1. */
  setPacketLoss(m: Mode, loss: number): void {
    this.m
      .gauge('dwcp_v3_packet_loss_ratio')
      .set({ node_id: this.nodeId, mode: mode(m) }, ratio(loss, 'packet loss'));
  }

  /** One operation of a component: operations counter and latency histogram. */
  componentOperation(c: Component, operationType: string, latencySeconds: number): void {
    component(c);
    nonEmpty(operationType, 'operation type');
    this.m
      .counter('dwcp_v3_component_operations_total')
      .inc({ node_id: this.nodeId, component: c, operation_type: operationType });
    this.m
      .histogram('dwcp_v3_component_latency_seconds')
      .observe({ node_id: this.nodeId, component: c }, nonNegative(latencySeconds, 'latency'));
  }

  /** One error of a component. */
  componentError(c: Component, errorType: string): void {
    component(c);
    nonEmpty(errorType, 'error type');
    this.m
      .counter('dwcp_v3_component_errors_total')
      .inc({ node_id: this.nodeId, component: c, error_type: errorType });
  }
}
