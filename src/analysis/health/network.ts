/**
 * Inter-region network telemetry: RFC 3550 interarrival jitter, packet loss ratio, bandwidth utilisation, RTT
 * statistics and tunnel health per directed region pair, with bounded per-pair history. No clocks, no I/O
 * (callers pass times).
 *
 * Fixes against the original `network_telemetry.go` (inventory 6.4): its "jitter" was the population variance of
 * the last 100 latencies (ms², computed as E[x²] − E[x]²); here jitter is the RFC 3550 §6.4.1 estimator in ms.
 * Its loss was a percentage that went negative with duplicates; here it is a 0..1 ratio clamped at 0 as RFC 3550
 * §6.4.1 prescribes for "fraction lost". Its bandwidth utilisation added sent and received bytes against one
 * capacity; here each direction of a full-duplex link is compared with the capacity separately.
 */
import { InvalidInputError, LimitExceededError } from '../../errors.ts';
import { quantileSorted } from '../../math/quantile.ts';

/**
 * One update of the RFC 3550 §6.4.1 (and appendix A.8) interarrival jitter estimator:
 * `J += (|D| − J) / 16`, where D is the difference of the transit times of two successive packets
 * (D(i−1, i) = (Rᵢ − Sᵢ) − (Rᵢ₋₁ − Sᵢ₋₁)). Units are those of D (ms here).
 */
export function jitterStep(j: number, d: number): number {
  return j + (Math.abs(d) - j) / 16;
}

/**
 * RFC 3550 jitter after each packet, from one-way transit times (receive time − send time, in arrival order; a
 * constant clock offset between the hosts cancels in D). The first packet only sets the reference, so the result
 * starts with `initialJitter` (default 0). Example: transits 10, 12, 11, 15 ms → 0, 0.125, 0.1796875,
 * 0.41845703125 ms.
 *
 * Given successive RTT samples instead of one-way transits, the same estimator measures round-trip delay variation
 * (both directions' variation, not the RFC's one-way jitter); {@link NetworkTelemetry} uses one-way transits.
 * @throws InvalidInputError for a non-finite transit time.
 */
export function interarrivalJitter(transitsMs: readonly number[], initialJitter = 0): number[] {
  const out: number[] = [];
  let j = initialJitter;
  transitsMs.forEach((t, i) => {
    if (!Number.isFinite(t)) throw new InvalidInputError(`transit[${i}] must be finite, got ${t}`);
    if (i > 0) j = jitterStep(j, t - transitsMs[i - 1]!);
    out.push(j);
  });
  return out;
}

/**
 * Fraction of packets lost, 0..1: (expected − received) / expected, clamped at 0 when duplicates make received
 * exceed expected (RFC 3550 §6.4.1, "fraction lost"). Null when nothing was expected.
 * @throws InvalidInputError for negative or non-finite counts.
 */
export function packetLossRatio(expected: number, received: number): number | null {
  if (!Number.isFinite(expected) || !Number.isFinite(received) || expected < 0 || received < 0) {
    throw new InvalidInputError(
      `packet counts must be finite and >= 0, got expected=${expected} received=${received}`,
    );
  }
  if (expected === 0) return null;
  return Math.max(0, (expected - received) / expected);
}

/** Per-direction utilisation of a full-duplex link, ratios of the capacity (may exceed 1 if capacity is stale). */
export interface BandwidthUtilization {
  readonly tx: number;
  readonly rx: number;
  /** max(tx, rx): the busier direction. */
  readonly max: number;
}

/**
 * Bandwidth utilisation from throughput in bytes per second and the link capacity in bytes per second (per
 * direction).
 * @throws InvalidInputError for negative/non-finite throughput or a capacity ≤ 0.
 */
export function bandwidthUtilization(
  txBytesPerSecond: number,
  rxBytesPerSecond: number,
  capacityBytesPerSecond: number,
): BandwidthUtilization {
  if (!Number.isFinite(capacityBytesPerSecond) || capacityBytesPerSecond <= 0)
    throw new InvalidInputError(`capacity must be > 0 B/s, got ${capacityBytesPerSecond}`);
  for (const v of [txBytesPerSecond, rxBytesPerSecond]) {
    if (!Number.isFinite(v) || v < 0)
      throw new InvalidInputError(`throughput must be finite and >= 0 B/s, got ${v}`);
  }
  const tx = txBytesPerSecond / capacityBytesPerSecond;
  const rx = rxBytesPerSecond / capacityBytesPerSecond;
  return { tx, rx, max: Math.max(tx, rx) };
}

