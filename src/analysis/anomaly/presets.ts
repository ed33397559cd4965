/**
 * The ensembles the monitor ships, as data: which members, at which calibrated vote thresholds, with how much
 * muting. Every number here was chosen by a measurement named next to it (`npm run bench:detect`; tuning
 * method in docs/anomaly-detection.md) — they are tuned values, not derived ones.
 *
 * - `statistical`: EWMA + seasonal profile + relative entropy. Cheap enough for every series the monitor
 *   analyses (≈ 1 µs/sample, < 4 KB state); the monitor's default detector on DWCP catalog kinds (with the DWCP
 *   tuning; kind `generic` takes the `live` preset, src/monitor/live-detector.ts).
 * - `full`: CAD OSE plus the statistical members (KNN-CAD can be added through the tuning). CAD OSE costs
 *   ~100 µs per sample and up to ~1.5 MB of state per series: for a few important series or offline analysis,
 *   not for thousands of series.
 * - `live`: what the monitor pages on (live-tuning.ts): level members (EWMA, seasonal), a CUSUM trend member
 *   and relative entropy as a shape member under the ensemble's `band` paging rule (no page on a distribution
 *   change alone or inside the band). The older presets keep the `any` rule they were measured with.
 */
import { InvalidInputError } from '../../errors.ts';
import { normalQuantile, normalUpperTail } from '../../math/normal.ts';
import { createContextOseDetector } from './context-ose.ts';
import { createCusumDetector, type ResolvedCusumOptions } from './cusum.ts';
import type { ExcursionHold } from './cusum-excursion.ts';
import { createHoltWintersLevelDetector } from './holt-winters-level.ts';
import type { DetectorContext, InputRange } from './detector.ts';
import { EnsembleDetector } from './ensemble.ts';
import type { EnsembleMember, PageRule } from './ensemble-config.ts';
import { createEwmaDetector, DEFAULT_EWMA_OPTIONS, deviationScore } from './ewma.ts';
import { createKnnCadDetector } from './knn-cad.ts';
import { createRampDetector, RAMP_EVIDENCE_SAMPLES } from './ramp.ts';
import { createRelativeEntropyDetector } from './relative-entropy.ts';
import { createSeasonalDetector, SEASONAL_DEFAULTS } from './seasonal.ts';

/** Names of the shipped ensembles. */
export const ENSEMBLE_PRESETS = ['statistical', 'full', 'live'] as const;
export type EnsemblePreset = (typeof ENSEMBLE_PRESETS)[number];

/**
 * Member settings of one preset. `ewma` and `seasonal` are alarm thresholds in standard deviations along the bad
 * direction (their bands are drawn at these); `knn-cad` and `context-ose` are thresholds on their own scores;
 * relative entropy is binary. A member left out is not in the ensemble.
 */
