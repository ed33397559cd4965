/**
 * The one place where the detection engine's options are derived from the monitor's detection settings
 * (configuration `detection.*`). `serve`, `demo`, the labelled-scenario evaluator and the benchmarks all build
 * their engine through {@link detectionEngineOptions}, so a benchmark measures exactly the code that ships.
 */
import type { DetectorFactory } from '../analysis/anomaly/detector.ts';
import { COUNT_NOISE_ALPHA } from './detection-counts.ts';
import type { DetectionEngineOptions } from './detection-types.ts';
import type { DetectionSettings, LiveDetectorChoice } from '../model/detection-settings.ts';
import {
  inferredDetectorFactory,
  LIVE_ANALYSED_KINDS,
  liveDetectorFactory,
  liveExcluded,
} from './live-detector.ts';
import type { DetectionInput } from './series-tracker.ts';

/** Consecutive normal samples that resolve an open anomaly (not configurable). */
export const RESOLVE_AFTER_SAMPLES = 3;

/**
 * Samples the detection cooldown lasts at least, whatever the scrape interval (counted per series, in scrapes):
 * `detection.cooldown` (5 min) is a time span chosen for second-level scrapes (300 samples at 1 s, 20 at
 * Prometheus' common 15 s), but at a 5-minute cadence it is a single sample and a series that flaps around its
 * band pages again on every excursion. 20 samples keep the cooldown's 5 min wherever samples come every 15 s or
 * faster and stretch it for slower series (100 min at 5-minute samples) — the order of the 21 checks Nagios and
 * Icinga judge flapping over.
 * @see docs/anomaly-detection.md, "Where the engine loses NAB points"
 */
export const COOLDOWN_MIN_SAMPLES = 20;

/**
 * Scrapes of normal verdicts an open anomaly held outside its band needs, besides `detection.acceptNewLevelAfter`
 * (30 min), before it resolves as `new level accepted` (detection-hold.ts): the 30 min are 1,800 verdicts at 1 s and
 * 120 at 15 s, but 6 at 5-minute samples — a detector that re-anchored to the excursion calls a handful of samples
 * normal long before the new level is established, and the next excursion then opens a new anomaly. 120 keeps the
 * 30 min wherever samples come every 15 s or faster (as {@link COOLDOWN_MIN_SAMPLES}).
 * @see docs/anomaly-detection.md, "Where the engine loses NAB points, per rule"
 */
export const ACCEPT_NEW_LEVEL_MIN_SAMPLES = 120;

/**
 * A detector that is not one of the shipped choices, for benchmarks of candidates: replaces the factory and the
 * anomaly's detector name; every other engine option still comes from the settings.
 */
export interface CandidateDetector {
  readonly factory: DetectorFactory;
  /** Stored with each anomaly (`Anomaly.detector`). Non-empty. */
  readonly name: string;
  /** Series left out (stored, never analysed); default: those the configured live detector leaves out. */
  readonly exclude?: (input: DetectionInput) => boolean;
}

/**
 * Whether an inferred input is judged by episodes (`detection.inferredMinDuration`, held open while its condition
 * holds): a series outside the catalog, or one of the host collector's node_exporter-named catalog metrics (so
 * it is judged as a real node_exporter's series is). The catalog's log- and span-derived series, which run the
 * same inferred detector, keep the catalog series' confirmation and cooldown they were measured with
 * (docs/logs.md, docs/traces.md).
 */
export function judgedByEpisodes(input: DetectionInput): boolean {
  return input.def === undefined || input.def.group === 'node';
}

/** The name stored with each anomaly of a live detector choice. */
export function liveDetectorName(choice: LiveDetectorChoice): string {
  return choice === 'ensemble' ? 'ensemble-statistical' : choice;
}

/**
 * The detection-engine options for `settings`: the live detector factory of `settings.detector` (with the
 * seasonal period), its name, the confidence/confirmation/cooldown/series limits of the settings,
 * {@link RESOLVE_AFTER_SAMPLES}, every analysed kind ({@link LIVE_ANALYSED_KINDS}), the series the live
 * detector leaves out, and for series outside the catalog their detector ({@link inferredDetectorFactory}) and
 * warm-up (`inferredWarmup`) and minimum anomalous duration (`inferredMinDuration`); the count-noise floor at
 * {@link COUNT_NOISE_ALPHA} (detection-counts.ts). With `candidate`, its factory and name replace the live detector's (for all series).
 * Validation of the values is the engine's (RangeError) and the configuration schema's.
 * @see docs/anomaly-detection.md for the tuning and its measurements.
 */
export function detectionEngineOptions(
  settings: DetectionSettings,
  candidate?: CandidateDetector,
): DetectionEngineOptions {
  return {
    factory: candidate?.factory ?? liveDetectorFactory(settings.detector, settings.seasonalPeriod),
    inferredFactory:
      candidate?.factory ?? inferredDetectorFactory(settings.detector, settings.seasonalPeriod),
    detectorName: candidate?.name ?? liveDetectorName(settings.detector),
    minConfidence: settings.minConfidence,
    confirmSamples: settings.confirmSamples,
    cooldownMs: settings.cooldown,
    cooldownSamples: COOLDOWN_MIN_SAMPLES,
    resolveAfterSamples: RESOLVE_AFTER_SAMPLES,
    acceptNewLevelAfterMs: settings.acceptNewLevelAfter,
    acceptNewLevelAfterSamples: ACCEPT_NEW_LEVEL_MIN_SAMPLES,
    maxSeries: settings.maxSeries,
    kinds: LIVE_ANALYSED_KINDS,
    exclude: candidate?.exclude ?? liveExcluded(settings.detector),
    inferredWarmupMs: settings.inferredWarmup,
    inferredMinDurationMs: settings.inferredMinDuration,
    episodic: judgedByEpisodes,
    countNoiseAlpha: COUNT_NOISE_ALPHA,
  };
}