export interface RttStats {
  readonly count: number;
  readonly minMs: number;
  readonly avgMs: number;
  readonly p95Ms: number;
  readonly maxMs: number;
}

/**
 * Min, mean, p95 (type 7) and max of RTT samples in ms; null for no samples.
 * @throws InvalidInputError for negative or non-finite samples.
 */
export function rttStats(samplesMs: ArrayLike<number>): RttStats | null {
  const n = samplesMs.length;
  if (n === 0) return null;
  const sorted = Float64Array.from(samplesMs);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const v = sorted[i]!;
    if (!Number.isFinite(v) || v < 0)
      throw new InvalidInputError(`rtt[${i}] must be finite and >= 0 ms, got ${v}`);
    sum += v;
  }
  sorted.sort();
  return {
    count: n,
    minMs: sorted[0]!,
    avgMs: sum / n,
    p95Ms: quantileSorted(sorted, 0.95),
    maxMs: sorted[n - 1]!,
  };
}

export type TunnelState = 'up' | 'degraded' | 'down';

export interface TunnelThresholds {
  /** Loss ratio at or above which the tunnel is degraded; default 0.01 (1 %). */
  readonly degradedLoss?: number;
  /** Loss ratio at or above which the tunnel is down; default 0.5. */
  readonly downLoss?: number;
  /** p95 RTT at or above which the tunnel is degraded; default 500 ms (top of internet mode, inventory 7.2). */
  readonly degradedRttMs?: number;
  /** No sample for this long means down; default 30 s. */
  readonly staleAfterMs?: number;
}

export interface TunnelHealth {
  readonly state: TunnelState;
  /** Why it is not up (empty when up). */
  readonly reasons: readonly string[];
}

/**
 * Tunnel state: `down` when never seen, silent for `staleAfterMs`, or loss ≥ downLoss; `degraded` when loss ≥
 * degradedLoss or p95 RTT ≥ degradedRttMs; `up` otherwise. Missing loss/RTT data does not degrade.
 */
export function tunnelHealth(
  m: {
    readonly lossRatio: number | null;
    readonly rttP95Ms: number | null;
    readonly lastSeenMs: number | null;
  },
  thresholds: TunnelThresholds,
  nowMs: number,
): TunnelHealth {
  const degradedLoss = thresholds.degradedLoss ?? 0.01;
  const downLoss = thresholds.downLoss ?? 0.5;
  const degradedRttMs = thresholds.degradedRttMs ?? 500;
  const staleAfterMs = thresholds.staleAfterMs ?? 30_000;
  if (!(degradedLoss > 0 && downLoss >= degradedLoss && downLoss <= 1))
    throw new InvalidInputError('need 0 < degradedLoss <= downLoss <= 1');
  if (!(degradedRttMs > 0) || !(staleAfterMs > 0))
    throw new InvalidInputError('degradedRttMs and staleAfterMs must be > 0');
  if (m.lastSeenMs === null) return { state: 'down', reasons: ['never seen'] };
  const down: string[] = [];
  if (nowMs - m.lastSeenMs >= staleAfterMs) down.push(`no sample for ${nowMs - m.lastSeenMs} ms`);
  if (m.lossRatio !== null && m.lossRatio >= downLoss) down.push(`loss ${m.lossRatio} >= ${downLoss}`);
  if (down.length) return { state: 'down', reasons: down };
  const degraded: string[] = [];
  if (m.lossRatio !== null && m.lossRatio >= degradedLoss)
    degraded.push(`loss ${m.lossRatio} >= ${degradedLoss}`);
  if (m.rttP95Ms !== null && m.rttP95Ms >= degradedRttMs)
    degraded.push(`p95 RTT ${m.rttP95Ms} ms >= ${degradedRttMs} ms`);
  return degraded.length ? { state: 'degraded', reasons: degraded } : { state: 'up', reasons: [] };
}

