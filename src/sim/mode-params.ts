/**
 * Per-mode dynamics of a simulated node as data: one row per DWCP mode (datacenter, internet, hybrid) with
 * the transfer model, AMST streams, HDE compression, PBA accuracy, ASS/ACP protocols and latencies, ITP and
 * migration/federation constants and the SLA the node reports against. The code that draws from these
 * (./node-dynamics.ts) is the same for every mode.
 * @see NovaCron monitoring inventory, section 7 (DWCP protocol facts): 7.1 components (AMST streams
 *   DC 32-512 / internet 4-16 = bandwidth_Mbps / (latency_ms x 0.2); HDE lz4 in DC, zstd-max on the internet;
 *   PBA accuracy targets DC 85 %, internet 70 %; ASS Raft < 100 ms in DC, CRDT convergence 5-30 s on the
 *   internet; ACP Raft < 100 ms in DC, PBFT 1-5 s on the internet), 7.3 target values (DC throughput alert
 *   < 2.2e9 B/s, internet 100-900 Mbit/s)
 */
import type { Mode } from '../model/dwcp.ts';
import type { CompressionAlgorithm } from '../sdk/v3/records.ts';
import type { DowntimeParams } from './downtime.ts';

/** A uniform range [lo, hi). */
type Range = readonly [lo: number, hi: number];

/**
 * How a mode turns link conditions into transfer throughput (bytes/s), before faults and seasonality; `ratio`
 * is measured latency / base latency:
 * - `rdma`: min(bandwidth/8, RDMA rate or `fallbackBytesPerSecond`) x noise x (1 - lossPenalty x loss) / (1 + rttSensitivity x (ratio - 1)) — RDMA barely feels RTT;
 * - `tcp`: bandwidth/8 x efficiency x noise x (1 - lossPenalty x loss) / max(1, ratio) — TCP throughput falls with RTT (Mathis);
 * - `mixed`: min(bandwidth/8, RDMA rate or fallback) x efficiency x noise x (1 - lossPenalty x loss) / sqrt(max(1, ratio)).
 */
export type TransferModel =
  | {
      readonly model: 'rdma';
      readonly fallbackBytesPerSecond: number;
      readonly lossPenalty: number;
      readonly rttSensitivity: number;
    }
  | { readonly model: 'tcp'; readonly efficiency: number; readonly lossPenalty: number }
  | {
      readonly model: 'mixed';
      readonly fallbackBytesPerSecond: number;
      readonly efficiency: number;
      readonly lossPenalty: number;
    };

/**
 * AMST stream count of a mode: `seasonal` = round(clamp(base x (1 + amplitude x season) x noise(noiseSd), min,
 * max)); `bandwidth-delay` = round(clamp(bandwidth_Mbps / (latency_ms x 0.2), min, max)), no draw.
 */
export type StreamRule =
  | {
      readonly rule: 'seasonal';
      readonly base: number;
      readonly seasonalAmplitude: number;
      readonly noiseSd: number;
      readonly min: number;
      readonly max: number;
    }
  | { readonly rule: 'bandwidth-delay'; readonly min: number; readonly max: number };

/** The dynamics of one mode. */
export interface ModeParams {
  readonly transfer: TransferModel;
  /** Share 0..1 of the throughput carried over RDMA (the rest over TCP). */
  readonly rdmaShare: number;
  /**
   * Operation latency = one-way latency x uniform(range), seconds. The one-way latency already carries the
   * retransmission delay of the path's loss (./link-model.ts, x (1 + 20 x loss)); it is not counted twice.
   */
  readonly opLatencyFactor: Range;
  readonly streams: StreamRule;
  /** The TCP-stream gauge: a fixed count, or `amst` for the AMST stream count. */
  readonly tcpStreams: number | 'amst';
  readonly compression: {
    readonly algorithm: CompressionAlgorithm;
    /** Typical compression ratio. */
    readonly baseRatio: number;
    /** Compression latency, seconds (before noise). */
    readonly latencySeconds: number;
  };
  /** HDE CRDT merges per second (Poisson mean). */
  readonly crdtMergesPerSecond: number;
  /** PBA prediction accuracy 0..1 (before noise). */
  readonly predictionAccuracy: number;
  /** ASS sync latency range, seconds (before the fault's latency factor). */
  readonly syncLatencySeconds: Range;
  /** ASS conflicts resolved per second (Poisson mean); null: none (Raft, strongly consistent; no draw). */
  readonly syncConflictsPerSecond: number | null;
  /** ASS CRDT operations per second (Poisson mean). */
  readonly crdtOperationsPerSecond: number;
  /** ACP protocol and its round latency range, seconds. */
  readonly consensus: { readonly protocol: 'raft' | 'pbft'; readonly latencySeconds: Range };
  /** Probability that an ITP placement is geo-optimised. */
  readonly geoOptimizedShare: number;
  /** Fixed time added to every migration, seconds. */
  readonly migrationOverheadSeconds: number;
  /** Switchover downtime of a v3 migration (./downtime.ts for the model and its sources). */
  readonly downtime: DowntimeParams;
  /** Fixed part of a federation sync, seconds (plus 4 x the one-way latency). */
  readonly federationBaseSeconds: number;
  /** SLA: minimum transfer throughput (bytes/s) and maximum operation latency (seconds). */
  readonly sla: { readonly throughputBytesPerSecond: number; readonly latencySeconds: number };
}

