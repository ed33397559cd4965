/**
 * Evaluation of detections against ground-truth fault labels (from the simulator's fault injector). Pure:
 * data in, numbers out; no clock, no I/O.
 *
 * Definitions (event-based, in the spirit of the NAB "anomaly window" idea but without its weighted score):
 * - A detection MATCHES a fault when (1) its metric (catalog base name) is in `fault.metrics`, (2) one of its
 *   node labels (`nodeLabelNames`, in order) equals `fault.node`, and (3) its `startedAtMs` lies in
 *   `[fault.startMs, fault.endMs + graceMs]` (closed; the grace lets detections that need a few samples to
 *   confirm a fault still count).
 *   Node labels: `instance` usually holds `host:port`, which never equals a node name, so the monitor also sets
 *   a `node` label on scraped series; any listed label that equals the node is enough.
 * - A fault is DETECTED when at least one detection matches it; its delay is `detectedAtMs - fault.startMs` of
 *   the matching detection with the smallest `detectedAtMs` (can be negative only if clocks disagree).
 * - A detection that matches at least one fault is a MATCHED detection (counted once even if it matches
 *   several overlapping faults); every other detection is a FALSE-POSITIVE detection.
 * - precision = matched detections / detections (null when there are no detections);
 *   recall = detected faults / faults (null when there are no faults);
 *   F1 = 2PR / (P + R) (null when P or R is null; 0 when both are 0).
 * - delay p50/p95: nearest-rank percentiles (ceil(p*n)-th smallest) of the delays of detected faults (null when
 *   none was detected).
 */
import { InvalidInputError } from '../../errors.ts';
import { detectionScores, type DetectionCounts, type DetectionScores } from '../../math/classification.ts';
import { nearestRank } from '../../math/quantile.ts';
import { firstIndexAtLeast } from '../../math/sorted.ts';
import type { FaultLabel } from '../../model/anomaly.ts';
import type { Labels } from '../../model/sample.ts';

/** One detection to evaluate (e.g. a subset of an `Anomaly`). Times are Unix ms. */
export interface EvalDetection {
  /** Catalog base metric name (no `_bucket`/`_sum`/`_count` suffix). */
  readonly metric: string;
  readonly labels: Labels;
  /** Timestamp of the sample that opened the anomaly. */
  readonly startedAtMs: number;
  /** When the detector emitted it. */
  readonly detectedAtMs: number;
}

/** Options of {@link evaluateDetections}. */
export interface EvaluateOptions {
  /** Detections starting up to this long after a fault's end still count (ms, >= 0). Default 10000. */
  readonly graceMs: number;
  /** Label names whose value may name the node. Default `['node_id', 'node', 'instance', 'target']`. */
  readonly nodeLabelNames: readonly string[];
}

/** Defaults of {@link EvaluateOptions}. */
export const DEFAULT_EVALUATE_OPTIONS: EvaluateOptions = Object.freeze({
  graceMs: 10_000,
  nodeLabelNames: Object.freeze(['node_id', 'node', 'instance', 'target']),
});

/** Outcome for one fault. */
export interface FaultResult {
  readonly label: FaultLabel;
  readonly detected: boolean;
  /** detectedAtMs - startMs of the earliest matching detection; null when not detected. */
  readonly firstDetectionDelayMs: number | null;
  /** Number of detections matching this fault. */
  readonly matchingDetections: number;
}

/**
 * Counts and scores over all faults and detections (the evaluation's totals, the scenario suite's pooled numbers
 * and the demo report share them): precision = matched / detections (null without detections), recall =
 * detected / faults (null without faults), F1 (null when either is null).
 */
export interface EvaluationScores extends DetectionCounts, DetectionScores {
  /** detections − matchedDetections. */
  readonly falsePositiveDetections: number;
}

/** Totals over all faults and detections. */
export interface EvaluationTotals extends EvaluationScores {
  /** Nearest-rank p50 of the delays of detected faults (ms); null when none was detected. */
  readonly delayP50Ms: number | null;
  /** Nearest-rank p95 of the delays of detected faults (ms); null when none was detected. */
  readonly delayP95Ms: number | null;
}

/** Result of {@link evaluateDetections}. */
export interface Evaluation {
  /** One entry per input fault, in input order. */
  readonly faults: readonly FaultResult[];
  readonly totals: EvaluationTotals;
}

