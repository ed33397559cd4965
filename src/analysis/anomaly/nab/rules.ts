/**
 * The Numenta Anomaly Benchmark (NAB) scoring rules' inputs: the application profiles (cost matrices), a data
 * file as the scorer sees it (rows and labelled windows), the probationary period, input validation and the
 * scaled-sigmoid row weights. The scoring itself (per threshold, corpus-wide threshold optimisation,
 * normalisation) is in ./scorer.ts.
 *
 * Method: Lavin & Ahmad, "Evaluating Real-time Anomaly Detection Algorithms – the Numenta Anomaly Benchmark",
 * arXiv:1510.03336 (2015); rules as implemented by NAB's `nab/sweeper.py` (weights, probation) and
 * `config/profiles.json`, numenta/NAB @ ea702d75. Pure: no clocks, no I/O.
 */
import { InvalidInputError } from '../../../errors.ts';

/** Names of NAB's three application profiles (`config/profiles.json`). */
export const NAB_PROFILE_NAMES = ['standard', 'reward_low_FP_rate', 'reward_low_FN_rate'] as const;
export type NabProfileName = (typeof NAB_PROFILE_NAMES)[number];

/** A NAB cost matrix. `tnWeight` exists in NAB's config but is never used by the scorer. */
export interface CostMatrix {
  readonly tpWeight: number;
  readonly fnWeight: number;
  readonly fpWeight: number;
  readonly tnWeight?: number;
}

/** NAB's published application profiles (`config/profiles.json`, NAB v1.1). */
export const NAB_PROFILES: Readonly<Record<NabProfileName, CostMatrix>> = Object.freeze({
  standard: Object.freeze({ tpWeight: 1.0, fnWeight: 1.0, fpWeight: 0.11, tnWeight: 1.0 }),
  reward_low_FP_rate: Object.freeze({ tpWeight: 1.0, fnWeight: 1.0, fpWeight: 0.22, tnWeight: 1.0 }),
  reward_low_FN_rate: Object.freeze({ tpWeight: 1.0, fnWeight: 2.0, fpWeight: 0.11, tnWeight: 1.0 }),
});

/** An anomaly window as inclusive row indices `[first, last]` (0-based rows of the data file). */
export type NabWindow = readonly [number, number];

/** One data file as the scorer sees it: a name, its row count and its labelled windows (sorted, disjoint). */
export interface NabFile {
  readonly name: string;
  readonly rows: number;
  readonly windows: readonly NabWindow[];
}

/** Fraction of each file that is probationary (NAB default). */
export const PROBATION_PERCENT = 0.15;

/** Logistic function σ(x) = 1 / (1 + e^(−x)). */
function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/**
 * NAB's scaled sigmoid of a relative position `y` (sweeper.py `scaledSigmoid`): `2σ(−5y) − 1` for `y < 3`,
 * exactly −1 for `y ≥ 3`. S(−1) = 0.98661…, S(0) = 0, S(1) = −0.98661…. NaN input throws InvalidInputError.
 */
export function scaledSigmoid(y: number): number {
  if (Number.isNaN(y)) throw new InvalidInputError('scaledSigmoid: position is NaN');
  if (y >= 3.0) return -1.0;
  return 2 * sigmoid(-5 * y) - 1.0;
}

/**
 * Probationary length of a file with `rows` rows: `min(floor(percent × rows), percent × 5000)` (NAB
 * sweeper.py `_getProbationaryLength`). Rows with index < this value are never scored. Throws
 * InvalidInputError for a negative/non-integer row count or a percent outside [0, 1].
 */
export function probationLength(rows: number, percent: number = PROBATION_PERCENT): number {
  if (!Number.isInteger(rows) || rows < 0)
    throw new InvalidInputError(`row count must be a non-negative integer, got ${rows}`);
  if (!Number.isFinite(percent) || percent < 0 || percent > 1) {
    throw new InvalidInputError(`probation percent must be in [0, 1], got ${percent}`);
  }
  return Math.min(Math.floor(percent * rows), percent * 5000);
}

/**
 * Checks a cost matrix: tp/fn/fp weights must be finite and ≥ 0. Throws InvalidInputError otherwise.
 */
