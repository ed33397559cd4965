/**
 * Robust median/MAD detector: each sample is compared with the median of the last W samples, in units of the
 * median absolute deviation (MAD) scaled to a Gaussian σ:
 *
 *   z = (x − median) / (1.4826 · MAD),   MAD = median_i |x_i − median|
 *
 * (P. J. Rousseeuw & C. Croux, "Alternatives to the median absolute deviation", JASA 88 (1993) 1273–1283;
 * the consistency constant 1.4826 = 1/Φ⁻¹(3/4) and its use for outlier labelling as in C. Leys, C. Ley,
 * O. Klein, P. Bernard & L. Licata, "Detecting outliers: Do not use standard deviation around the mean, use
 * absolute deviation around the median", J. Exp. Soc. Psych. 49 (2013) 764–766). Median and MAD have a 50 %
 * breakdown point, so spikes in the window neither move the baseline nor widen the band. Pure: no clocks, no I/O.
 *
 * Data structure: a ring buffer of the last W values (time order) and an index array of the ring slots sorted
 * by value (Uint8Array for W ≤ 256, else Uint16Array). A new sample replaces the oldest slot: its old rank is
 * found by binary search (then a scan among equal values), its new rank by binary search, and only the ranks
 * in between shift (one `copyWithin`). The median is read in O(1). The MAD is computed exactly in O(log W): the
 * deviations below the median (median − s[l], l descending) and above it (s[r] − median, r ascending) are two
 * sorted runs, and the MAD is the middle rank of their union, found by a partition bisection. `madEvery` = m > 1 reuses the
 * spread for m samples (accuracy measured in the report; the exact per-sample MAD is the default).
 *
 * MAD floor: MAD is 0 when more than half the window is one value (flat or quantised series). The spread is
 * then the mean absolute deviation about the median times √(π/2) ≈ 1.2533 (the Gaussian consistency factor
 * of the mean absolute deviation), and in all cases at least `relativeScaleFloor`·|median| and
 * `absoluteScaleFloor` (as statistical.ts floors σ).
 *
 * Direction per kind (KIND_DEFAULTS in statistical.ts; `DetectorContext.direction` overrides it), score
 * z⁺/(z⁺ + c) and severity as in the EWMA detector (ewma.ts).
 */
import { InvalidInputError } from '../../errors.ts';
import type { Direction } from '../../model/anomaly.ts';
import { NOT_JUDGED } from './detector.ts';
import type { DetectorContext, DetectorSnapshot, PersistentDetector, Verdict } from './detector.ts';
import { deviationScore, kindDefaults, bandVerdict } from './ewma.ts';
import { definedOptions, isIntIn } from './option-checks.ts';

/** MAD → σ for Gaussian data: 1/Φ⁻¹(0.75) (Rousseeuw & Croux 1993). */
export const MAD_TO_SIGMA = 1.4826;
/** Mean absolute deviation → σ for Gaussian data: √(π/2). */
export const MEAN_AD_TO_SIGMA = Math.sqrt(Math.PI / 2);
/** Largest window accepted. */
export const MAX_ROBUST_WINDOW = 4096;

/** Options of {@link createRobustDetector}. */
export interface RobustOptions {
  /** Samples in the rolling window (integer in [3, 4096]; default 128). */
  readonly windowSize: number;
  /** Samples needed before judging (integer in [3, windowSize]; default 32). */
  readonly minSamples: number;
  /** Alert threshold in robust σ along the bad direction (> 0, finite; per-kind default from KIND_DEFAULTS). */
  readonly threshold: number;
  /** Bad direction (per-kind default; `DetectorContext.direction` overrides it). */
  readonly direction: Direction;
  /** Recompute the MAD every `madEvery` judged samples (integer in [1, 1e6]; default 1 = exact). */
  readonly madEvery: number;
  /**
   * Spread ≥ meanAdFloor·√(π/2)·(mean absolute deviation about the median), in [0, 1]; 0 uses the mean
   * absolute deviation only when MAD = 0. Default 0.5: on NAB (W = 128, standard profile) 0 scores 3.2, 0.5
   * scores 14.4, 1 scores 14.1 — heavy-tailed and quantised series make MAD alone far too small. Costs an O(W)
   * pass per MAD refresh when > 0.
   */
  readonly meanAdFloor: number;
  /** Spread ≥ relativeScaleFloor·|median| (finite, ≥ 0; default 1e-3). */
  readonly relativeScaleFloor: number;
  /** Spread ≥ absoluteScaleFloor (finite, > 0; default 1e-9). */
  readonly absoluteScaleFloor: number;
  /** c of the score map s = z/(z + c) (finite, > 0; default 3). */
  readonly scoreScale: number;
}

