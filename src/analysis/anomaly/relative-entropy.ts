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
import { definedOptions, isIntIn } from './option-checks.ts';
import { NOT_JUDGED, scoreOnlyVerdict } from './detector.ts';
import type { DetectorSnapshot, InputRange, PersistentDetector, Verdict } from './detector.ts';
import { chiSquareQuantile } from '../../math/chi-square.ts';

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

/** Validates and merges options. @throws InvalidInputError for unknown keys or out-of-range values. */
export function resolveRelativeEntropyOptions(
  options: Partial<RelativeEntropyOptions> = {},
): RelativeEntropyOptions {
  for (const k of Object.keys(options)) {
    if (!OPTION_KEYS.includes(k)) throw new InvalidInputError(`unknown relative-entropy option ${k}`);
  }
  const o = { ...RELATIVE_ENTROPY_DEFAULTS, ...definedOptions(options) } as RelativeEntropyOptions;
  const bad = (msg: string): never => {
    throw new InvalidInputError(`relative-entropy: ${msg}`);
  };
  if (!isIntIn(o.bins, 2, 64)) bad(`bins must be an integer in [2, 64], got ${o.bins}`);
  if (!isIntIn(o.windowSize, 2, 100_000))
    bad(`windowSize must be an integer in [2, 100000], got ${o.windowSize}`);
  if (!(o.confidence > 0 && o.confidence < 1)) bad(`confidence must be in (0, 1), got ${o.confidence}`);
  if (!isIntIn(o.minAgreement, 0, 1e9)) bad(`minAgreement must be an integer >= 0, got ${o.minAgreement}`);
  if (!isIntIn(o.maxHypotheses, 1, 10_000))
    bad(`maxHypotheses must be an integer in [1, 10000], got ${o.maxHypotheses}`);
  if (o.liveRange !== 'prefix' && o.liveRange !== 'running')
    bad(`liveRange must be 'prefix' or 'running', got ${String(o.liveRange)}`);
  if (!isIntIn(o.prefixSamples, 2, 1_000_000))
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
    if (!isIntIn(sSeen, 0, Number.MAX_SAFE_INTEGER)) bad('seen must be a non-negative integer');
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
      if (!isIntIn(h.count, 1, Number.MAX_SAFE_INTEGER) || !isIntIn(h.lastUsed, 0, Number.MAX_SAFE_INTEGER))
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
