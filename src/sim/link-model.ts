/**
 * The network path of a simulated node: link classes with their parameter ranges, the base profile a node
 * draws from them, and the link conditions of one tick (noise, daily seasonality, the hybrid latency
 * oscillation, correlated loss effects and fault factors). Pure functions over a `Prng`; no telemetry.
 */
import type { FaultEffects } from './faults.ts';
import type { Prng } from './prng.ts';

/** Which kind of network path a node sits on (decides its mode). */
export type LinkClass = 'datacenter' | 'internet' | 'hybrid';

/** Base link conditions of a node (before noise, seasonality and faults). */
export interface LinkProfile {
  readonly linkClass: LinkClass;
  /** One-way latency in ms (hybrid: centre of a slow oscillation of +-10 ms that stays inside the class's 10-50 ms). */
  readonly latencyMs: number;
  /** Available bandwidth in bits per second. */
  readonly bandwidthBps: number;
  /** Packet loss 0..1. */
  readonly loss: number;
  /**
   * Rate of the host's RDMA engine in bytes per second (2.5-2.9 GB/s in a datacenter). What a transfer achieves
   * is bounded by the link as well (`bandwidthBps / 8`; see node-dynamics.ts), so on a hybrid link the RDMA
   * engine is faster than the path and the path decides.
   */
  readonly rdmaBytesPerSecond: number;
}

/** A uniform range [lo, hi). */
type Range = readonly [lo: number, hi: number];

/** Parameters of one link class. */
export interface LinkClassParams {
  /** Range of `LinkProfile.latencyMs`. */
  readonly latencyMs: Range;
  /** Range of `LinkProfile.bandwidthBps`. */
  readonly bandwidthBps: Range;
  /** Range of `LinkProfile.loss`. */
  readonly loss: Range;
  /** Range of `LinkProfile.rdmaBytesPerSecond`; null: no RDMA (0, and no draw). */
  readonly rdmaBytesPerSecond: Range | null;
  /** Mean queueing delay added to a probe's RTT (ms, exponential): the source of jitter beyond the noise. */
  readonly probeQueueMs: number;
  /** Accuracy of the adaptive transport decision (0..1), before noise. */
  readonly adaptiveDecisionAccuracy: number;
}

/**
 * The link classes. Ranges follow the mode comments of the original mode detector (datacenter = RDMA,
 * 10-100 Gbit/s, < 10 ms; internet = TCP, 100-900 Mbit/s, 50-500 ms; hybrid = 10-50 ms at >= 1 Gbit/s) and
 * the datacenter throughput target of 2.4 GB/s.
 * @see NovaCron monitoring inventory, section 7 (DWCP protocol facts): 7.1 components, 7.2 mode selection
 *   (`upgrade/mode_detector.go`), 7.3 target values
 */
export const LINK_CLASSES: Readonly<Record<LinkClass, LinkClassParams>> = {
  // Every class's oscillating latency stays inside its mode's band (link-model.test.ts checks it).
  datacenter: {
    latencyMs: [1.5, 4],
    bandwidthBps: [32e9, 40e9],
    loss: [0.00005, 0.0002],
    rdmaBytesPerSecond: [2.5e9, 2.9e9],
    probeQueueMs: 0.3,
    adaptiveDecisionAccuracy: 0.96,
  },
  internet: {
    latencyMs: [70, 140],
    bandwidthBps: [300e6, 800e6],
    loss: [0.002, 0.012],
    rdmaBytesPerSecond: null,
    probeQueueMs: 4,
    adaptiveDecisionAccuracy: 0.96,
  },
  hybrid: {
    latencyMs: [22, 28],
    bandwidthBps: [2e9, 5e9],
    loss: [0.0005, 0.002],
    rdmaBytesPerSecond: [1.2e9, 1.8e9],
    probeQueueMs: 1.5,
    adaptiveDecisionAccuracy: 0.88,
  },
};

/**
 * Amplitude of the hybrid latency oscillation, ms (either side of `LinkProfile.latencyMs`): 22-28 +- 10 ms keeps
 * the path at 12-38 ms, inside the hybrid class's 10-50 ms with room for noise, seasonality and retransmissions,
 * so a healthy hybrid node is never classified datacenter (a 2-5 Gbit/s path cannot carry the datacenter mode's
 * 2.4 GB/s) nor internet; only a fault moves it to another mode. (A swing of +-20 ms took the path to 2 ms, where
 * the node spent a sixth of its time in datacenter mode at a rate its link could not deliver.)
 */