/** Defaults (kind `generic`); the kind's direction and threshold are applied by the factory. */
export const DEFAULT_ROBUST_OPTIONS: RobustOptions = Object.freeze({
  windowSize: 128,
  minSamples: 32,
  threshold: 3,
  direction: 'both',
  madEvery: 1,
  meanAdFloor: 0.5,
  relativeScaleFloor: 1e-3,
  absoluteScaleFloor: 1e-9,
  scoreScale: 3,
});

/** Layout version of {@link RobustSnapshotState}. */
export const ROBUST_SNAPSHOT_VERSION = 1;

/** The learned state in a snapshot. */
export interface RobustSnapshotState {
  /** The window, oldest first (at most windowSize finite numbers). */
  readonly values: readonly number[];
  readonly lastAnomalous: boolean;
  /** Cached spread (σ units before the floors) and judged samples since it was computed (for madEvery > 1). */
  readonly spread: number;
  readonly sinceSpread: number;
}

const OPTION_KEYS: ReadonlySet<string> = new Set(Object.keys(DEFAULT_ROBUST_OPTIONS));
const DIRECTIONS: readonly Direction[] = ['up', 'down', 'both'];

/**
 * Merges defaults, the kind's direction/threshold, `ctx.direction` and `options`, and validates.
 * @throws InvalidInputError for an unknown kind/direction/option or an out-of-range value.
 */
export function resolveRobustOptions(
  ctx: DetectorContext,
  options: Partial<RobustOptions> = {},
): RobustOptions {
  const kd = kindDefaults(ctx, options, OPTION_KEYS, 'robust detector');
  const o: RobustOptions = { ...DEFAULT_ROBUST_OPTIONS, ...kd, ...definedOptions(options) };
  const bad = (msg: string): never => {
    throw new InvalidInputError(`robust detector: ${msg}`);
  };
  if (!isIntIn(o.windowSize, 3, MAX_ROBUST_WINDOW))
    bad(`windowSize must be an integer in [3, ${MAX_ROBUST_WINDOW}], got ${o.windowSize}`);
  if (!isIntIn(o.minSamples, 3, o.windowSize))
    bad(`minSamples must be an integer in [3, windowSize], got ${o.minSamples}`);
  if (!(Number.isFinite(o.threshold) && o.threshold > 0))
    bad(`threshold must be finite and > 0, got ${o.threshold}`);
  if (!DIRECTIONS.includes(o.direction))
    bad(`direction must be up, down or both, got ${String(o.direction)}`);
  if (!isIntIn(o.madEvery, 1, 1_000_000)) bad(`madEvery must be an integer in [1, 1e6], got ${o.madEvery}`);
  if (!(o.meanAdFloor >= 0 && o.meanAdFloor <= 1)) bad(`meanAdFloor must be in [0, 1], got ${o.meanAdFloor}`);
  if (!(Number.isFinite(o.relativeScaleFloor) && o.relativeScaleFloor >= 0)) {
    bad(`relativeScaleFloor must be finite and >= 0, got ${o.relativeScaleFloor}`);
  }
  if (!(Number.isFinite(o.absoluteScaleFloor) && o.absoluteScaleFloor > 0)) {
    bad(`absoluteScaleFloor must be finite and > 0, got ${o.absoluteScaleFloor}`);
  }
  if (!(Number.isFinite(o.scoreScale) && o.scoreScale > 0))
    bad(`scoreScale must be finite and > 0, got ${o.scoreScale}`);
  return Object.freeze(o);
}

/** The robust detector: a {@link PersistentDetector} with its options and read access to the window. */
export interface RobustDetector extends PersistentDetector {
  readonly options: RobustOptions;
  /** Samples in the window (≤ windowSize). */
  size(): number;
  /** Median of the window (NaN when empty). */
  median(): number;
  /** Exact MAD of the window (unscaled; NaN when empty). */
  mad(): number;
}

/**
 * Creates a robust median/MAD detector for one series (method in the module comment). Verdict: `score` =
 * z⁺/(z⁺ + c); `expected` = median; `lower`/`upper` = median ∓ threshold·spread; `deviation` = signed robust z;
 * `anomalous` = z ≥ threshold along the bad direction; `confidence` = score; severity medium/high/critical at
 * θ, 1.5θ, 2θ; `resolved` on the first non-anomalous verdict after an anomalous one. Until `minSamples` values
 * are held, NOT_JUDGED. Non-finite values return NOT_JUDGED and change nothing. Memory: W·8 + W·(1 or 2) bytes
 * of typed arrays plus the object (~1.5 KB at W = 128).
 * @throws InvalidInputError for invalid options (see {@link resolveRobustOptions}).
 */
export function createRobustDetector(
  ctx: DetectorContext = { kind: 'generic' },
  options: Partial<RobustOptions> = {},
): RobustDetector {
  return new RobustDetectorImpl(resolveRobustOptions(ctx, options));
}

