/**
 * The streaming detector interface. A detector sees one series, one sample at a time, keeps bounded state,
 * and answers each sample with a verdict. Detectors are pure: no clocks, no I/O; time comes in with the sample.
 */
import type { Direction, MetricKind } from '../../model/anomaly.ts';
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
