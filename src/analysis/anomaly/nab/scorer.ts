/**
 * The Numenta Anomaly Benchmark (NAB) scoring rules, re-implemented from the algorithm: raw score at a threshold,
 * corpus-wide threshold optimisation and normalisation, on the profiles, files, probation and row weights of
 * ./rules.ts.
 *
 * Method: Lavin & Ahmad, "Evaluating Real-time Anomaly Detection Algorithms – the Numenta Anomaly Benchmark",
 * arXiv:1510.03336 (2015); rules as implemented by NAB's `nab/sweeper.py` (weights, per-threshold score),
 * `nab/scorer.py` (file score at the chosen threshold) and `nab/optimizer.py` (one threshold for the corpus),
 * numenta/NAB @ ea702d75. Pure: no clocks, no I/O.
 */
import { InvalidInputError, LimitExceededError } from '../../../errors.ts';
import { recallOf } from '../../../math/classification.ts';
import {
  PROBATION_PERCENT,
  probationLength,
  rowWeights,
  rowWindowIds,
  validateCostMatrix,
  validateFile,
  validateScores,
  type CostMatrix,
  type NabFile,
} from './rules.ts';

/** Threshold meaning "no detections": NAB starts its sweep at 1.1, above every valid score. */
export const NO_DETECTION_THRESHOLD = 1.1;
/** Upper bound on the rows one optimisation may hold in memory (NAB itself has 365,558). */
export const MAX_CORPUS_ROWS = 20_000_000;

/** Outcome of scoring one file (or a corpus) at one threshold. */
export interface ThresholdScore {
  readonly threshold: number;
  /** Raw NAB score: Σ windows (best detection weight or −fnWeight) + Σ false-positive row weights. */
  readonly raw: number;
  /** Non-probationary rows with score ≥ threshold. */
  readonly detections: number;
  /** Detections inside a window (NAB's "TP" row count). */
  readonly tpRows: number;
  /** Detections outside every window (NAB's "FP" row count). */
  readonly fpRows: number;
  /** Windows (with at least one non-probationary row) containing at least one detection. */
  readonly windowsDetected: number;
  /** Windows with at least one non-probationary row (the ones that cost −fnWeight when missed). */
  readonly windowsScored: number;
}

/** Result of {@link optimizeThreshold}. */
export interface OptimizedThreshold {
  /** Best threshold; {@link NO_DETECTION_THRESHOLD} when detecting nothing is best. */
  readonly threshold: number;
  /** Raw corpus score at that threshold (as accumulated by the sweep). */
  readonly raw: number;
  /** Number of distinct thresholds evaluated (distinct scores + the "none" threshold). */
  readonly candidates: number;
}

/** Full evaluation of a detector on a corpus under one profile (see {@link evaluateCorpus}). */
export interface NabEvaluation {
  readonly profile: CostMatrix;
  readonly threshold: number;
  readonly raw: number;
  /** 100 × (raw − null) / (perfect − null). */
  readonly normalized: number;
  readonly detections: number;
  readonly tpRows: number;
  readonly fpRows: number;
  readonly windowsDetected: number;
  readonly windowsTotal: number;
  /** windowsDetected / windowsTotal (0 when there are no windows). */
  readonly windowRecall: number;
  readonly perFile: readonly (ThresholdScore & { readonly name: string })[];
}

/**
 * Raw NAB score of one file at threshold θ (sweeper.py `scoreDataSet`): detections are non-probationary rows
 * with `score ≥ θ`; each window scores the largest weight among its detections or −fnWeight if it has none;
 * each detection outside windows adds its (non-positive) weight. A window whose rows all lie in the
 * probationary period is not scored at all (as in NAB). Scores must be in [0, 1] (θ may be any finite number,
 * e.g. {@link NO_DETECTION_THRESHOLD}). Throws InvalidInputError for bad files, scores, costs or θ.
 */
