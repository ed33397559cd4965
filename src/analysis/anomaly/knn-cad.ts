/**
 * KNN-CAD: conformal k-nearest-neighbour anomaly detection on lag vectors. Method: E. Burnaev and V. Ishimtsev,
 * "Conformalized density- and distance-based anomaly detection in time-series data", arXiv:1608.04585 (2016);
 * parameters and streaming schedule as in its NAB 2016 competition entry (numenta/NAB
 * `nab/detectors/knncad/knncad_detector.py`, MIT; NAB v1.1 scores it 57.99 / 43.41 / 64.81), re-implemented
 * from the description in RESEARCH-NOTES.md §6.3.
 *
 * Algorithm (P = probation, L = lag, k = neighbours; n counts finite samples, 1-based):
 * - The item of sample n is the lag vector of the last L values (its own value included); samples n < L have none.
 * - Samples n < P: the item joins the training set (P − L items), score 0 (not judged).
 * - Distance `d(a, b) = (a − b)ᵀ M (a − b)` with `M = (XᵀX)⁻¹` of the uncentred training matrix X; M starts as
 *   the identity and is recomputed when `n mod P ∈ {0, ⌊P/2⌋}` (n ≥ P), from the training set before the
 *   sample's item is used; a singular XᵀX keeps the old M.
 * - Non-conformity `NCM(v)` = sum of the k smallest distances from v to the training items (k + 1 for a
 *   training item itself, so its own zero distance is included).
 * - At n = P the calibration scores are the NCMs of all training items. Each sample n ≥ P scores
 *   `#{calibration scores < NCM(item)} / #calibration scores`; then (n ≥ 2P) the oldest training item is dropped
 *   and the oldest calibration item becomes training; the oldest calibration score is dropped and the item and
 *   its NCM join the calibration set. Training stays at P − L items, calibration scores at P − L, calibration
 *   items at ≤ P — together the last 2P − L items, i.e. the last 2P − 1 values.
 * - Refractory: a score ≥ `refractoryThreshold` (0.9965) makes the next ⌊P/5⌋ samples output 0.5.
 *
 * Speed: instead of the quadratic form (O(L²) per pair) the stored items are transformed once per M:
 * M (symmetrised) = V Λ Vᵀ, item a ↦ y = |Λ|^½ Vᵀ a, so `d(a, b) = Σᵢ sᵢ (yᵢ(a) − yᵢ(b))²` with sᵢ = sign λᵢ;
 * when M is positive definite (the normal case) this is the squared Euclidean distance in the whitened space,
 * computed with early abandoning against the current k-th smallest distance (a bounded max-heap, no sort). A
 * sample costs O((P − L)·L) plus O(L²) for its own transform; a new M re-transforms the ≤ 2P − L stored items.
 * M and its transform are computed in knn-cad-metric.ts.
 */
import type { Severity } from '../../model/dwcp.ts';
import { InvalidInputError } from '../../errors.ts';
import { NOT_JUDGED, scoreOnlyVerdict } from './detector.ts';
import type { DetectorSnapshot, PersistentDetector, Verdict } from './detector.ts';
import { identityTransform, inverseGram, transformOf, type Transform } from './knn-cad-metric.ts';
import { checkIntIn } from './option-checks.ts';

/** Options of {@link createKnnCadDetector}. */
export interface KnnCadOptions {
  /** Lag L: length of the embedded vectors (NAB: 19). Integer in [1, 200]. */
  readonly lag: number;
  /** k: neighbours summed in the non-conformity measure (NAB: 27). Integer in [1, 1000]. */
  readonly k: number;
  /**
   * P: probation length in samples; also the size of the training and calibration sets and the cap of all
   * state (2P − 1 raw values, 2P − L + 1 transformed vectors, P − L calibration scores). Default 750, NAB's
   * value for files of ≥ 5000 rows; NAB's published rule is `min(⌊0.15·n⌋, 750)` for a file of n rows, which a
   * live monitor cannot know. Integer in [lag + k + 2, 20000].
   */
  readonly probation: number;
  /** A score ≥ this starts a refractory period (NAB: 0.9965). Finite. */
  readonly refractoryThreshold: number;
  /** Samples that output {@link KNN_CAD_REFRACTORY_SCORE} after a refractory start. Default ⌊P/5⌋. Integer ≥ 0. */
  readonly refractorySamples: number;
  /**
   * `Verdict.anomalous` is `score ≥ alertThreshold`. Default 1.0: NAB's corpus-optimal threshold for this
   * detector on all three profiles (the item is less conforming than every calibration item). Finite.
   */
  readonly alertThreshold: number;
}

