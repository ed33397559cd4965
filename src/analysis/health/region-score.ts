/**
 * Regional health score (0..100) from five weighted factors, its status, its trend, and degraded-region
 * detection. Pure: (data, options, now) → result; no clocks, no I/O.
 *
 * Method: the original NovaCron `region_health.go` (inventory 6.2): score = Σ wᵢ·factorᵢ with weights
 * availability 0.3, utilisation headroom 0.2, latency 0.2, error rate 0.2, consensus health 0.1; healthy ≥ 80,
 * degraded 60..80, unhealthy below. Changes, each fixing a defect of the original:
 * - latency is scored against the region's own DWCP mode: with `latencyByMode` (latency measured per mode, e.g.
 *   from the `mode` label of `dwcp_v3_mode_latency_seconds`), each mode's mean latency is scored on that mode's
 *   profile, 100 at or below its baseline and 0 at or above its zero point, linear in between
 *   ({@link latencyFactor}; defaults DEFAULT_MODE_LATENCY: datacenter 10/100 ms, hybrid 50/500 ms, internet
 *   500/5000 ms), and the factor is the observation-weighted mean over the modes. Internet-mode regions run at
 *   50–500 ms by design (inventory 7.2) and scored 0 on the original datacenter scale. Without per-mode data the
 *   mapping is max(0, 100 × (1 − latency / latencyZeroScoreMs)); the default 100 ms reproduces the original
 *   `max(0, 100 − latency_ms)`;
 * - error score = max(0, 100 × (1 − errorRate / errorRateZeroScore)) with a default zero point of 5 % errors (the
 *   v1 DWCPHighErrorRate alert, seed 001); the original `100 − errorRate × 100` scored 10 % errors as 90;
 * - weights are validated (finite, ≥ 0, sum 1) instead of the final score being clamped;
 * - the trend is the least-squares slope over a time window (the original compared with the previous score
 *   only and ignored its window argument).
 */
import { ConfigError, InvalidInputError, LimitExceededError } from '../../errors.ts';
import { isMode, type Mode } from '../../model/dwcp.ts';
import { DEFAULT_MODE_LATENCY, type ModeLatencyProfile } from '../../model/insight-settings.ts';

/** Mean latency of the observations made in one DWCP mode. */
export interface ModeLatency {
  /** The mode (`datacenter`, `internet`, `hybrid`; another value is scored on the default scale). */
  readonly mode: string;
  /** Mean latency, ms (≥ 0). */
  readonly latencyMs: number;
  /** Number of observations the mean rests on (> 0). */
  readonly observations: number;
}

/** A mode's latency with its score and the profile it was scored on. */
export interface ScoredModeLatency extends ModeLatency {
  readonly score: number;
  readonly baselineMs: number;
  readonly zeroScoreMs: number;
}

/** Inputs of one region at one time. */
export interface RegionHealthInput {
  /** Availability in percent, 0..100. */
  readonly availabilityPercent: number;
  /** Resource utilisation in percent, 0..100 (headroom = 100 − utilisation). */
  readonly utilizationPercent: number;
  /** Latency in milliseconds, ≥ 0. */
  readonly latencyMs: number;
  /** Error rate as a ratio, 0..1. */
  readonly errorRate: number;
  /** Consensus health in percent, 0..100 (e.g. share of healthy quorum members). */
  readonly consensusHealthPercent: number;
  /** Latency per DWCP mode; when given and non-empty the latency factor is scored per mode (module comment). */
  readonly latencyByMode?: readonly ModeLatency[];
}

export interface HealthWeights {
  readonly availability: number;
  readonly headroom: number;
  readonly latency: number;
  readonly errorRate: number;
  readonly consensus: number;
}

/** Weights of the original (inventory 6.2). */
export const DEFAULT_HEALTH_WEIGHTS: HealthWeights = {
  availability: 0.3,
  headroom: 0.2,
  latency: 0.2,
  errorRate: 0.2,
  consensus: 0.1,
};
/** Latency that scores 0 (100 ms reproduces the original mapping). */
export const DEFAULT_LATENCY_ZERO_SCORE_MS = 100;
/** Error rate that scores 0 (5 %: the v1 DWCPHighErrorRate alert threshold, seed 001). */
export const DEFAULT_ERROR_RATE_ZERO_SCORE = 0.05;
/** Status thresholds (inventory 6.2): healthy ≥ 80, degraded ≥ 60, unhealthy below. */
export const HEALTHY_MIN_SCORE = 80;
export const DEGRADED_MIN_SCORE = 60;

export type RegionStatus = 'healthy' | 'degraded' | 'unhealthy';

