/**
 * Inter-region network telemetry computed on request from the stored probe series of the nodes
 * (`dwcp_v3_network_*{node_id, remote_region}`, region from the scrape target): reads the `SampleStore` (findSeries
 * + readPoints, bounded by `maxSeries` per metric and `maxPointsPerSeries`) and runs the pure engine of
 * src/analysis/health/network.ts per (region, remote_region): RTT statistics, RFC 3550 §6.4.1 jitter, loss ratio,
 * bandwidth utilisation per direction and tunnel health. Served by GET /api/network.
 */
import {
  bandwidthUtilization,
  jitterStep,
  packetLossRatio,
  rttStats,
  tunnelHealth,
  type TunnelThresholds,
} from '../analysis/health/network.ts';
import { getMetric } from '../catalog/index.ts';
import type { NetworkOverview, PairBandwidth, PairNetwork, PairRtt } from '../contract/network.ts';
import { quantileSorted } from '../math/quantile.ts';
import type { SampleStore, SeriesPoints } from '../store/types.ts';
import { nodeOf, regionOf } from './component-status.ts';

const RTT = getMetric('dwcp_v3_network_rtt_seconds').name;
const SENT = getMetric('dwcp_v3_network_probes_sent_total').name;
const LOST = getMetric('dwcp_v3_network_probes_lost_total').name;
const BANDWIDTH = getMetric('dwcp_v3_network_bandwidth_bytes_per_second').name;
const CAPACITY = getMetric('dwcp_v3_network_link_capacity_bytes_per_second').name;

/** Network telemetry in the API's shape (src/contract/network.ts): each call reads the store over `[nowMs − windowMs, nowMs]`. */
export interface NetworkProvider {
  /** @param region only pairs whose source region is this one (undefined: all). */
  network(windowMs: number, nowMs: number, region?: string): Promise<NetworkOverview>;
}

/** Bounds of one read and the tunnel thresholds. */
export interface NetworkProviderOptions {
  /** Series read per metric (more → warning). Default 500. */
  readonly maxSeries?: number;
  /** Latest points read per series (more → warning). Default 20 000. */
  readonly maxPointsPerSeries?: number;
  /** Passed to tunnelHealth (defaults: degraded at 1 % loss or p95 RTT 500 ms, down at 50 % loss or 30 s silence). */
  readonly tunnel?: TunnelThresholds;
}

/** Accumulator of one pair while reading. */
interface PairAcc {
  readonly region: string;
  readonly remoteRegion: string;
  readonly nodes: Set<string>;
  readonly rttMs: number[];
  latestRtt: { ms: number; t: number } | null;
  jitterMs: number | null;
  sent: number;
  lost: number;
  tx: number;
  rx: number;
  capacity: number;
  hasBandwidth: boolean;
  lastSeenMs: number | null;
}

/** Finite points of a series, in time order. */
function finitePoints(s: SeriesPoints): { ts: number[]; vs: number[] } {
  const ts: number[] = [];
  const vs: number[] = [];
  for (let i = 0; i < s.values.length; i++) {
    const v = s.values[i]!;
    if (Number.isFinite(v)) {
      ts.push(s.timestampsMs[i]!);
      vs.push(v);
    }
  }
  return { ts, vs };
}

/** Increase of a counter over its points; a decrease is a reset (the new value counts from 0). */
export function counterIncrease(values: readonly number[]): number {
  let inc = 0;
  for (let i = 1; i < values.length; i++) {
    const d = values[i]! - values[i - 1]!;
    inc += d >= 0 ? d : values[i]!;
  }
  return inc;
}

/**
 * RFC 3550 §6.4.1 jitter after the last of `samplesMs` (successive delay samples of one stream): J starts at 0
 * and `J += (|D| − J)/16` for each D = sᵢ − sᵢ₋₁ (appendix A.8). Null for fewer than two samples.
 */
export function jitterOf(samplesMs: readonly number[]): number | null {
  if (samplesMs.length < 2) return null;
  let j = 0;
  for (let i = 1; i < samplesMs.length; i++) j = jitterStep(j, samplesMs[i]! - samplesMs[i - 1]!);
  return j;
}

/**
 * Creates the provider over `store`.
 * @throws StoreError from the store
 */