export interface PresetTuning {
  readonly ewmaSigma?: number;
  readonly seasonalSigma?: number;
  /** Seasonal member: samples a bin learns before its own scale may be narrower than the global one (seasonal.ts `minBinSamples`; default 1). */
  readonly seasonalMinBinSamples?: number;
  readonly relativeEntropy?: boolean;
  /**
   * The EWMA member draws its band (at `ewmaSigma`) but never votes (vote threshold 1: its score stays below 1
   * for every finite deviation): under the `band` rule with `corroborate` it only corroborates shape votes, so
   * a shape member pages only with the sample outside that band on the metric's bad side. Default false.
   */
  readonly ewmaBandOnly?: boolean;
  /** Samples the EWMA member learns before it judges (default: the EWMA detector's 30). */
  readonly ewmaWarmupSamples?: number;
  readonly knnCadScore?: number;
  readonly contextOseScore?: number;
  /** Samples muted after an alarm (NAB; the live monitor uses its engine's cooldown instead). */
  readonly muteSamples: number;
  /** Holt-Winters level member (holt-winters-level.ts): alarm threshold in σ along the bad direction. */
  readonly hwSigma?: number;
  /**
   * Holt-Winters level member: judged samples after which a vote that is a new record of the series' deviations
   * pages without a second sample (holt-winters-level.ts `recordMinSamples`, record-evidence.ts). Default off.
   */
  readonly hwRecordAfter?: number;
  /**
   * Holt-Winters level member: records count before `hwRecordAfter` too, at the larger margin of the same budget
   * (holt-winters-level.ts `recordScaled`, record-evidence.ts `recordMargin`). Default off.
   */
  readonly hwRecordScaled?: boolean;
  /**
   * Holt-Winters level member: a vote that counted as a record stays out of the history later records are judged
   * against (holt-winters-level.ts `recordInControl`, record-evidence.ts `inControl`). Default off.
   */
  readonly hwRecordInControl?: boolean;
  /**
   * Holt-Winters level member: the alarm threshold from this per-sample false-alarm rate under a fitted exponential
   * tail above q̂₀.₉₉, its scale at an upper confidence bound (holt-winters-level.ts `tailAlpha`, tail-fit.ts).
   * Default off (the threshold max(hwSigma, 2·q̂₀.₉₉)).
   */
  readonly hwTailAlpha?: number;
  /**
   * CUSUM trend member: reference value k (σ), target in-control run length (samples) and whether a restart due on
   * a sample back inside the band leaves the baseline where it is (`restartInside`, default false); see cusum.ts. With
   * `confirms`, a signal of the chart counts as the run of samples it rests on ({@link cusumEvidenceSamples}) towards
   * the monitor's confirmation, so it pages without waiting for a further sample: its false-alarm rate is the one
   * its ARL₀ states, not one a second sample has to cut down. Default false (each vote counts as one sample).
   */
  readonly cusum?: {
    readonly k: number;
    readonly arl0: number;
    readonly restartInside?: boolean;
    readonly confirms?: boolean;
    /** Whitening's lag-1 autocorrelation around the residual's own mean (cusum.ts `centred`). Default false. */
    readonly centred?: boolean;
    /** The drift chart (cusum.ts `drift`: a centred chart voting only on a Mann–Kendall trend). Default false. */
    readonly drift?: boolean;
    /** The weekly step calendar (cusum.ts `weeklySteps`, step-calendar.ts). Default false. */
    readonly weeklySteps?: boolean;
    /** A first-week step at a period boundary re-anchored on without a vote (cusum.ts `firstWeekSteps`; needs `weeklySteps`). Default false. */
    readonly firstWeekSteps?: boolean;
    /** Decision interval per side from the residuals' own tails (cusum.ts `calibrateH`, cusum-tail.ts). Default false. */
    readonly calibrateH?: boolean;
    /** The scale chart (cusum.ts `scale`, scale-chart.ts: votes on a sustained growth of the residuals' spread). Default false. */
    readonly scale?: boolean;
    /** The drift chart judged against the scale chart's level-insensitive σ (cusum.ts `scaleSigma`; needs `scale` and `drift`). Default false. */
    readonly scaleSigma?: boolean;
    /** The drift chart judged beyond the level's random walk (cusum.ts `walkDiffusion`, walk-variogram.ts; needs `drift`). Default false. */
    readonly walkDiffusion?: boolean;
    /** The drift chart's shift test on its block means (cusum.ts `shiftTest`, block-shift.ts; needs `drift`). Default false. */
    readonly shiftTest?: boolean;
    /** When the noise scale is held during an excursion (cusum.ts `excursionHold`, cusum-excursion.ts). Default `off`. */
    readonly excursionHold?: ExcursionHold;
    /** φ̂ held and the level re-anchored on an excursion the chart does not report (cusum.ts `excursionAnchor`, cusum-anchor.ts). Default false. */
    readonly excursionAnchor?: boolean;
  };
  /**
   * A single EWMA vote far beyond `ewmaSigma` counts as a run of this many samples (integer ≥ 2) towards the
   * monitor's confirmation: the sample's deviation must reach c_n with Φ̄(c_n) = Φ̄(ewmaSigma)ⁿ
   * ({@link aloneSigma}), i.e. be as improbable under in-control Gaussian noise as n consecutive votes at the
   * threshold. Default none (each EWMA vote counts as one sample).
   */
  readonly ewmaAloneRun?: number;
  /**
   * Ramp trend member (ramp.ts): a window-limited GLR test for a linear trend that began within the last
   * `maxWindow` samples (default 4), its threshold from the stated per-sample false-alarm probability
   * `falseAlarmRate`. Its vote counts as the 2 samples it rests on ({@link RAMP_EVIDENCE_SAMPLES}). Default none.
   */
  readonly ramp?: { readonly falseAlarmRate: number; readonly maxWindow?: number };
  /** EWMA winsorising (σ) of learned deviations (ewma.ts `clipSigma`; default none). */
  readonly ewmaClipSigma?: number;
  /** Paging rule of the ensemble (ensemble.ts); default `any` (the rule the older presets were measured with). */
  readonly pageRule?: PageRule;
  /** Band rule: corroboration share of a level member's band for a shape vote (ensemble.ts); default 0. */
  readonly corroborate?: number;
}