export interface RegionScoreOptions {
  readonly weights?: HealthWeights;
  /** Zero point of the latency factor without per-mode data, and for an unknown mode (baseline 0). */
  readonly latencyZeroScoreMs?: number;
  readonly errorRateZeroScore?: number;
  /** Latency profile per mode; default DEFAULT_MODE_LATENCY. */
  readonly modeLatency?: Readonly<Record<Mode, ModeLatencyProfile>>;
}

/** Score, status and the five factor scores (each 0..100). */
export interface RegionScore {
  readonly score: number;
  readonly status: RegionStatus;
  readonly factors: {
    readonly availability: number;
    readonly headroom: number;
    readonly latency: number;
    readonly errorRate: number;
    readonly consensus: number;
  };
  /** Per-mode latency scores behind the latency factor (empty without per-mode data). */
  readonly latencyByMode: readonly ScoredModeLatency[];
}

/**
 * The latency factor on one profile: 100 at or below `baselineMs`, 0 at or above `zeroScoreMs`, linear between.
 * @throws ConfigError for a profile with baseline < 0 or zero point ≤ baseline.
 */
export function latencyFactor(latencyMs: number, profile: ModeLatencyProfile): number {
  validateProfile('latency profile', profile);
  if (latencyMs <= profile.baselineMs) return 100;
  return Math.max(0, (100 * (profile.zeroScoreMs - latencyMs)) / (profile.zeroScoreMs - profile.baselineMs));
}

function validateProfile(name: string, p: ModeLatencyProfile): void {
  if (!(Number.isFinite(p.baselineMs) && p.baselineMs >= 0))
    throw new ConfigError(`${name}: baselineMs must be >= 0, got ${p.baselineMs}`);
  if (!(Number.isFinite(p.zeroScoreMs) && p.zeroScoreMs > p.baselineMs)) {
    throw new ConfigError(
      `${name}: zeroScoreMs must be greater than baselineMs (${p.baselineMs}), got ${p.zeroScoreMs}`,
    );
  }
}

/**
 * Checks weights: five finite numbers ≥ 0 summing to 1 (within 1e-9).
 * @throws ConfigError naming the bad weight or the sum.
 */
export function validateWeights(w: HealthWeights): void {
  let sum = 0;
  for (const k of ['availability', 'headroom', 'latency', 'errorRate', 'consensus'] as const) {
    const v = w[k];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
      throw new ConfigError(`weights.${k} must be a finite number >= 0, got ${String(v)}`);
    sum += v;
  }
  if (Math.abs(sum - 1) > 1e-9) throw new ConfigError(`weights must sum to 1, got ${sum}`);
}

/** healthy ≥ 80, degraded ≥ 60, unhealthy otherwise. */
export function healthStatus(score: number): RegionStatus {
  return score >= HEALTHY_MIN_SCORE ? 'healthy' : score >= DEGRADED_MIN_SCORE ? 'degraded' : 'unhealthy';
}

function inRange(name: string, v: number, lo: number, hi: number): void {
  if (!Number.isFinite(v) || v < lo || v > hi)
    throw new InvalidInputError(`${name} must be in [${lo}, ${hi}], got ${v}`);
}

/**
 * Scores one region (see the module comment for the mappings).
 * @throws InvalidInputError for inputs outside their ranges or NaN.
 * @throws ConfigError for invalid weights or non-positive zero points.
 */
