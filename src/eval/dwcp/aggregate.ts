/**
 * Pooled numbers over scenario runs: counts summed, detection delays pooled before taking nearest-rank
 * percentiles (as evaluate.ts), precision, recall and F1.
 */
import { nearestRank } from '../../analysis/anomaly/evaluate.ts';
import { detectionScores } from '../../math/classification.ts';
import type { DwcpRunResult } from './runner.ts';

/** Pooled numbers over a set of runs (counts summed, delays pooled before taking percentiles). */
export interface DwcpAggregate {
  readonly runs: number;
  readonly faults: number;
  readonly detectedFaults: number;
  readonly detections: number;
  readonly matchedDetections: number;
  readonly falsePositiveDetections: number;
  /** matched / detections; null without detections. */
  readonly precision: number | null;
  /** detected / faults; null without faults. */
  readonly recall: number | null;
  /** null when precision or recall is null. */
  readonly f1: number | null;
  readonly delayP50Ms: number | null;
  readonly delayP95Ms: number | null;
  /** Evaluated anomalies per run (mean). */
  readonly anomaliesPerRun: number;
  /** Anomalies during warm-up per run (mean; not evaluated). */
  readonly warmupAnomaliesPerRun: number;
}

/** Pools runs: sums counts, pools delays of detected faults, nearest-rank p50/p95 (as evaluate.ts). */
export function aggregateRuns(runs: readonly DwcpRunResult[]): DwcpAggregate {
  let faults = 0;
  let detectedFaults = 0;
  let detections = 0;
  let matched = 0;
  let anomalies = 0;
  let warmup = 0;
  const delays: number[] = [];
  for (const r of runs) {
    const t = r.evaluation.totals;
    faults += t.faults;
    detectedFaults += t.detectedFaults;
    detections += t.detections;
    matched += t.matchedDetections;
    anomalies += r.anomalies.length;
    warmup += r.warmupAnomalies;
    for (const f of r.evaluation.faults)
      if (f.firstDetectionDelayMs !== null) delays.push(f.firstDetectionDelayMs);
  }
  delays.sort((a, b) => a - b);
  const { precision, recall, f1 } = detectionScores({ matchedDetections: matched, detections, detectedFaults, faults });
  const n = Math.max(1, runs.length);
  return {
    runs: runs.length,
    faults,
    detectedFaults,
    detections,
    matchedDetections: matched,
    falsePositiveDetections: detections - matched,
    precision,
    recall,
    f1,
    delayP50Ms: nearestRank(delays, 0.5),
    delayP95Ms: nearestRank(delays, 0.95),
    anomaliesPerRun: anomalies / n,
    warmupAnomaliesPerRun: warmup / n,
  };
}
