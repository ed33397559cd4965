/**
 * Options of the CUSUM trend detector (cusum.ts): their defaults, the decision interval h solved from a target
 * in-control run length (Siegmund's approximation), and their validation. Method and sources in cusum.ts.
 * @see D. Siegmund, "Sequential Analysis", Springer 1985, §X.2; D. C. Montgomery, "Introduction to Statistical
 * Quality Control", eq. 9.11.
 */
import { InvalidInputError } from '../../errors.ts';
import type { Direction } from '../../model/anomaly.ts';
import type { DetectorContext } from './detector.ts';
import { kindDefaults } from './ewma.ts';
import { MAX_BASELINE_BINS } from './seasonal-baseline-options.ts';
import type { ExcursionHold } from './cusum-excursion.ts';

/** Options of the CUSUM detector (cusum.ts `createCusumDetector`). */
export interface CusumOptions {
  /** Reference value k in σ (> 0, finite): the chart detects shifts of δ = 2k quickest. Default 1. */
  readonly k: number;
  /**
   * Target in-control average run length in samples (≥ 10): h is solved from it ({@link cusumThreshold}).
   * Default 1e6. Ignored when `h` is given.
   */
  readonly arl0: number;
  /** Decision interval h in σ (> 0, finite); default from `arl0`. */
  readonly h?: number;
  /** Standardised residuals are clipped to ±clip before they are summed (> k, finite). Default 4. */
  readonly clip: number;
  /** The sample must lie outside expected ± bandSigma·σ (bad direction) for a vote (≥ 0). Default 2k. */
  readonly bandSigma?: number;
  /** Half-life of the baseline level and scale in samples (≥ 2, finite). Default 600. */
  readonly baselineHalfLife: number;
  /** Half-life of the seasonal offsets in periods (> 0). Default 2. */
  readonly seasonHalfLifePeriods: number;
  /** Standardise each phase bin by max(σ, the bin's own σ) (seasonal-baseline.ts; with periodMs). Default true. */
  readonly seasonalScale: boolean;
  /** Samples with S ≥ h after which the baseline is re-anchored and S restarts (integer ≥ 1). Default 3. */
  readonly restartSamples: number;
  /** Residuals are clipped at ±huber·σ before the baseline learns them (> 0). Default 3. */
  readonly huber: number;
  /** Samples learned before judging (integer in [2, 1e6]). Default 60. */
  readonly warmupSamples: number;
  /** Seasonal baseline period in ms (integer in [1000, 1e11]); undefined: a flat level. */
  readonly periodMs?: number;
  /** Phase bins of the seasonal baseline (integer in [1, 64]). Default 48. */
  readonly bins: number;
  /** Day-of-week offsets on top of the daily profile (with periodMs). Default false (measured: no gain on the corpus or NAB). */
  readonly weekly: boolean;
  /**
   * Weekly step calendar (with periodMs; step-calendar.ts): a restart that was undone later and recurs one week
   * (7 periods) after it at the same time of week (± 1/24 period) with about the same size (± bandSigma σ) is
   * expected — the chart re-anchors on it at once and does not vote. Default false.
   */
  readonly weeklySteps: boolean;
  /**
   * First-week boundary steps (needs `weeklySteps`; step-calendar.ts `unseenBoundary`): an excursion that began at a
   * period boundary (± 1/24 period) at a time of week the chart had not judged one week earlier is as likely the
   * first sight of a weekly pattern as a shift, so the chart re-anchors on it at once without a vote and the calendar
   * records it (from the second week it is judged as any step). Default false.
   */
  readonly firstWeekSteps: boolean;
  /**
   * Decision interval per side from the series' own whitened residuals (cusum-tail.ts): where their tail on a side
   * is heavier than Gaussian, h is raised so that the run length's dominant term e^{θ*·(h + 1.166)} is the one
   * `arl0` states (θ* the root of the increments' moment generating function). Never below the Gaussian h.
   * Default false.
   */
  readonly calibrateH: boolean;
  /** Bad direction (default from the metric kind). */
  readonly direction: Direction;
  /** σ ≥ relativeSigmaFloor·|μ| (≥ 0). Default 1e-3. */
  readonly relativeSigmaFloor: number;
  /** σ ≥ absoluteSigmaFloor (> 0). Default 1e-9. */
  readonly absoluteSigmaFloor: number;
  /** S is capped at maxSumFactor·h (≥ 1). Default 2. */
  readonly maxSumFactor: number;
  /**
   * Restart only from inside the excursion: when the restart is due but the current sample is back inside the band
   * (bad direction), the sums restart without moving the baseline (a burst ended; it was no new level). Not in a
   * seasonal baseline's first period, where the level follows every excursion (the daily shape is not known yet).
   * Default false (the restart always re-anchors).
   */
  readonly restartInside: boolean;
  /**
   * Estimate the whitening's lag-1 autocorrelation around the residual's EW mean (the sample autocorrelation of
   * Box, Jenkins & Reinsel) instead of around 0, so a persistent offset (a leak's excursion) does not raise φ̂.
   * Default false.
   */
  readonly centred: boolean;
  /**
   * Drift chart (cusum.ts, "Drift chart"): a second pair of sums on residuals whitened with the centred lag-1
   * autocorrelation, voting only while the Mann–Kendall trend of the deseasonalised block means is significant
   * (drift-trend.ts) and persists over the newest half of the blocks. Default false.
   */
  readonly drift: boolean;
  /**
   * Scale chart (scale-chart.ts): an upper CUSUM on ln d² of the residuals' successive differences, standardised by
   * its own in-control mean and sd, k for a doubling of σ and h from `arl0`; it votes on a sample outside the band
   * once the spread has grown for long enough. Default false.
   */
  readonly scale: boolean;
  /**
   * With `scale` and `drift`: the drift chart standardises its residuals by the noise's σ read from the scale chart's
   * in-control mean of ln d² (scale-chart.ts `noiseSigma`, with the drift chart's centred φ̂) instead of the
   * baseline's mean absolute residual, which learns a level error (a weekend, a leak's ramp) as noise; the baseline's
   * σ stands in while the scale chart is learning or out of control. Default false (measured: more leaks found and
   * more benign trends paged, docs/anomaly-detection.md).
   */
  readonly scaleSigma: boolean;
  /**
   * With `drift`: a model of benign level movement (walk-variogram.ts): the random walk's diffusion is estimated from
   * the variogram of the drift test's block means at lags 1 and driftBlocks − 1, learned while the drift chart is in
   * control, and the drift chart votes only when Sen's slope of its window exceeds what the walk and the block
   * noise explain at the one-sided `driftZ`. Default false.
   */
  readonly walkDiffusion: boolean;
  /**
   * With `drift`: the drift chart also votes on one shift in the mean of its block means (block-shift.ts: the
   * likelihood-ratio test over the splits with ≥ 3 blocks each side, against the block noise and, with
   * `walkDiffusion`, the level's walk; threshold from `arl0` per evaluated block), on a sample outside the band in
   * the shift's direction, once per shift. Default false.
   */
  readonly shiftTest: boolean;
  /**
   * Excursion hold (cusum-excursion.ts): the baseline's noise scale does not learn while an excursion confirmed by
   * Page's sums on the unwhitened residuals (the chart's k and h) lasts (`excursion`), or only while such an
   * excursion the chart has voted on lasts (`alarm`), so it does not inflate the σ that should find the next
   * anomaly; after a restart σ learns from the post-change residuals only. Default `off`.
   */
  readonly excursionHold: ExcursionHold;
  /**
   * Excursion anchor (cusum-anchor.ts): while an excursion confirmed by the gate of `excursionHold` lasts, the
   * whitening's φ̂ does not learn; once the excursion has stopped moving (its fast and slow EW means agree) and the
   * chart's sum on its side is below h/2, or when it undoes the last such re-anchor (a weekend's return), the level is
   * re-anchored by its recent mean without a vote, so a missed leak's lag ends. Default false.
   */
  readonly excursionAnchor: boolean;
  /** Samples per block mean of the drift test (integer in [1, 1e5]). Default 16. */
  readonly driftBlockSamples: number;
  /** Block means in the drift test (integer in [4, 32]). Default 12. */
  readonly driftBlocks: number;
  /** One-sided Mann–Kendall Z the drift test needs (> 0). Default 2.326 (α = 0.01). */
  readonly driftZ: number;
  /** One-sided Mann–Kendall Z over the newest half of the blocks the drift test needs (> 0). Default 1.645 (α = 0.05). */
  readonly driftRecentZ: number;
}

