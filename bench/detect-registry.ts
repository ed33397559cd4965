/**
 * The detectors `npm run bench:detect` measures. Adding a detector is one entry here. `live(ctx)` is how the
 * monitor would create it for a series of a metric kind (used by the DWCP scenarios and the cost table); `nab`
 * is how it runs on NAB (with the file's range/probation under published rules when it uses them).
 */
import { createContextOseDetector } from '../src/analysis/anomaly/context-ose.ts';
import type { DetectorContext, StreamingDetector } from '../src/analysis/anomaly/detector.ts';
import { createEwmaDetector } from '../src/analysis/anomaly/ewma.ts';
import { createKnnCadDetector } from '../src/analysis/anomaly/knn-cad.ts';
import { createEnsemble, type EnsemblePreset } from '../src/analysis/anomaly/presets.ts';
import { createRelativeEntropyDetector } from '../src/analysis/anomaly/relative-entropy.ts';
import { createRobustDetector } from '../src/analysis/anomaly/robust.ts';
import { createSeasonalDetector } from '../src/analysis/anomaly/seasonal.ts';
import { createStatisticalDetector } from '../src/analysis/anomaly/statistical.ts';
import { createWindowedGaussianDetector } from '../src/analysis/anomaly/windowed-gaussian.ts';
import { createCusumDetector } from '../src/analysis/anomaly/cusum.ts';
import { createHoltWintersLevelDetector } from '../src/analysis/anomaly/holt-winters-level.ts';
import type { LiveDetectorChoice } from '../src/model/detection-settings.ts';
import { liveDetectorFactory, liveExcluded } from '../src/monitor/live-detector.ts';
import type { DetectionInput } from '../src/monitor/series-tracker.ts';
import type { NabEntry, NabEnv } from './detect-nab.ts';

/** How the DWCP scenarios create a detector: the kind's context plus the simulated day length. */
export interface LiveEnv {
  readonly seasonalPeriodMs: number;
}

/** One detector under test. */
export interface BenchDetector {
  readonly name: string;
  readonly nab: NabEntry;
  readonly live: (ctx: DetectorContext, env: LiveEnv) => StreamingDetector;
  /** Run through the DWCP scenarios (needs to be fast enough for thousands of series). */
  readonly dwcp: boolean;
  /** Slow per sample: the cost table measures it on fewer rows. */
  readonly heavy?: boolean;
  /** Series the engine leaves out in the DWCP scenarios (as main.ts for this detector). */
  readonly exclude?: (input: DetectionInput) => boolean;
  /** Run through the labelled corpus (src/eval/corpus/) with `live` for kind generic. */
  readonly corpus?: boolean;
  /**
   * The monitor's own detector `detection.detector` this entry is: the DWCP scenarios then build the engine
   * from the detection settings (src/monitor/detection-config.ts) instead of from `live`, as `serve` does.
   */
  readonly shipped?: LiveDetectorChoice;
}

const GENERIC: DetectorContext = { kind: 'generic' };

function single(
  name: string,
  make: (env: NabEnv) => StreamingDetector,
  usesLookAhead: boolean,
  live: BenchDetector['live'],
  dwcp: boolean,
  heavy = false,
): BenchDetector {
  return { name, nab: { name, use: 'score', usesLookAhead, create: make }, live, dwcp, heavy };
}