export function validateCostMatrix(cost: CostMatrix): void {
  for (const key of ['tpWeight', 'fnWeight', 'fpWeight'] as const) {
    const v = cost[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw new InvalidInputError(`cost matrix ${key} must be a finite number >= 0, got ${String(v)}`);
    }
  }
}

/**
 * Checks a file description: integer row count ≥ 0 and windows that are integer `[first, last]` pairs with
 * `0 ≤ first ≤ last < rows`, sorted and non-overlapping. Throws InvalidInputError naming the file.
 */
export function validateFile(file: NabFile): void {
  if (!Number.isInteger(file.rows) || file.rows < 0) {
    throw new InvalidInputError(`${file.name}: row count must be a non-negative integer, got ${file.rows}`);
  }
  let prevEnd = -1;
  for (let k = 0; k < file.windows.length; k++) {
    const w = file.windows[k]!;
    const [a, b] = w;
    if (!Number.isInteger(a) || !Number.isInteger(b) || a < 0 || b < a || b >= file.rows) {
      throw new InvalidInputError(
        `${file.name}: window ${k} [${a}, ${b}] is not inside rows 0..${file.rows - 1}`,
      );
    }
    if (a <= prevEnd)
      throw new InvalidInputError(`${file.name}: window ${k} overlaps or precedes window ${k - 1}`);
    prevEnd = b;
  }
}

/**
 * Checks one file's anomaly scores: exactly `file.rows` values, each finite and in [0, 1] (NAB's runner
 * rejects anything else). Throws InvalidInputError naming the file and the 0-based row.
 */
export function validateScores(file: NabFile, scores: ArrayLike<number>): void {
  if (scores.length !== file.rows) {
    throw new InvalidInputError(`${file.name}: expected ${file.rows} anomaly scores, got ${scores.length}`);
  }
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i]!;
    if (!(s >= 0 && s <= 1)) {
      throw new InvalidInputError(
        `${file.name}: anomaly score at row ${i} is ${s}; scores must lie in [0, 1]`,
      );
    }
  }
}

/**
 * Per-row NAB weights ("sweep scores") of one file under a cost matrix (sweeper.py `calcSweepScore`).
 * Inside window `[L, R]` (width w = R − L + 1): `tpWeight × S(−(R − i + 1)/w) / S(−1)` — tpWeight at the first
 * row, falling to ≈ 0 at the last. Outside: `−fpWeight` before the first window ends; afterwards
 * `fpWeight × S(|i − R'| / (w' − 1))` relative to the most recent window `[L', R']` (a width-1 window gives
 * position +∞ → −fpWeight; NAB would divide by zero). Probation is not applied here.
 * Returns a Float64Array of length `file.rows`. Throws InvalidInputError for an invalid file or cost matrix.
 */
export function rowWeights(file: NabFile, cost: CostMatrix): Float64Array {
  validateFile(file);
  validateCostMatrix(cost);
  const out = new Float64Array(file.rows);
  const maxTp = scaledSigmoid(-1.0);
  let next = 0;
  let prevRight = -1;
  let prevWidth = 0;
  let i = 0;
  while (i < file.rows) {
    const w = file.windows[next];
    if (w !== undefined && i === w[0]) {
      const [left, right] = w;
      const width = right - left + 1;
      for (; i <= right; i++) out[i] = (scaledSigmoid(-(right - i + 1) / width) * cost.tpWeight) / maxTp;
      prevRight = right;
      prevWidth = width;
      next++;
      continue;
    }
    if (prevRight < 0) out[i] = -1.0 * cost.fpWeight;
    else out[i] = scaledSigmoid(Math.abs(prevRight - i) / (prevWidth - 1)) * cost.fpWeight;
    i++;
  }
  return out;
}

/**
 * Window id of every row: k for rows of window k, −1 outside windows. Assumes a validated file.
 */
export function rowWindowIds(file: NabFile): Int32Array {
  const ids = new Int32Array(file.rows).fill(-1);
  for (let k = 0; k < file.windows.length; k++) {
    const [a, b] = file.windows[k]!;
    for (let i = a; i <= b; i++) ids[i] = k;
  }
  return ids;
}