/** Defaults (kind `generic`, direction both). */
export const DEFAULT_CUSUM_OPTIONS: CusumOptions = Object.freeze({
  k: 1,
  arl0: 1e6,
  clip: 4,
  baselineHalfLife: 600,
  seasonHalfLifePeriods: 1,
  seasonalScale: true,
  restartSamples: 3,
  huber: 3,
  warmupSamples: 60,
  bins: 48,
  weekly: false,
  weeklySteps: false,
  firstWeekSteps: false,
  calibrateH: false,
  direction: 'both',
  relativeSigmaFloor: 1e-3,
  absoluteSigmaFloor: 1e-9,
  maxSumFactor: 2,
  restartInside: false,
  centred: false,
  drift: false,
  scale: false,
  scaleSigma: false,
  walkDiffusion: false,
  shiftTest: false,
  excursionHold: 'off',
  excursionAnchor: false,
  driftBlockSamples: 16,
  driftBlocks: 12,
  driftZ: 2.326,
  driftRecentZ: 1.645,
});

/** Siegmund's b − h offset (ρ = 0.583·2 for Gaussian increments; Siegmund 1985). */
const SIEGMUND_OFFSET = 1.166;
const MAX_BINS = MAX_BASELINE_BINS;
const OPTION_KEYS = new Set([...Object.keys(DEFAULT_CUSUM_OPTIONS), 'h', 'bandSigma', 'periodMs']);

