/**
 * The streaming detector interface. A detector sees one series, one sample at a time, keeps bounded state,
 * and answers each sample with a verdict. Detectors are pure: no clocks, no I/O; time comes in with the sample.
 */
import type { DetectorVote, Direction, MetricKind } from '../../model/anomaly.ts';
import type { Severity } from '../../model/dwcp.ts';

/** The verdict on one sample. `anomalous` is final (after confidence floors and cooldown). */
export interface Verdict {
  readonly anomalous: boolean;
  /** Anomaly score in 0..1 (higher is more anomalous); also emitted when not anomalous. */
  readonly score: number;
  /** Baseline estimate the value was compared with. NaN while warming up. */
  readonly expected: number;
  readonly lower: number;
  readonly upper: number;
  /** Signed deviation from the baseline in standard deviations (0 while warming up). */
  readonly deviation: number;
  readonly confidence: number;
  readonly severity: Severity;
  /** True while the detector has not seen enough samples to judge. */
  readonly warmingUp: boolean;
  /** True when the series has come back inside its band after an anomaly (resolution tracking). */
  readonly resolved: boolean;
  /**
   * Consecutive samples this anomalous verdict rests on by construction (integer ≥ 1; default 1, one sample). A
   * sequential test's signal — a CUSUM sum crossing its decision interval — cannot come from one sample, so it
   * carries the run it needs at least; the detection engine counts the verdict as that many samples towards its
   * confirmation (src/monitor/detection-engine.ts). Absent on verdicts of point detectors.
   */
  readonly evidenceSamples?: number;
}

/** What a verdict says about the value, as anomaly records and reports carry it: baseline, band, deviation, confidence, severity. */
export type VerdictReading = Pick<
  Verdict,
  'expected' | 'lower' | 'upper' | 'deviation' | 'confidence' | 'severity'
>;

/** The {@link VerdictReading} of `v` (a new object, fields in the order of {@link Verdict}). */
export function readingOf(v: Verdict): VerdictReading {
  return {
    expected: v.expected,
    lower: v.lower,
    upper: v.upper,
    deviation: v.deviation,
    confidence: v.confidence,
    severity: v.severity,
  };
}

const NO_VOTES: readonly DetectorVote[] = Object.freeze([]);

/**
 * The members' votes a verdict carries (an ensemble's verdict: every member's score and whether it voted, when
 * anomalous), else none. The array is the verdict's own: callers that keep it copy it.
 */
export function votesOf(v: Verdict): readonly DetectorVote[] {
  const votes = (v as { readonly votes?: unknown }).votes;
  return Array.isArray(votes) ? (votes as readonly DetectorVote[]) : NO_VOTES;
}

/** A detector for one series. Implementations must keep O(1) memory per series (bounded windows). */
export interface StreamingDetector {
  readonly name: string;
  /**
   * Scores `value` observed at `timestampMs` against the baseline built from earlier samples only, then
   * learns from it. Non-finite values are ignored (verdict not anomalous, state unchanged).
   */
  update(value: number, timestampMs: number): Verdict;
  /** Approximate bytes of state this instance holds (for the state-size benchmark). */
  stateBytes(): number;
}

/** Options every detector factory accepts. */
export interface DetectorContext {
  readonly kind: MetricKind;
  readonly direction?: Direction;
  /** Labels of the series (lets a factory tune per series, e.g. per `resource_type`); detectors ignore them. */
  readonly labels?: Readonly<Record<string, string>>;
}

/** Creates a fresh detector for one series. */
export type DetectorFactory = (ctx: DetectorContext) => StreamingDetector;

/** Verdict for a sample that was not judged (warm-up or non-finite input). */
export const NOT_JUDGED: Verdict = Object.freeze({
  anomalous: false,
  score: 0,
  expected: Number.NaN,
  lower: Number.NaN,
  upper: Number.NaN,
  deviation: 0,
  confidence: 0,
  severity: 'low',
  warmingUp: true,
  resolved: false,
});

/**
 * Learned state of a detector as plain JSON-safe data, so that a restarted monitor resumes without a cold
 * start. `detector` and `version` identify the layout; a snapshot is only restored by the same detector and
 * version.
 */
export interface DetectorSnapshot {
  readonly detector: string;
  readonly version: number;
  readonly state: unknown;
}

/** A detector whose learned state can be saved and restored. */
export interface PersistentDetector extends StreamingDetector {
  /** A copy of the learned state (bounded: same limits as the live state). */
  snapshot(): DetectorSnapshot;
  /**
   * Replaces the learned state with `s`.
   * @throws InvalidInputError when `s` is for another detector or version, or is malformed (state unchanged).
   */
  restore(s: DetectorSnapshot): void;
}

/**
 * The value range a detector may be handed up front. NAB's published rules give every detector the file's
 * global min and max before the stream starts; a live monitor cannot know them. Detectors that quantise by
 * range accept this for the "published rules" comparison and otherwise learn the range causally.
 */
export interface InputRange {
  readonly min: number;
  readonly max: number;
}

/** The value a detector expects at a time and the band it would judge a sample against (series' unit). */
export interface Expectation {
  readonly expected: number;
  readonly lower: number;
  readonly upper: number;
}

/** A detector that can say what it expects at a future time from its current state (no learning). */
export interface Predictor {
  /** Expectation at `timestampMs`, or null while warming up. Pure: does not change state. */
  predict(timestampMs: number): Expectation | null;
}

/** Whether `d` implements {@link Predictor}. */
export function isPredictor(d: unknown): d is Predictor {
  return typeof (d as Partial<Predictor> | null)?.predict === 'function';
}

/**
 * Verdict on a judged sample whose confidence is its score: band `[expected − halfWidth, expected + halfWidth]`
 * (series' unit), `deviation` the signed deviation in the detector's scale units, not warming up.
 * @param resolved true when the previous sample was anomalous and this one is not.
 */
export function judgedVerdict(
  anomalous: boolean,
  score: number,
  expected: number,
  halfWidth: number,
  deviation: number,
  severity: Severity,
  resolved: boolean,
): Verdict {
  return {
    anomalous,
    score,
    expected,
    lower: expected - halfWidth,
    upper: expected + halfWidth,
    deviation,
    confidence: score,
    severity,
    warmingUp: false,
    resolved,
  };
}

/**
 * Verdict of a detector that has a score but no value baseline (relative entropy, KNN-CAD, CAD OSE): band and
 * expected value NaN, deviation 0, confidence = score, judged.
 */
export function scoreOnlyVerdict(
  score: number,
  anomalous: boolean,
  severity: Severity,
  resolved: boolean,
): Verdict {
  return judgedVerdict(anomalous, score, Number.NaN, Number.NaN, 0, severity, resolved);
}

/** Severity of a directional deviation `z` relative to the alert threshold: ≥ 2θ critical, ≥ 1.5θ high, ≥ θ medium, else low. */
export function severityOfRatio(z: number, threshold: number): Severity {
  if (z >= 2 * threshold) return 'critical';
  if (z >= 1.5 * threshold) return 'high';
  if (z >= threshold) return 'medium';
  return 'low';
}

/**
 * Severity of an alarm decided by a score rather than by `z` itself: low when not anomalous, else
 * {@link severityOfRatio} raised to at least medium.
 */
export function alarmSeverity(anomalous: boolean, z: number, threshold: number): Severity {
  if (!anomalous) return 'low';
  const s = severityOfRatio(z, threshold);
  return s === 'low' ? 'medium' : s;
}
