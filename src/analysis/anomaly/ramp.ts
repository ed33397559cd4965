/**
 * Ramp detector: a window-limited generalised likelihood ratio (GLR) test for a linear trend that began within the
 * last few samples — the onset of a fast leak, whose first samples each stay inside a level member's band while
 * together they climb.
 *
 * Method. Residuals z = (x − μ)/σ come from the EWMA model of ewma.ts (its mean and variance recurrences, the same
 * model as the EWMA member: this detector holds one EWMA detector and reads its signed deviation), taken along the
 * bad direction and clipped to ±c. A ramp of unknown slope b that began k samples ago predicts z_{t−k+i} = b·i
 * (i = 1..k); under in-control N(0, 1) noise the likelihood ratio maximised over b ≥ 0 gives the matched-filter
 * statistic
 *
 *   R_k = Σ_{i=1..k} i·z_{t−k+i} / √(Σ i²),      Σ i² = k(k + 1)(2k + 1)/6,
 *
 * which is N(0, 1) in control for each k. The onset is unknown, so the test takes R = max R_k over the windows
 * k = 2..maxWindow (the window-limited GLR of T. L. Lai 1995; k = 1 is the single sample a level member judges). The
 * threshold c is set from a false-alarm probability `falseAlarmRate` per sample with a Bonferroni bound over the
 * windows, Φ̄(c) = falseAlarmRate/(maxWindow − 1): the windows overlap and their statistics are strongly correlated
 * (R_3 and R_4: 0.98), so the true rate is below the stated one.
 *
 * Evidence: every residual is clipped to ±c, and one sample's weight in any R_k (k ≥ 2) is at most 2/√5 ≈ 0.894, so
 * no single sample reaches c alone: a vote rests on at least 2 samples ({@link RAMP_EVIDENCE_SAMPLES}).
 *
 * Gate (as the CUSUM's, cusum.ts): a vote also needs the current sample outside the band μ ± bandSigma·σ along the
 * bad direction, so the detector never pages on a change whose samples stay inside the band it reports. Score
 * s = R/(R + c) (½ at c), capped just below ½ while the gate is closed. Pure, streaming, O(maxWindow) state.
 *
 * @see A. S. Willsky & H. L. Jones, "A generalized likelihood ratio approach to the detection and estimation of
 *   jumps in linear systems", IEEE Trans. Automatic Control 21 (1976) 108–112.
 * @see T. L. Lai, "Sequential changepoint detection in quality control and dynamical systems", J. Royal
 *   Statistical Society B 57 (1995) 613–658 (window-limited GLR rules).
 * @see M. Basseville & I. V. Nikiforov, "Detection of Abrupt Changes" (1993) §2.4 (GLR), §7.2 (slope changes).
 */
import { InvalidInputError } from '../../errors.ts';
import { normalQuantile } from '../../math/normal.ts';
import type { Direction } from '../../model/anomaly.ts';
import { NOT_JUDGED, severityOfRatio } from './detector.ts';
import type {
  DetectorContext,
  DetectorSnapshot,
  Expectation,
  PersistentDetector,
  Predictor,
  Verdict,
} from './detector.ts';
import { createEwmaDetector, deviationScore, type EwmaDetector } from './ewma.ts';
import { definedOptions } from './option-checks.ts';

/** Options of {@link createRampDetector}. */
export interface RampOptions {
  /** Longest window k in samples (integer in [2, 64]; default 4). Windows 2..maxWindow are tested. */
  readonly maxWindow: number;
  /** Stated false-alarm probability per sample of the test (in (0, 0.5); default 5·10⁻⁷). */
  readonly falseAlarmRate: number;
  /** The current sample must lie outside μ ± bandSigma·σ (bad direction) for a vote (finite, ≥ 0; default 2). */
  readonly bandSigma: number;
  /** Samples the EWMA model learns before the detector judges (integer in [2, 1e6]; default 30). */
  readonly warmupSamples: number;
}

/** Defaults of {@link RampOptions}. */
export const DEFAULT_RAMP_OPTIONS: RampOptions = Object.freeze({
  maxWindow: 4,
  falseAlarmRate: 5e-7,
  bandSigma: 2,
  warmupSamples: 30,
});

/** Resolved options: the threshold c (σ) of R from the false-alarm rate. */
export type ResolvedRampOptions = RampOptions & { readonly threshold: number };

/** The fewest consecutive samples a vote of the ramp detector rests on (see the module comment). */
export const RAMP_EVIDENCE_SAMPLES = 2;

/** Layout version of the ramp detector's snapshot. */
export const RAMP_SNAPSHOT_VERSION = 1;

