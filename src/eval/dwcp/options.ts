/**
 * Options of a labelled-scenario run, validated with zod: the monitor's detection settings (defaults: the
 * monitor's configuration defaults; the seasonal period defaults to the scenario's simulated day), an optional
 * candidate detector instead of the shipped one, how samples are read, when scrapes happen, evaluation options
 * and the v3 rollout share.
 */
import { z } from 'zod';
import type { DetectorFactory } from '../../analysis/anomaly/detector.ts';
import { InvalidInputError } from '../../errors.ts';
import {
  DEFAULT_DETECTION_SETTINGS,
  LIVE_DETECTOR_CHOICES,
  type DetectionSettings,
} from '../../model/detection-settings.ts';
import type { CandidateDetector } from '../../monitor/detection-config.ts';
import { liveDetectorName } from '../../monitor/detection-config.ts';
import type { DetectionInput } from '../../monitor/series-tracker.ts';
import { DEFAULT_ROLLOUT_PERCENT } from './nodes.ts';
import type { DwcpScenario } from './scenario.ts';

const fn = <T>(what: string) => z.custom<T>((v) => typeof v === 'function', `${what} must be a function`);

/** Overrides of the monitor's detection settings (configuration `detection.*`; durations in ms). */
const detectionSchema = z.strictObject({
  detector: z.enum(LIVE_DETECTOR_CHOICES).optional(),
  /** Default: the scenario's simulated day. */
  seasonalPeriod: z.number().finite().positive().optional(),
  minConfidence: z.number().min(0).max(1).optional(),
  confirmSamples: z.number().int().min(1).optional(),
  cooldown: z.number().finite().min(0).optional(),
  maxSeries: z.number().int().min(1).optional(),
});

const candidateSchema = z.strictObject({
  factory: fn<DetectorFactory>('candidate.factory'),
  name: z.string().refine((s) => s.trim() !== '', 'must be a non-empty name'),
  exclude: fn<(input: DetectionInput) => boolean>('candidate.exclude').optional(),
});

/** The schema of {@link DwcpRunOptions}. */
export const dwcpRunOptionsSchema = z.strictObject({
  /** Detection settings; what is left out is the monitor's default. */
  detection: detectionSchema.default({}),
  /** Runs this detector instead of the configured live one (benchmarks of candidates). */
  candidate: candidateSchema.optional(),
  /** How samples are read from a node's registry (see sampling.ts); default `json`. */
  sampling: z.enum(['json', 'exposition']).default('json'),
  /** Scrape time after each tick, integer ms (default 500: the mean phase of two unsynchronised 1 s timers). */
  scrapeOffsetMs: z.number().int().min(0).max(999).default(500),
  /** Evaluation options (default `DEFAULT_EVALUATE_OPTIONS`: 10 s grace, node label names). */
  evaluate: z
    .strictObject({
      graceMs: z.number().finite().min(0).optional(),
      nodeLabelNames: z.array(z.string()).optional(),
    })
    .default({}),
  /** Share of v3 migrations in percent (default 25, as `startCluster`). */
  rolloutPercent: z.number().finite().min(0).max(100).default(DEFAULT_ROLLOUT_PERCENT),
});

/** Options of a scenario run (every field optional). */
export type DwcpRunOptions = z.input<typeof dwcpRunOptionsSchema>;

/** Validated options with defaults applied. */
export type ResolvedRunOptions = z.output<typeof dwcpRunOptionsSchema>;

/**
 * Validates run options and applies the defaults.
 * @throws InvalidInputError naming the path and problem of every bad field (unknown fields included).
 */
export function resolveRunOptions(opts: DwcpRunOptions | undefined): ResolvedRunOptions {
  const res = dwcpRunOptionsSchema.safeParse(opts ?? {});
  if (res.success) return res.data;
  const problems = res.error.issues.map((i) => `${i.path.join('.') || '(options)'}: ${i.message}`);
  throw new InvalidInputError(`DWCP scenario run: ${problems.join('; ')}`);
}

/** The full detection settings of a run of scenario `s`: monitor defaults, the scenario's day, the overrides. */
export function runDetectionSettings(s: DwcpScenario, o: ResolvedRunOptions): DetectionSettings {
  const over = Object.fromEntries(
    Object.entries(o.detection).filter(([, v]) => v !== undefined),
  ) as Partial<DetectionSettings>;
  return { ...DEFAULT_DETECTION_SETTINGS, seasonalPeriod: s.daySeconds * 1000, ...over };
}

/** The run's candidate detector, if any. */
export function runCandidate(o: ResolvedRunOptions): CandidateDetector | undefined {
  const c = o.candidate;
  if (c === undefined) return undefined;
  return { factory: c.factory, name: c.name, ...(c.exclude ? { exclude: c.exclude } : {}) };
}

/** The name stored with the run's anomalies: the candidate's, else the configured live detector's. */
export function runDetectorName(o: ResolvedRunOptions): string {
  return o.candidate?.name ?? liveDetectorName(o.detection.detector ?? DEFAULT_DETECTION_SETTINGS.detector);
}
