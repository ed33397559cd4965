/**
 * Scrape targets: GET /api/v1/targets (Prometheus' targets API shape) and the `targets` live event (the
 * monitor's own target state, src/model/status.ts `TargetStatus`).
 *
 * @see https://prometheus.io/docs/prometheus/latest/querying/api/#targets
 */
import { z } from 'zod';
import { TARGET_HEALTH } from '../model/status.ts';
import { LabelsSchema, listOf, successOf } from './common.ts';

/** The monitor's state of one scrape target (pushed in `targets` live events). Times Unix ms. */
export const TargetStatusSchema = z.strictObject({
  id: z.string(),
  url: z.string(),
  labels: LabelsSchema,
  health: z.enum(TARGET_HEALTH),
  /** Null before the first scrape. */
  lastScrapeMs: z.number().nullable(),
  lastScrapeDurationMs: z.number().nullable(),
  lastError: z.string().nullable(),
  samplesLastScrape: z.number().int().nonnegative(),
  /** Problem with the target's samples although its scrapes succeed (e.g. series over its budget share). */
  warning: z.string().nullable().optional(),
});
export type ApiTargetStatus = z.infer<typeof TargetStatusSchema>;

/** One active target (Prometheus field names; `id` and `samplesLastScrape` are additions). */
export const ActiveTargetSchema = z.strictObject({
  id: z.string(),
  discoveredLabels: LabelsSchema,
  labels: LabelsSchema,
  scrapePool: z.string(),
  scrapeUrl: z.string(),
  globalUrl: z.string(),
  health: z.enum(TARGET_HEALTH),
  /** Empty string when the last scrape succeeded (as Prometheus). */
  lastError: z.string(),
  /** RFC 3339; `0001-01-01T00:00:00Z` before the first scrape. */
  lastScrape: z.string(),
  /** Seconds; 0 before the first scrape. */
  lastScrapeDuration: z.number().nonnegative(),
  samplesLastScrape: z.number().int().nonnegative(),
  /** Problem with the target's samples although its scrapes succeed; empty string when none (an addition). */
  lastWarning: z.string(),
});
export type ActiveTarget = z.infer<typeof ActiveTargetSchema>;

/**
 * A configured target this monitor leaves to another replica (scrape sharding). Prometheus gives only
 * `discoveredLabels` (with `__address__`); `id`, `scrapeUrl`, `reason` (`other_shard`) and `shard` (the replica's
 * shard that scrapes it) are additions.
 */
export const DroppedTargetSchema = z.strictObject({
  id: z.string(),
  discoveredLabels: LabelsSchema,
  scrapeUrl: z.string(),
  reason: z.enum(['other_shard']),
  shard: z.number().int().nonnegative(),
});
export type DroppedTarget = z.infer<typeof DroppedTargetSchema>;

/** Body of GET /api/v1/targets. */
export const TargetsResponseSchema = successOf(
  z.strictObject({ activeTargets: listOf(ActiveTargetSchema), droppedTargets: listOf(DroppedTargetSchema) }),
);
export type TargetsResponse = z.infer<typeof TargetsResponseSchema>;