/** Default most region pairs tracked. */
export const DEFAULT_MAX_PAIRS = 1024;
/** Default samples kept per pair (RTT samples and loss intervals), as the original's last 100. */
export const DEFAULT_PAIR_HISTORY = 100;
/** Hard upper bound of samples per pair. */
export const MAX_PAIR_HISTORY = 100_000;

/** Fixed-size ring of numbers. */
class Ring {
  private readonly buf: Float64Array;
  private head = 0;
  size = 0;
  constructor(readonly capacity: number) {
    this.buf = new Float64Array(capacity);
  }
  push(x: number): void {
    this.buf[this.head] = x;
    this.head = (this.head + 1) % this.capacity;
    if (this.size < this.capacity) this.size++;
  }
  values(): Float64Array {
    const out = new Float64Array(this.size);
    const start = (this.head - this.size + this.capacity) % this.capacity;
    for (let i = 0; i < this.size; i++) out[i] = this.buf[(start + i) % this.capacity]!;
    return out;
  }
  sum(): number {
    let s = 0;
    for (let i = 0; i < this.size; i++) s += this.buf[i]!;
    return s;
  }
}

interface PairState {
  readonly src: string;
  readonly dst: string;
  jitterMs: number;
  lastTransitMs: number | null;
  /** Packets fed to the jitter estimator. */
  packets: number;
  readonly rtt: Ring;
  readonly sent: Ring;
  readonly received: Ring;
  bandwidth: BandwidthUtilization | null;
  lastSeenMs: number | null;
}

/** Snapshot of one directed pair. */
export interface PairTelemetry {
  readonly src: string;
  readonly dst: string;
  /** RFC 3550 interarrival jitter (ms) from one-way transits; null before two packets. */
  readonly jitterMs: number | null;
  readonly rtt: RttStats | null;
  /** Loss over the kept intervals; null when nothing was expected. */
  readonly lossRatio: number | null;
  readonly bandwidth: BandwidthUtilization | null;
  readonly lastSeenMs: number | null;
  readonly tunnel: TunnelHealth;
}

export interface NetworkTelemetryOptions {
  /** Most directed pairs; a new pair beyond it throws LimitExceededError. Default {@link DEFAULT_MAX_PAIRS}. */
  readonly maxPairs?: number;
  /** RTT samples and loss intervals kept per pair (oldest evicted). Default {@link DEFAULT_PAIR_HISTORY}. */
  readonly historySize?: number;
  readonly tunnel?: TunnelThresholds;
}

/**
 * Per directed region pair (`src → dst`) telemetry with bounded memory: at most `maxPairs` pairs and
 * `historySize` RTT samples and loss intervals each; jitter keeps O(1) state as the RFC estimator does.
 */
export class NetworkTelemetry {
  private readonly pairsByKey = new Map<string, PairState>();
  private readonly maxPairs: number;
  private readonly historySize: number;
  private readonly tunnel: TunnelThresholds;

  /** @throws InvalidInputError for limits that are not positive integers within bounds. */
  constructor(options: NetworkTelemetryOptions = {}) {
    this.maxPairs = options.maxPairs ?? DEFAULT_MAX_PAIRS;
    this.historySize = options.historySize ?? DEFAULT_PAIR_HISTORY;
    if (!Number.isInteger(this.maxPairs) || this.maxPairs < 1 || this.maxPairs > 1_000_000)
      throw new InvalidInputError(`maxPairs must be an integer in [1, 1000000], got ${this.maxPairs}`);
    if (!Number.isInteger(this.historySize) || this.historySize < 1 || this.historySize > MAX_PAIR_HISTORY) {
      throw new InvalidInputError(
        `historySize must be an integer in [1, ${MAX_PAIR_HISTORY}], got ${this.historySize}`,
      );
    }
    this.tunnel = options.tunnel ?? {};
  }

  /** Number of pairs tracked. */
  get size(): number {
    return this.pairsByKey.size;
  }

