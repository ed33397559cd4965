/**
 * Relative Entropy detector: the multiple-hypothesis relative-entropy test of C. Wang, K. Viswanathan,
 * L. Choudur, V. Talwar, W. Satterfield, K. Schwan, "Statistical techniques for online anomaly detection in data
 * centers", IFIP/IEEE IM 2011 (HP Labs report HPL-2011-8), Figure 1, with the parameters NAB used for its
 * `relativeEntropy` reference detector (54.64 standard / 47.60 low-FP / 58.84 low-FN, scored with each file's
 * global min/max given up front; RESEARCH-NOTES.md §6.2).
 *
 * Algorithm: quantise each value into `bins` bins over a value range [min, max] (`step = (max − min)/bins`,
 * index `ceil((x − min)/step)` clamped to 0..bins, index `bins` folded into the last bin — NAB's layout, so
 * bin 0 only holds x = min); keep the histogram P̂ of the last `windowSize` indices. Once the window is full,
 * compare P̂ with every stored hypothesis Pⱼ by the statistic `2·W·KL(P̂ ‖ Pⱼ)` (natural log; +∞ when Pⱼ is 0
 * where P̂ is not), which under the null hypothesis P̂ ~ Pⱼ is asymptotically χ² with `bins − 1` degrees of
 * freedom. The hypothesis with the smallest statistic below `T = χ²_confidence(bins − 1)` is accepted: its count
 * goes up and the sample scores 1 only if that count is still ≤ `minAgreement` (with NAB's 1, never). If none is
 * accepted the sample scores 1 and P̂ becomes a new hypothesis. The first full window is the first hypothesis.
 *
 * Differences from NAB's version: hypotheses are capped (`maxHypotheses`; when full the least-used one —
 * smallest count, then least recently accepted — is replaced), the threshold T is computed here from
 * `confidence` and `bins` ({@link chiSquareQuantile}), values outside the range are clamped into the edge bins,
 * and a live monitor that does not know the file's range learns it causally (`liveRange`).
 */
import type { Severity } from '../../model/dwcp.ts';
import { InvalidInputError } from '../../errors.ts';
import { NOT_JUDGED, scoreOnlyVerdict } from './detector.ts';
import type { DetectorSnapshot, InputRange, PersistentDetector, Verdict } from './detector.ts';
import { erfc } from './windowed-gaussian.ts';

// ---------------------------------------------------------------------------------------------------------
// χ² quantile: regularized incomplete gamma function + Newton, no stats library.
// ---------------------------------------------------------------------------------------------------------

// Lanczos approximation (g = 7, 9 terms; C. Lanczos, SIAM J. Numer. Anal. B 1 (1964) 86–96, coefficients of
// P. Godfrey), ~1e-15 relative accuracy for x > 0.
const LANCZOS_G = 7;
const LANCZOS = [
  0.9999999999998099, 676.5203681218851, -1259.1392167224028, 771.3234287776531, -176.6150291621406,
  12.507343278686905, -0.13857109526572012, 9.984369578019572e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (Lanczos, with the reflection formula below 0.5). NaN for x ≤ 0 or NaN. */
export function lnGamma(x: number): number {
  if (!(x > 0)) return Number.NaN;
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0]!;
  const t = z + LANCZOS_G + 0.5;
  for (let i = 1; i < LANCZOS.length; i++) a += LANCZOS[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/**
 * Regularized incomplete gamma functions P(a, x) = γ(a, x)/Γ(a) and Q(a, x) = 1 − P(a, x) for a > 0, x ≥ 0.
 * Method (Abramowitz & Stegun 6.5.29 and 6.5.31): the power series of γ for x < a + 1 and Legendre's continued
 * fraction for Γ(a, x) otherwise (evaluated with the modified Lentz algorithm), each computing the smaller
 * tail directly so neither loses accuracy to cancellation. Throws InvalidInputError for a ≤ 0, x < 0 or NaN.
 */
export function regularizedGamma(a: number, x: number): { readonly p: number; readonly q: number } {
  if (!(a > 0) || !(x >= 0) || !Number.isFinite(a)) {
    throw new InvalidInputError(`regularizedGamma: need a > 0 finite and x >= 0 (got ${a}, ${x})`);
  }
  if (x === 0) return { p: 0, q: 1 };
  if (x === Number.POSITIVE_INFINITY) return { p: 1, q: 0 };
  const logPrefix = -x + a * Math.log(x) - lnGamma(a);
  if (x < a + 1) {
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < 10_000; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-17) break;
    }
    const p = Math.min(1, sum * Math.exp(logPrefix));
    return { p, q: 1 - p };
  }
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10_000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  const q = Math.min(1, Math.exp(logPrefix) * h);
  return { p: 1 - q, q };
}