export function scoreFile(
  file: NabFile,
  scores: ArrayLike<number>,
  threshold: number,
  cost: CostMatrix,
  probationPercent: number = PROBATION_PERCENT,
): ThresholdScore {
  if (!Number.isFinite(threshold)) throw new InvalidInputError(`threshold must be finite, got ${threshold}`);
  validateScores(file, scores);
  const weights = rowWeights(file, cost);
  const probation = probationLength(file.rows, probationPercent);
  const nw = file.windows.length;
  const best = new Float64Array(nw).fill(Number.NEGATIVE_INFINITY);
  const scored = new Uint8Array(nw);
  let fpSum = 0;
  let detections = 0;
  let tpRows = 0;
  let fpRows = 0;
  let k = 0;
  for (let i = 0; i < file.rows; i++) {
    while (k < nw && file.windows[k]![1] < i) k++;
    const w = file.windows[k];
    const inWindow = w !== undefined && i >= w[0];
    if (i < probation) continue;
    if (inWindow) scored[k] = 1;
    if (scores[i]! < threshold) continue;
    detections++;
    if (inWindow) {
      tpRows++;
      if (weights[i]! > best[k]!) best[k] = weights[i]!;
    } else {
      fpRows++;
      fpSum += weights[i]!;
    }
  }
  let raw = fpSum;
  let windowsDetected = 0;
  let windowsScored = 0;
  for (let j = 0; j < nw; j++) {
    if (scored[j] === 0) continue;
    windowsScored++;
    if (best[j] === Number.NEGATIVE_INFINITY) raw -= cost.fnWeight;
    else {
      raw += best[j]!;
      windowsDetected++;
    }
  }
  return { threshold, raw, detections, tpRows, fpRows, windowsDetected, windowsScored };
}

/**
 * Scores every file of a corpus at one threshold and sums (scorer.py: the corpus score is the sum of the
 * file scores). `scores[j]` belongs to `files[j]`. Throws InvalidInputError on a length mismatch or bad input.
 */
export function scoreCorpus(
  files: readonly NabFile[],
  scores: readonly ArrayLike<number>[],
  threshold: number,
  cost: CostMatrix,
  probationPercent: number = PROBATION_PERCENT,
): {
  readonly total: ThresholdScore;
  readonly perFile: readonly (ThresholdScore & { readonly name: string })[];
} {
  if (files.length !== scores.length) {
    throw new InvalidInputError(`got ${files.length} files but ${scores.length} score arrays`);
  }
  const perFile = files.map((f, j) => ({
    name: f.name,
    ...scoreFile(f, scores[j]!, threshold, cost, probationPercent),
  }));
  let raw = 0;
  let detections = 0;
  let tpRows = 0;
  let fpRows = 0;
  let windowsDetected = 0;
  let windowsScored = 0;
  for (const r of perFile) {
    raw += r.raw;
    detections += r.detections;
    tpRows += r.tpRows;
    fpRows += r.fpRows;
    windowsDetected += r.windowsDetected;
    windowsScored += r.windowsScored;
  }
  return { total: { threshold, raw, detections, tpRows, fpRows, windowsDetected, windowsScored }, perFile };
}

/**
 * Chooses one threshold for the whole corpus (NAB optimizer.py semantics): every distinct anomaly score of a
 * non-probationary row is a candidate θ (detections = score ≥ θ), plus {@link NO_DETECTION_THRESHOLD}; the θ
 * with the maximum raw corpus score wins, ties going to the higher θ (NAB sorts candidates by descending
 * threshold and takes the first maximum). O(n log n) for n rows: one sort by score, then a sweep that updates
 * each window's best detection weight incrementally (NAB re-sums all parts per threshold). Memory O(n) typed
 * arrays; more than {@link MAX_CORPUS_ROWS} rows throws LimitExceededError. Bad input throws InvalidInputError.
 */
export function optimizeThreshold(
  files: readonly NabFile[],
  scores: readonly ArrayLike<number>[],
  cost: CostMatrix,
  probationPercent: number = PROBATION_PERCENT,
): OptimizedThreshold {
  if (files.length !== scores.length) {
    throw new InvalidInputError(`got ${files.length} files but ${scores.length} score arrays`);
  }
  validateCostMatrix(cost);
  let total = 0;
  for (const f of files) {
    validateFile(f);
    total += f.rows;
  }
  if (total > MAX_CORPUS_ROWS) {
    throw new LimitExceededError(
      `NAB corpus has ${total} rows; the optimiser holds at most ${MAX_CORPUS_ROWS}`,
    );
  }
  const rowScore = new Float64Array(total);
  const rowWeight = new Float64Array(total);
  const rowWindow = new Int32Array(total);
  let n = 0;
  let windowBase = 0;
  let windowCount = 0;
  const scoredWindow: number[] = [];
  for (let j = 0; j < files.length; j++) {
    const f = files[j]!;
    const s = scores[j]!;
    validateScores(f, s);
    const w = rowWeights(f, cost);
    const ids = rowWindowIds(f);
    const probation = probationLength(f.rows, probationPercent);
    for (let i = 0; i < f.rows; i++) {
      if (i < probation) continue;
      rowScore[n] = s[i]!;
      rowWeight[n] = w[i]!;
      const id = ids[i]!;
      rowWindow[n] = id < 0 ? -1 : windowBase + id;
      if (id >= 0) scoredWindow[windowBase + id] = 1;
      n++;
    }
    windowBase += f.windows.length;
  }
  for (let k = 0; k < windowBase; k++) if (scoredWindow[k] === 1) windowCount++;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => rowScore[b]! - rowScore[a]!);

  const best = new Float64Array(windowBase).fill(Number.NEGATIVE_INFINITY);
  // Neumaier-compensated running sum of the raw score.
  let sum = -cost.fnWeight * windowCount;
  let comp = 0;
  const add = (v: number): void => {
    const t = sum + v;
    if (Math.abs(sum) >= Math.abs(v)) comp += sum - t + v;
    else comp += v - t + sum;
    sum = t;
  };
  let bestThreshold = NO_DETECTION_THRESHOLD;
  let bestRaw = sum + comp;
  let candidates = 1;
  let p = 0;
  while (p < n) {
    const theta = rowScore[order[p]!]!;
    while (p < n && rowScore[order[p]!]! === theta) {
      const r = order[p]!;
      const win = rowWindow[r]!;
      const wt = rowWeight[r]!;
      if (win < 0) add(wt);
      else if (best[win] === Number.NEGATIVE_INFINITY) {
        add(wt + cost.fnWeight);
        best[win] = wt;
      } else if (wt > best[win]!) {
        add(wt - best[win]!);
        best[win] = wt;
      }
      p++;
    }
    candidates++;
    const raw = sum + comp;
    if (raw > bestRaw) {
      bestRaw = raw;
      bestThreshold = theta;
    }
  }
  return { threshold: bestThreshold, raw: bestRaw, candidates };
}

