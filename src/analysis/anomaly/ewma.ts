/**
 * EWMA detector: an exponentially weighted mean and variance per series, with a z-score band around the mean
 * (the EWMA control chart of S. W. Roberts, "Control chart tests based on geometric moving averages",
 * Technometrics 1 (1959) 239–250). Cheap enough for the live monitor's ensemble: three numbers of state and
 * a few flops per sample. Pure: no clocks, no I/O.
 *
 * Method. With weight α (or a half-life of h samples, α = 1 − 2^(−1/h)) the mean and variance are updated by
 * the incremental exponentially weighted recurrences of T. Finch, "Incremental calculation of weighted mean and
 * variance" (University of Cambridge, 2009, §9):
 *
 *   d = x − μ;   μ ← μ + α_n·d;   v ← (1 − α_n)·(v + α_n·d²)
 *
 * with α_n = max(α, 1/n) for the n-th learned sample, so the first 1/α samples give the plain running mean and
 * population variance (Welford) instead of a baseline biased towards the first value. Each sample x is scored
 * against (μ, v) of the samples before it, then learned.
 *
 * Scale: σ = max(√v, relativeSigmaFloor·|μ|, absoluteSigmaFloor) (the floors of statistical.ts: a flat series
 * followed by a jump scores instead of dividing by zero). Directional deviation: z = (x − μ)/σ, taken along the
 * kind's bad direction (KIND_DEFAULTS in statistical.ts; `DetectorContext.direction` overrides it): up → z,
 * down → −z, both → |z|; negative values count as 0.
 *
 * Score: s = z⁺ / (z⁺ + c) with c = `scoreScale` (default 3 σ, so s = 0.5 at 3 σ). It is monotone in z and does
 * not saturate (s < 1 for every finite z; 1 − s = c/(z + c) keeps ranks up to z ≈ 1e15), which matters for
 * NAB's single corpus-wide threshold: an erf-style score is exactly 1 beyond ~8 σ, so large deviations cannot
 * be told apart. `anomalous` = s ≥ s(threshold), i.e. z ≥ threshold.
 *
 * Robust learning (the spike problem): a sample d = z·σ away adds α·d² to v, so one 50 σ spike multiplies v by
 * 1 + α·2500 (≈ 13.5 at α = 0.005), widening the band for ~1/α samples. Option `clipSigma` = k winsorises the
 * learned deviation to ±k·σ after warm-up (a Huber-type M-estimate update): a spike then moves μ by at most
 * α·k·σ and v by a factor of at most (1 − α)(1 + α·k²), while a real level shift is still learned because the
 * clipped updates widen σ geometrically. Measured on NAB (standard profile, α = 0.005): no clipping 40.5,
 * k = 40: 40.0, k = 20: 37.8, k = 12: 31.1, k = 8: 16.3, k = 4: 0 — NAB's series are heavy-tailed and full of
 * level shifts, and a clipped σ under-learns both (every recurring burst stays a huge z). The default is
 * therefore no clipping; k ≈ 20 is a reasonable choice where isolated spikes matter more than NAB's cost model
 * (v grows ≤ 3× instead of 13.5× on a 50 σ spike).
 */
import { InvalidInputError } from '../../errors.ts';
import type { Direction, MetricKind } from '../../model/anomaly.ts';
import { judgedVerdict, NOT_JUDGED, severityOfRatio } from './detector.ts';
import type {
  DetectorContext,
  DetectorSnapshot,
  Expectation,
  PersistentDetector,
  Predictor,
  Verdict,
} from './detector.ts';
import { KIND_DEFAULTS } from './statistical.ts';
import { definedOptions } from './option-checks.ts';

