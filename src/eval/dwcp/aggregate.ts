/**
 * Pooled numbers over scenario runs: counts summed, detection delays pooled before taking nearest-rank
 * percentiles, precision, recall and F1 (all by `evaluationTotals`, as for one run).
 */
import { evaluationTotals, type EvaluationTotals } from '../../analysis/anomaly/evaluate.ts';
import type { DwcpRunResult } from './runner.ts';

/** Pooled numbers over a set of runs (counts summed, delays pooled before taking percentiles). */
export interface DwcpAggregate extends EvaluationTotals {
  readonly runs: number;
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
  const n = Math.max(1, runs.length);
  return {
    runs: runs.length,
    ...evaluationTotals({ matchedDetections: matched, detections, detectedFaults, faults }, delays),
    anomaliesPerRun: anomalies / n,
    warmupAnomaliesPerRun: warmup / n,
  };
}