/** Standard normal quantile Φ⁻¹(p) by bisection on Cody's erfc (only used for a starting point). */
function normalQuantile(p: number): number {
  let lo = -40;
  let hi = 40;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (mid === lo || mid === hi) break;
    if (0.5 * erfc(-mid / Math.SQRT2) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * The p-quantile of the χ² distribution with `dof` degrees of freedom: the x with P(dof/2, x/2) = p.
 * Start: the Wilson–Hilferty cube-root normal approximation (E. B. Wilson & M. M. Hilferty, PNAS 17 (1931)
 * 684–688); then safeguarded Newton steps on the regularized gamma function (the derivative is the χ² density),
 * falling back to bisection inside a maintained bracket; for p > ½ the equation is solved on the upper tail
 * Q = 1 − p so that quantiles near 1 keep full accuracy. χ²₀.₉₉(4) = 13.2767…, χ²₀.₉₅(1) = 3.8415….
 * Throws InvalidInputError for p outside (0, 1) or dof not finite and > 0.
 */
export function chiSquareQuantile(p: number, dof: number): number {
  if (!(p > 0 && p < 1)) throw new InvalidInputError(`chiSquareQuantile: p must be in (0, 1), got ${p}`);
  if (!(Number.isFinite(dof) && dof > 0))
    throw new InvalidInputError(`chiSquareQuantile: dof must be > 0, got ${dof}`);
  const a = dof / 2;
  const upper = p > 0.5;
  const target = upper ? 1 - p : p;
  // f(x) increases with x: P(a, x/2) − p, or (1 − p) − Q(a, x/2).
  const f = (x: number): number => {
    const g = regularizedGamma(a, x / 2);
    return upper ? target - g.q : g.p - target;
  };
  const logDensityConst = -a * Math.LN2 - lnGamma(a);
  const density = (x: number): number => Math.exp(logDensityConst + (a - 1) * Math.log(x) - x / 2);

  const z = normalQuantile(p);
  const k = 2 / (9 * dof);
  let x = dof * Math.pow(Math.max(1 - k + z * Math.sqrt(k), 1e-3), 3);
  if (!(x > 0) || !Number.isFinite(x)) x = dof;
  // Bracket [lo, hi] with f(lo) < 0 < f(hi).
  let lo = 0;
  let hi = Math.max(2 * x, 1);
  while (f(hi) < 0) {
    lo = hi;
    hi *= 2;
    if (hi > 1e12) break;
  }
  for (let i = 0; i < 200; i++) {
    const fx = f(x);
    if (fx === 0) return x;
    if (fx < 0) lo = x;
    else hi = x;
    const dens = density(x);
    let next = dens > 0 && Number.isFinite(dens) ? x - fx / dens : Number.NaN;
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    if (Math.abs(next - x) <= 1e-15 * Math.max(1, x) || next === lo || next === hi) return next;
    x = next;
  }
  return x;
}

// ---------------------------------------------------------------------------------------------------------
// The detector.
// ---------------------------------------------------------------------------------------------------------

/** How a live monitor (no `inputRange`) learns the quantisation range. */
export type RelativeEntropyLiveRange = 'prefix' | 'running';

/** Options of {@link createRelativeEntropyDetector}. */
export interface RelativeEntropyOptions {
  /** Quantisation bins (NAB: 5). Integer in [2, 64]. */
  readonly bins: number;
  /** Window length W (NAB: 52). Integer in [2, 100 000]. */
  readonly windowSize: number;
  /** Confidence of the χ² acceptance test (NAB: 0.99 → T = χ²₀.₉₉(bins − 1)). In (0, 1). */
  readonly confidence: number;
  /** An accepted hypothesis still scores 1 while its count is ≤ this (NAB: 1, i.e. never). Integer ≥ 0. */
  readonly minAgreement: number;
  /** Hard cap on stored hypotheses; the least-used one is replaced when full. Integer in [1, 10 000]. */
  readonly maxHypotheses: number;
  /**
   * The value range, as NAB's published rules hand it over (the file's global min/max). When absent the
   * range is learned causally as `liveRange` says.
   */
  readonly inputRange?: InputRange;
  /**
   * Live range learning. `prefix`: min/max of the first `prefixSamples` samples, then fixed (later values
   * are clamped into the edge bins); nothing is judged before. `running`: min/max of everything seen so far;
   * when it widens the window is re-quantised (stored hypotheses keep their old quantisation).
   */
  readonly liveRange: RelativeEntropyLiveRange;
  /** Samples that fix the range in `prefix` mode. Integer in [2, 1e6]. */
  readonly prefixSamples: number;
  /** `Verdict.anomalous` is `score ≥ alertThreshold` (scores are 0 or 1). In (0, 1]. */
  readonly alertThreshold: number;
}

/**
 * NAB's parameters plus the live defaults. Measured on NAB (standard profile): the cap of 64 costs nothing
 * with the published rules (no file needs more than 29 hypotheses); live, `running` (38.6) beats `prefix`
 * with 52/150/300/600 samples (32.3/36.3/37.3/30.4); the published rules score 54.6.
 */
export const RELATIVE_ENTROPY_DEFAULTS: RelativeEntropyOptions = Object.freeze({
  bins: 5,
  windowSize: 52,
  confidence: 0.99,
  minAgreement: 1,
  maxHypotheses: 64,
  liveRange: 'running',
  prefixSamples: 300,
  alertThreshold: 1,
});

const NAME = 'relative-entropy';
const VERSION = 1;
const OPTION_KEYS = [...Object.keys(RELATIVE_ENTROPY_DEFAULTS), 'inputRange'];

interface SnapshotState {
  readonly seen: number;
  readonly min: number;
  readonly max: number;
  /** Raw values of the window, oldest first (at most windowSize). */
  readonly window: number[];
  readonly hypotheses: { readonly p: number[]; readonly count: number; readonly lastUsed: number }[];
  readonly lastAnomalous: boolean;
}

function isInt(v: unknown, lo: number, hi: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi;
}

/** Validates and merges options. @throws InvalidInputError for unknown keys or out-of-range values. */
export function resolveRelativeEntropyOptions(
  options: Partial<RelativeEntropyOptions> = {},
): RelativeEntropyOptions {
  for (const k of Object.keys(options)) {
    if (!OPTION_KEYS.includes(k)) throw new InvalidInputError(`unknown relative-entropy option ${k}`);
  }
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  const o = { ...RELATIVE_ENTROPY_DEFAULTS, ...defined } as RelativeEntropyOptions;
  const bad = (msg: string): never => {
    throw new InvalidInputError(`relative-entropy: ${msg}`);
  };
  if (!isInt(o.bins, 2, 64)) bad(`bins must be an integer in [2, 64], got ${o.bins}`);
  if (!isInt(o.windowSize, 2, 100_000))
    bad(`windowSize must be an integer in [2, 100000], got ${o.windowSize}`);
  if (!(o.confidence > 0 && o.confidence < 1)) bad(`confidence must be in (0, 1), got ${o.confidence}`);
  if (!isInt(o.minAgreement, 0, 1e9)) bad(`minAgreement must be an integer >= 0, got ${o.minAgreement}`);
  if (!isInt(o.maxHypotheses, 1, 10_000))
    bad(`maxHypotheses must be an integer in [1, 10000], got ${o.maxHypotheses}`);
  if (o.liveRange !== 'prefix' && o.liveRange !== 'running')
    bad(`liveRange must be 'prefix' or 'running', got ${String(o.liveRange)}`);
  if (!isInt(o.prefixSamples, 2, 1_000_000))
    bad(`prefixSamples must be an integer in [2, 1e6], got ${o.prefixSamples}`);
  if (!(o.alertThreshold > 0 && o.alertThreshold <= 1))
    bad(`alertThreshold must be in (0, 1], got ${o.alertThreshold}`);
  if (o.inputRange !== undefined) {
    const r = o.inputRange;
    if (
      typeof r !== 'object' ||
      r === null ||
      !Number.isFinite(r.min) ||
      !Number.isFinite(r.max) ||
      r.min > r.max
    ) {
      bad('inputRange must have finite min <= max');
    }
  }
  return Object.freeze(o);
}

/**
 * Creates a Relative Entropy detector for one series (see the module comment for the method). Verdict:
 * `score` is 1 when the window's histogram matches no stored hypothesis (a new one is created) and 0
 * otherwise (binary, as in the paper and NAB); `anomalous` = score ≥ alertThreshold; `confidence` = score;
 * `expected/lower/upper` are NaN and `deviation` 0 (a histogram test has no band); `warmingUp` until the range
 * is known and the first full window has become hypothesis 1. A zero-width range (flat series) judges every
 * sample normal. Non-finite values return {@link NOT_JUDGED} and leave the state unchanged.
 * Memory: the window (W doubles and W bytes), `bins` counts and at most `maxHypotheses × (bins + 2)` doubles
 * (≈ 4.2 KB at the defaults when full).
 * @throws InvalidInputError for invalid options.
 */
export function createRelativeEntropyDetector(
  options: Partial<RelativeEntropyOptions> = {},
): PersistentDetector {
  const o = resolveRelativeEntropyOptions(options);
  const B = o.bins;
  const W = o.windowSize;
  const H = o.maxHypotheses;
  const T = chiSquareQuantile(o.confidence, B - 1);
  const fixedRange = o.inputRange !== undefined;

  // Raw values (ring) and their bin indices; counts of the window's bins.
  const values = new Float64Array(W);
  const binOfSlot = new Uint8Array(W);
  const counts = new Float64Array(B);
  let head = 0; // next write slot
  let filled = 0; // values in the ring (≤ W)
  let seen = 0; // finite samples seen
  let min = fixedRange ? o.inputRange!.min : Number.POSITIVE_INFINITY;
  let max = fixedRange ? o.inputRange!.max : Number.NEGATIVE_INFINITY;
  // Hypotheses: probabilities row-major, counts, last-accepted sample index.
  const hypP = new Float64Array(H * B);
  // ln q of each hypothesis bin (−Infinity for q = 0), so that KL(p̂‖q) = Σ p ln p − Σ p ln q needs no log per
  // sample: Σ p ln p comes from a table of (k/W) ln(k/W) for window counts k = 0..W.
  const hypLogP = new Float64Array(H * B);
  const pLogP = new Float64Array(W + 1);
  for (let k = 1; k <= W; k++) pLogP[k] = (k / W) * Math.log(k / W);
  const setHypothesis = (j: number, p: ArrayLike<number>): void => {
    for (let i = 0; i < B; i++) {
      hypP[j * B + i] = p[i]!;
      hypLogP[j * B + i] = Math.log(p[i]!);
    }
  };
  const hypCount = new Float64Array(H);
  const hypUsed = new Float64Array(H);
  let m = 0;
  let lastAnomalous = false;
  const phat = new Float64Array(B);

  // A flat prefix keeps the prefix open until the range has some width.
  const rangeReady = (): boolean =>
    fixedRange || o.liveRange === 'running' ? seen > 0 : seen >= o.prefixSamples && max > min;

  const binOf = (x: number): number => {
    const step = (max - min) / B;
    let idx = Math.ceil((x - min) / step);
    if (!(idx >= 0)) idx = 0; // also NaN guard
    if (idx >= B) idx = B - 1;
    return idx;
  };

  const rebinWindow = (): void => {
    counts.fill(0);
    for (let k = 0; k < filled; k++) {
      const slot = (head - filled + k + W) % W;
      const b = binOf(values[slot]!);
      binOfSlot[slot] = b;
      counts[b]! += 1;
    }
  };

  const push = (x: number): void => {
    const flat = !(max > min);
    if (filled === W) {
      if (!flat) counts[binOfSlot[head]!]! -= 1;
    } else {
      filled++;
    }
    values[head] = x;
    if (!flat) {
      const b = binOf(x);
      binOfSlot[head] = b;
      counts[b]! += 1;
    }
    head = (head + 1) % W;
  };

  /** Returns the score of the current (full) window and learns it. */
  const judgeWindow = (): number => {
    let entropyTerm = 0;
    for (let i = 0; i < B; i++) {
      phat[i] = counts[i]! / W;
      entropyTerm += pLogP[Math.round(counts[i]!)]!;
    }
    if (m === 0) {
      addHypothesis();
      return 0;
    }
    let best = -1;
    let bestStat = Number.POSITIVE_INFINITY;
    for (let j = 0; j < m; j++) {
      let cross = 0;
      const base = j * B;
      for (let i = 0; i < B; i++) {
        const p = phat[i]!;
        if (p !== 0) cross += p * hypLogP[base + i]!; // −Infinity when q = 0 < p: KL = ∞
      }
      const kl = entropyTerm - cross;
      const stat = 2 * W * kl;
      if (stat < T && stat < bestStat) {
        bestStat = stat;
        best = j;
      }
    }
    if (best >= 0) {
      hypCount[best]! += 1;
      hypUsed[best] = seen;
      return hypCount[best]! <= o.minAgreement ? 1 : 0;
    }
    addHypothesis();
    return 1;
  };

  const addHypothesis = (): void => {
    let j = m;
    if (m < H) {
      m++;
    } else {
      j = 0;
      for (let k = 1; k < H; k++) {
        if (hypCount[k]! < hypCount[j]! || (hypCount[k] === hypCount[j] && hypUsed[k]! < hypUsed[j]!)) j = k;
      }
    }
    setHypothesis(j, phat);
    hypCount[j] = 1;
    hypUsed[j] = seen;
  };

  const verdictOf = (score: number): Verdict => {
    const anomalous = score >= o.alertThreshold;
    const severity: Severity = anomalous ? 'medium' : 'low';
    const v = scoreOnlyVerdict(score, anomalous, severity, lastAnomalous && !anomalous);
    lastAnomalous = anomalous;
    return v;
  };

  const snapshotState = (): SnapshotState => {
    const window: number[] = [];
    for (let k = 0; k < filled; k++) window.push(values[(head - filled + k + W) % W]!);
    const hypotheses = [];
    for (let j = 0; j < m; j++) {
      hypotheses.push({
        p: Array.from(hypP.subarray(j * B, (j + 1) * B)),
        count: hypCount[j]!,
        lastUsed: hypUsed[j]!,
      });
    }
    return { seen, min, max, window, hypotheses, lastAnomalous };
  };

  const validate = (s: DetectorSnapshot): SnapshotState => {
    const bad = (msg: string): never => {
      throw new InvalidInputError(`relative-entropy restore: ${msg}`);
    };
    if (typeof s !== 'object' || s === null) bad('snapshot must be an object');
    if (s.detector !== NAME || s.version !== VERSION)
      bad(`snapshot is for ${String(s.detector)} v${String(s.version)}`);
    const st = s.state as Partial<SnapshotState> | null;
    if (typeof st !== 'object' || st === null) bad('state must be an object');
    const {
      seen: sSeen,
      min: sMin,
      max: sMax,
      window,
      hypotheses,
      lastAnomalous: la,
    } = st as Partial<SnapshotState>;
    if (!isInt(sSeen, 0, Number.MAX_SAFE_INTEGER)) bad('seen must be a non-negative integer');
    if (typeof la !== 'boolean') bad('lastAnomalous must be a boolean');
    if (!Array.isArray(window) || window.length > W || window.length > sSeen!)
      bad(`window must be an array of <= ${W} values`);
    if (window!.length !== Math.min(W, sSeen!)) bad('window length does not match seen');
    if (!window!.every((v) => typeof v === 'number' && Number.isFinite(v)))
      bad('window values must be finite numbers');
    const numOrInf = (v: unknown): v is number => typeof v === 'number' && !Number.isNaN(v);
    if (!numOrInf(sMin) || !numOrInf(sMax)) bad('min/max must be numbers');
    if (fixedRange && (sMin !== o.inputRange!.min || sMax !== o.inputRange!.max))
      bad('range differs from inputRange');
    if (sSeen! > 0 && !fixedRange && !(Number.isFinite(sMin) && Number.isFinite(sMax) && sMin! <= sMax!))
      bad('bad range');
    if (!Array.isArray(hypotheses) || hypotheses.length > H) bad(`hypotheses must be an array of <= ${H}`);
    for (const h of hypotheses!) {
      if (typeof h !== 'object' || h === null) bad('hypothesis must be an object');
      if (
        !Array.isArray(h.p) ||
        h.p.length !== B ||
        !h.p.every((v) => typeof v === 'number' && v >= 0 && v <= 1)
      ) {
        bad(`hypothesis p must be ${B} probabilities`);
      }
      if (!isInt(h.count, 1, Number.MAX_SAFE_INTEGER) || !isInt(h.lastUsed, 0, Number.MAX_SAFE_INTEGER))
        bad('bad hypothesis count');
    }
    return st as SnapshotState;
  };

  return {
    name: NAME,
    update(value: number, _timestampMs: number): Verdict {
      if (!Number.isFinite(value)) return NOT_JUDGED;
      const wasReady = rangeReady();
      seen++;
      if (!fixedRange) {
        const learning = o.liveRange === 'running' || !wasReady;
        if (learning && (value < min || value > max)) {
          min = Math.min(min, value);
          max = Math.max(max, value);
          push(value);
          rebinWindow();
        } else {
          push(value);
        }
      } else {
        push(value);
      }
      if (!rangeReady() || filled < W) return NOT_JUDGED;
      if (!(max > min)) return verdictOf(0);
      const wasEmpty = m === 0;
      const score = judgeWindow();
      if (wasEmpty) return { ...verdictOf(score), warmingUp: true };
      return verdictOf(score);
    },
    stateBytes(): number {
      return W * 9 + B * 16 + m * (B + 2) * 8 + 96;
    },
    snapshot(): DetectorSnapshot {
      return { detector: NAME, version: VERSION, state: snapshotState() };
    },
    restore(s: DetectorSnapshot): void {
      const st = validate(s);
      seen = st.seen;
      min = st.min;
      max = st.max;
      filled = 0;
      head = 0;
      for (const v of st.window) {
        values[head] = v;
        head = (head + 1) % W;
        filled++;
      }
      if (max > min) rebinWindow();
      else counts.fill(0);
      m = st.hypotheses.length;
      hypP.fill(0);
      hypCount.fill(0);
      hypUsed.fill(0);
      st.hypotheses.forEach((h, j) => {
        setHypothesis(j, h.p);
        hypCount[j] = h.count;
        hypUsed[j] = h.lastUsed;
      });
      lastAnomalous = st.lastAnomalous;
    },
  };
}