/** Options of {@link createEwmaDetector}. */
export interface EwmaOptions {
  /**
   * Weight of the newest sample, in (0, 1). Default 0.005 (half-life ≈ 138 samples; best of 0.002–0.1 on NAB).
   * Not together with `halfLifeSamples`.
   */
  readonly alpha: number;
  /** Alternative to `alpha`: half-life in samples (> 0, finite); α = 1 − 2^(−1/h). */
  readonly halfLifeSamples?: number;
  /** Samples learned before judging (integer in [2, 1e6]; default 30). */
  readonly warmupSamples: number;
  /** Alert threshold in σ along the bad direction (> 0, finite; per-kind default from KIND_DEFAULTS). */
  readonly threshold: number;
  /** Bad direction (per-kind default; `DetectorContext.direction` overrides it). */
  readonly direction: Direction;
  /** σ ≥ relativeSigmaFloor·|μ| (finite, ≥ 0; default 1e-3). */
  readonly relativeSigmaFloor: number;
  /** σ ≥ absoluteSigmaFloor (finite, > 0; default 1e-9). */
  readonly absoluteSigmaFloor: number;
  /**
   * Learned deviations are clipped to ±clipSigma·σ after warm-up (> 0; default Infinity = no clipping). See the
   * module comment: clipping protects σ from single spikes but costs NAB score.
   */
  readonly clipSigma: number;
  /** c of the score map s = z/(z + c) (finite, > 0; default 3). */
  readonly scoreScale: number;
}

/** Defaults (kind `generic`); the kind's direction and threshold are applied by the factory. */
export const DEFAULT_EWMA_OPTIONS: EwmaOptions = Object.freeze({
  alpha: 0.005,
  warmupSamples: 30,
  threshold: 3,
  direction: 'both',
  relativeSigmaFloor: 1e-3,
  absoluteSigmaFloor: 1e-9,
  clipSigma: Number.POSITIVE_INFINITY,
  scoreScale: 3,
});

/** Layout version of {@link EwmaSnapshotState}. */
export const EWMA_SNAPSHOT_VERSION = 1;

/** The learned state in a snapshot. */
export interface EwmaSnapshotState {
  /** Samples learned (saturates at 2^53 − 1). */
  readonly count: number;
  readonly mean: number;
  readonly variance: number;
  readonly lastAnomalous: boolean;
}

const OPTION_KEYS = new Set([...Object.keys(DEFAULT_EWMA_OPTIONS), 'halfLifeSamples']);
const DIRECTIONS: readonly Direction[] = ['up', 'down', 'both'];

/**
 * Score of a deviation z (in scale units, along the bad direction): z/(z + c) for z > 0, else 0. Monotone,
 * in [0, 1), never saturating for finite z. Shared by the EWMA and robust detectors.
 */
export function deviationScore(z: number, c: number): number {
  return z > 0 ? z / (z + c) : 0;
}

/**
 * Verdict of a baseline detector: `z` is the signed deviation `(x − center) / scale`, `dir` the bad direction
 * (+1 up, −1 down, 0 both); score `deviationScore(z⁺, c)`, anomalous when the score reaches `alertScore`, band
 * `center ± threshold · scale` (series' unit). Shared by the EWMA and robust detectors.
 */
export function bandVerdict(
  z: number,
  center: number,
  scale: number,
  dir: number,
  c: number,
  threshold: number,
  alertScore: number,
  lastAnomalous: boolean,
): Verdict {
  let zDir = dir === 0 ? (z < 0 ? -z : z) : dir * z;
  if (zDir < 0) zDir = 0;
  const score = deviationScore(zDir, c);
  const anomalous = score >= alertScore;
  return judgedVerdict(
    anomalous,
    score,
    center,
    threshold * scale,
    z,
    severityOfRatio(zDir, threshold),
    lastAnomalous && !anomalous,
  );
}

/** Shared validation of the kind, direction and option names; returns kind defaults merged with ctx. */
export function kindDefaults(
  ctx: DetectorContext,
  options: object,
  allowed: ReadonlySet<string>,
  who: string,
): { direction: Direction; threshold: number } {
  if (!Object.hasOwn(KIND_DEFAULTS, ctx.kind))
    throw new InvalidInputError(`${who}: unknown metric kind ${String(ctx.kind)}`);
  for (const k of Object.keys(options)) {
    if (!allowed.has(k)) throw new InvalidInputError(`${who}: unknown option ${k}`);
  }
  const kd = KIND_DEFAULTS[ctx.kind as MetricKind];
  return { direction: ctx.direction ?? kd.direction, threshold: kd.threshold };
}

/**
 * Merges defaults, the kind's direction/threshold, `ctx.direction` and `options`, and validates.
 * @throws InvalidInputError for an unknown kind/direction/option, both alpha and halfLifeSamples, α ∉ (0, 1),
 *   a bad half-life, warm-up, threshold, floor, clip or score scale.
 */
