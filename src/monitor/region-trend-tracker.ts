/**
 * Bounded in-memory history of each region's health score, fed by the periodic insights recomputation
 * (`exportInsights`, every 15 s in the monitor), and the trend of each history by the engine's least-squares
 * {@link scoreTrend} (src/analysis/health/region-score.ts). Served in GET /api/regions/health as `trend`.
 *
 * Bounds: at most `maxPointsPerRegion` points per region (oldest dropped) and `maxRegions` regions (the region
 * updated least recently is dropped). A region absent from one recomputation keeps its history (it may come
 * back); it is dropped only when the region cap needs room. The history is lost on restart.
 */
import {
  appendScore,
  MAX_SCORE_HISTORY,
  scoreTrend,
  type ScorePoint,
  type TrendOptions,
} from '../analysis/health/region-score.ts';
import type { RegionTrend } from '../contract/regions.ts';
import { InvalidInputError } from '../errors.ts';

export interface RegionTrendTrackerOptions {
  /** Points kept per region; default 240 (one hour at the 15 s recomputation interval). */
  readonly maxPointsPerRegion?: number;
  /** Regions kept; default 100. */
  readonly maxRegions?: number;
  /** Options of {@link scoreTrend}; defaults: window 1 h, stable below ±5 points/h, at least 3 points. */
  readonly trend?: TrendOptions;
}

export const DEFAULT_MAX_TREND_POINTS = 240;
export const DEFAULT_MAX_TREND_REGIONS = 100;
/** Trend of a region without history. */
export const UNKNOWN_TREND: RegionTrend = Object.freeze({
  direction: 'unknown',
  slopePerHour: null,
  points: 0,
});

/** One region's score at one recomputation; a null score (a factor without data) is not recorded. */
export interface RegionScoreSample {
  readonly region: string;
  readonly score: number | null;
}

export class RegionTrendTracker {
  readonly #maxPoints: number;
  readonly #maxRegions: number;
  readonly #trend: TrendOptions;
  /** Insertion order = least recently updated first. */
  readonly #histories = new Map<string, ScorePoint[]>();

  /** @throws InvalidInputError for caps that are not integers in range or bad trend options. */
  constructor(options: RegionTrendTrackerOptions = {}) {
    this.#maxPoints = options.maxPointsPerRegion ?? DEFAULT_MAX_TREND_POINTS;
    this.#maxRegions = options.maxRegions ?? DEFAULT_MAX_TREND_REGIONS;
    this.#trend = options.trend ?? {};
    if (!Number.isInteger(this.#maxPoints) || this.#maxPoints < 2 || this.#maxPoints > MAX_SCORE_HISTORY) {
      throw new InvalidInputError(
        `maxPointsPerRegion must be an integer in [2, ${MAX_SCORE_HISTORY}], got ${this.#maxPoints}`,
      );
    }
    if (!Number.isInteger(this.#maxRegions) || this.#maxRegions < 1)
      throw new InvalidInputError(`maxRegions must be an integer >= 1, got ${this.#maxRegions}`);
    scoreTrend([], this.#trend, 0); // validates the trend options now rather than on the first request
  }

  /**
   * Records the scores of one recomputation at `nowMs`. Regions with a null or out-of-range score are skipped,
   * and so is a point not after the region's last one (a repeated or late recomputation).
   */
  record(regions: readonly RegionScoreSample[], nowMs: number): void {
    if (!Number.isFinite(nowMs)) return;
    for (const { region, score } of regions) {
      if (score === null || !Number.isFinite(score) || score < 0 || score > 100) continue;
      const h = this.#histories.get(region) ?? [];
      const last = h[h.length - 1];
      if (last && nowMs <= last.tMs) continue;
      this.#histories.delete(region);
      this.#histories.set(region, appendScore(h, { tMs: nowMs, score }, this.#maxPoints));
    }
    for (const region of this.#histories.keys()) {
      if (this.#histories.size <= this.#maxRegions) break;
      this.#histories.delete(region);
    }
  }

  /** Trend of `region` over the trend window ending at `nowMs`; {@link UNKNOWN_TREND} without history. */
  trend(region: string, nowMs: number): RegionTrend {
    const h = this.#histories.get(region);
    if (!h || !Number.isFinite(nowMs)) return UNKNOWN_TREND;
    const t = scoreTrend(h, this.#trend, nowMs);
    return { direction: t.trend, slopePerHour: t.slopePerHour, points: t.points };
  }

  /** The stored history of `region` (oldest first; a copy). */
  history(region: string): ScorePoint[] {
    return [...(this.#histories.get(region) ?? [])];
  }

  /** Regions and points held. */
  get size(): { readonly regions: number; readonly points: number } {
    let points = 0;
    for (const h of this.#histories.values()) points += h.length;
    return { regions: this.#histories.size, points };
  }
}
