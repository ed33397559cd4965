/**
 * The detector the live monitor runs per analysed series (`detection.detector`), and `dwcp-monitor detect`'s
 * default — one factory for both: `ensemble` (default): on DWCP catalog kinds the statistical ensemble with the
 * DWCP tuning (per metric kind, and per `resource_type` for utilisation), on series of kind `generic` (no tuning
 * measured for them) the live members of live-tuning.ts (a tail-calibrated Holt-Winters level and a CUSUM trend
 * member under the band paging rule); `ensemble-live`, the live members' preset on every kind (live-tuning.ts);
 * or `statistical`, the z-score detector. The default was chosen by measurement (NAB, the labelled corpus, the
 * DWCP scenarios): docs/anomaly-detection.md. The engine does the cooldown, so no detector mutes itself.
 */
import type { DetectorContext, DetectorFactory } from '../analysis/anomaly/detector.ts';
import { DWCP_KIND_TUNING, DWCP_UTILIZATION_TUNING } from '../analysis/anomaly/dwcp-tuning.ts';
import { LIVE_TUNING, liveTuningFor } from '../analysis/anomaly/live-tuning.ts';
import { createEnsemble, type PresetTuning } from '../analysis/anomaly/presets.ts';
import { createStatisticalDetector } from '../analysis/anomaly/statistical.ts';
import { METRIC_KINDS, type MetricKind } from '../model/anomaly.ts';
import type { LiveDetectorChoice } from '../model/detection-settings.ts';
import type { DetectionInput } from './series-tracker.ts';

/** Metric kinds the live monitor analyses (every kind but `generic`); main.ts and the DWCP scenarios use it. */
export const LIVE_ANALYSED_KINDS: ReadonlySet<MetricKind> = new Set(
  METRIC_KINDS.filter((k) => k !== 'generic'),
);

/** The default ensemble's DWCP tuning for a series; null when that ensemble leaves the series out. */
export function liveTuning(ctx: Pick<DetectorContext, 'kind' | 'labels'>): PresetTuning | null {
  if (ctx.kind === 'utilization') {
    const rt = ctx.labels?.resource_type;
    if (rt !== undefined && Object.hasOwn(DWCP_UTILIZATION_TUNING, rt))
      return DWCP_UTILIZATION_TUNING[rt] ?? null;
  }
  return DWCP_KIND_TUNING[ctx.kind];
}

/**
 * Series the live detector `choice` leaves out (stored and charted, not analysed): for `ensemble`, those whose
 * DWCP tuning is null — CPU utilisation, whose benign swings on hybrid links looked like anomalies
 * (DWCP_UTILIZATION_TUNING); for `ensemble-live`, those whose live tuning is null (live-tuning.ts: DWCP utilisation
 * of CPU, network and disk, and health — their DWCP tuning was relative entropy alone, which cannot page under
 * the band rule); none for the statistical detector.
 */
export function liveExcluded(choice: LiveDetectorChoice): (input: DetectionInput) => boolean {
  if (choice === 'statistical') return () => false;
  if (choice === 'ensemble')
    return (input) => liveTuning({ kind: input.kind, labels: input.labels }) === null;
  return (input) => liveTuningFor(input.kind, input.labels) === null;
}

/**
 * The default detector (`ensemble`): on DWCP catalog kinds the statistical ensemble with the DWCP tuning of the
 * series' kind (chosen on simulator seeds, dwcp-tuning.ts); on kind `generic` — a series no corpus tuned, such as
 * the CSV of `dwcp-monitor detect` — the live preset with {@link LIVE_TUNING} (not fitted to any corpus; the
 * statistical preset's generic thresholds were NAB's in-sample optimum, EWMA 48 σ, and found 0.10 of the labelled
 * corpus' anomalies).
 */
function defaultEnsembleFactory(seasonalPeriodMs: number): DetectorFactory {
  return (ctx) => {
    if (ctx.kind === 'generic')
      return createEnsemble(ctx, { preset: 'live', tuning: LIVE_TUNING, muteSamples: 0, seasonalPeriodMs });
    const tuning = liveTuning(ctx) ?? DWCP_KIND_TUNING[ctx.kind];
    return createEnsemble(ctx, { preset: 'statistical', tuning, muteSamples: 0, seasonalPeriodMs });
  };
}

/**
 * Tuning of series outside the catalog (node_exporter, applications): the live members `detect` and the default
 * detector run on kind `generic` ({@link LIVE_TUNING}: a tail-calibrated Holt-Winters level member and a CUSUM
 * trend member under the band paging rule), on every inferred kind. The inferred kind and bad direction reach the
 * members through the detector context (latency `_seconds` and busy shares judged upwards only, error rates
 * upwards, ...), and the engine clamps their bands to the unit's physical range. The DWCP per-kind tuning
 * (dwcp-tuning.ts) does not transfer: it was chosen on the simulator's DWCP series, and its utilisation setting
 * (relative entropy alone) cannot page under the band rule. Warm-up and evidence gates are the engine's
 * (`detection.inferredWarmup`, `minConfidence`, `confirmSamples`), as for catalog series.
 */
export const INFERRED_TUNING: PresetTuning = LIVE_TUNING;

/**
 * The detector factory for series outside the catalog: the live ensemble with {@link INFERRED_TUNING} (for
 * `ensemble` and `ensemble-live`), or the z-score detector with `statistical`; `seasonalPeriodMs` is the
 * Holt-Winters level and CUSUM members' seasonal period (`detection.seasonalPeriod`).
 */
export function inferredDetectorFactory(
  choice: LiveDetectorChoice,
  seasonalPeriodMs: number,
): DetectorFactory {
  if (choice === 'statistical') return (ctx) => createStatisticalDetector(ctx, { cooldownMs: 0 });
  return (ctx) =>
    createEnsemble(ctx, { preset: 'live', tuning: INFERRED_TUNING, muteSamples: 0, seasonalPeriodMs });
}

/**
 * The factory for `choice`; `seasonalPeriodMs` is the seasonal profile's period (a day, or the simulator's
 * compressed day). @throws InvalidInputError for a bad period (from the seasonal member, on first use) or for a
 * series that {@link liveExcluded} leaves out.
 */
export function liveDetectorFactory(choice: LiveDetectorChoice, seasonalPeriodMs: number): DetectorFactory {
  if (choice === 'statistical') return (ctx) => createStatisticalDetector(ctx, { cooldownMs: 0 });
  if (choice === 'ensemble') return defaultEnsembleFactory(seasonalPeriodMs);
  return (ctx) =>
    createEnsemble(ctx, {
      preset: 'live',
      tuning: liveTuningFor(ctx.kind, ctx.labels) ?? LIVE_TUNING,
      muteSamples: 0,
      seasonalPeriodMs,
    });
}
