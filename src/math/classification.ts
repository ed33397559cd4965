/**
 * Precision, recall and F1 of a detector against labelled events, with the zero-division cases spelt out.
 * Pure, no I/O.
 *
 * Event-based counting (as in the DWCP scenario evaluation): a detection is *matched* when it falls in a labelled
 * fault's window, and a fault is *detected* when at least one detection matches it, so the two numerators may
 * differ (several detections can match one fault).
 *
 * @see C. J. van Rijsbergen, "Information Retrieval", 2nd ed. (1979), ch. 7 (precision, recall, F-measure).
 * @see scikit-learn `precision_recall_fscore_support`, parameter `zero_division` (the same undefined cases;
 *   here they are `null` instead of a substituted number).
 */
import { InvalidInputError } from '../errors.ts';

/** Counts behind {@link detectionScores}; non-negative integers. */
export interface DetectionCounts {
  /** Detections that match a labelled fault. */
  readonly matchedDetections: number;
  /** All detections (matched or not). */
  readonly detections: number;
  /** Labelled faults with at least one matching detection. */
  readonly detectedFaults: number;
  /** All labelled faults. */
  readonly faults: number;
}

/** Precision, recall and F1, each in [0, 1] or `null` when undefined (see {@link detectionScores}). */
export interface DetectionScores {
  readonly precision: number | null;
  readonly recall: number | null;
  readonly f1: number | null;
}

function checkCount(name: string, v: number): void {
  if (!(Number.isInteger(v) && v >= 0))
    throw new InvalidInputError(`${name} must be an integer >= 0, got ${v}`);
}

function checkPart(part: string, partValue: number, whole: string, wholeValue: number): void {
  checkCount(part, partValue);
  checkCount(whole, wholeValue);
  if (partValue > wholeValue) {
    throw new InvalidInputError(`${part} (${partValue}) must not exceed ${whole} (${wholeValue})`);
  }
}

/**
 * Precision = matched / detections; `null` when there are no detections (0/0: nothing was claimed).
 * @throws InvalidInputError for counts that are not integers >= 0 or matched > detections.
 */
export function precisionOf(matchedDetections: number, detections: number): number | null {
  checkPart('matchedDetections', matchedDetections, 'detections', detections);
  return detections === 0 ? null : matchedDetections / detections;
}

/**
 * Recall = detected / total; `null` when there is nothing to detect (0/0). Callers that need a number for the
 * empty case write `recallOf(d, t) ?? 0` and say so.
 * @throws InvalidInputError for counts that are not integers >= 0 or detected > total.
 */
export function recallOf(detected: number, total: number): number | null {
  checkPart('detected', detected, 'total', total);
  return total === 0 ? null : detected / total;
}

/**
 * F1 = 2PR/(P + R), the harmonic mean of precision and recall: `null` when either is `null`, 0 when both are 0
 * (the limit of 2PR/(P + R) as P, R → 0).
 * @throws InvalidInputError for P or R outside [0, 1].
 */
export function f1Of(precision: number | null, recall: number | null): number | null {
  for (const [name, v] of [
    ['precision', precision],
    ['recall', recall],
  ] as const) {
    if (v !== null && !(v >= 0 && v <= 1))
      throw new InvalidInputError(`${name} must be in [0, 1] or null, got ${v}`);
  }
  if (precision === null || recall === null) return null;
  return precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
}

/**
 * Precision, recall and F1 of event-based detection counts (module comment).
 * - precision = matchedDetections / detections, `null` when detections = 0;
 * - recall = detectedFaults / faults, `null` when faults = 0;
 * - F1 = 2PR/(P + R), `null` when P or R is `null`, 0 when P = R = 0.
 * @throws InvalidInputError for counts that are not integers >= 0, or a part larger than its whole.
 */
export function detectionScores(c: DetectionCounts): DetectionScores {
  const precision = precisionOf(c.matchedDetections, c.detections);
  const recall = recallOf(c.detectedFaults, c.faults);
  return { precision, recall, f1: f1Of(precision, recall) };
}
