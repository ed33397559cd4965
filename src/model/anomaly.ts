/** Anomalies and fault labels shared by detection, storage, alerting, the API and evaluation. No I/O. */
import type { Component, Severity } from './dwcp.ts';
import type { Labels } from './sample.ts';

/**
 * What a metric measures, which decides the direction that is bad and the default threshold
 * (seed 000 / inventory 4.1: bandwidth 3 sigma both ways, latency 3 sigma up, compression 2.5 sigma down,
 * consensus 2.5 sigma up).
 */
export const METRIC_KINDS = [
  'bandwidth',
  'latency',
  'compression',
  'consensus',
  'error_rate',
  /** Resource utilisation (CPU, memory): rises are bad (memory leaks, saturation). */
  'utilization',
  /** Health and compliance states (0 down .. 2 healthy, 0/1 compliance): drops are bad. */
  'health',
  'generic',
] as const;
export type MetricKind = (typeof METRIC_KINDS)[number];

/** Which deviations are anomalous: `up` = unusually high, `down` = unusually low, `both`. */
export type Direction = 'up' | 'down' | 'both';

/** How one detector of an ensemble judged a sample: its score (0..1) and whether it reached its threshold. */
export interface DetectorVote {
  readonly detector: string;
  readonly score: number;
  readonly voted: boolean;
}

/** `sample` or `samples` after a count. */
type Samples = 'sample' | 'samples';

/**
 * Why an anomaly ended, as stored (`anomalies.resolution`), sent (API, live feed, notifications) and shown:
 * - `back inside the band for N samples`: a catalog series lay inside the band its anomaly opened against for N
 *   scrapes in a row (src/monitor/detection-hold.ts);
 * - `judged normal for N samples`: the detector judged the series normal N times in a row (an anomaly whose
 *   verdict had no band), or the detector itself declared its episode over after N normal samples;
 * - `condition cleared for N samples`: a series judged by episodes (outside the catalog) was neither judged
 *   anomalous on the side it left its band nor beyond that band for N samples (src/monitor/detection-episode.ts);
 * - `new level accepted`: still outside its band, but judged normal for `detection.acceptNewLevelAfter`;
 * - `monitor restarted without its state`: open at a restart whose detector state did not come back;
 * - `target answering again`: a target-down anomaly whose target was scraped successfully.
 */
export type AnomalyResolution =
  | `back inside the band for ${number} ${Samples}`
  | `judged normal for ${number} ${Samples}`
  | `condition cleared for ${number} ${Samples}`
  | 'new level accepted'
  | 'monitor restarted without its state'
  | 'target answering again';

/** `N sample(s)`, N a non-negative integer. */
function countOf(n: number): `${number} ${Samples}` {
  const k = Math.max(0, Math.floor(n));
  return `${k} ${k === 1 ? 'sample' : 'samples'}`;
}

/** The resolution of an anomaly whose series lay inside its band for `samples` scrapes in a row. */
export function backInsideBand(samples: number): AnomalyResolution {
  return `back inside the band for ${countOf(samples)}`;
}

/** The resolution of an anomaly whose series the detector judged normal `samples` times in a row. */
export function judgedNormal(samples: number): AnomalyResolution {
  return `judged normal for ${countOf(samples)}`;
}

/** The resolution of an episode (series outside the catalog) whose condition was off for `samples` samples. */
export function conditionCleared(samples: number): AnomalyResolution {
  return `condition cleared for ${countOf(samples)}`;
}

const FIXED_RESOLUTIONS: ReadonlySet<string> = new Set([
  'new level accepted',
  'monitor restarted without its state',
  'target answering again',
]);
const COUNTED_RESOLUTION =
  /^(back inside the band|judged normal|condition cleared) for (0|[1-9]\d{0,15}) samples?$/;

/**
 * `text` as an {@link AnomalyResolution} (e.g. read back from the store), or undefined when it is none: a
 * counted reason needs `sample` for 1 and `samples` otherwise.
 */
export function parseResolution(text: string): AnomalyResolution | undefined {
  if (FIXED_RESOLUTIONS.has(text)) return text as AnomalyResolution;
  const m = COUNTED_RESOLUTION.exec(text);
  if (m === null) return undefined;
  return (m[2] === '1') === text.endsWith(' sample') ? (text as AnomalyResolution) : undefined;
}

/** An anomaly found by a detector on one series. Times are Unix milliseconds. */
export interface Anomaly {
  /** Store-assigned id; 0 before it is stored. */
  readonly id: number;
  readonly seriesKey: string;
  readonly metric: string;
  readonly labels: Labels;
  readonly component: Component | 'system';
  readonly kind: MetricKind;
  /** Timestamp of the sample that opened the anomaly. */
  readonly startedAtMs: number;
  /** Wall-clock time the detector emitted it (sample arrival to this is the detection latency). */
  readonly detectedAtMs: number;
  /** Set once the series is back inside its band; null while active. */
  readonly resolvedAtMs: number | null;
  /**
   * Why a resolved anomaly ended ({@link AnomalyResolution}); absent while it is open, and on rows stored before
   * the monitor recorded a reason for every ending.
   */
  readonly resolution?: AnomalyResolution;
  readonly observed: number;
  readonly expected: number;
  /** Band the value was expected to lie in: [lower, upper]. */
  readonly lower: number;
  readonly upper: number;
  /** Signed deviation in standard deviations of the baseline. */
  readonly deviation: number;
  /** 0..1. */
  readonly confidence: number;
  /** The detector's anomaly score of the opening sample, 0..1 (NaN when the detector gives none). */
  readonly score: number;
  /**
   * How each member of an ensemble judged the opening sample (which detectors voted); empty for single
   * detectors and target health.
   */
  readonly votes: readonly DetectorVote[];
  readonly severity: Severity;
  /** Detector name, e.g. `statistical`. */
  readonly detector: string;
  readonly acknowledged: boolean;
}

/** Fault kinds the simulator can inject. */
export const FAULT_KINDS = [
  'latency_spike',
  'throughput_drop',
  'compression_degradation',
  'consensus_timeouts',
  'byzantine_events',
  'node_down',
  'memory_leak',
  'v3_regression',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/**
 * Ground truth for one injected fault: the series it affects (a Prometheus-style selector on metric name and
 * labels), when it was active (Unix ms, end exclusive) and what it was.
 */
export interface FaultLabel {
  readonly kind: FaultKind;
  readonly node: string;
  readonly region: string;
  /** e.g. `dwcp_v3_mode_latency_seconds{node_id="node-1"}`; the first metric the fault moves. */
  readonly selector: string;
  /** Every metric name this fault is expected to move (for matching detections). */
  readonly metrics: readonly string[];
  readonly startMs: number;
  readonly endMs: number;
}