export function resolveEwmaOptions(ctx: DetectorContext, options: Partial<EwmaOptions> = {}): EwmaOptions {
  const kd = kindDefaults(ctx, options, OPTION_KEYS, 'ewma detector');
  const given = definedOptions(options);
  const bad = (msg: string): never => {
    throw new InvalidInputError(`ewma detector: ${msg}`);
  };
  if (given.alpha !== undefined && given.halfLifeSamples !== undefined)
    bad('give alpha or halfLifeSamples, not both');
  const o: EwmaOptions = { ...DEFAULT_EWMA_OPTIONS, ...kd, ...given };
  let alpha = o.alpha;
  if (o.halfLifeSamples !== undefined) {
    const h = o.halfLifeSamples;
    if (!(Number.isFinite(h) && h > 0)) bad(`halfLifeSamples must be finite and > 0, got ${h}`);
    alpha = 1 - Math.pow(2, -1 / h);
  }
  if (!(alpha > 0 && alpha < 1)) bad(`alpha must be in (0, 1), got ${alpha}`);
  if (!(Number.isInteger(o.warmupSamples) && o.warmupSamples >= 2 && o.warmupSamples <= 1e6)) {
    bad(`warmupSamples must be an integer in [2, 1e6], got ${o.warmupSamples}`);
  }
  if (!(Number.isFinite(o.threshold) && o.threshold > 0))
    bad(`threshold must be finite and > 0, got ${o.threshold}`);
  if (!DIRECTIONS.includes(o.direction))
    bad(`direction must be up, down or both, got ${String(o.direction)}`);
  if (!(Number.isFinite(o.relativeSigmaFloor) && o.relativeSigmaFloor >= 0)) {
    bad(`relativeSigmaFloor must be finite and >= 0, got ${o.relativeSigmaFloor}`);
  }
  if (!(Number.isFinite(o.absoluteSigmaFloor) && o.absoluteSigmaFloor > 0)) {
    bad(`absoluteSigmaFloor must be finite and > 0, got ${o.absoluteSigmaFloor}`);
  }
  if (!(o.clipSigma > 0)) bad(`clipSigma must be > 0 (Infinity disables clipping), got ${o.clipSigma}`);
  if (!(Number.isFinite(o.scoreScale) && o.scoreScale > 0))
    bad(`scoreScale must be finite and > 0, got ${o.scoreScale}`);
  return Object.freeze({ ...o, alpha });
}

/** The EWMA detector: a {@link PersistentDetector} exposing its validated options. */
export interface EwmaDetector extends PersistentDetector, Predictor {
  readonly options: EwmaOptions;
}

/**
 * Creates an EWMA detector for one series (method in the module comment). Verdict: `score` = z⁺/(z⁺ + c);
 * `expected` = μ; `lower`/`upper` = μ ∓ threshold·σ; `deviation` = signed (x − μ)/σ; `anomalous` = z ≥ threshold
 * along the bad direction; `confidence` = score; severity medium/high/critical at θ, 1.5θ, 2θ; `resolved` on the
 * first non-anomalous verdict after an anomalous one. The first `warmupSamples` samples return NOT_JUDGED.
 * Non-finite values return {@link NOT_JUDGED} and change nothing. State: 4 numbers; ~700 bytes with the object.
 * @throws InvalidInputError for invalid options (see {@link resolveEwmaOptions}).
 */
export function createEwmaDetector(
  ctx: DetectorContext = { kind: 'generic' },
  options: Partial<EwmaOptions> = {},
): EwmaDetector {
  return new EwmaDetectorImpl(resolveEwmaOptions(ctx, options));
}

/** Measured heap of one detector (object, fields and its own frozen options), see {@link EwmaDetectorImpl.stateBytes}. */
const EWMA_OBJECT_BYTES = 700;

class EwmaDetectorImpl implements EwmaDetector {
  readonly name = 'ewma';
  readonly options: EwmaOptions;
  private readonly alpha: number;
  private readonly thr: number;
  private readonly c: number;
  private readonly clip: number;
  private readonly relFloor: number;
  private readonly absFloor: number;
  private readonly warmup: number;
  /** +1 up, −1 down, 0 both. */
  private readonly dir: number;
  private readonly alertScore: number;
  private count = 0;
  private mean = 0;
  private variance = 0;
  private lastAnomalous = false;

