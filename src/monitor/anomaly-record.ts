/**
 * The anomaly records the detection engine opens: one from a detector verdict on a derived series, and one for
 * a target that stopped answering (`up == 0`). Pure.
 */
import { readingOf, votesOf, type Verdict } from '../analysis/anomaly/detector.ts';
import type { Anomaly, DetectorVote } from '../model/anomaly.ts';
import { isComponent, type Component } from '../model/dwcp.ts';
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
  return votesOf(v).slice(0, MAX_VOTES).map((m) => ({ detector: m.detector, score: m.score, voted: m.voted }));
}

/**
 * The anomaly of `input` judged anomalous by verdict `v`: the streak started at `startedAtMs` (Unix ms, the first
 * anomalous sample), detected at `nowMs`, by the detector named `detector`.
 */
export function anomalyOf(input: DetectionInput, v: Verdict, startedAtMs: number, nowMs: number, detector: string): Omit<Anomaly, 'id'> {
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
    ...readingOf(v),
    detector,
    acknowledged: false,
    score: v.score,
    votes: keptVotes(v),
  };
}

/** The critical `target_health` anomaly of a target whose `up` sample `input` is 0, detected at `nowMs`. */
export function targetDownAnomaly(input: DetectionInput, nowMs: number): Omit<Anomaly, 'id'> {
  return {
    seriesKey: input.key,
    metric: input.metric,
    labels: input.labels,
    component: 'system',
    kind: 'generic',
    startedAtMs: input.timestampMs,
    detectedAtMs: nowMs,
    resolvedAtMs: null,
    observed: 0,
    expected: 1,
    lower: 1,
    upper: 1,
    deviation: 0,
    confidence: 1,
    severity: 'critical',
    detector: 'target_health',
    acknowledged: false,
    score: 1,
    votes: [],
  };
}
