/**
 * Regional health from stored series with a warm-up gate: a region is scored (src/analysis/health/region-score.ts,
 * latency against the region's own DWCP mode) only when every factor's data spans at least `warmupMs` of the
 * window and latency rests on at least `minLatencyObservations` observations; otherwise it is
 * `insufficient-data` with what each factor lacks. Pure over the series it is given (the provider reads them).
 */
import { scoreRegion, type RegionScoreOptions } from '../analysis/health/region-score.ts';
import type { RegionHealth, RegionTrend } from '../contract/regions.ts';
import { formatDuration } from '../model/duration.ts';
import { DEFAULT_REGION_WARMUP, type RegionWarmupSettings } from '../model/insight-settings.ts';
import {
  buildRegionInputs,
  REGION_FACTOR_NAMES,
  type RegionFactor,
  type RegionSeries,
} from './region-inputs.ts';

/** Options of {@link evaluateRegions}: the warm-up gate and the score's options (weights, per-mode latency). */
export interface RegionHealthOptions extends Partial<RegionWarmupSettings> {
  readonly score?: RegionScoreOptions;
}

const FACTOR_TEXT: Readonly<Record<RegionFactor, string>> = {
  availabilityPercent: 'availability (up)',
  utilizationPercent: 'utilisation',
  latencyMs: 'latency',
  errorRate: 'error rate',
  consensusHealthPercent: 'consensus health',
};

function seconds(ms: number): string {
  return formatDuration(Math.round(ms / 1000) * 1000);
}

/**
 * Health of every region of `series`, sorted by region.
 * @param trendOf the recorded trend of a region (from the region-trend tracker)
 * @throws InvalidInputError / ConfigError from the score engine for impossible inputs or bad options.
 */
export function evaluateRegions(
  series: RegionSeries,
  options: RegionHealthOptions,
  trendOf: (region: string) => RegionTrend,
): RegionHealth[] {
  const warmupMs = options.warmupMs ?? DEFAULT_REGION_WARMUP.warmupMs;
  const minObs = options.minLatencyObservations ?? DEFAULT_REGION_WARMUP.minLatencyObservations;
  return buildRegionInputs(series).map((r): RegionHealth => {
    const trend = trendOf(r.region);
    const missing: RegionFactor[] = [];
    const reasons: string[] = [];
    for (const f of REGION_FACTOR_NAMES) {
      const e = r.evidence[f];
      if (e === undefined) {
        missing.push(f);
        reasons.push(`${FACTOR_TEXT[f]}: no data in the window`);
      } else if (e.spanMs < warmupMs) {
        missing.push(f);
        reasons.push(`${FACTOR_TEXT[f]}: ${seconds(e.spanMs)} of data, ${seconds(warmupMs)} needed`);
      } else if (f === 'latencyMs' && e.samples < minObs) {
        missing.push(f);
        reasons.push(`${FACTOR_TEXT[f]}: ${e.samples} observations, ${minObs} needed`);
      }
    }
    const p = r.partial;
    if (
      missing.length > 0 ||
      p.availabilityPercent === undefined ||
      p.utilizationPercent === undefined ||
      p.latencyMs === undefined ||
      p.errorRate === undefined ||
      p.consensusHealthPercent === undefined
    ) {
      return {
        region: r.region,
        status: 'insufficient-data',
        score: null,
        factors: null,
        inputs: p,
        latencyByMode: r.latencyByMode,
        missing,
        reasons,
        trend,
      };
    }
    const input = {
      availabilityPercent: p.availabilityPercent,
      utilizationPercent: p.utilizationPercent,
      latencyMs: p.latencyMs,
      errorRate: p.errorRate,
      consensusHealthPercent: p.consensusHealthPercent,
    };
    const s = scoreRegion({ ...input, latencyByMode: r.latencyByMode }, options.score ?? {});
    return {
      region: r.region,
      status: s.status,
      score: s.score,
      factors: s.factors,
      inputs: input,
      latencyByMode: s.latencyByMode,
      missing: [],
      reasons: [],
      trend,
    };
  });
}
