/**
 * Corpus part of `npm run bench:detect`: every detector marked for it runs over both splits of the labelled
 * corpus (src/eval/corpus/): the tuning split (seed 1001, where the live tuning was chosen) and the held-out split
 * (seed 2002, never looked at while tuning), through the monitor's detection engine built from the default detection settings (a shipped detector by its
 * `detection.detector` choice, any other as a candidate).
 */
import type { BenchDetector } from './detect-registry.ts';
import {
  evaluateCorpusDetector,
  type CorpusDetector,
  type CorpusEvaluation,
} from '../src/eval/corpus/evaluate.ts';
import {
  CORPUS_SERIES_PER_SPLIT,
  CORPUS_SPLITS,
  generateCorpus,
  type CorpusSeries,
} from '../src/eval/corpus/generate.ts';

/** One detector on one split. */
export interface CorpusBenchResult extends CorpusEvaluation {
  readonly detector: string;
  readonly split: 'tuning' | 'heldOut';
  readonly seed: number;
  readonly ms: number;
}

/** A shipped detector by its `detection.detector` choice (as `serve` builds it), any other as a candidate. */
function corpusDetector(d: BenchDetector): CorpusDetector {
  if (d.shipped) return { detection: { detector: d.shipped } };
  return { candidate: { factory: (ctx) => d.live(ctx, { seasonalPeriodMs: 86_400_000 }), name: d.name } };
}

/** Runs every corpus detector over both splits (kind generic, seasonal period one day). */
export function runCorpusBench(
  detectors: readonly BenchDetector[],
  progress: (m: string) => void,
): CorpusBenchResult[] {
  const splits: [CorpusBenchResult['split'], CorpusSeries[]][] = (['tuning', 'heldOut'] as const).map((k) => {
    progress(
      `corpus: generating the ${k} split (seed ${CORPUS_SPLITS[k]}, ${CORPUS_SERIES_PER_SPLIT} series)`,
    );
    return [k, generateCorpus(CORPUS_SPLITS[k])];
  });
  const out: CorpusBenchResult[] = [];
  for (const d of detectors.filter((x) => x.corpus === true)) {
    for (const [split, series] of splits) {
      const t0 = performance.now();
      const e = evaluateCorpusDetector(series, corpusDetector(d));
      const ms = performance.now() - t0;
      out.push({ detector: d.name, split, seed: CORPUS_SPLITS[split], ms, ...e });
      progress(
        `corpus ${d.name} (${split}): P ${e.total.precision?.toFixed(3) ?? 'n/a'} R ${e.total.recall?.toFixed(3) ?? 'n/a'} false/series-day ${e.total.falseAlarmsPerSeriesDay.toFixed(3)} in ${(ms / 1000).toFixed(1)} s`,
      );
    }
  }
  return out;
}