  private state(src: string, dst: string): PairState {
    if (!src || !dst) throw new InvalidInputError('src and dst regions must be non-empty');
    const key = `${src}\u0000${dst}`;
    let s = this.pairsByKey.get(key);
    if (!s) {
      if (this.pairsByKey.size >= this.maxPairs)
        throw new LimitExceededError(`network telemetry tracks at most ${this.maxPairs} region pairs`);
      const h = this.historySize;
      s = {
        src,
        dst,
        jitterMs: 0,
        lastTransitMs: null,
        packets: 0,
        rtt: new Ring(h),
        sent: new Ring(h),
        received: new Ring(h),
        bandwidth: null,
        lastSeenMs: null,
      };
      this.pairsByKey.set(key, s);
    }
    return s;
  }

  private seen(s: PairState, tMs: number): void {
    if (!Number.isFinite(tMs)) throw new InvalidInputError(`time must be finite, got ${tMs}`);
    s.lastSeenMs = s.lastSeenMs === null ? tMs : Math.max(s.lastSeenMs, tMs);
  }

  /**
   * One probe packet: send and receive timestamps in ms (sender and receiver clocks); packets must be fed in
   * arrival order. Updates the RFC 3550 jitter.
   */
  recordPacket(src: string, dst: string, sentMs: number, receivedMs: number): void {
    if (!Number.isFinite(sentMs) || !Number.isFinite(receivedMs))
      throw new InvalidInputError('packet timestamps must be finite');
    const s = this.state(src, dst);
    const transit = receivedMs - sentMs;
    if (s.lastTransitMs !== null) s.jitterMs = jitterStep(s.jitterMs, transit - s.lastTransitMs);
    s.lastTransitMs = transit;
    s.packets++;
    this.seen(s, receivedMs);
  }

  /** One RTT sample (ms) measured at tMs. */
  recordRtt(src: string, dst: string, tMs: number, rttMs: number): void {
    if (!Number.isFinite(rttMs) || rttMs < 0)
      throw new InvalidInputError(`rtt must be finite and >= 0 ms, got ${rttMs}`);
    const s = this.state(src, dst);
    s.rtt.push(rttMs);
    this.seen(s, tMs);
  }

  /** Packets expected (sent) and received in one interval ending at tMs. */
  recordPackets(src: string, dst: string, tMs: number, sent: number, received: number): void {
    packetLossRatio(sent, received); // validates
    const s = this.state(src, dst);
    s.sent.push(sent);
    s.received.push(received);
    if (received > 0) this.seen(s, tMs);
  }

  /** Current throughput per direction and the link capacity, all in bytes per second. */
  recordBandwidth(
    src: string,
    dst: string,
    tMs: number,
    txBytesPerSecond: number,
    rxBytesPerSecond: number,
    capacityBytesPerSecond: number,
  ): void {
    const u = bandwidthUtilization(txBytesPerSecond, rxBytesPerSecond, capacityBytesPerSecond);
    const s = this.state(src, dst);
    s.bandwidth = u;
    this.seen(s, tMs);
  }

  private snapshot(s: PairState, nowMs: number): PairTelemetry {
    const rtt = rttStats(s.rtt.values());
    const lossRatio = packetLossRatio(s.sent.sum(), s.received.sum());
    return {
      src: s.src,
      dst: s.dst,
      jitterMs: s.packets >= 2 ? s.jitterMs : null,
      rtt,
      lossRatio,
      bandwidth: s.bandwidth,
      lastSeenMs: s.lastSeenMs,
      tunnel: tunnelHealth(
        { lossRatio, rttP95Ms: rtt?.p95Ms ?? null, lastSeenMs: s.lastSeenMs },
        this.tunnel,
        nowMs,
      ),
    };
  }

  /** Snapshot of one pair, or undefined when it was never recorded. */
  pair(src: string, dst: string, nowMs: number): PairTelemetry | undefined {
    const s = this.pairsByKey.get(`${src}\u0000${dst}`);
    return s ? this.snapshot(s, nowMs) : undefined;
  }

  /** Snapshots of every pair, sorted by src then dst. */
  pairs(nowMs: number): PairTelemetry[] {
    return [...this.pairsByKey.values()]
      .map((s) => this.snapshot(s, nowMs))
      .sort((a, b) => a.src.localeCompare(b.src) || a.dst.localeCompare(b.dst));
  }
}
