/**
 * Recent durations per operation and their high quantile, for the tail sampler's latency policy ("keep every
 * trace slower than its operation's recent p99"). Each operation keeps a ring of its last `window` durations;
 * the quantile is recomputed (a sort of at most `window` values) after every 32 additions, not on every
 * lookup. At most `maxOperations` operations are tracked; a new one beyond that evicts the operation seen
 * least recently. Pure, no I/O.
 * @see Hyndman & Fan (1996) definition 7, via src/math/quantile.ts
 */
import { InvalidInputError } from '../../errors.ts';
import { quantileSorted } from '../../math/quantile.ts';

/** Options of {@link LatencyTracker}. */
export interface LatencyTrackerOptions {
  /** Quantile in (0, 1), e.g. 0.99. */
  readonly quantile: number;
  /** Durations kept per operation (ring). */
  readonly window: number;
  /** Durations needed before the operation has a quantile. */
  readonly minSamples: number;
  /** Operations tracked at most. */
  readonly maxOperations: number;
}

interface OpState {
  readonly ring: Float64Array;
  count: number;
  next: number;
  sinceRefresh: number;
  threshold: number | undefined;
}

/** Recomputes an operation's quantile after this many new durations (or earlier while it has fewer than `window`). */
const REFRESH_EVERY = 32;

/** Per-operation duration windows and their quantile. */
export class LatencyTracker {
  private readonly opts: LatencyTrackerOptions;
  private readonly ops = new Map<string, OpState>();

  /** @throws InvalidInputError on a quantile outside (0, 1) or non-positive sizes. */
  constructor(opts: LatencyTrackerOptions) {
    if (!(opts.quantile > 0 && opts.quantile < 1))
      throw new InvalidInputError(`latency quantile must be in (0, 1), got ${opts.quantile}`);
    for (const k of ['window', 'minSamples', 'maxOperations'] as const) {
      if (!Number.isInteger(opts[k]) || opts[k] < 1)
        throw new InvalidInputError(`${k} must be a positive integer, got ${opts[k]}`);
    }
    if (opts.minSamples > opts.window) throw new InvalidInputError('minSamples must not exceed window');
    this.opts = opts;
  }

  /** Operations tracked (<= maxOperations). */
  get size(): number {
    return this.ops.size;
  }

  /** The operation's current quantile of recent durations, or undefined while it has fewer than `minSamples`. */
  threshold(operation: string): number | undefined {
    return this.ops.get(operation)?.threshold;
  }

  /** Adds one duration (any unit, consistently) of `operation`. */
  add(operation: string, duration: number): void {
    let st = this.ops.get(operation);
    if (st === undefined) {
      if (this.ops.size >= this.opts.maxOperations) {
        const oldest = this.ops.keys().next().value;
        if (oldest !== undefined) this.ops.delete(oldest);
      }
      st = {
        ring: new Float64Array(this.opts.window),
        count: 0,
        next: 0,
        sinceRefresh: 0,
        threshold: undefined,
      };
    } else {
      this.ops.delete(operation); // re-insert: the map's order is least recently seen first
    }
    this.ops.set(operation, st);
    st.ring[st.next] = duration;
    st.next = (st.next + 1) % st.ring.length;
    if (st.count < st.ring.length) st.count++;
    st.sinceRefresh++;
    if (
      st.count >= this.opts.minSamples &&
      (st.threshold === undefined || st.sinceRefresh >= REFRESH_EVERY)
    ) {
      const sorted = st.ring.slice(0, st.count).sort();
      st.threshold = quantileSorted(sorted, this.opts.quantile);
      st.sinceRefresh = 0;
    }
  }
}