const OPTION_KEYS = new Set(Object.keys(DEFAULT_RAMP_OPTIONS));
const MAX_WINDOW_LIMIT = 64;

/**
 * The threshold c (σ) of R = max_{k=2..maxWindow} R_k for a stated per-sample false-alarm probability under
 * in-control N(0, 1) residuals (Bonferroni over the maxWindow − 1 windows): Φ̄(c) = rate/(maxWindow − 1). For
 * 5·10⁻⁷ and maxWindow 4: 5.10 σ. Pure.
 * @throws InvalidInputError for rate ∉ (0, 0.5) or maxWindow not an integer in [2, 64].
 */
export function rampThreshold(falseAlarmRate: number, maxWindow: number): number {
  if (!(falseAlarmRate > 0 && falseAlarmRate < 0.5))
    throw new InvalidInputError(`ramp detector: falseAlarmRate must be in (0, 0.5), got ${falseAlarmRate}`);
  if (!(Number.isInteger(maxWindow) && maxWindow >= 2 && maxWindow <= MAX_WINDOW_LIMIT))
    throw new InvalidInputError(
      `ramp detector: maxWindow must be an integer in [2, ${MAX_WINDOW_LIMIT}], got ${maxWindow}`,
    );
  return -normalQuantile(falseAlarmRate / (maxWindow - 1));
}

/**
 * R = max over k = 2..min(n, weights) of Σ_{i=1..k} i·z_{n−k+i−1} / √(Σ i²) for the newest residuals `recent`
 * (oldest first, length n); −Infinity when n < 2. Pure.
 */
export function rampStatistic(recent: ArrayLike<number>, n: number): number {
  let best = Number.NEGATIVE_INFINITY;
  // Walk back from the newest sample: window k adds z_{n−k} with weight 1 and raises every newer weight by 1,
  // so Σ i·z over the window = Σ_{j<k} (cumulative sums of the k newest residuals).
  let sum = 0; // Σ of the k newest residuals
  let weighted = 0; // Σ i·z over the window of k
  for (let k = 1; k <= n; k++) {
    sum += recent[n - k]!;
    weighted += sum;
    if (k < 2) continue;
    const r = weighted / Math.sqrt((k * (k + 1) * (2 * k + 1)) / 6);
    if (r > best) best = r;
  }
  return best;
}

/**
 * Merges defaults and `options`, computes the threshold and validates.
 * @throws InvalidInputError for an unknown option, maxWindow, rate, band or warm-up out of range.
 */
export function resolveRampOptions(options: Partial<RampOptions> = {}): ResolvedRampOptions {
  for (const k of Object.keys(options)) {
    if (!OPTION_KEYS.has(k)) throw new InvalidInputError(`ramp detector: unknown option ${k}`);
  }
  const o: RampOptions = { ...DEFAULT_RAMP_OPTIONS, ...definedOptions(options) };
  const threshold = rampThreshold(o.falseAlarmRate, o.maxWindow);
  if (!(Number.isFinite(o.bandSigma) && o.bandSigma >= 0))
    throw new InvalidInputError(`ramp detector: bandSigma must be finite and >= 0, got ${o.bandSigma}`);
  if (!(Number.isInteger(o.warmupSamples) && o.warmupSamples >= 2 && o.warmupSamples <= 1e6))
    throw new InvalidInputError(
      `ramp detector: warmupSamples must be an integer in [2, 1e6], got ${o.warmupSamples}`,
    );
  return Object.freeze({ ...o, threshold });
}

/** The ramp detector: a {@link PersistentDetector} exposing its resolved options. */
export interface RampDetector extends PersistentDetector, Predictor {
  readonly options: ResolvedRampOptions;
}

/**
 * Creates a ramp detector for one series (method in the module comment). Verdict: `score` = R/(R + c) (capped below
 * ½ while the current sample is inside the band), `expected` = the EWMA mean, band μ ∓ bandSigma·σ, `deviation` =
 * signed (x − μ)/σ, `anomalous` = R ≥ c with the sample outside the band, severity medium/high/critical at R ≥ c,
 * 1.5c, 2c. NOT_JUDGED during the EWMA's warm-up and for non-finite values (state unchanged for those).
 * @throws InvalidInputError for invalid options or an unknown kind/direction.
 */
export function createRampDetector(ctx: DetectorContext, options: Partial<RampOptions> = {}): RampDetector {
  const o = resolveRampOptions(options);
  const ewma = createEwmaDetector(ctx, { threshold: o.bandSigma, warmupSamples: o.warmupSamples });
  return new RampDetectorImpl(o, ewma, ewma.options.direction);
}