export function scoreRegion(input: RegionHealthInput, options: RegionScoreOptions = {}): RegionScore {
  const w = options.weights ?? DEFAULT_HEALTH_WEIGHTS;
  validateWeights(w);
  const latZero = options.latencyZeroScoreMs ?? DEFAULT_LATENCY_ZERO_SCORE_MS;
  const errZero = options.errorRateZeroScore ?? DEFAULT_ERROR_RATE_ZERO_SCORE;
  if (!Number.isFinite(latZero) || latZero <= 0)
    throw new ConfigError(`latencyZeroScoreMs must be > 0, got ${latZero}`);
  if (!Number.isFinite(errZero) || errZero <= 0 || errZero > 1)
    throw new ConfigError(`errorRateZeroScore must be in (0, 1], got ${errZero}`);
  inRange('availabilityPercent', input.availabilityPercent, 0, 100);
  inRange('utilizationPercent', input.utilizationPercent, 0, 100);
  inRange('latencyMs', input.latencyMs, 0, Number.MAX_VALUE);
  inRange('errorRate', input.errorRate, 0, 1);
  inRange('consensusHealthPercent', input.consensusHealthPercent, 0, 100);
  const profiles = options.modeLatency ?? DEFAULT_MODE_LATENCY;
  const fallback: ModeLatencyProfile = { baselineMs: 0, zeroScoreMs: latZero };
  const byMode = (input.latencyByMode ?? []).map((m, i): ScoredModeLatency => {
    inRange(`latencyByMode[${i}].latencyMs`, m.latencyMs, 0, Number.MAX_VALUE);
    if (!(Number.isFinite(m.observations) && m.observations > 0)) {
      throw new InvalidInputError(`latencyByMode[${i}].observations must be > 0, got ${m.observations}`);
    }
    const profile = isMode(m.mode) ? profiles[m.mode] : fallback;
    return {
      ...m,
      score: latencyFactor(m.latencyMs, profile),
      baselineMs: profile.baselineMs,
      zeroScoreMs: profile.zeroScoreMs,
    };
  });
  const observations = byMode.reduce((a, m) => a + m.observations, 0);
  const factors = {
    availability: input.availabilityPercent,
    headroom: 100 - input.utilizationPercent,
    latency:
      byMode.length > 0
        ? byMode.reduce((a, m) => a + m.observations * m.score, 0) / observations
        : latencyFactor(input.latencyMs, fallback),
    errorRate: Math.max(0, 100 * (1 - input.errorRate / errZero)),
    consensus: input.consensusHealthPercent,
  };
  const score =
    w.availability * factors.availability +
    w.headroom * factors.headroom +
    w.latency * factors.latency +
    w.errorRate * factors.errorRate +
    w.consensus * factors.consensus;
  // Factors are in 0..100 and weights sum to 1, so the score is too; min/max only absorb rounding.
  const clamped = Math.min(100, Math.max(0, score));
  return { score: clamped, status: healthStatus(clamped), factors, latencyByMode: byMode };
}

/** A past score of one region. */
export interface ScorePoint {
  readonly tMs: number;
  readonly score: number;
}

/** Most points accepted per region history (one week at one-minute steps, as the original capacity planner). */
export const MAX_SCORE_HISTORY = 10_080;
/** Most regions accepted by {@link detectDegradedRegions}. */
export const MAX_REGIONS = 1000;

/**
 * Appends a point to a history and drops the oldest beyond `maxPoints` (returns a new array).
 * @throws InvalidInputError when the point is not after the last one or its score is outside 0..100.
 */
export function appendScore(
  history: readonly ScorePoint[],
  point: ScorePoint,
  maxPoints = MAX_SCORE_HISTORY,
): ScorePoint[] {
  if (!Number.isInteger(maxPoints) || maxPoints < 1 || maxPoints > MAX_SCORE_HISTORY) {
    throw new InvalidInputError(
      `maxPoints must be an integer in [1, ${MAX_SCORE_HISTORY}], got ${maxPoints}`,
    );
  }
  inRange('score', point.score, 0, 100);
  const last = history[history.length - 1];
  if (!Number.isFinite(point.tMs) || (last && point.tMs <= last.tMs))
    throw new InvalidInputError(`point time ${point.tMs} must be after ${last?.tMs}`);
  const out = history.length >= maxPoints ? history.slice(history.length - maxPoints + 1) : history.slice();
  out.push(point);
  return out;
}

function validateHistory(name: string, h: readonly ScorePoint[]): void {
  if (h.length > MAX_SCORE_HISTORY)
    throw new LimitExceededError(`${name} has ${h.length} points; the limit is ${MAX_SCORE_HISTORY}`);
  let prev = -Infinity;
  h.forEach((p, i) => {
    if (!Number.isFinite(p.tMs) || p.tMs <= prev)
      throw new InvalidInputError(`${name}[${i}].tMs must be finite and increasing`);
    inRange(`${name}[${i}].score`, p.score, 0, 100);
    prev = p.tMs;
  });
}

export interface TrendOptions {
  /** Points with tMs in [now − windowMs, now] are used; default 1 h. */
  readonly windowMs?: number;
  /** |slope| below this many score points per hour is `stable`; default 5 (the original's ±5 step). */
  readonly stableSlopePerHour?: number;
  /** Fewer points than this gives `unknown`; default 3. */
  readonly minPoints?: number;
}

export type TrendDirection = 'improving' | 'degrading' | 'stable' | 'unknown';

export interface ScoreTrend {
  /** Least-squares slope in score points per hour; null with too few points. */
  readonly slopePerHour: number | null;
  readonly trend: TrendDirection;
  readonly points: number;
}

