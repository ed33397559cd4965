/**
 * The monitor's detection settings (configuration `detection.*`) as plain data: which live detector runs per
 * series and the engine's confirmation, cooldown and series limits. The configuration schema (src/config.ts)
 * takes its defaults from here; src/monitor/detection-config.ts turns settings into engine options.
 */

import type { Direction, MetricKind } from './anomaly.ts';

/**
 * One operator rule for series outside the catalog (`detection.series`): series whose family name matches
 * `match` (and whose labels match `labels`) are analysed as `kind` with the bad `direction` (default the kind's), or
 * left out (`ignore`). First match wins,
 * before the naming conventions (src/analysis/inference/series-kind.ts).
 */
export interface SeriesKindRule {
  /** Regular expression over the family name, anchored (must match the whole name). */
  readonly match: string;
  /** Regular expressions over label values, anchored; a missing label is ''. */
  readonly labels?: Readonly<Record<string, string>>;
  readonly kind: MetricKind | 'ignore';
  /** The direction of change that harms on such series (default: the kind's). */
  readonly direction?: Direction;
}

/**
 * The live detectors a user can choose (`detection.detector`): `ensemble` (default, and the default of
 * `dwcp-monitor detect`: the statistical ensemble with the DWCP tuning on catalog kinds, the live members —
 * Holt-Winters level + CUSUM trend under the band paging rule — on kind `generic`), `ensemble-live` (the band
 * paging rule on every kind) and `statistical` (the z-score detector). Measurements behind the default:
 * docs/anomaly-detection.md.
 */
export const LIVE_DETECTOR_CHOICES = ['ensemble', 'ensemble-live', 'statistical'] as const;

/** One of {@link LIVE_DETECTOR_CHOICES}. */
export type LiveDetectorChoice = (typeof LIVE_DETECTOR_CHOICES)[number];

/** The engine-relevant part of the configuration's `detection` block (durations in ms). */
export interface DetectionSettings {
  /** Which live detector runs per series. */
  readonly detector: LiveDetectorChoice;
  /** Period of the seasonal profile, ms (a day; the simulator can compress it). */
  readonly seasonalPeriod: number;
  /** Verdicts below this confidence do not count as anomalous, in [0, 1]. */
  readonly minConfidence: number;
  /** Consecutive anomalous samples needed before an anomaly opens (>= 1). */
  readonly confirmSamples: number;
  /**
   * No new anomaly on a series within this long after its previous one opened, ms — and, whatever this is, not
   * within 20 of the series' own samples (`COOLDOWN_MIN_SAMPLES`, src/monitor/detection-config.ts), which only
   * matters for series sampled more slowly than every 15 s.
   */
  readonly cooldown: number;
  /**
   * An open anomaly resolves when its series is back inside the band it opened against; when the detector has
   * judged the series normal for this long (ms of sample time) while it stays outside, the new level is accepted
   * and the anomaly resolves with that reason (default 30 min).
   */
  readonly acceptNewLevelAfter: number;
  /** Limit on series with detector state (and on tracked raw series). */
  readonly maxSeries: number;
  /**
   * Analyse series outside the catalog (node_exporter, applications), their kind inferred from naming and type
   * or set by `series` rules (default true).
   */
  readonly inference: boolean;
  /** Per-pattern kinds of series outside the catalog (default none). */
  readonly series: readonly SeriesKindRule[];
  /**
   * Time a series outside the catalog is analysed before it may open an anomaly, ms (default 10 min): the
   * detectors learn meanwhile. Catalog series have tuned detectors and no such wait.
   */
  readonly inferredWarmup: number;
  /**
   * How long the anomalous condition of a series outside the catalog must hold before its anomaly opens, ms of
   * sample time (default 3 min; 0: as soon as confirmed) — Prometheus' `for:`. The condition holds while the
   * detector judges each sample anomalous or the sample stays beyond the band the series left; a shorter
   * excursion (a cron job's burst) opens nothing. Catalog series have tuned detectors and no such wait.
   */
  readonly inferredMinDuration: number;
}

/** The defaults of {@link DetectionSettings}; the configuration schema uses them. */
export const DEFAULT_DETECTION_SETTINGS: DetectionSettings = Object.freeze({
  detector: 'ensemble',
  seasonalPeriod: 86_400_000,
  minConfidence: 0.8,
  confirmSamples: 2,
  cooldown: 5 * 60_000,
  acceptNewLevelAfter: 30 * 60_000,
  maxSeries: 50_000,
  inference: true,
  series: [],
  inferredWarmup: 10 * 60_000,
  inferredMinDuration: 3 * 60_000,
});
