/**
 * Cost part of `npm run bench:detect`: samples/s on one core and state bytes per series for each detector, on
 * real data (the NAB corpus values, streamed file after file through fresh detectors; with `--skip nab`, the
 * labelled corpus's tuning split instead), with an anchor measured in the same run (a loop keeping a running mean
 * over the same values).
 */
import type { StreamingDetector } from '../src/analysis/anomaly/detector.ts';
import { CORPUS_SPLITS, generateCorpus } from '../src/eval/corpus/generate.ts';
import type { NabCorpus } from '../src/eval/nab-data.ts';

/** One series the cost loop streams. */
export interface CostSeries {
  readonly rows: number;
  readonly values: Float64Array;
  readonly timestampsMs: Float64Array;
}

/** The values the cost part streams, and what they are (shown in the table and the JSON). */
export interface CostData {
  readonly name: string;
  readonly files: readonly CostSeries[];
}

/**
 * The NAB corpus values when NAB was loaded; otherwise the labelled corpus's tuning split (generated here, no
 * files needed), so `--skip nab` still measures cost with an in-run anchor on the same values.
 */
export function costData(nab: NabCorpus | null): CostData {
  if (nab !== null) return { name: 'NAB corpus', files: nab.files };
  const series = generateCorpus(CORPUS_SPLITS.tuning);
  return {
    name: `labelled corpus, tuning split (seed ${CORPUS_SPLITS.tuning}; NAB skipped)`,
    files: series.map((x) => ({ rows: x.values.length, values: x.values, timestampsMs: x.timestampsMs })),
  };
}

/** Cost of one detector. */
export interface CostResult {
  readonly detector: string;
  readonly samplesPerSecond: number;
  /** samplesPerSecond / anchor samples per second (same run). */
  readonly ratioToAnchor: number;
  /** stateBytes() after 5,000 samples of a real series (max over 3 files). */
  readonly stateBytes: number;
  /** What was streamed ({@link CostData.name}). */
  readonly data: string;
}

/** Samples per second of a running-mean loop over the same values (the anchor). */
export function anchorRate(corpus: CostData, minMs: number): number {
  let n = 0;
  let sum = 0;
  const t0 = performance.now();
  let elapsed = 0;
  while (elapsed < minMs) {
    for (const f of corpus.files) {
      let mean = 0;
      for (let i = 0; i < f.rows; i++) mean += (f.values[i]! - mean) / (i + 1);
      sum += mean;
      n += f.rows;
    }
    elapsed = performance.now() - t0;
  }
  if (sum === 42) process.stderr.write('');
  return (n / elapsed) * 1000;
}

/**
 * Streams the corpus (file by file, a fresh detector per file) through `create()` for at least `minMs` (at least
 * `maxRows` rows when the detector is slow) and returns samples/s and state bytes.
 */
export function measureCost(
  corpus: CostData,
  name: string,
  create: () => StreamingDetector,
  anchor: number,
  minMs: number,
  maxRows = Infinity,
): CostResult {
  let n = 0;
  let sink = 0;
  const t0 = performance.now();
  let elapsed = 0;
  outer: while (elapsed < minMs) {
    for (const f of corpus.files) {
      const d = create();
      for (let i = 0; i < f.rows; i++) sink += d.update(f.values[i]!, f.timestampsMs[i]!).score;
      n += f.rows;
      elapsed = performance.now() - t0;
      if (elapsed >= minMs || n >= maxRows) break outer;
    }
  }
  if (sink === 42) process.stderr.write('');
  const rate = (n / elapsed) * 1000;
  let bytes = 0;
  for (const f of corpus.files.filter((x) => x.rows >= 5000).slice(0, 3)) {
    const d = create();
    for (let i = 0; i < 5000; i++) d.update(f.values[i]!, f.timestampsMs[i]!);
    bytes = Math.max(bytes, d.stateBytes());
  }
  return {
    detector: name,
    samplesPerSecond: rate,
    ratioToAnchor: rate / anchor,
    stateBytes: bytes,
    data: corpus.name,
  };
}
