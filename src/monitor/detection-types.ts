/**
 * The options and result shapes of the detection engine (detection-engine.ts): what it is built with, what one
 * `process` call returns, and what `predictions` returns. Types and limits only.
 */
import type { DetectorFactory, Expectation } from '../analysis/anomaly/detector.ts';
import type { Anomaly, AnomalyResolution, MetricKind } from '../model/anomaly.ts';
import type { Labels } from '../model/sample.ts';
import type { DetectionInput } from './series-tracker.ts';

/** Options of the detection engine. */
export interface DetectionEngineOptions {
  readonly factory: DetectorFactory;
  /** Name stored with each anomaly (`Anomaly.detector`). */
  readonly detectorName: string;
  /** Verdicts below this confidence do not count as anomalous (seed 000: 0.8). */
  readonly minConfidence: number;
  /** Consecutive anomalous samples needed to open an anomaly (>= 1). */
  readonly confirmSamples: number;
  /** No new anomaly on the same series within this long after the previous one opened (seed 000: 5 min). */
  readonly cooldownMs: number;
  /**
   * The cooldown also lasts this many of the series' own samples (counted in scrapes: a sample standing for
   * several, `DetectionInput.spans`, counts for all of them); default 0 (time alone).
   */
  readonly cooldownSamples?: number;
  /**
   * Consecutive samples that resolve an open anomaly: inside the band it opened against (detection-hold.ts),
   * or judged normal when its verdict had no band.
   */
  readonly resolveAfterSamples: number;
  /**
   * Sample time (ms) of normal verdicts after which an open anomaly whose series stays outside the band it
   * opened against resolves anyway, with the reason `new level accepted` (default 30 min; detection-hold.ts).
   */
  readonly acceptNewLevelAfterMs?: number;
  /** The new level is also accepted only after this many scrapes of normal verdicts (default 0: time alone). */
  readonly acceptNewLevelAfterSamples?: number;
  /**
   * Whether an open anomaly of a catalog series is held against the band it opened against (detection-hold.ts;
   * default true). false resolves it after `resolveAfterSamples` normal verdicts instead, the rule before the
   * hold: for benchmarks that measure what the hold changes (bench/nab-engine-causes.ts), not a setting.
   */
  readonly holdBand?: boolean;
  /** Limit on series with detector state; beyond it new series are not analysed (counted). */
  readonly maxSeries: number;
  /** Metric kinds analysed; metrics of other kinds are stored but not analysed. */
  readonly kinds: ReadonlySet<MetricKind>;
  /**
   * Overrides which inputs are analysed (default: target health, and catalog metrics outside the monitor group
   * whose kind is in `kinds`). Benchmarks use it to run the engine on series outside the catalog.
   */
  readonly analyse?: (input: DetectionInput) => boolean;
  /** Series the default selection leaves out (stored and charted, never analysed); ignored with `analyse`. */
  readonly exclude?: (input: DetectionInput) => boolean;
  /** Detectors of series outside the catalog (`input.inferred` set); default `factory`. */
  readonly inferredFactory?: DetectorFactory;
  /** Sample time (ms) such a series learns before it may open an anomaly, unless resumed from a snapshot (default 0). */
  readonly inferredWarmupMs?: number;
  /**
   * Sample time (ms) the anomalous condition of such a series must hold before its anomaly opens (default 0):
   * Prometheus' `for:`. The condition: see the file comment (episodes).
   */
  readonly inferredMinDurationMs?: number;
  /**
   * Which series outside the catalog (`input.inferred` set) are judged by episodes — minimum duration, held open
   * while their condition holds (the file comment); default all of them. The others are
   * judged as catalog series are.
   */
  readonly episodic?: (input: DetectionInput) => boolean;
  /**
   * On a series whose every value so far is a non-negative integer, a sample counts as anomalous only when its
   * count is also this improbable as Poisson counting noise of the expected value (detection-counts.ts;
   * `COUNT_NOISE_ALPHA` in the monitor); default 0: off.
   */
  readonly countNoiseAlpha?: number;
}

/** Series returned by one predictions call at most. */
export const MAX_PREDICTION_SERIES = 100;
/** Prediction times per series at most. */
export const MAX_PREDICTION_STEPS = 1000;

/** One predicted point: the expected value and the band the detector would judge a sample at that time against. */
export interface PredictionPoint extends Expectation {
  readonly timestampMs: number;
}

/** Predictions for one analysed series. */
export interface SeriesPrediction {
  readonly key: string;
  readonly metric: string;
  readonly labels: Labels;
  readonly kind: MetricKind;
  readonly detector: string;
  /** Timestamp of the last sample the detector learned. */
  readonly lastSampleMs: number;
  readonly points: readonly PredictionPoint[];
}

/** An anomaly that opened in this call, with the derived-series key it belongs to. */
export interface OpenedAnomaly {
  readonly key: string;
  readonly anomaly: Omit<Anomaly, 'id'>;
}

/** An anomaly that resolved in this call: its derived-series key, the sample time, and why. */
export interface ResolvedAnomaly {
  readonly key: string;
  readonly resolvedAtMs: number;
  /** Why it ended (back inside its band, judged normal, new level accepted, ...: {@link AnomalyResolution}). */
  readonly reason: AnomalyResolution;
}

/** Outcome of processing one batch of inputs. */
export interface DetectionOutcome {
  readonly opened: OpenedAnomaly[];
  readonly resolved: ResolvedAnomaly[];
  /** Inputs actually run through a detector. */
  readonly processed: number;
  /** Inputs skipped because the series limit was reached. */
  readonly overLimit: number;
}
