/**
 * The detector the live monitor runs per analysed series: the statistical ensemble with the per-kind DWCP
 * tuning (default), or the issue-2 z-score detector. The engine does the cooldown, so neither mutes itself.
 */
import type { DetectorFactory } from '../analysis/anomaly/detector.ts';
import { DWCP_KIND_TUNING } from '../analysis/anomaly/dwcp-tuning.ts';
import { createEnsemble } from '../analysis/anomaly/presets.ts';
import { createStatisticalDetector } from '../analysis/anomaly/statistical.ts';

/** Which live detector (config `detection.detector`). */
export type LiveDetectorChoice = 'ensemble' | 'statistical';

/**
 * The factory for `choice`; `seasonalPeriodMs` is the seasonal profile's period (a day, or the simulator's
 * compressed day). @throws InvalidInputError for a bad period (from the seasonal member, on first use).
 */
export function liveDetectorFactory(choice: LiveDetectorChoice, seasonalPeriodMs: number): DetectorFactory {
  if (choice === 'statistical') return (ctx) => createStatisticalDetector(ctx, { cooldownMs: 0 });
  return (ctx) => createEnsemble(ctx, { preset: 'statistical', tuning: DWCP_KIND_TUNING[ctx.kind], muteSamples: 0, seasonalPeriodMs });
}
