/**
 * The monitor's detection settings (configuration `detection.*`) as plain data: which live detector runs per
 * series and the engine's confirmation, cooldown and series limits. The configuration schema (src/config.ts)
 * takes its defaults from here; src/monitor/detection-config.ts turns settings into engine options.
 */

/**
 * The live detectors a user can choose (`detection.detector`): `ensemble` (default: the statistical ensemble with
 * the DWCP tuning), `ensemble-live` (Holt-Winters level + CUSUM trend under the band paging rule) and
 * `statistical` (the z-score detector). Measurements behind the default: docs/anomaly-detection.md.
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
  /** No new anomaly on a series within this long after its previous one opened, ms. */
  readonly cooldown: number;
  /** Limit on series with detector state (and on tracked raw series). */
  readonly maxSeries: number;
}

/** The defaults of {@link DetectionSettings}; the configuration schema uses them. */
export const DEFAULT_DETECTION_SETTINGS: DetectionSettings = Object.freeze({
  detector: 'ensemble',
  seasonalPeriod: 86_400_000,
  minConfidence: 0.8,
  confirmSamples: 2,
  cooldown: 5 * 60_000,
  maxSeries: 50_000,
});