/**
 * Tuning on NAB (generic kind, live rules): coordinate ascent over the members' thresholds (candidates: score
 * quantiles 0.98..0.99995 of each member, or off) and a mute grid of 30/50/75/100/150/200 samples, maximising the
 * standard profile over the whole corpus — in-sample, as NAB's own threshold optimiser is. bench:detect also
 * reports the score with the output threshold chosen leave-one-category-out, and docs/anomaly-detection.md the
 * score with these member thresholds chosen leave-one-category-out.
 * - statistical (mute 50): EWMA alarms at 48.4 σ (score z/(z+3) = 0.9416), seasonal at 13.1 σ (0.8141 of
 *   dz/(dz+3)), relative entropy on. Measured 54.1 / 34.8 / 63.7.
 * - live (mute 50, NAB's refractory convention as for the other presets): the live tuning of live-tuning.ts
 *   (Holt-Winters level at max(5 σ, 2·q̂₀.₉₉), CUSUM k = 1, ARL₀ 10⁷, restart inside the excursion only), not
 *   tuned on NAB.
 * - full (mute 100): CAD OSE at 0.6082 (its live default range: expanding, 750 samples, margin 0.25), EWMA at
 *   24 σ (0.8889), seasonal at 109 σ (0.9733: in effect only gross level breaks), relative entropy on; KNN-CAD
 *   was switched off by the search (no gain once CAD OSE is in). Measured 63.5 / 50.0 / 69.9.
 */
export const NAB_TUNING: Readonly<Record<EnsemblePreset, PresetTuning>> = Object.freeze({
  statistical: Object.freeze({
    ewmaSigma: 48.4,
    seasonalSigma: 13.1,
    relativeEntropy: true,
    muteSamples: 50,
  }),
  full: Object.freeze({
    contextOseScore: 0.6082,
    ewmaSigma: 24,
    seasonalSigma: 109,
    relativeEntropy: true,
    muteSamples: 100,
  }),
  live: Object.freeze({
    hwSigma: 5,
    cusum: Object.freeze({ k: 1, arl0: 1e7, restartInside: true }),
    muteSamples: 50,
    pageRule: 'band',
  }),
});

/** Options of {@link createEnsemble}. */
export interface EnsembleFactoryOptions {
  readonly preset: EnsemblePreset;
  readonly tuning?: PresetTuning;
  /** Mute after an alarm; default the tuning's (set 0 when an engine cooldown does the muting). */
  readonly muteSamples?: number;
  /** Seasonal period in ms (default 1 day; the simulator may compress a day). */
  readonly seasonalPeriodMs?: number;
  /** NAB's published rules only: the file's range and probation length handed over up front. */
  readonly inputRange?: InputRange;
  readonly probation?: number;
}

/**
 * The fewest samples a signal of a CUSUM chart with resolved options `o` can rest on: each sample adds at most
 * clip − k to the sum (residuals are clipped to ±clip before k is taken off, cusum.ts) and the sum starts from 0,
 * so S ≥ h needs ⌈h/(clip − k)⌉ samples of its excursion (3 for k = 1, clip 4, ARL₀ 10⁶: h ≈ 6.09). Pure.
 * @see E. S. Page, "Continuous inspection schemes", Biometrika 41 (1954) — the sum as accumulated evidence.
 */
export function cusumEvidenceSamples(o: Pick<ResolvedCusumOptions, 'h' | 'clip' | 'k'>): number {
  return Math.max(1, Math.ceil(o.h / (o.clip - o.k) - 1e-9));
}

/**
 * The deviation c_n (σ) at which one sample is as improbable under in-control N(0, 1) noise as `run` consecutive
 * one-sided exceedances of `sigma`: Φ̄(c_n) = Φ̄(sigma)^run (for sigma 3.09, run 2: 4.75). Pure.
 * @throws InvalidInputError for sigma not finite and > 0 or run not an integer in [1, 100].
 * @see W. A. Shewhart's individual-value chart and its run rules (Western Electric, "Statistical Quality Control
 *   Handbook", 1956): the false-alarm probability of a rule is the tail probability of the pattern it asks for.
 */