/** Siegmund's in-control ARL of a one-sided CUSUM with N(0, 1) increments, reference k and interval h. */
export function siegmundArl0(k: number, h: number): number {
  const b = h + SIEGMUND_OFFSET;
  const a = 2 * k * b;
  return (Math.exp(a) - a - 1) / (2 * k * k);
}

/**
 * The decision interval h with {@link siegmundArl0}(k, h) = arl0 (bisection; h ≥ 0). For k = 1: ARL₀ 1e4 → 3.79,
 * 1e6 → 6.09 (Siegmund, as computed here). @throws InvalidInputError for k not finite and > 0 or arl0 < 10 / not finite.
 */
export function cusumThreshold(k: number, arl0: number): number {
  if (!(Number.isFinite(k) && k > 0))
    throw new InvalidInputError(`cusum: k must be finite and > 0, got ${k}`);
  if (!(Number.isFinite(arl0) && arl0 >= 10))
    throw new InvalidInputError(`cusum: arl0 must be finite and >= 10, got ${arl0}`);
  if (siegmundArl0(k, 0) >= arl0) return 0;
  let lo = 0;
  let hi = 1;
  while (siegmundArl0(k, hi) < arl0) hi *= 2;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (siegmundArl0(k, mid) < arl0) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Resolved options (h and bandSigma filled in). */
export type ResolvedCusumOptions = Omit<CusumOptions, 'h' | 'bandSigma'> & {
  readonly h: number;
  readonly bandSigma: number;
};

/**
 * Merges defaults, the kind's direction, `ctx.direction` and `options`, solves h, and validates.
 * @throws InvalidInputError for an unknown kind/option or any value out of its documented range.
 */
export function resolveCusumOptions(
  ctx: DetectorContext,
  options: Partial<CusumOptions> = {},
): ResolvedCusumOptions {
  const kd = kindDefaults(ctx, options, OPTION_KEYS, 'cusum detector');
  const given = Object.fromEntries(
    Object.entries(options).filter(([, v]) => v !== undefined),
  ) as Partial<CusumOptions>;
  const o = { ...DEFAULT_CUSUM_OPTIONS, direction: kd.direction, ...given };
  const bad = (msg: string): never => {
    throw new InvalidInputError(`cusum detector: ${msg}`);
  };
  if (!(Number.isFinite(o.k) && o.k > 0)) bad(`k must be finite and > 0, got ${o.k}`);
  const h = o.h ?? cusumThreshold(o.k, o.arl0);
  if (!(Number.isFinite(h) && h > 0)) bad(`h must be finite and > 0, got ${h}`);
  if (!(Number.isFinite(o.clip) && o.clip > o.k)) bad(`clip must be finite and > k, got ${o.clip}`);
  const bandSigma = o.bandSigma ?? 2 * o.k;
  if (!(Number.isFinite(bandSigma) && bandSigma >= 0))
    bad(`bandSigma must be finite and >= 0, got ${bandSigma}`);
  if (!(Number.isFinite(o.baselineHalfLife) && o.baselineHalfLife >= 2))
    bad(`baselineHalfLife must be finite and >= 2, got ${o.baselineHalfLife}`);
  if (!(o.huber > 0)) bad(`huber must be > 0, got ${o.huber}`);
  if (!(Number.isInteger(o.warmupSamples) && o.warmupSamples >= 2 && o.warmupSamples <= 1e6))
    bad(`warmupSamples must be an integer in [2, 1e6], got ${o.warmupSamples}`);
  if (o.periodMs !== undefined && !(Number.isInteger(o.periodMs) && o.periodMs >= 1000 && o.periodMs <= 1e11))
    bad(`periodMs must be an integer in [1000, 1e11], got ${o.periodMs}`);
  if (!(Number.isInteger(o.bins) && o.bins >= 1 && o.bins <= MAX_BINS))
    bad(`bins must be an integer in [1, ${MAX_BINS}], got ${o.bins}`);
  if (!['up', 'down', 'both'].includes(o.direction))
    bad(`direction must be up, down or both, got ${String(o.direction)}`);
  if (!(Number.isFinite(o.relativeSigmaFloor) && o.relativeSigmaFloor >= 0))
    bad('relativeSigmaFloor must be finite and >= 0');
  if (!(Number.isFinite(o.absoluteSigmaFloor) && o.absoluteSigmaFloor > 0))
    bad('absoluteSigmaFloor must be finite and > 0');
  if (!(Number.isFinite(o.maxSumFactor) && o.maxSumFactor >= 1))
    bad(`maxSumFactor must be finite and >= 1, got ${o.maxSumFactor}`);
  if (!(Number.isFinite(o.seasonHalfLifePeriods) && o.seasonHalfLifePeriods > 0))
    bad(`seasonHalfLifePeriods must be finite and > 0, got ${o.seasonHalfLifePeriods}`);
  if (typeof o.seasonalScale !== 'boolean')
    bad(`seasonalScale must be a boolean, got ${String(o.seasonalScale)}`);
  if (!(Number.isInteger(o.restartSamples) && o.restartSamples >= 1))
    bad(`restartSamples must be an integer >= 1, got ${o.restartSamples}`);
  if (typeof o.restartInside !== 'boolean')
    bad(`restartInside must be a boolean, got ${String(o.restartInside)}`);
  if (typeof o.centred !== 'boolean') bad(`centred must be a boolean, got ${String(o.centred)}`);
  if (typeof o.weeklySteps !== 'boolean') bad(`weeklySteps must be a boolean, got ${String(o.weeklySteps)}`);
  if (typeof o.firstWeekSteps !== 'boolean')
    bad(`firstWeekSteps must be a boolean, got ${String(o.firstWeekSteps)}`);
  if (o.firstWeekSteps && !o.weeklySteps) bad('firstWeekSteps needs weeklySteps');
  if (typeof o.calibrateH !== 'boolean') bad(`calibrateH must be a boolean, got ${String(o.calibrateH)}`);
  if (typeof o.scale !== 'boolean') bad(`scale must be a boolean, got ${String(o.scale)}`);
  if (typeof o.scaleSigma !== 'boolean') bad(`scaleSigma must be a boolean, got ${String(o.scaleSigma)}`);
  if (o.scaleSigma && !(o.scale && o.drift)) bad('scaleSigma needs scale and drift');
  if (typeof o.walkDiffusion !== 'boolean')
    bad(`walkDiffusion must be a boolean, got ${String(o.walkDiffusion)}`);
  if (o.walkDiffusion && !o.drift) bad('walkDiffusion needs drift');
  if (typeof o.shiftTest !== 'boolean') bad(`shiftTest must be a boolean, got ${String(o.shiftTest)}`);
  if (o.shiftTest && !o.drift) bad('shiftTest needs drift');
  if (!['off', 'excursion', 'alarm'].includes(o.excursionHold))
    bad(`excursionHold must be off, excursion or alarm, got ${String(o.excursionHold)}`);
  if (typeof o.excursionAnchor !== 'boolean')
    bad(`excursionAnchor must be a boolean, got ${String(o.excursionAnchor)}`);
  if (typeof o.drift !== 'boolean') bad(`drift must be a boolean, got ${String(o.drift)}`);
  if (!(Number.isInteger(o.driftBlockSamples) && o.driftBlockSamples >= 1 && o.driftBlockSamples <= 100_000))
    bad(`driftBlockSamples must be an integer in [1, 1e5], got ${o.driftBlockSamples}`);
  if (!(Number.isInteger(o.driftBlocks) && o.driftBlocks >= 4 && o.driftBlocks <= 32))
    bad(`driftBlocks must be an integer in [4, 32], got ${o.driftBlocks}`);
  if (!(Number.isFinite(o.driftZ) && o.driftZ > 0)) bad(`driftZ must be finite and > 0, got ${o.driftZ}`);
  if (!(Number.isFinite(o.driftRecentZ) && o.driftRecentZ > 0))
    bad(`driftRecentZ must be finite and > 0, got ${o.driftRecentZ}`);
  return Object.freeze({ ...o, h, bandSigma });
}