/** NAB's parameters (live default for the probation, which NAB shortens on files of < 5000 rows). */
export const KNN_CAD_DEFAULTS: Omit<KnnCadOptions, 'refractorySamples'> = Object.freeze({
  lag: 19,
  k: 27,
  probation: 750,
  refractoryThreshold: 0.9965,
  alertThreshold: 1.0,
});

/** The score output during a refractory period (NAB: 0.5). */
export const KNN_CAD_REFRACTORY_SCORE = 0.5;

/** NAB's published probation for a file of `rows` rows: `min(⌊0.15·rows⌋, 750)`. */
export function knnCadNabProbation(rows: number): number {
  return Math.min(Math.floor(0.15 * rows), 750);
}

const SNAPSHOT_VERSION = 1;
const NAME = 'knn-cad';

/** Snapshot state layout (version 1). */
interface KnnCadState {
  readonly lag: number;
  readonly k: number;
  readonly probation: number;
  /** Finite samples seen. */
  readonly n: number;
  /** Remaining refractory samples. */
  readonly refractory: number;
  readonly lastAnomalous: boolean;
  /** The last min(n, 2P) values, oldest first. */
  readonly values: number[];
  /** M row-major (L² numbers), or null while M is the identity. */
  readonly metric: number[] | null;
  /** Calibration scores, oldest first (empty before sample P). */
  readonly scores: number[];
}

/**
 * Creates a KNN-CAD detector for one series (see the module comment for the method). Verdict: `score` = the
 * conformal score in [0, 1] (fraction of calibration items conforming better), 0.5 during a refractory period,
 * 0 while warming up (the first P − 1 samples, returned as {@link NOT_JUDGED}); `anomalous` = score ≥
 * `alertThreshold`; `confidence` = score; severity `high` when anomalous; `expected/lower/upper` NaN and
 * `deviation` 0 (the method has no value baseline); `resolved` on the first non-anomalous verdict after an
 * anomalous one. Non-finite values return {@link NOT_JUDGED} and leave the state unchanged. Memory at NAB's
 * parameters: ~250 KB (2P − 1 values, 2P − L + 1 transformed lag vectors, P − L scores).
 * Throws InvalidInputError for invalid options.
 */