export function aloneSigma(sigma: number, run: number): number {
  if (!(Number.isFinite(sigma) && sigma > 0))
    throw new InvalidInputError(`aloneSigma: sigma must be finite and > 0, got ${sigma}`);
  if (!(Number.isInteger(run) && run >= 1 && run <= 100))
    throw new InvalidInputError(`aloneSigma: run must be an integer in [1, 100], got ${run}`);
  return -normalQuantile(Math.pow(normalUpperTail(sigma), run));
}

/**
 * The one-sided vote threshold c (σ) of a level member whose votes page after `run` consecutive ones, for a target
 * in-control run length of `arl0` samples under N(0, 1) noise: a run of `run` votes has probability Φ̄(c)^run per
 * sample, and with `alone` a single vote beyond {@link aloneSigma}(c, run) pages as well (the same probability), so
 * the routes' rate is routes·Φ̄(c)^run = 1/arl0, routes = 1 or 2 (run ≥ 2, Φ̄(c) small: the overlap of the routes and
 * the (1 + p) of a run's renewal are neglected). For arl0 10⁶, run 2: 3.09 alone false, 3.19 alone true. Pure.
 * @throws InvalidInputError for arl0 not finite and ≥ 10 or run not an integer in [1, 100].
 * @see D. C. Montgomery, "Introduction to Statistical Quality Control", §6.2 (ARL₀ = 1/α of a Shewhart chart).
 */
export function confirmedSigma(arl0: number, run: number, alone: boolean): number {
  if (!(Number.isFinite(arl0) && arl0 >= 10))
    throw new InvalidInputError(`confirmedSigma: arl0 must be finite and >= 10, got ${arl0}`);
  if (!(Number.isInteger(run) && run >= 1 && run <= 100))
    throw new InvalidInputError(`confirmedSigma: run must be an integer in [1, 100], got ${run}`);
  const routes = alone && run > 1 ? 2 : 1;
  return -normalQuantile(Math.pow(1 / (routes * arl0), 1 / run));
}

/** Hypotheses kept by the live relative-entropy member (memory: 16 × 7 doubles; see bench:detect). */
const LIVE_RE_HYPOTHESES = 16;

/**
 * Creates one ensemble for a series of metric kind `ctx.kind` (directional members look only at the bad side:
 * `ctx.direction` — the catalog's bad direction of the series when the detection engine builds it — else the kind's). @throws InvalidInputError for bad tuning values (from the members/ensemble).
 */