const HYBRID_SWING_MS = 10;
/** Default period of the hybrid latency oscillation, seconds. */
export const DEFAULT_HYBRID_PERIOD_SECONDS = 240;

/**
 * Deterministic link class for the region at `regionIndex`: region 1 internet, region 2 hybrid, all others
 * datacenter (so with 3 regions the modes differ across regions).
 */
export function linkClassForRegion(regionIndex: number): LinkClass {
  if (regionIndex % 3 === 1) return 'internet';
  if (regionIndex % 3 === 2) return 'hybrid';
  return 'datacenter';
}

/**
 * Base link parameters drawn from `prng` for a class: uniform in the ranges of {@link LINK_CLASSES}, drawn in
 * the order latency, bandwidth, loss, RDMA (no draw for a class without RDMA).
 */
export function linkProfile(linkClass: LinkClass, prng: Prng): LinkProfile {
  const c = LINK_CLASSES[linkClass];
  return {
    linkClass,
    latencyMs: prng.uniform(c.latencyMs[0], c.latencyMs[1]),
    bandwidthBps: prng.uniform(c.bandwidthBps[0], c.bandwidthBps[1]),
    loss: prng.uniform(c.loss[0], c.loss[1]),
    rdmaBytesPerSecond:
      c.rdmaBytesPerSecond === null ? 0 : prng.uniform(c.rdmaBytesPerSecond[0], c.rdmaBytesPerSecond[1]),
  };
}

/** Link conditions of one tick. */
export interface LinkConditions {
  /** Packet loss 0..0.5. */
  readonly loss: number;
  /** Base one-way latency before noise and faults, ms (hybrid: with its oscillation). */
  readonly baseLatencyMs: number;
  /** Measured one-way latency, ms (>= 0.1). */
  readonly latencyMs: number;
  /** Measured bandwidth, bit/s (>= 1e6). */
  readonly bandwidthBps: number;
}

/** 1 + Normal(0, sd): the multiplicative noise of every simulated measurement (one Gaussian draw). */
export function noise(prng: Prng, sd = 0.02): number {
  return 1 + prng.gaussian(0, sd);
}

/** Clamps `v` to [lo, hi]. */
export function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

/**
 * Link conditions at `t` seconds: loss with 5 % noise and +-20 % seasonality; latency with 2 % noise, +-5 %
 * seasonality, +20x loss (retransmissions) and the fault's latency factor; bandwidth with 2 % noise, -2x loss.
 * Three Gaussian draws (loss, latency, bandwidth), in that order.
 */
export function linkConditions(
  p: LinkProfile,
  t: number,
  season: number,
  eff: FaultEffects,
  prng: Prng,
  hybridPeriodSeconds: number,
): LinkConditions {
  // Loss up -> latency up, bandwidth and throughput down (correlated effects).
  const loss = clamp(p.loss * noise(prng, 0.05) * (1 + 0.2 * season), 0, 0.5);
  let baseLatencyMs = p.latencyMs;
  if (p.linkClass === 'hybrid')
    baseLatencyMs += HYBRID_SWING_MS * Math.sin((2 * Math.PI * t) / hybridPeriodSeconds);
  const latencyMs = Math.max(
    0.1,
    baseLatencyMs * noise(prng) * (1 + 0.05 * season) * (1 + 20 * loss) * eff.latencyFactor,
  );
  const bandwidthBps = Math.max(1e6, p.bandwidthBps * noise(prng) * (1 - 2 * loss));
  return { loss, baseLatencyMs, latencyMs, bandwidthBps };
}

/**
 * Base round-trip time in ms of the WAN path between two regions, 20-160 ms and the same in both directions
 * (FNV-1a hash of the sorted pair, so every node of a cluster agrees without shared state).
 */
export function interRegionBaseRttMs(a: string, b: string): number {
  const key = a < b ? `${a}|${b}` : `${b}|${a}`;
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193) >>> 0;
  return 20 + 140 * (h / 4294967296);
}