/** Object header, fields and own frozen options (V8, measured with 100k instances), excluding the typed arrays' data. */
const ROBUST_OBJECT_BYTES = 700;

class RobustDetectorImpl implements RobustDetector {
  readonly name = 'robust';
  readonly options: RobustOptions;
  private readonly cap: number;
  /** Values by ring slot. */
  private readonly ring: Float64Array;
  /** Ring slots sorted by value (first `n` entries valid). */
  private readonly order: Uint8Array | Uint16Array;
  private n = 0;
  /** Slot the next value goes to (the oldest once full). */
  private head = 0;
  private readonly thr: number;
  private readonly c: number;
  private readonly dir: number;
  private readonly alertScore: number;
  private spread = 0;
  private sinceSpread: number;
  private lastAnomalous = false;

  constructor(o: RobustOptions) {
    this.options = o;
    this.cap = o.windowSize;
    this.ring = new Float64Array(o.windowSize);
    this.order = o.windowSize <= 256 ? new Uint8Array(o.windowSize) : new Uint16Array(o.windowSize);
    this.thr = o.threshold;
    this.c = o.scoreScale;
    this.dir = o.direction === 'up' ? 1 : o.direction === 'down' ? -1 : 0;
    this.alertScore = deviationScore(o.threshold, o.scoreScale);
    this.sinceSpread = o.madEvery;
  }

  update(value: number, _timestampMs: number): Verdict {
    if (!Number.isFinite(value)) return NOT_JUDGED;
    if (this.n < this.options.minSamples) {
      this.insert(value);
      return NOT_JUDGED;
    }
    const med = this.median();
    if (this.sinceSpread >= this.options.madEvery) {
      this.spread = this.rawSpread(med);
      this.sinceSpread = 0;
    }
    this.sinceSpread++;
    let s = this.spread;
    const rf = this.options.relativeScaleFloor * (med < 0 ? -med : med);
    if (!(s >= rf)) s = rf;
    if (s < this.options.absoluteScaleFloor) s = this.options.absoluteScaleFloor;
    const verdict = bandVerdict(
      (value - med) / s,
      med,
      s,
      this.dir,
      this.c,
      this.thr,
      this.alertScore,
      this.lastAnomalous,
    );
    this.lastAnomalous = verdict.anomalous;
    this.insert(value);
    return verdict;
  }

  size(): number {
    return this.n;
  }

  median(): number {
    const n = this.n;
    if (n === 0) return Number.NaN;
    const r = this.ring;
    const o = this.order;
    const h = n >> 1;
    return n & 1 ? r[o[h]!]! : (r[o[h - 1]!]! + r[o[h]!]!) / 2;
  }

  mad(): number {
    return this.n === 0 ? Number.NaN : this.exactMad(this.median());
  }

  /** Spread in σ units before the floors: 1.4826·MAD, or √(π/2)·(mean absolute deviation) when MAD = 0. */
  private rawSpread(med: number): number {
    const m = MAD_TO_SIGMA * this.exactMad(med);
    const f = this.options.meanAdFloor;
    if (m > 0 && f === 0) return m;
    const r = this.ring;
    let sum = 0;
    for (let i = 0; i < this.n; i++) {
      sum += Math.abs(r[i]! - med);
    }
    const meanAd = (MEAN_AD_TO_SIGMA * sum) / this.n;
    if (m === 0) return meanAd;
    return m > f * meanAd ? m : f * meanAd;
  }

  /**
   * Exact MAD about `med` (the window median) in O(log W): with k0 the lower middle rank, the deviations
   * A[i] = med − s[k0 − i] (i = 0..k0) and B[j] = s[k0 + 1 + j] − med are both ascending, and the MAD is the
   * k0-th smallest of their union (averaged with the next one for even n): found by bisecting how many of the
   * K = k0 + 1 smallest come from A (the "median of two sorted arrays" partition search).
   */
  private exactMad(med: number): number {
    const n = this.n;
    const r = this.ring;
    const o = this.order;
    const k0 = (n - 1) >> 1;
    const lenA = k0 + 1;
    const lenB = n - lenA;
    const K = k0 + 1;
    let lo = K > lenB ? K - lenB : 0;
    let hi = K < lenA ? K : lenA;
    let i = 0;
    let j = 0;
    for (;;) {
      i = (lo + hi) >> 1;
      j = K - i;
      // A[i] < B[j − 1]: take more from A; A[i − 1] > B[j]: take fewer.
      if (i < hi && r[o[k0 + j]!]! - med > med - r[o[k0 - i]!]!) lo = i + 1;
      else if (i > lo && med - r[o[k0 - i + 1]!]! > r[o[k0 + 1 + j]!]! - med) hi = i - 1;
      else break;
    }
    const a = i > 0 ? med - r[o[k0 - i + 1]!]! : Number.NEGATIVE_INFINITY;
    const b = j > 0 ? r[o[k0 + j]!]! - med : Number.NEGATIVE_INFINITY;
    const kth = a > b ? a : b;
    if (n & 1) return kth;
    const a2 = i < lenA ? med - r[o[k0 - i]!]! : Number.POSITIVE_INFINITY;
    const b2 = j < lenB ? r[o[k0 + 1 + j]!]! - med : Number.POSITIVE_INFINITY;
    return (kth + (a2 < b2 ? a2 : b2)) / 2;
  }

