/** GET /api/metrics/search (metric names) and GET /api/metrics/query (aggregated range query). */
import { z } from 'zod';
import { LabelsSchema, listOf, successOf, WarningsSchema } from './common.ts';

/** Aggregations of GET /api/metrics/query (`rate` = per-second increase of counters). */
export const AGGREGATIONS = ['avg', 'sum', 'min', 'max', 'p50', 'p95', 'p99', 'rate'] as const;
export type Aggregation = (typeof AGGREGATIONS)[number];

/** One output series of a query; `timestampsMs` (Unix ms) parallel to `values`. */
export const QuerySeriesSchema = z.strictObject({
  labels: LabelsSchema,
  timestampsMs: listOf(z.number()),
  values: listOf(z.number()),
});
export type QuerySeries = z.infer<typeof QuerySeriesSchema>;

/** Body of GET /api/metrics/query. `warnings` is present only when the result was truncated. */
export const QueryResponseSchema = z.strictObject({
  status: z.literal('success'),
  data: z.strictObject({
    name: z.string(),
    agg: z.enum(AGGREGATIONS),
    by: listOf(z.string()),
    startMs: z.number(),
    endMs: z.number(),
    stepMs: z.number().positive(),
    series: listOf(QuerySeriesSchema),
    /** Display unit of the values (a unit of src/contract/dashboard-spec.ts `DISPLAY_UNITS`); null outside the catalog. */
    unit: z.string().nullable().optional(),
  }),
  warnings: WarningsSchema.optional(),
});
export type QueryResponse = z.infer<typeof QueryResponseSchema>;

/** Body of GET /api/metrics/search: stored metric names, sorted. */
export const SearchResponseSchema = successOf(listOf(z.string()));
export type SearchResponse = z.infer<typeof SearchResponseSchema>;

/** Steps the default step is chosen from (ms). */
const NICE_STEPS_MS = [
  1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000,
  7_200_000, 21_600_000, 43_200_000, 86_400_000,
];

/**
 * The default step for a range: the smallest "nice" step (1 s, 2 s, 5 s, 10 s, 15 s, 30 s, 1 m, ...) giving at
 * most `maxPoints` points over [startMs, endMs] (both ends included); beyond one day, whole days.
 * @returns step in ms (≥ 1000)
 */
export function defaultStepMs(startMs: number, endMs: number, maxPoints: number): number {
  const minStep = (endMs - startMs) / Math.max(1, maxPoints - 1);
  for (const s of NICE_STEPS_MS) if (s >= minStep) return s;
  return Math.ceil(minStep / 86_400_000) * 86_400_000;
}