export function createKnnCadDetector(options: Partial<KnnCadOptions> = {}): PersistentDetector {
  const lag = options.lag ?? KNN_CAD_DEFAULTS.lag;
  const k = options.k ?? KNN_CAD_DEFAULTS.k;
  const P = options.probation ?? KNN_CAD_DEFAULTS.probation;
  checkIntIn('lag', lag, 1, 200);
  checkIntIn('k', k, 1, 1000);
  checkIntIn('probation', P, lag + k + 2, 20_000);
  const refractoryThreshold = options.refractoryThreshold ?? KNN_CAD_DEFAULTS.refractoryThreshold;
  const alertThreshold = options.alertThreshold ?? KNN_CAD_DEFAULTS.alertThreshold;
  const refractorySamples = options.refractorySamples ?? Math.floor(P / 5);
  if (!Number.isFinite(refractoryThreshold))
    throw new InvalidInputError(`refractoryThreshold must be finite, got ${refractoryThreshold}`);
  if (!Number.isFinite(alertThreshold))
    throw new InvalidInputError(`alertThreshold must be finite, got ${alertThreshold}`);
  checkIntIn('refractorySamples', refractorySamples, 0, 1_000_000);

  const T = P - lag; // training items = calibration scores
  const halfP = Math.floor(P / 2);
  const lag4 = lag - (lag % 4);
  const rawCap = 2 * P; // values kept
  const vecCap = 2 * P - lag + 1; // transformed items kept (active set + the new item)

  const raw = new Float64Array(rawCap);
  const vec = new Float64Array(vecCap * lag);
  const scores = new Float64Array(T); // ring, oldest at scoreHead
  const heap = new Float64Array(k + 1);
  const item = new Float64Array(lag);
  const query = new Float64Array(lag);

  let n = 0;
  let refractory = 0;
  let lastAnomalous = false;
  let scoreHead = 0;
  let calibrated = false;
  let metric: Float64Array | null = null; // null = identity
  let tf: Transform = identityTransform(lag);

  /** First training item id while sample `count` is scored: items [s, s + T) (item id = sample − L, 1-based). */
  const trainStart = (count: number): number => Math.max(0, count - 2 * P);

  /** Transforms the item whose last value is sample `last` (1-based) into slot `id mod vecCap`. */
  const transformItem = (last: number, t: Transform): void => {
    const first = last - lag; // 0-based index of its first value
    for (let j = 0; j < lag; j++) item[j] = raw[(first + j) % rawCap]!;
    const base = ((last - lag) % vecCap) * lag;
    const w = t.w;
    for (let i = 0; i < lag; i++) {
      let acc = 0;
      const row = i * lag;
      for (let j = 0; j < lag; j++) acc += w[row + j]! * item[j]!;
      vec[base + i] = acc;
    }
  };

  /** Recomputes M from the training items [s, s + T); returns false (state unchanged) when XᵀX is singular. */
  const recomputeMetric = (s: number): boolean => {
    const m = inverseGram(raw, s, T, lag);
    if (m === null) return false; // singular: keep the old M (NAB does the same on LinAlgError)
    const t = transformOf(m, lag);
    if (t === null) return false;
    metric = m;
    tf = t;
    return true;
  };

  /** Pushes distance `d` into the max-heap of the `m` smallest seen so far (`size` entries); returns the new size. */
  const heapPush = (d: number, size: number, m: number): number => {
    if (size < m) {
      let i = size;
      heap[i] = d;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (heap[p]! >= d) break;
        heap[i] = heap[p]!;
        i = p;
      }
      heap[i] = d;
      return size + 1;
    }
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= size) break;
      const r = l + 1;
      const c = r < size && heap[r]! > heap[l]! ? r : l;
      if (heap[c]! <= d) break;
      heap[i] = heap[c]!;
      i = c;
    }
    heap[i] = d;
    return size;
  };

  /**
   * Sum of the `m` smallest distances from the item in `vec` at offset `qBase` to the training items
   * [s, s + T), selected with a bounded max-heap (no sort).
   */
  const ncm = (qBase: number, s: number, m: number): number => {
    for (let j = 0; j < lag; j++) query[j] = vec[qBase + j]!;
    let size = 0;
    let bound = Number.POSITIVE_INFINITY; // the m-th smallest so far once the heap is full
    const positive = tf.positive;
    const sign = tf.sign;
    // The training items occupy at most two contiguous runs of the ring.
    const first = s % vecCap;
    const run1 = Math.min(T, vecCap - first);
    for (let part = 0; part < 2; part++) {
      const from = part === 0 ? first : 0;
      const count = part === 0 ? run1 : T - run1;
      for (let c = 0, b = from * lag; c < count; c++, b += lag) {
        let d = 0;
        if (positive) {
          // Early abandon (checked every 4 terms): a partial sum ≥ bound cannot enter the m smallest.
          let j = 0;
          for (; j < lag4; j += 4) {
            const a0 = query[j]! - vec[b + j]!;
            const a1 = query[j + 1]! - vec[b + j + 1]!;
            const a2 = query[j + 2]! - vec[b + j + 2]!;
            const a3 = query[j + 3]! - vec[b + j + 3]!;
            d += a0 * a0;
            d += a1 * a1;
            d += a2 * a2;
            d += a3 * a3;
            if (d >= bound) break;
          }
          if (j < lag4) continue;
          for (; j < lag; j++) {
            const diff = query[j]! - vec[b + j]!;
            d += diff * diff;
          }
        } else {
          for (let j = 0; j < lag; j++) {
            const diff = query[j]! - vec[b + j]!;
            d += sign[j]! * diff * diff;
          }
        }
        if (size === m && d >= bound) continue;
        size = heapPush(d, size, m);
        if (size === m) bound = heap[0]!;
      }
    }
    let sum = 0;
    for (let i = 0; i < size; i++) sum += heap[i]!;
    return sum;
  };

  /** Re-transforms every stored item (ids [s, last item]) with the current transform. */
  const retransformAll = (s: number, lastSample: number): void => {
    for (let sample = s + lag; sample <= lastSample; sample++) transformItem(sample, tf);
  };

  const calibrate = (s: number): void => {
    for (let i = 0; i < T; i++) scores[i] = ncm(((s + i) % vecCap) * lag, s, k + 1);
    scoreHead = 0;
    calibrated = true;
  };

  const judge = (result: number): Verdict => {
    const anomalous = result >= alertThreshold;
    const severity: Severity = anomalous ? 'high' : 'low';
    const v = scoreOnlyVerdict(result, anomalous, severity, lastAnomalous && !anomalous);
    lastAnomalous = anomalous;
    return v;
  };

  const update = (value: number, _timestampMs: number): Verdict => {
    if (!Number.isFinite(value)) return NOT_JUDGED;
    n++;
    raw[(n - 1) % rawCap] = value;
    if (n < lag) return NOT_JUDGED;
    if (n < P) {
      transformItem(n, tf);
      return NOT_JUDGED;
    }
    const s = trainStart(n);
    const ost = n % P;
    if ((ost === 0 || ost === halfP) && recomputeMetric(s)) retransformAll(s, n - 1);
    transformItem(n, tf);
    if (!calibrated) calibrate(s);
    const score = ncm(((n - lag) % vecCap) * lag, s, k);
    let below = 0;
    for (let i = 0; i < T; i++) if (scores[i]! < score) below++;
    const result = below / T;
    scores[scoreHead] = score; // the oldest score is replaced by the new one
    scoreHead = (scoreHead + 1) % T;
    if (refractory > 0) {
      refractory--;
      return judge(KNN_CAD_REFRACTORY_SCORE);
    }
    if (result >= refractoryThreshold) refractory = refractorySamples;
    return judge(result);
  };

  const snapshot = (): DetectorSnapshot => {
    const keep = Math.min(n, rawCap);
    const values: number[] = [];
    for (let i = n - keep; i < n; i++) values.push(raw[i % rawCap]!);
    const sc: number[] = [];
    if (calibrated) for (let i = 0; i < T; i++) sc.push(scores[(scoreHead + i) % T]!);
    const state: KnnCadState = {
      lag,
      k,
      probation: P,
      n,
      refractory,
      lastAnomalous,
      values,
      metric: metric === null ? null : Array.from(metric),
      scores: sc,
    };
    return { detector: NAME, version: SNAPSHOT_VERSION, state };
  };

  const finiteArray = (x: unknown, len: number, what: string): number[] => {
    if (!Array.isArray(x) || x.length !== len)
      throw new InvalidInputError(`knn-cad snapshot: ${what} must be an array of ${len} numbers`);
    for (const v of x) {
      if (typeof v !== 'number' || !Number.isFinite(v))
        throw new InvalidInputError(`knn-cad snapshot: ${what} holds a non-finite value`);
    }
    return x as number[];
  };

  const restore = (snap: DetectorSnapshot): void => {
    if (snap === null || typeof snap !== 'object')
      throw new InvalidInputError('knn-cad snapshot: not an object');
    if (snap.detector !== NAME)
      throw new InvalidInputError(`knn-cad snapshot: detector is "${String(snap.detector)}"`);
    if (snap.version !== SNAPSHOT_VERSION)
      throw new InvalidInputError(`knn-cad snapshot: unsupported version ${String(snap.version)}`);
    const st = snap.state as Partial<KnnCadState> | null;
    if (st === null || typeof st !== 'object')
      throw new InvalidInputError('knn-cad snapshot: state is not an object');
    if (st.lag !== lag || st.k !== k || st.probation !== P) {
      throw new InvalidInputError(
        `knn-cad snapshot: lag/k/probation ${st.lag}/${st.k}/${st.probation} differ from ${lag}/${k}/${P}`,
      );
    }
    const sn = st.n;
    if (typeof sn !== 'number' || !Number.isSafeInteger(sn) || sn < 0)
      throw new InvalidInputError('knn-cad snapshot: n must be a safe integer ≥ 0');
    const rf = st.refractory;
    if (typeof rf !== 'number' || !Number.isInteger(rf) || rf < 0 || rf > refractorySamples) {
      throw new InvalidInputError(
        `knn-cad snapshot: refractory must be an integer in [0, ${refractorySamples}]`,
      );
    }
    if (typeof st.lastAnomalous !== 'boolean')
      throw new InvalidInputError('knn-cad snapshot: lastAnomalous must be boolean');
    const vals = finiteArray(st.values, Math.min(sn, rawCap), 'values');
    const sc = finiteArray(st.scores, sn >= P ? T : 0, 'scores');
    let m: Float64Array | null = null;
    let t = identityTransform(lag);
    if (st.metric !== null) {
      m = Float64Array.from(finiteArray(st.metric, lag * lag, 'metric'));
      const tt = transformOf(m, lag);
      if (tt === null)
        throw new InvalidInputError('knn-cad snapshot: metric has no finite eigen-decomposition');
      t = tt;
    }
    // Validated: commit.
    n = sn;
    refractory = rf;
    lastAnomalous = st.lastAnomalous;
    raw.fill(0);
    for (let i = 0; i < vals.length; i++) raw[(n - vals.length + i) % rawCap] = vals[i]!;
    metric = m;
    tf = t;
    vec.fill(0);
    if (n >= lag) retransformAll(trainStart(n + 1), n);
    scores.fill(0);
    scores.set(sc);
    scoreHead = 0;
    calibrated = sc.length > 0;
  };

  return {
    name: NAME,
    update,
    stateBytes(): number {
      return (
        (raw.length + vec.length + scores.length + heap.length + 2 * lag + 2 * lag * lag + lag) * 8 + 128
      );
    },
    snapshot,
    restore,
  };
}
