/**
 * NAB part of `npm run bench:detect`: runs one detector over every NAB file under live-monitor rules (no range or
 * length look-ahead) and, for detectors that use them, NAB's published rules (the file's min/max and probation
 * length given up front), then scores all three profiles, a leave-one-category-out (LOCO) threshold, window
 * recall and false alarms per series-day.
 */
import type { InputRange, StreamingDetector } from '../src/analysis/anomaly/detector.ts';
import {
  NAB_PROFILES,
  NAB_PROFILE_NAMES,
  probationLength,
  type NabProfileName,
} from '../src/analysis/anomaly/nab/rules.ts';
import {
  evaluateCorpus,
  normalizeScore,
  optimizeThreshold,
  scoreCorpus,
} from '../src/analysis/anomaly/nab/scorer.ts';
import type { NabCorpus, NabDataFile } from '../src/eval/nab-data.ts';

/** What a detector may be told about a NAB file. Live rules: nothing. Published rules: range and probation. */
export interface NabEnv {
  readonly rules: 'live' | 'published';
  readonly range?: InputRange;
  /** NAB probation length of the file (rows), published rules only. */
  readonly probation?: number;
}

/** A detector under test on NAB. */
export interface NabEntry {
  readonly name: string;
  /** Creates a fresh detector for one file. */
  readonly create: (env: NabEnv) => StreamingDetector;
  /** `score`: verdict.score with an optimised threshold; `alerts`: verdict.anomalous at θ = 1. */
  readonly use: 'score' | 'alerts';
  /** Whether the detector uses range/probation (then published rules are run as well). */
  readonly usesLookAhead: boolean;
}

/** Scores of one detector on one rule set. */
export interface NabResult {
  readonly detector: string;
  readonly rules: 'live' | 'published';
  readonly profiles: Record<
    NabProfileName,
    { normalized: number; threshold: number; detections: number; windowsDetected: number; fpRows: number }
  >;
  /** Standard profile with θ chosen on the other categories (summed raw, normalised over all windows). */
  readonly locoStandard: number | null;
  /** Standard profile, "ops subset" (realAWSCloudwatch + realKnownCause), corpus θ. */
  readonly opsStandard: number;
  readonly windowsTotal: number;
  /** Detections outside windows per series-day at the standard θ. */
  readonly falseAlarmsPerSeriesDay: number;
  /** All detections per series-day at the standard θ. */
  readonly alarmsPerSeriesDay: number;
  readonly usPerSample: number;
}

const OPS = new Set(['realAWSCloudwatch', 'realKnownCause']);

/** Per-row outputs of one detector over the corpus. */
export function runNab(
  corpus: NabCorpus,
  entry: NabEntry,
  rules: 'live' | 'published',
): { scores: Float64Array[]; ms: number } {
  const t0 = performance.now();
  const scores = corpus.files.map((f) => runFile(f, entry, rules));
  return { scores, ms: performance.now() - t0 };
}

function runFile(f: NabDataFile, entry: NabEntry, rules: 'live' | 'published'): Float64Array {
  let env: NabEnv = { rules };
  if (rules === 'published') {
    let min = Infinity;
    let max = -Infinity;
    for (const v of f.values) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    env = { rules, range: { min, max }, probation: probationLength(f.rows) };
  }
  const d = entry.create(env);
  const out = new Float64Array(f.rows);
  for (let i = 0; i < f.rows; i++) {
    const v = d.update(f.values[i]!, f.timestampsMs[i]!);
    const s = entry.use === 'alerts' ? (v.anomalous ? 1 : 0) : v.score;
    out[i] = Number.isFinite(s) ? Math.min(1, Math.max(0, s)) : 0;
  }
  return out;
}

/**
 * Held-out NAB score of one profile: the files are split into folds by `foldOf` (folds in order of first
 * appearance); for each fold, the threshold θ optimised on the files outside it scores the files in it, and the
 * raw scores of all folds are summed and normalised over the whole corpus.
 * @param foldOf the fold of file `j` (any value; equal values are one fold)
 * @see ../src/analysis/anomaly/nab/scorer.ts (`optimizeThreshold`, `scoreCorpus`, `normalizeScore`)
 */
export function heldOutScore(
  corpus: NabCorpus,
  scores: readonly Float64Array[],
  profile: NabProfileName,
  foldOf: (file: NabDataFile, j: number) => unknown,
): number {
  const cost = NAB_PROFILES[profile];
  const idx = corpus.files.map((_, j) => j);
  const fold = idx.map((j) => foldOf(corpus.files[j]!, j));
  let raw = 0;
  for (const held of new Set(fold)) {
    const train = idx.filter((j) => fold[j] !== held);
    const test = idx.filter((j) => fold[j] === held);
    const θ = optimizeThreshold(
      train.map((j) => corpus.files[j]!),
      train.map((j) => scores[j]!),
      cost,
    ).threshold;
    raw += scoreCorpus(
      test.map((j) => corpus.files[j]!),
      test.map((j) => scores[j]!),
      θ,
      cost,
    ).total.raw;
  }
  return normalizeScore(raw, cost, corpus.windowCount);
}

/** Leave-one-category-out: θ optimised on the other categories scores each category; raw totals summed. */
export function locoScore(
  corpus: NabCorpus,
  scores: readonly Float64Array[],
  profile: NabProfileName,
): number {
  return heldOutScore(corpus, scores, profile, (f) => f.category);
}

/** Scores per-row outputs: three profiles, LOCO, ops subset, alarm rates. */
export function scoreNab(
  corpus: NabCorpus,
  entry: NabEntry,
  rules: 'live' | 'published',
  scores: readonly Float64Array[],
  ms: number,
): NabResult {
  const fixed = entry.use === 'alerts' ? { threshold: 1 } : {};
  const profiles = {} as NabResult['profiles'];
  for (const p of NAB_PROFILE_NAMES) {
    const e = evaluateCorpus(corpus.files, scores, NAB_PROFILES[p], fixed);
    profiles[p] = {
      normalized: e.normalized,
      threshold: e.threshold,
      detections: e.detections,
      windowsDetected: e.windowsDetected,
      fpRows: e.fpRows,
    };
  }
  const opsIdx = corpus.files.map((f, j) => j).filter((j) => OPS.has(corpus.files[j]!.category));
  const ops = evaluateCorpus(
    opsIdx.map((j) => corpus.files[j]!),
    opsIdx.map((j) => scores[j]!),
    NAB_PROFILES.standard,
    { threshold: profiles.standard.threshold },
  );
  const days = seriesDays(corpus);
  return {
    detector: entry.name,
    rules,
    profiles,
    locoStandard: entry.use === 'alerts' ? null : locoScore(corpus, scores, 'standard'),
    opsStandard: ops.normalized,
    windowsTotal: corpus.windowCount,
    falseAlarmsPerSeriesDay: profiles.standard.fpRows / days,
    alarmsPerSeriesDay: profiles.standard.detections / days,
    usPerSample: (ms * 1e3) / corpus.rowCount,
  };
}

/** Total length of the corpus in series-days. */
export function seriesDays(corpus: NabCorpus): number {
  return corpus.files.reduce(
    (s, f) => s + (f.timestampsMs[f.rows - 1]! - f.timestampsMs[0]!) / 86_400_000,
    0,
  );
}