export function createEnsemble(ctx: DetectorContext, o: EnsembleFactoryOptions): EnsembleDetector {
  const t = o.tuning ?? NAB_TUNING[o.preset];
  const members: EnsembleMember[] = [];
  const direction = ctx.direction ? { direction: ctx.direction } : {};
  if (t.seasonalSigma !== undefined) {
    const periodMs = o.seasonalPeriodMs ? { periodMs: o.seasonalPeriodMs } : {};
    // Score dz/(dz + threshold): 0.5 exactly at the threshold.
    // Until its bins mature the seasonal member judges against a global robust EWMA level and scale — the EWMA
    // member's model — so it waits the same warm-up: a scale from 10 samples turns a benign step into z ≈ 20.
    const minSamples = Math.max(
      SEASONAL_DEFAULTS.minSamples,
      t.ewmaWarmupSamples ?? DEFAULT_EWMA_OPTIONS.warmupSamples,
    );
    members.push({
      detector: createSeasonalDetector({
        kind: ctx.kind,
        ...direction,
        ...periodMs,
        threshold: t.seasonalSigma,
        minSamples,
        ...(t.seasonalMinBinSamples !== undefined ? { minBinSamples: t.seasonalMinBinSamples } : {}),
      }),
      voteThreshold: 0.5,
      role: 'level',
    });
  }
  if (t.ewmaSigma !== undefined) {
    const ewma = createEwmaDetector(ctx, {
      threshold: t.ewmaSigma,
      ...(t.ewmaWarmupSamples !== undefined ? { warmupSamples: t.ewmaWarmupSamples } : {}),
      ...(t.ewmaClipSigma !== undefined ? { clipSigma: t.ewmaClipSigma } : {}),
    });
    const strong =
      t.ewmaAloneRun !== undefined && t.ewmaBandOnly !== true
        ? {
            strongVote: {
              score: deviationScore(aloneSigma(t.ewmaSigma, t.ewmaAloneRun), ewma.options.scoreScale),
              samples: t.ewmaAloneRun,
            },
          }
        : {};
    members.push({
      detector: ewma,
      voteThreshold: t.ewmaBandOnly === true ? 1 : deviationScore(t.ewmaSigma, ewma.options.scoreScale),
      role: 'level',
      ...strong,
    });
  }
  const periodMs = o.seasonalPeriodMs ?? 86_400_000;
  if (t.hwSigma !== undefined) {
    // Score dz/(dz + threshold): ½ exactly at the threshold.
    members.push({
      detector: createHoltWintersLevelDetector(ctx, {
        threshold: t.hwSigma,
        periodMs,
        ...(t.hwRecordAfter !== undefined ? { recordMinSamples: t.hwRecordAfter } : {}),
        ...(t.hwRecordScaled === true ? { recordScaled: true } : {}),
        ...(t.hwRecordInControl === true ? { recordInControl: true } : {}),
        ...(t.hwTailAlpha !== undefined ? { tailAlpha: t.hwTailAlpha } : {}),
      }),
      voteThreshold: 0.5,
      role: 'level',
    });
  }
  if (t.cusum !== undefined) {
    // Score S/(S + h): ½ exactly at the decision interval h (and the sample outside the mean band).
    const restartInside = t.cusum.restartInside === true ? { restartInside: true } : {};
    const centred = t.cusum.centred === true ? { centred: true } : {};
    const cusum = createCusumDetector(ctx, {
      k: t.cusum.k,
      arl0: t.cusum.arl0,
      periodMs,
      ...restartInside,
      ...centred,
      ...(t.cusum.drift === true ? { drift: true } : {}),
      ...(t.cusum.weeklySteps === true ? { weeklySteps: true } : {}),
      ...(t.cusum.firstWeekSteps === true ? { firstWeekSteps: true } : {}),
      ...(t.cusum.calibrateH === true ? { calibrateH: true } : {}),
      ...(t.cusum.scale === true ? { scale: true } : {}),
      ...(t.cusum.scaleSigma === true ? { scaleSigma: true } : {}),
      ...(t.cusum.walkDiffusion === true ? { walkDiffusion: true } : {}),
      ...(t.cusum.shiftTest === true ? { shiftTest: true } : {}),
      ...(t.cusum.excursionHold !== undefined ? { excursionHold: t.cusum.excursionHold } : {}),
      ...(t.cusum.excursionAnchor === true ? { excursionAnchor: true } : {}),
    });
    const evidence =
      t.cusum.confirms === true ? { evidenceSamples: cusumEvidenceSamples(cusum.options) } : {};
    members.push({ detector: cusum, voteThreshold: 0.5, role: 'trend', ...evidence });
  }
  if (t.ramp !== undefined) {
    // Score R/(R + c): ½ exactly at the threshold c (and the sample outside the mean band).
    const ramp = createRampDetector(ctx, {
      falseAlarmRate: t.ramp.falseAlarmRate,
      ...(t.ramp.maxWindow !== undefined ? { maxWindow: t.ramp.maxWindow } : {}),
    });
    members.push({
      detector: ramp,
      voteThreshold: 0.5,
      role: 'trend',
      evidenceSamples: RAMP_EVIDENCE_SAMPLES,
    });
  }
  if (t.relativeEntropy === true) {
    const range = o.inputRange ? { inputRange: o.inputRange } : {};
    // The statistical preset keeps 16 hypotheses (its 4 KB budget); the full preset the detector's default 64.
    const cap = o.preset !== 'full' ? { maxHypotheses: LIVE_RE_HYPOTHESES } : {};
    members.push({
      detector: createRelativeEntropyDetector({ ...cap, ...range }),
      voteThreshold: 1,
      role: 'shape',
    });
  }
  if (t.knnCadScore !== undefined) {
    members.push({
      detector: createKnnCadDetector(o.probation !== undefined ? { probation: o.probation } : {}),
      voteThreshold: t.knnCadScore,
      role: 'shape',
    });
  }
  if (t.contextOseScore !== undefined) {
    const rest = o.probation !== undefined ? { restPeriod: Math.floor(o.probation / 5) } : {};
    members.push({
      detector: createContextOseDetector(o.inputRange ? { inputRange: o.inputRange, ...rest } : rest),
      voteThreshold: t.contextOseScore,
      role: 'shape',
    });
  }
  return new EnsembleDetector(members, {
    combine: 'calibrated',
    threshold: 0.5,
    minVotes: 1,
    muteSamples: o.muteSamples ?? t.muteSamples,
    name: `ensemble-${o.preset}`,
    pageRule: t.pageRule ?? 'any',
    corroborate: t.corroborate ?? 0,
  });
}