/**
 * Heap of one detector without its EWMA model and residual window: object, fields, frozen options, the typed array's
 * header (V8, measured with 50k instances at maxWindow 4: ~1,340 bytes with the EWMA's ~690 and the window's 32).
 */
const RAMP_OBJECT_BYTES = 620;

class RampDetectorImpl implements RampDetector {
  readonly name = 'ramp';
  readonly options: ResolvedRampOptions;
  private readonly ewma: EwmaDetector;
  /** +1 up, −1 down, 0 both. */
  private readonly dir: number;
  /** The newest residuals along the bad direction, clipped to ±c (oldest first). */
  private readonly recent: Float64Array;
  private n = 0;
  private lastAnomalous = false;

  constructor(o: ResolvedRampOptions, ewma: EwmaDetector, direction: Direction) {
    this.options = o;
    this.ewma = ewma;
    this.dir = direction === 'up' ? 1 : direction === 'down' ? -1 : 0;
    this.recent = new Float64Array(o.maxWindow);
  }

  update(value: number, timestampMs: number): Verdict {
    if (!Number.isFinite(value)) return NOT_JUDGED;
    const v = this.ewma.update(value, timestampMs);
    if (v.warmingUp) return NOT_JUDGED;
    const o = this.options;
    const c = o.threshold;
    const z = v.deviation;
    let zDir = this.dir === 0 ? Math.abs(z) : this.dir * z;
    if (zDir > c) zDir = c;
    else if (zDir < -c) zDir = -c;
    this.push(zDir);
    const r = rampStatistic(this.recent, this.n);
    let score = deviationScore(r, c);
    const gate = (this.dir === 0 ? Math.abs(z) : this.dir * z) >= o.bandSigma;
    let anomalous = score >= 0.5 && gate;
    if (!gate && score >= 0.5) score = 0.4999;
    if (!Number.isFinite(r)) anomalous = false;
    const resolved = this.lastAnomalous && !anomalous;
    this.lastAnomalous = anomalous;
    return {
      anomalous,
      score,
      expected: v.expected,
      lower: v.lower,
      upper: v.upper,
      deviation: z,
      confidence: score,
      severity: anomalous ? severityOfRatio(r, c) : 'low',
      warmingUp: false,
      resolved,
    };
  }

  private push(z: number): void {
    const w = this.recent;
    if (this.n < w.length) {
      w[this.n++] = z;
      return;
    }
    w.copyWithin(0, 1);
    w[w.length - 1] = z;
  }

  predict(timestampMs: number): Expectation | null {
    return this.ewma.predict(timestampMs);
  }

  stateBytes(): number {
    return RAMP_OBJECT_BYTES + 8 * this.recent.length + this.ewma.stateBytes();
  }

  snapshot(): DetectorSnapshot {
    return {
      detector: 'ramp',
      version: RAMP_SNAPSHOT_VERSION,
      state: {
        ewma: this.ewma.snapshot(),
        recent: Array.from(this.recent.subarray(0, this.n)),
        lastAnomalous: this.lastAnomalous,
      },
    };
  }

  /** @throws InvalidInputError for another detector or version, or malformed state (state unchanged). */
  restore(s: DetectorSnapshot): void {
    const bad = (msg: string): never => {
      throw new InvalidInputError(`ramp detector: cannot restore snapshot: ${msg}`);
    };
    if (typeof s !== 'object' || s === null) return bad('not an object');
    if (s.detector !== 'ramp') bad(`snapshot is for detector ${String(s.detector)}`);
    if (s.version !== RAMP_SNAPSHOT_VERSION) bad(`unsupported version ${String(s.version)}`);
    const st = s.state as { ewma?: unknown; recent?: unknown; lastAnomalous?: unknown } | null;
    if (typeof st !== 'object' || st === null) return bad('state is not an object');
    const { recent, lastAnomalous } = st;
    if (
      !Array.isArray(recent) ||
      recent.length > this.recent.length ||
      !recent.every(
        (x) => typeof x === 'number' && Number.isFinite(x) && Math.abs(x) <= this.options.threshold,
      )
    )
      bad(
        `recent must hold at most ${this.recent.length} finite residuals within ±${this.options.threshold}`,
      );
    if (typeof lastAnomalous !== 'boolean') bad('lastAnomalous must be a boolean');
    this.ewma.restore(st.ewma as DetectorSnapshot);
    const r = recent as number[];
    this.recent.fill(0);
    this.recent.set(r);
    this.n = r.length;
    this.lastAnomalous = lastAnomalous as boolean;
  }
}