function validate(
  faults: readonly FaultLabel[],
  detections: readonly EvalDetection[],
  o: EvaluateOptions,
): void {
  if (!(Number.isFinite(o.graceMs) && o.graceMs >= 0))
    throw new InvalidInputError(`graceMs must be a finite number >= 0, got ${o.graceMs}`);
  if (!Array.isArray(o.nodeLabelNames) || o.nodeLabelNames.some((n) => typeof n !== 'string')) {
    throw new InvalidInputError('nodeLabelNames must be an array of label names');
  }
  faults.forEach((f, i) => {
    if (!Number.isFinite(f.startMs) || !Number.isFinite(f.endMs) || f.endMs < f.startMs) {
      throw new InvalidInputError(
        `fault ${i} (${f.kind} on ${f.node}): startMs/endMs must be finite with endMs >= startMs`,
      );
    }
    if (!Array.isArray(f.metrics)) throw new InvalidInputError(`fault ${i}: metrics must be an array`);
  });
  detections.forEach((d, i) => {
    if (!Number.isFinite(d.startedAtMs) || !Number.isFinite(d.detectedAtMs)) {
      throw new InvalidInputError(`detection ${i} (${d.metric}): startedAtMs/detectedAtMs must be finite`);
    }
    if (typeof d.metric !== 'string' || d.labels === null || typeof d.labels !== 'object') {
      throw new InvalidInputError(`detection ${i}: metric must be a string and labels an object`);
    }
  });
}

/**
 * Totals of `counts` with precision, recall and F1 ({@link EvaluationScores}) and the nearest-rank p50/p95 of
 * `delaysMs` (the first-detection delays of detected faults, any order; not modified).
 * @throws InvalidInputError for counts that are not integers >= 0, or a part larger than its whole.
 */
export function evaluationTotals(counts: DetectionCounts, delaysMs: readonly number[]): EvaluationTotals {
  const { precision, recall, f1 } = detectionScores(counts);
  const sorted = [...delaysMs].sort((a, b) => a - b);
  return {
    faults: counts.faults,
    detectedFaults: counts.detectedFaults,
    detections: counts.detections,
    matchedDetections: counts.matchedDetections,
    falsePositiveDetections: counts.detections - counts.matchedDetections,
    precision,
    recall,
    f1,
    delayP50Ms: nearestRank(sorted, 0.5),
    delayP95Ms: nearestRank(sorted, 0.95),
  };
}

/**
 * Scores `detections` against ground-truth `faults` (definitions in the module comment).
 * Cost: O(D log D + sum over faults of the detections of its metrics inside its window).
 * @param faults fault labels (from the simulator); endMs >= startMs.
 * @param detections detections with finite times.
 * @param options grace window and node label names ({@link DEFAULT_EVALUATE_OPTIONS}).
 * @throws InvalidInputError for non-finite times, endMs < startMs, negative graceMs or malformed items.
 */
export function evaluateDetections(
  faults: readonly FaultLabel[],
  detections: readonly EvalDetection[],
  options?: Partial<EvaluateOptions>,
): Evaluation {
  const o: EvaluateOptions = { ...DEFAULT_EVALUATE_OPTIONS, ...options };
  validate(faults, detections, o);

  // Index detections by metric, sorted by start time; remember each one's input position.
  const byMetric = new Map<string, { det: EvalDetection; idx: number }[]>();
  detections.forEach((det, idx) => {
    let list = byMetric.get(det.metric);
    if (!list) byMetric.set(det.metric, (list = []));
    list.push({ det, idx });
  });
  const sortedDets = new Map<string, { dets: EvalDetection[]; starts: number[]; idx: number[] }>();
  for (const [metric, list] of byMetric) {
    list.sort((a, b) => a.det.startedAtMs - b.det.startedAtMs);
    sortedDets.set(metric, {
      dets: list.map((x) => x.det),
      starts: list.map((x) => x.det.startedAtMs),
      idx: list.map((x) => x.idx),
    });
  }

  const matched = new Uint8Array(detections.length);
  const delays: number[] = [];
  const results: FaultResult[] = faults.map((label) => {
    let firstDetected = Number.POSITIVE_INFINITY;
    let count = 0;
    const windowEnd = label.endMs + o.graceMs;
    for (const metric of new Set(label.metrics)) {
      const s = sortedDets.get(metric);
      if (!s) continue;
      const from = firstIndexAtLeast(s.starts, label.startMs);
      for (let i = from; i < s.dets.length; i++) {
        const d = s.dets[i]!;
        if (d.startedAtMs > windowEnd) break;
        let nodeOk = false;
        for (const ln of o.nodeLabelNames) {
          if (d.labels[ln] === label.node) {
            nodeOk = true;
            break;
          }
        }
        if (!nodeOk) continue;
        count++;
        matched[s.idx[i]!] = 1;
        if (d.detectedAtMs < firstDetected) firstDetected = d.detectedAtMs;
      }
    }
    const detected = count > 0;
    const delay = detected ? firstDetected - label.startMs : null;
    if (delay !== null) delays.push(delay);
    return { label, detected, firstDetectionDelayMs: delay, matchingDetections: count };
  });

  let matchedDetections = 0;
  for (let i = 0; i < matched.length; i++) matchedDetections += matched[i]!;
  const detectedFaults = results.filter((r) => r.detected).length;
  return {
    faults: results,
    totals: evaluationTotals(
      { matchedDetections, detections: detections.length, detectedFaults, faults: faults.length },
      delays,
    ),
  };
}
