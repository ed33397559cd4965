/**
 * The one place where the detection engine's options are derived from the monitor's detection settings
 * (configuration `detection.*`). `serve`, `demo`, the labelled-scenario evaluator and the benchmarks all build
 * their engine through {@link detectionEngineOptions}, so a benchmark measures exactly the code that ships.
 */
import type { DetectorFactory } from '../analysis/anomaly/detector.ts';
import type { DetectionEngineOptions } from './detection-engine.ts';
import { LIVE_ANALYSED_KINDS, liveDetectorFactory, liveExcluded, type LiveDetectorChoice } from './live-detector.ts';
import type { DetectionInput } from './series-tracker.ts';

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

/** The defaults of {@link DetectionSettings}; the configuration schema (src/config.ts) uses them. */
export const DEFAULT_DETECTION_SETTINGS: DetectionSettings = Object.freeze({
  detector: 'ensemble',
  seasonalPeriod: 86_400_000,
  minConfidence: 0.8,
  confirmSamples: 2,
  cooldown: 5 * 60_000,
  maxSeries: 50_000,
});

/** Consecutive normal samples that resolve an open anomaly (not configurable). */
export const RESOLVE_AFTER_SAMPLES = 3;

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

/** The name stored with each anomaly of a live detector choice. */
export function liveDetectorName(choice: LiveDetectorChoice): string {
  return choice === 'ensemble' ? 'ensemble-statistical' : 'statistical';
}

/**
 * The detection-engine options for `settings`: the live detector factory of `settings.detector` (with the
 * seasonal period), its name, the confidence/confirmation/cooldown/series limits of the settings,
 * {@link RESOLVE_AFTER_SAMPLES}, every analysed kind ({@link LIVE_ANALYSED_KINDS}) and the series the live
 * detector leaves out. With `candidate`, its factory and name replace the live detector's.
 * Validation of the values is the engine's (RangeError) and the configuration schema's.
 * @see docs/anomaly-detection.md for the tuning and its measurements.
 */
export function detectionEngineOptions(settings: DetectionSettings, candidate?: CandidateDetector): DetectionEngineOptions {
  return {
    factory: candidate?.factory ?? liveDetectorFactory(settings.detector, settings.seasonalPeriod),
    detectorName: candidate?.name ?? liveDetectorName(settings.detector),
    minConfidence: settings.minConfidence,
    confirmSamples: settings.confirmSamples,
    cooldownMs: settings.cooldown,
    resolveAfterSamples: RESOLVE_AFTER_SAMPLES,
    maxSeries: settings.maxSeries,
    kinds: LIVE_ANALYSED_KINDS,
    exclude: candidate?.exclude ?? liveExcluded(settings.detector),
  };
}