  /** First rank in [lo, hi) whose value is > v (upper bound). */
  private upper(v: number, lo: number, hi: number): number {
    const r = this.ring;
    const o = this.order;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (r[o[mid]!]! > v) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** Adds `v`, replacing the oldest value once the window is full. */
  private insert(v: number): void {
    const r = this.ring;
    const o = this.order;
    const slot = this.head;
    this.head = slot + 1 === this.cap ? 0 : slot + 1;
    if (this.n < this.cap) {
      r[slot] = v;
      const q = this.upper(v, 0, this.n);
      o.copyWithin(q + 1, q, this.n);
      o[q] = slot;
      this.n++;
      return;
    }
    // Rank p of the slot being replaced: first rank with value >= old, then scan the ties for the slot.
    const old = r[slot]!;
    let lo = 0;
    let hi = this.n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (r[o[mid]!]! < old) lo = mid + 1;
      else hi = mid;
    }
    let p = lo;
    while (o[p] !== slot) p++;
    r[slot] = v;
    if (v >= old) {
      const q = this.upper(v, p + 1, this.n);
      o.copyWithin(p, p + 1, q);
      o[q - 1] = slot;
    } else {
      const q = this.upper(v, 0, p);
      o.copyWithin(q + 1, q, p);
      o[q] = slot;
    }
  }

  stateBytes(): number {
    return this.ring.byteLength + this.order.byteLength + ROBUST_OBJECT_BYTES;
  }

  snapshot(): DetectorSnapshot {
    const values: number[] = [];
    const start = this.n < this.cap ? 0 : this.head;
    for (let i = 0; i < this.n; i++) values.push(this.ring[(start + i) % this.cap]!);
    const state: RobustSnapshotState = {
      values,
      lastAnomalous: this.lastAnomalous,
      spread: this.spread,
      sinceSpread: this.sinceSpread,
    };
    return { detector: 'robust', version: ROBUST_SNAPSHOT_VERSION, state };
  }

  restore(s: DetectorSnapshot): void {
    const st = parseRobustSnapshot(s, this.cap);
    this.n = 0;
    this.head = 0;
    for (const v of st.values) this.insert(v);
    this.lastAnomalous = st.lastAnomalous;
    this.spread = st.spread;
    this.sinceSpread = st.sinceSpread;
  }
}

/**
 * Validates a robust snapshot for a window of `cap` values and returns its state.
 * @throws InvalidInputError for another detector or version, or malformed state (including more values than
 *   the window holds).
 */
function parseRobustSnapshot(s: DetectorSnapshot, cap: number): RobustSnapshotState {
  const bad = (msg: string): never => {
    throw new InvalidInputError(`robust detector: cannot restore snapshot: ${msg}`);
  };
  if (typeof s !== 'object' || s === null) return bad('not an object');
  if (s.detector !== 'robust') bad(`snapshot is for detector ${String(s.detector)}`);
  if (s.version !== ROBUST_SNAPSHOT_VERSION) bad(`unsupported version ${String(s.version)}`);
  const st = s.state as Partial<Record<keyof RobustSnapshotState, unknown>> | null;
  if (typeof st !== 'object' || st === null) return bad('state is not an object');
  const { values, lastAnomalous, spread, sinceSpread } = st;
  if (!Array.isArray(values)) return bad('values must be an array');
  if (values.length > cap) bad(`values holds ${values.length} numbers, the window only ${cap}`);
  for (const v of values)
    if (typeof v !== 'number' || !Number.isFinite(v)) bad('values must be finite numbers');
  if (typeof lastAnomalous !== 'boolean') bad('lastAnomalous must be a boolean');
  if (typeof spread !== 'number' || !Number.isFinite(spread) || spread < 0)
    bad('spread must be finite and >= 0');
  if (typeof sinceSpread !== 'number' || !isIntIn(sinceSpread, 0, 1_000_000))
    bad('sinceSpread must be an integer in [0, 1e6]');
  return { values: values as number[], lastAnomalous, spread, sinceSpread } as RobustSnapshotState;
}
