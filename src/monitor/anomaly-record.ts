/**
 * The anomaly records the detection engine opens: one from a detector verdict on a derived series, and one for
 * a target that stopped answering (`up == 0`). Severity and the clamped band come from `anomaly-impact.ts`
 * (never from the detector). Pure.
 */
import { votesOf, type Verdict } from '../analysis/anomaly/detector.ts';
import type { Anomaly, DetectorVote } from '../model/anomaly.ts';
import { TARGET_HEALTH_DETECTOR } from '../model/anomaly-summary.ts';
import { isComponent, type Component } from '../model/dwcp.ts';
import {
  clampBand,
  criticalityOfInput,
  rangeOfInput,
  relativeChange,
  severityFromImpact,
  stateSeverity,
} from './anomaly-impact.ts';
import type { DetectionInput } from './series-tracker.ts';

/** Votes kept per anomaly at most. */
const MAX_VOTES = 16;

/** The component of a series: its `component` label, else its catalog area, else `system`. */
function componentOf(input: DetectionInput): Component | 'system' {
  const fromLabel = input.labels.component;
  if (fromLabel && isComponent(fromLabel)) return fromLabel;
  const area = input.def?.area;
  if (area && isComponent(area)) return area;
  return 'system';
}

/** The members' votes of an ensemble verdict (copied, at most {@link MAX_VOTES}), else none. */
function keptVotes(v: Verdict): DetectorVote[] {
  return votesOf(v)
    .slice(0, MAX_VOTES)
    .map((m) => ({ detector: m.detector, score: m.score, voted: m.voted }));
}

/**
 * Whether verdict `v` can be reported as an anomaly: its expected value, band and score are finite. A verdict
 * without them (a member with no value baseline, such as relative entropy, deciding alone, or a band member
 * still warming up) would show an operator no band to judge the value against — the engine never opens an
 * anomaly from it.
 */
export function isReportable(v: Pick<Verdict, 'expected' | 'lower' | 'upper' | 'score'>): boolean {
  return (
    Number.isFinite(v.expected) &&
    Number.isFinite(v.lower) &&
    Number.isFinite(v.upper) &&
    Number.isFinite(v.score)
  );
}

/**
 * The anomaly of `input` judged anomalous by verdict `v`: the streak started at `startedAtMs` (Unix ms, the first
 * anomalous sample), detected at `nowMs`, by the detector named `detector`. The band is clamped to the metric's
 * physical range; the deviation is NaN (unknown) when the verdict has no band; the severity is
 * `severityFromImpact` of the deviation and the size of the change from the expected value (`relativeChange`).
 */
export function anomalyOf(
  input: DetectionInput,
  v: Verdict,
  startedAtMs: number,
  nowMs: number,
  detector: string,
): Omit<Anomaly, 'id'> {
  const range = rangeOfInput(input);
  const band = clampBand(v, range);
  const hasBand =
    Number.isFinite(band.expected) && Number.isFinite(band.lower) && Number.isFinite(band.upper);
  const deviation = hasBand && Number.isFinite(v.deviation) ? v.deviation : Number.NaN;
  const outside = hasBand ? input.value < band.lower || input.value > band.upper : true;
  return {
    seriesKey: input.key,
    metric: input.metric,
    labels: input.labels,
    component: componentOf(input),
    kind: input.kind,
    startedAtMs,
    detectedAtMs: nowMs,
    resolvedAtMs: null,
    observed: input.value,
    expected: band.expected,
    lower: band.lower,
    upper: band.upper,
    deviation,
    confidence: v.confidence,
    severity: severityFromImpact(
      deviation,
      criticalityOfInput(input),
      outside,
      hasBand ? relativeChange(input.value, band.expected, range) : Number.NaN,
    ),
    detector,
    acknowledged: false,
    score: v.score,
    votes: keptVotes(v),
  };
}

/**
 * The `target_health` anomaly of a target whose `up` samples were 0 since `startedAtMs`, detected at `nowMs`. It
 * names the target: its labels are those of `up` (`job`, `instance` and the target's own labels) plus `target`
 * = `targetId` when given. A state, not a deviation: deviation NaN, severity the criticality of `up` (critical).
 */
export function targetDownAnomaly(
  input: DetectionInput,
  startedAtMs: number,
  nowMs: number,
  targetId?: string,
): Omit<Anomaly, 'id'> {
  return {
    seriesKey: input.key,
    metric: input.metric,
    labels: targetId === undefined ? input.labels : { ...input.labels, target: targetId },
    component: 'system',
    kind: 'generic',
    startedAtMs,
    detectedAtMs: nowMs,
    resolvedAtMs: null,
    observed: 0,
    expected: 1,
    lower: 1,
    upper: 1,
    deviation: Number.NaN,
    confidence: 1,
    severity: stateSeverity(criticalityOfInput(input)),
    detector: TARGET_HEALTH_DETECTOR,
    acknowledged: false,
    score: 1,
    votes: [],
  };
}