  constructor(o: EwmaOptions) {
    this.options = o;
    this.alpha = o.alpha;
    this.thr = o.threshold;
    this.c = o.scoreScale;
    this.clip = o.clipSigma;
    this.relFloor = o.relativeSigmaFloor;
    this.absFloor = o.absoluteSigmaFloor;
    this.warmup = o.warmupSamples;
    this.dir = o.direction === 'up' ? 1 : o.direction === 'down' ? -1 : 0;
    this.alertScore = deviationScore(o.threshold, o.scoreScale);
  }

  update(value: number, _timestampMs: number): Verdict {
    if (!Number.isFinite(value)) return NOT_JUDGED;
    if (this.count < this.warmup) {
      this.learn(value - this.mean);
      return NOT_JUDGED;
    }
    const mean = this.mean;
    let sigma = Math.sqrt(this.variance);
    const rf = this.relFloor * (mean < 0 ? -mean : mean);
    if (!(sigma >= rf)) sigma = rf;
    if (sigma < this.absFloor) sigma = this.absFloor;
    const d = value - mean;
    const verdict = bandVerdict(
      d / sigma,
      mean,
      sigma,
      this.dir,
      this.c,
      this.thr,
      this.alertScore,
      this.lastAnomalous,
    );
    this.lastAnomalous = verdict.anomalous;
    const lim = this.clip * sigma;
    this.learn(d > lim ? lim : d < -lim ? -lim : d);
    return verdict;
  }

  /** Flat forecast: the current EW mean and the ±threshold·σ band (the detector has no trend or season). */
  predict(_timestampMs: number): Expectation | null {
    if (this.count < this.warmup) return null;
    const mean = this.mean;
    let sigma = Math.sqrt(this.variance);
    const rf = this.relFloor * (mean < 0 ? -mean : mean);
    if (!(sigma >= rf)) sigma = rf;
    if (sigma < this.absFloor) sigma = this.absFloor;
    return { expected: mean, lower: mean - this.thr * sigma, upper: mean + this.thr * sigma };
  }

  /** Finch's EW update with α_n = max(α, 1/n); `d` is the (possibly clipped) deviation from the mean. */
  private learn(d: number): void {
    if (this.count < Number.MAX_SAFE_INTEGER) this.count++;
    const a = this.count * this.alpha < 1 ? 1 / this.count : this.alpha;
    const incr = a * d;
    this.mean += incr;
    this.variance = (1 - a) * (this.variance + d * incr);
  }

  /**
   * The detector object with its 14 fields and its own frozen options object (V8, measured with 100k
   * instances: ~690 bytes); no arrays.
   */
  stateBytes(): number {
    return EWMA_OBJECT_BYTES;
  }

  snapshot(): DetectorSnapshot {
    const state: EwmaSnapshotState = {
      count: this.count,
      mean: this.mean,
      variance: this.variance,
      lastAnomalous: this.lastAnomalous,
    };
    return { detector: 'ewma', version: EWMA_SNAPSHOT_VERSION, state };
  }

  restore(s: DetectorSnapshot): void {
    const st = parseEwmaSnapshot(s);
    this.count = st.count;
    this.mean = st.mean;
    this.variance = st.variance;
    this.lastAnomalous = st.lastAnomalous;
  }
}

/**
 * Validates an EWMA snapshot and returns its state.
 * @throws InvalidInputError for another detector or version, or malformed state.
 */
function parseEwmaSnapshot(s: DetectorSnapshot): EwmaSnapshotState {
  const bad = (msg: string): never => {
    throw new InvalidInputError(`ewma detector: cannot restore snapshot: ${msg}`);
  };
  if (typeof s !== 'object' || s === null) return bad('not an object');
  if (s.detector !== 'ewma') bad(`snapshot is for detector ${String(s.detector)}`);
  if (s.version !== EWMA_SNAPSHOT_VERSION) bad(`unsupported version ${String(s.version)}`);
  const st = s.state as Partial<Record<keyof EwmaSnapshotState, unknown>> | null;
  if (typeof st !== 'object' || st === null) return bad('state is not an object');
  const { count, mean, variance, lastAnomalous } = st;
  if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 0)
    bad('count must be a safe integer >= 0');
  if (typeof mean !== 'number' || !Number.isFinite(mean)) bad('mean must be finite');
  if (typeof variance !== 'number' || !Number.isFinite(variance) || variance < 0)
    bad('variance must be finite and >= 0');
  if (typeof lastAnomalous !== 'boolean') bad('lastAnomalous must be a boolean');
  return { count, mean, variance, lastAnomalous } as EwmaSnapshotState;
}
