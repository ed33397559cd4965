/**
 * Every anomaly the detection engine opens on one NAB file after probation, true and false, with what its series
 * does there (the rows of `nab-fp-classes.ts` and `nab-score-loss.ts`), and the false-positive class of a row, the
 * first that applies: a few events within the Poisson noise of a count (the count-noise floor's class,
 * detection-counts.ts); a scale collapsed on a flat run (|deviation| > 10⁶ σ); the same side as an opening 1–7
 * whole days before (±30 min: a daily or weekly pattern); a value the series showed at least 3 times in the
 * previous 7 days (a repeat); novel.
 */
import { probationLength } from '../src/analysis/anomaly/nab/rules.ts';
import type { NabDataFile } from '../src/eval/nab-data.ts';
import { DEFAULT_DETECTION_SETTINGS } from '../src/model/detection-settings.ts';
import { detectionEngineOptions } from '../src/monitor/detection-config.ts';
import { countNoiseProbability, COUNT_NOISE_ALPHA } from '../src/monitor/detection-counts.ts';
import { DetectionEngine } from '../src/monitor/detection-engine.ts';
import { nabEngineInput, type NabEngineMode } from './detect-nab-engine.ts';

const DAY_MS = 86_400_000;

export interface Row {
  readonly file: string;
  readonly row: number;
  /** 'tp' first opening in a window, 'tp+' a later one in the same window, 'fp' outside every window. */
  readonly status: 'tp' | 'tp+' | 'fp';
  readonly voters: string;
  readonly deviation: number;
  readonly side: 1 | -1;
  readonly observed: number;
  readonly expected: number;
  readonly halfBand: number;
  readonly integer: boolean;
  readonly quantum: number;
  readonly gapRows: number;
  readonly sinceGap: number;
  /** Rows of the previous 7 days (up to this row) at least as extreme on the same side. */
  readonly asExtreme7d: number;
  /** The same over the whole history before. */
  readonly asExtremeAll: number;
  /** Rows of the previous 7 days whose step from the previous row was at least this row's, same sign. */
  readonly stepRepeats7d: number;
  /** Days (1–7) back at which an earlier opening of the series lay on the same side within ±30 min, else 0. */
  readonly phaseDays: number;
}

function quantumOf(values: Float64Array, end: number): number {
  const seen = new Set<number>();
  for (let i = Math.max(0, end - 2000); i < end; i++) seen.add(values[i]!);
  const s = [...seen].sort((a, b) => a - b);
  let q = Number.POSITIVE_INFINITY;
  for (let i = 1; i < s.length; i++) q = Math.min(q, s[i]! - s[i - 1]!);
  return q;
}

/** The engine's openings on `f` after probation (`countNoiseAlpha` 0: the engine without the count-noise floor). */
export function features(f: NabDataFile, mode: NabEngineMode, countNoiseAlpha: number): Row[] {
  const engine = new DetectionEngine({
    ...detectionEngineOptions(DEFAULT_DETECTION_SETTINGS),
    maxSeries: 1,
    analyse: () => true,
    countNoiseAlpha,
  });
  const probation = probationLength(f.rows);
  const winOf = new Int32Array(f.rows).fill(-1);
  f.windows.forEach(([l, r], k) => winOf.fill(k, l, r + 1));
  const hit = new Set<number>();
  const out: Row[] = [];
  const opens: { ts: number; side: number }[] = [];
  let integerSoFar = true;
  let lastGap = 0;
  const cadence = f.timestampsMs.length > 1 ? f.timestampsMs[1]! - f.timestampsMs[0]! : 1;
  for (let i = 0; i < f.rows; i++) {
    const x = f.values[i]!;
    if (!Number.isInteger(x)) integerSoFar = false;
    if (i > 0 && f.timestampsMs[i]! - f.timestampsMs[i - 1]! > 1.5 * cadence) lastGap = i;
    const input = nabEngineInput(x, f.timestampsMs[i]!, mode);
    const r = engine.process([input], input.timestampMs);
    for (const o of r.opened) {
      const a = o.anomaly;
      const ts = f.timestampsMs[i]!;
      const sd = a.observed >= a.expected ? 1 : -1;
      let phaseDays = 0;
      for (const e of opens)
        for (let d = 1; d <= 7 && phaseDays === 0; d++)
          if (e.side === sd && Math.abs(ts - d * DAY_MS - e.ts) <= 30 * 60_000) phaseDays = d;
      opens.push({ ts, side: sd });
      if (i < probation) continue;
      const w = winOf[i]!;
      const status = w < 0 ? 'fp' : hit.has(w) ? 'tp+' : 'tp';
      if (w >= 0) hit.add(w);
      const side: 1 | -1 = a.observed >= a.expected ? 1 : -1;
      const from7 = f.timestampsMs[i]! - 7 * DAY_MS;
      let ex7 = 0;
      let exAll = 0;
      let steps = 0;
      const step = i > 0 ? x - f.values[i - 1]! : 0;
      for (let j = 0; j < i; j++) {
        const y = f.values[j]!;
        const extreme = side > 0 ? y >= x : y <= x;
        if (extreme) exAll++;
        if (f.timestampsMs[j]! >= from7) {
          if (extreme) ex7++;
          if (j > 0) {
            const s = y - f.values[j - 1]!;
            if (step !== 0 && Math.sign(s) === Math.sign(step) && Math.abs(s) >= Math.abs(step)) steps++;
          }
        }
      }
      out.push({
        file: f.name,
        row: i,
        status,
        voters:
          a.votes
            .filter((v) => v.voted)
            .map((v) => (v.detector === 'holt-winters' ? 'HW' : v.detector === 'cusum' ? 'C' : v.detector))
            .join('+') || '-',
        deviation: Math.abs(a.deviation),
        side,
        observed: a.observed,
        expected: a.expected,
        halfBand: (a.upper - a.lower) / 2,
        integer: integerSoFar,
        quantum: quantumOf(f.values, i),
        gapRows: i - lastGap,
        sinceGap: i - lastGap,
        asExtreme7d: ex7,
        asExtremeAll: exAll,
        stepRepeats7d: steps,
        phaseDays,
      });
    }
  }
  return out;
}

/** The row's class, the first that applies (see the file comment). */
export function classOf(r: Row): string {
  if (r.integer && countNoiseProbability(r.observed, r.expected) > COUNT_NOISE_ALPHA)
    return 'a few events: within the Poisson noise of a count';
  if (r.deviation > 1e6) return 'a scale collapsed on a flat run (> 10⁶ σ)';
  if (r.phaseDays > 0) return 'same side as an opening 1–7 days before (±30 min)';
  if (r.asExtreme7d >= 3) return 'a value the series showed ≥ 3× in the previous 7 days';
  return 'novel (none of these)';
}