/** Raw score of the null detector (never detects): `−fnWeight × windows`. Throws InvalidInputError for bad input. */
export function nullScore(cost: CostMatrix, windowCount: number): number {
  validateCostMatrix(cost);
  if (!Number.isInteger(windowCount) || windowCount < 0) {
    throw new InvalidInputError(`window count must be a non-negative integer, got ${windowCount}`);
  }
  return -cost.fnWeight * windowCount;
}

/** Raw score of a perfect detector (detects every window at its first row): `tpWeight × windows`. */
export function perfectScore(cost: CostMatrix, windowCount: number): number {
  validateCostMatrix(cost);
  if (!Number.isInteger(windowCount) || windowCount < 0) {
    throw new InvalidInputError(`window count must be a non-negative integer, got ${windowCount}`);
  }
  return cost.tpWeight * windowCount;
}

/**
 * NAB normalised score: `100 × (raw − null) / (perfect − null)` with null = −fnWeight × W and perfect =
 * tpWeight × W (NAB runner `normalize`; Lavin & Ahmad 2015 §"Scoring"). 100 = perfect, 0 = null detector, can
 * be far below 0. Throws InvalidInputError when raw is not finite or perfect = null (e.g. W = 0).
 */
export function normalizeScore(raw: number, cost: CostMatrix, windowCount: number): number {
  if (!Number.isFinite(raw)) throw new InvalidInputError(`raw score must be finite, got ${raw}`);
  const lo = nullScore(cost, windowCount);
  const hi = perfectScore(cost, windowCount);
  if (hi === lo)
    throw new InvalidInputError('cannot normalise: perfect and null scores are equal (no windows?)');
  return (100 * (raw - lo)) / (hi - lo);
}

/**
 * Evaluates a detector's per-row scores on a corpus under one profile the NAB way: optimise one corpus
 * threshold ({@link optimizeThreshold}), score every file at it ({@link scoreCorpus}), normalise with the total
 * number of labelled windows. Also returns detection counts and window recall for reporting. Pass
 * `threshold` to score at a fixed threshold instead (e.g. binary alerts at 0.5, or a held-out θ).
 * Throws InvalidInputError / LimitExceededError as the functions it calls.
 */
export function evaluateCorpus(
  files: readonly NabFile[],
  scores: readonly ArrayLike<number>[],
  cost: CostMatrix,
  options: { readonly threshold?: number; readonly probationPercent?: number } = {},
): NabEvaluation {
  const probationPercent = options.probationPercent ?? PROBATION_PERCENT;
  const threshold = options.threshold ?? optimizeThreshold(files, scores, cost, probationPercent).threshold;
  const { total, perFile } = scoreCorpus(files, scores, threshold, cost, probationPercent);
  let windowsTotal = 0;
  for (const f of files) windowsTotal += f.windows.length;
  return {
    profile: cost,
    threshold,
    raw: total.raw,
    normalized: normalizeScore(total.raw, cost, windowsTotal),
    detections: total.detections,
    tpRows: total.tpRows,
    fpRows: total.fpRows,
    windowsDetected: total.windowsDetected,
    windowsTotal,
    // A corpus without labelled windows reports 0, not null (NabEvaluation.windowRecall is a number).
    windowRecall: recallOf(total.windowsDetected, windowsTotal) ?? 0,
    perFile,
  };
}