/** The per-mode table (see the module comment for sources). */
export const MODE_PARAMS: Readonly<Record<Mode, ModeParams>> = {
  datacenter: {
    transfer: { model: 'rdma', fallbackBytesPerSecond: 2.6e9, lossPenalty: 5, rttSensitivity: 0.1 },
    rdmaShare: 1,
    opLatencyFactor: [3, 8],
    streams: { rule: 'seasonal', base: 128, seasonalAmplitude: 0.2, noiseSd: 0.03, min: 32, max: 512 },
    tcpStreams: 0,
    compression: { algorithm: 'lz4', baseRatio: 2.6, latencySeconds: 0.0015 },
    crdtMergesPerSecond: 2,
    predictionAccuracy: 0.88,
    syncLatencySeconds: [0.002, 0.02],
    syncConflictsPerSecond: null,
    crdtOperationsPerSecond: 5,
    consensus: { protocol: 'raft', latencySeconds: [0.005, 0.05] },
    geoOptimizedShare: 0.1,
    migrationOverheadSeconds: 0.05,
    // RDMA at ~6 GB/s after compression: 64 MiB in ~11 ms; ~30 ms in all.
    downtime: { fixedSeconds: 0.015, finalRoundBytes: 64 * 2 ** 20, noiseSd: 0.2 },
    federationBaseSeconds: 0.05,
    sla: { throughputBytesPerSecond: 2.2e9, latencySeconds: 0.1 },
  },
  internet: {
    transfer: { model: 'tcp', efficiency: 0.85, lossPenalty: 10 },
    rdmaShare: 0,
    opLatencyFactor: [1.5, 3],
    streams: { rule: 'bandwidth-delay', min: 4, max: 16 },
    tcpStreams: 'amst',
    compression: { algorithm: 'zstd-max', baseRatio: 4.2, latencySeconds: 0.006 },
    crdtMergesPerSecond: 10,
    predictionAccuracy: 0.74,
    syncLatencySeconds: [5, 12],
    syncConflictsPerSecond: 0.5,
    crdtOperationsPerSecond: 40,
    consensus: { protocol: 'pbft', latencySeconds: [1.2, 3.5] },
    geoOptimizedShare: 0.5,
    migrationOverheadSeconds: 2,
    // One-way 70-140 ms plus 4 MiB at ~120 MB/s after compression: ~130-200 ms.
    downtime: { fixedSeconds: 0.02, finalRoundBytes: 4 * 2 ** 20, noiseSd: 0.15 },
    federationBaseSeconds: 0.3,
    // 100 Mbit/s, the lower end of the internet mode's 100-900 Mbit/s.
    sla: { throughputBytesPerSecond: 12.5e6, latencySeconds: 0.5 },
  },
  hybrid: {
    transfer: { model: 'mixed', fallbackBytesPerSecond: 1.5e9, efficiency: 0.6, lossPenalty: 5 },
    rdmaShare: 0.6,
    opLatencyFactor: [1.5, 3],
    streams: { rule: 'bandwidth-delay', min: 16, max: 64 },
    tcpStreams: 8,
    compression: { algorithm: 'zstd', baseRatio: 3.4, latencySeconds: 0.006 },
    crdtMergesPerSecond: 10,
    predictionAccuracy: 0.8,
    syncLatencySeconds: [0.05, 0.4],
    syncConflictsPerSecond: 0.5,
    crdtOperationsPerSecond: 40,
    consensus: { protocol: 'raft', latencySeconds: [0.005, 0.05] },
    geoOptimizedShare: 0.5,
    migrationOverheadSeconds: 0.05,
    // One-way ~25 ms plus 16 MiB at ~0.5 GB/s after compression: ~70 ms.
    downtime: { fixedSeconds: 0.015, finalRoundBytes: 16 * 2 ** 20, noiseSd: 0.2 },
    federationBaseSeconds: 0.3,
    // No source gives a hybrid target: between the two, 100 MB/s.
    sla: { throughputBytesPerSecond: 1e8, latencySeconds: 0.25 },
  },
};