function ensemble(preset: EnsemblePreset, use: 'score' | 'alerts', dwcp: boolean): BenchDetector {
  const name = `ensemble-${preset}${use === 'alerts' ? ' (alarms at its own threshold)' : ''}`;
  const shipped: LiveDetectorChoice | null =
    preset === 'statistical' ? 'ensemble' : preset === 'live' ? 'ensemble-live' : null;
  return {
    name,
    nab: {
      name,
      use,
      usesLookAhead: preset === 'full',
      // The monitor's default (`ensemble`) judges kind generic with the live preset (live-detector.ts), so on NAB
      // it is that preset (with NAB's refractory 50 samples, NAB_TUNING.live).
      create: (env) =>
        createEnsemble(GENERIC, {
          preset: preset === 'statistical' ? 'live' : preset,
          ...(env.range ? { inputRange: env.range } : {}),
          ...(env.probation !== undefined ? { probation: env.probation } : {}),
        }),
    },
    // Live: the statistical preset with the DWCP tuning (the default `ensemble`; the engine's cooldown mutes;
    // the simulated day length drives the seasonal profile) and the live preset (`ensemble-live`) as main.ts runs
    // them, the full preset with its NAB tuning.
    live:
      shipped === null
        ? (ctx, env) =>
            createEnsemble(ctx, { preset, muteSamples: 0, seasonalPeriodMs: env.seasonalPeriodMs })
        : (ctx, env) => liveDetectorFactory(shipped, env.seasonalPeriodMs)(ctx),
    ...(shipped === null ? {} : { exclude: liveExcluded(shipped) }),
    dwcp,
    heavy: preset === 'full',
    corpus: use === 'score' && preset !== 'full',
    ...(shipped !== null && use === 'score' ? { shipped } : {}),
  };
}

export const BENCH_DETECTORS: readonly BenchDetector[] = [
  ensemble('live', 'score', true),
  ensemble('live', 'alerts', false),
  ensemble('statistical', 'score', true),
  ensemble('statistical', 'alerts', false),
  ensemble('full', 'score', false),
  ensemble('full', 'alerts', false),
  {
    // The statistical preset with its NAB in-sample tuning (EWMA 48.4 σ, seasonal 13.1 σ, relative entropy): what
    // the default judged kind generic with before it took the live preset; kept for comparison.
    ...single(
      'statistical preset (NAB in-sample tuning)',
      () => createEnsemble(GENERIC, { preset: 'statistical' }),
      false,
      (ctx) => createEnsemble(ctx, { preset: 'statistical', muteSamples: 0 }),
      false,
    ),
    corpus: true,
  },
  single(
    'ewma',
    () => createEwmaDetector(GENERIC),
    false,
    (ctx) => createEwmaDetector(ctx),
    false,
  ),
  single(
    'seasonal',
    () => createSeasonalDetector(GENERIC),
    false,
    (ctx, env) => createSeasonalDetector({ ...ctx, periodMs: env.seasonalPeriodMs }),
    false,
  ),
  single(
    'holt-winters level',
    () => createHoltWintersLevelDetector(GENERIC, { periodMs: 86_400_000 }),
    false,
    (ctx, env) => createHoltWintersLevelDetector(ctx, { periodMs: env.seasonalPeriodMs }),
    false,
  ),
  single(
    'cusum',
    () => createCusumDetector(GENERIC, { periodMs: 86_400_000 }),
    false,
    (ctx, env) => createCusumDetector(ctx, { periodMs: env.seasonalPeriodMs }),
    false,
  ),
  single(
    'robust (median/MAD)',
    () => createRobustDetector(GENERIC),
    false,
    (ctx) => createRobustDetector(ctx),
    false,
  ),
  single(
    'relative-entropy',
    (env) => createRelativeEntropyDetector(env.range ? { inputRange: env.range } : {}),
    true,
    () => createRelativeEntropyDetector(),
    false,
  ),
  single(
    'knn-cad',
    (env) =>
      createKnnCadDetector(env.probation !== undefined ? { probation: Math.max(env.probation, 48) } : {}),
    true,
    () => createKnnCadDetector(),
    false,
    true,
  ),
  single(
    'context-ose',
    (env) =>
      createContextOseDetector(
        env.range
          ? {
              inputRange: env.range,
              ...(env.probation !== undefined ? { restPeriod: Math.floor(env.probation / 5) } : {}),
            }
          : {},
      ),
    true,
    () => createContextOseDetector(),
    false,
    true,
  ),
  single(
    'windowed-gaussian (NAB port)',
    () => createWindowedGaussianDetector(),
    false,
    () => createWindowedGaussianDetector(),
    false,
  ),
  {
    ...single(
      'statistical (z-score baseline)',
      () => createStatisticalDetector(GENERIC),
      false,
      (ctx, env) => liveDetectorFactory('statistical', env.seasonalPeriodMs)(ctx),
      true,
    ),
    exclude: liveExcluded('statistical'),
    corpus: true,
    shipped: 'statistical',
  },
];