export function createNetworkProvider(
  store: SampleStore,
  options: NetworkProviderOptions = {},
): NetworkProvider {
  const maxSeries = options.maxSeries ?? 500;
  const maxPoints = options.maxPointsPerSeries ?? 20_000;
  const thresholds = options.tunnel ?? {};
  // Validates the thresholds once, at construction (InvalidInputError), rather than on every request.
  tunnelHealth({ lossRatio: null, rttP95Ms: null, lastSeenMs: null }, thresholds, 0);

  return {
    async network(windowMs, nowMs, region) {
      const window = { startMs: nowMs - windowMs, endMs: nowMs };
      const warnings: string[] = [];
      const pairs = new Map<string, PairAcc>();

      const read = async (metric: string): Promise<SeriesPoints[]> => {
        const refs = await store.findSeries(metric, {}, maxSeries);
        if (refs.length >= maxSeries) warnings.push(`${metric}: read the first ${maxSeries} series only`);
        if (refs.length === 0) return [];
        const series = await store.readPoints(refs, window.startMs, window.endMs, maxPoints);
        if (series.some((p) => p.timestampsMs.length >= maxPoints))
          warnings.push(`${metric}: read the latest ${maxPoints} points per series only`);
        return series;
      };
      /** The pair of a series, or undefined when it has no remote_region or is filtered out. */
      const pairOf = (s: SeriesPoints): PairAcc | undefined => {
        const labels = s.series.labels;
        const remote = labels.remote_region;
        const src = regionOf(labels);
        if (!remote || (region !== undefined && src !== region)) return undefined;
        const key = `${src}\u0000${remote}`;
        let p = pairs.get(key);
        if (!p) {
          p = {
            region: src,
            remoteRegion: remote,
            nodes: new Set(),
            rttMs: [],
            latestRtt: null,
            jitterMs: null,
            sent: 0,
            lost: 0,
            tx: 0,
            rx: 0,
            capacity: 0,
            hasBandwidth: false,
            lastSeenMs: null,
          };
          pairs.set(key, p);
        }
        p.nodes.add(nodeOf(labels));
        return p;
      };
      const seen = (p: PairAcc, ts: readonly number[]): void => {
        const last = ts[ts.length - 1];
        if (last !== undefined) p.lastSeenMs = p.lastSeenMs === null ? last : Math.max(p.lastSeenMs, last);
      };

      for (const s of await read(RTT)) {
        const p = pairOf(s);
        if (!p) continue;
        const { ts, vs } = finitePoints(s);
        const ms = vs.filter((v) => v >= 0).map((v) => v * 1000);
        if (ms.length < vs.length)
          warnings.push(`${s.series.key}: ${vs.length - ms.length} negative RTT samples skipped`);
        for (const v of ms) p.rttMs.push(v);
        const j = jitterOf(ms);
        if (j !== null) p.jitterMs = p.jitterMs === null ? j : Math.max(p.jitterMs, j);
        const lastT = ts[ts.length - 1];
        if (ms.length > 0 && lastT !== undefined && (p.latestRtt === null || lastT > p.latestRtt.t))
          p.latestRtt = { ms: ms[ms.length - 1]!, t: lastT };
        seen(p, ts);
      }
      for (const [metric, field] of [
        [SENT, 'sent'],
        [LOST, 'lost'],
      ] as const) {
        for (const s of await read(metric)) {
          const p = pairOf(s);
          if (!p) continue;
          const { vs } = finitePoints(s);
          p[field] += counterIncrease(vs);
        }
      }
      for (const s of await read(BANDWIDTH)) {
        const p = pairOf(s);
        if (!p) continue;
        const { vs } = finitePoints(s);
        const v = vs[vs.length - 1];
        if (v === undefined || v < 0) continue;
        const direction = s.series.labels.direction;
        if (direction === 'tx') p.tx += v;
        else if (direction === 'rx') p.rx += v;
        else continue;
        p.hasBandwidth = true;
      }
      for (const s of await read(CAPACITY)) {
        const p = pairOf(s);
        if (!p) continue;
        const { vs } = finitePoints(s);
        const v = vs[vs.length - 1];
        if (v !== undefined && v > 0) p.capacity += v;
      }

      const out: PairNetwork[] = [];
      for (const p of pairs.values()) {
        const stats = rttStats(p.rttMs);
        let rtt: PairRtt | null = null;
        if (stats && p.latestRtt) {
          const sorted = Float64Array.from(p.rttMs).sort();
          rtt = {
            samples: stats.count,
            latestMs: p.latestRtt.ms,
            minMs: stats.minMs,
            avgMs: stats.avgMs,
            p50Ms: quantileSorted(sorted, 0.5),
            p95Ms: stats.p95Ms,
            maxMs: stats.maxMs,
          };
        }
        // Lost may exceed sent only through a reset seen on one counter and not the other; clamp as the RFC does.
        const ratio = p.sent > 0 ? packetLossRatio(p.sent, Math.max(0, p.sent - p.lost)) : null;
        const throughput = { txBytesPerSecond: p.tx, rxBytesPerSecond: p.rx };
        const bandwidth: PairBandwidth | null = !p.hasBandwidth
          ? null
          : p.capacity > 0
            ? {
                ...throughput,
                capacityBytesPerSecond: p.capacity,
                utilization: bandwidthUtilization(p.tx, p.rx, p.capacity),
              }
            : { ...throughput, capacityBytesPerSecond: null, utilization: null };
        out.push({
          region: p.region,
          remoteRegion: p.remoteRegion,
          nodes: [...p.nodes].sort(),
          rtt,
          jitterMs: p.jitterMs,
          loss: { probesSent: p.sent, probesLost: p.lost, ratio },
          bandwidth,
          lastSeenMs: p.lastSeenMs,
          tunnel: tunnelHealth(
            { lossRatio: ratio, rttP95Ms: rtt?.p95Ms ?? null, lastSeenMs: p.lastSeenMs },
            thresholds,
            nowMs,
          ),
        });
      }
      out.sort((a, b) => a.region.localeCompare(b.region) || a.remoteRegion.localeCompare(b.remoteRegion));
      return { window, pairs: out, warnings };
    },
  };
}
