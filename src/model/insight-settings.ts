/**
 * The defaults of the monitor's SLO, regional-health and capacity gates as plain data (configuration `slo.*`,
 * `health.*`, `capacity.*`): the configuration schema (src/config.ts) and the pure engines (src/analysis/) both
 * take them from here, so a default is written once. Durations in ms. No I/O.
 */
import type { Mode } from './dwcp.ts';

/** Evidence an SLO verdict and its burn-rate alerts need (src/analysis/slo/budget.ts, burn-rate.ts). */
export interface SloEvidenceSettings {
  /** Measured time before an SLO gets a verdict (met / violated) and a budget, ms. */
  readonly minObservedMs: number;
  /** Share 0..1 of each burn-rate window (long and short) that must be measured before its pair may fire. */
  readonly minWindowCoverage: number;
  /** Significance level of the binomial tests behind `violated` and a firing burn-rate pair. */
  readonly alpha: number;
}

/**
 * Defaults: 30 min measured before a verdict (half the 1-hour long window of the SRE workbook's fastest page
 * pair; the monitor reads the last hour by default, so a whole hour could never be measured in it), 90 % of each
 * burn-rate window measured, alpha 0.05.
 */
export const DEFAULT_SLO_EVIDENCE: SloEvidenceSettings = Object.freeze({
  minObservedMs: 30 * 60_000,
  minWindowCoverage: 0.9,
  alpha: 0.05,
});

/** How the latency factor of a region's health score is scored for one DWCP mode. */
export interface ModeLatencyProfile {
  /** Latency at or below which the factor is 100 (the mode's normal latency), ms. */
  readonly baselineMs: number;
  /** Latency at or above which the factor is 0, ms (> baselineMs). Linear in between. */
  readonly zeroScoreMs: number;
}

/**
 * Default latency profiles per mode. Baselines are the upper ends of the modes' latency bands in the original
 * `mode_detector.go` (datacenter < 10 ms, hybrid 10–50 ms, internet 50–500 ms); the zero point is ten times the
 * baseline, which for datacenter mode is the original `max(0, 100 − latency_ms)` scale (0 at 100 ms).
 */
export const DEFAULT_MODE_LATENCY: Readonly<Record<Mode, ModeLatencyProfile>> = Object.freeze({
  datacenter: Object.freeze({ baselineMs: 10, zeroScoreMs: 100 }),
  hybrid: Object.freeze({ baselineMs: 50, zeroScoreMs: 500 }),
  internet: Object.freeze({ baselineMs: 500, zeroScoreMs: 5000 }),
});

/** Warm-up of the regional health score (src/monitor/region-provider.ts). */
export interface RegionWarmupSettings {
  /** Each factor's data must span at least this long in the window before the region is scored, ms. */
  readonly warmupMs: number;
  /** Latency observations (histogram count increase) needed in the window before latency is scored. */
  readonly minLatencyObservations: number;
}

/** Defaults: 2 min of data per factor (two detector-confirmation periods at most scrape intervals), 30 observations. */
export const DEFAULT_REGION_WARMUP: RegionWarmupSettings = Object.freeze({
  warmupMs: 2 * 60_000,
  minLatencyObservations: 30,
});

/** History a capacity forecast needs (src/analysis/forecast/capacity.ts). */
export interface CapacityEvidenceSettings {
  /** Span from the first to the last sample needed before a forecast, ms. */
  readonly minHistoryMs: number;
  /** Samples needed before a forecast. */
  readonly minPoints: number;
}

/**
 * Defaults: one day of history — one full cycle of the daily season, so a trend is not a piece of the daily cycle
 * extrapolated over 30–90 days — and 100 samples (the original planner's minimum).
 */
export const DEFAULT_CAPACITY_EVIDENCE: CapacityEvidenceSettings = Object.freeze({
  minHistoryMs: 86_400_000,
  minPoints: 100,
});