/**
 * Trend of a score history: ordinary least-squares slope of score against time (hours) over the window;
 * `improving` when slope ≥ +threshold, `degrading` when ≤ −threshold, `stable` between, `unknown` with fewer than
 * `minPoints` points in the window.
 * @throws InvalidInputError for unsorted history, scores outside 0..100, or bad options.
 * @throws LimitExceededError for a history over {@link MAX_SCORE_HISTORY} points.
 */
export function scoreTrend(history: readonly ScorePoint[], options: TrendOptions, nowMs: number): ScoreTrend {
  const windowMs = options.windowMs ?? 3_600_000;
  const threshold = options.stableSlopePerHour ?? 5;
  const minPoints = options.minPoints ?? 3;
  if (!Number.isFinite(windowMs) || windowMs <= 0)
    throw new InvalidInputError(`windowMs must be > 0, got ${windowMs}`);
  if (!Number.isFinite(threshold) || threshold < 0)
    throw new InvalidInputError(`stableSlopePerHour must be >= 0, got ${threshold}`);
  if (!Number.isInteger(minPoints) || minPoints < 2)
    throw new InvalidInputError(`minPoints must be an integer >= 2, got ${minPoints}`);
  validateHistory('history', history);
  const pts = history.filter((p) => p.tMs >= nowMs - windowMs && p.tMs <= nowMs);
  if (pts.length < minPoints) return { slopePerHour: null, trend: 'unknown', points: pts.length };
  let mx = 0;
  let my = 0;
  for (const p of pts) {
    mx += (p.tMs - nowMs) / 3_600_000;
    my += p.score;
  }
  mx /= pts.length;
  my /= pts.length;
  let sxy = 0;
  let sxx = 0;
  for (const p of pts) {
    const dx = (p.tMs - nowMs) / 3_600_000 - mx;
    sxy += dx * (p.score - my);
    sxx += dx * dx;
  }
  const slope = sxy / sxx;
  const trend: TrendDirection =
    slope > 0 && slope >= threshold ? 'improving' : slope < 0 && slope <= -threshold ? 'degrading' : 'stable';
  return { slopePerHour: slope, trend, points: pts.length };
}

/** A region whose latest score is degraded or unhealthy. */
export interface DegradedRegion {
  readonly region: string;
  readonly status: Exclude<RegionStatus, 'healthy'>;
  readonly score: number;
  /** Start of the current run of non-healthy scores (time of its first point). */
  readonly sinceMs: number;
  /** now − sinceMs. */
  readonly durationMs: number;
  /** Lowest score in the run. */
  readonly worstScore: number;
  readonly trend: ScoreTrend;
  /** True when the latest point is older than `staleAfterMs` (the status may be out of date). */
  readonly stale: boolean;
}

export interface DegradedOptions extends TrendOptions {
  /** Latest point older than this marks the region stale; default 5 min. */
  readonly staleAfterMs?: number;
}

/**
 * Regions whose latest score is below 80, worst first (lowest score, then longest), with how long they have been
 * non-healthy and their trend.
 * @param histories region → time-ordered score history
 * @throws LimitExceededError over {@link MAX_REGIONS} regions or {@link MAX_SCORE_HISTORY} points per region.
 * @throws InvalidInputError for unsorted histories or scores outside 0..100.
 */
export function detectDegradedRegions(
  histories: ReadonlyMap<string, readonly ScorePoint[]>,
  options: DegradedOptions,
  nowMs: number,
): DegradedRegion[] {
  if (histories.size > MAX_REGIONS)
    throw new LimitExceededError(`${histories.size} regions; the limit is ${MAX_REGIONS}`);
  const staleAfterMs = options.staleAfterMs ?? 300_000;
  const out: DegradedRegion[] = [];
  for (const [region, h] of histories) {
    validateHistory(`histories[${region}]`, h);
    const last = h[h.length - 1];
    if (!last || healthStatus(last.score) === 'healthy') continue;
    let i = h.length - 1;
    let worst = last.score;
    while (i > 0 && healthStatus(h[i - 1]!.score) !== 'healthy') {
      i--;
      worst = Math.min(worst, h[i]!.score);
    }
    const sinceMs = h[i]!.tMs;
    out.push({
      region,
      status: healthStatus(last.score) as Exclude<RegionStatus, 'healthy'>,
      score: last.score,
      sinceMs,
      durationMs: nowMs - sinceMs,
      worstScore: worst,
      trend: scoreTrend(h, options, nowMs),
      stale: nowMs - last.tMs > staleAfterMs,
    });
  }
  return out.sort(
    (a, b) => a.score - b.score || b.durationMs - a.durationMs || a.region.localeCompare(b.region),
  );
}
