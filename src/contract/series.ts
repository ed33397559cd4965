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
  }),
  warnings: WarningsSchema.optional(),
});
export type QueryResponse = z.infer<typeof QueryResponseSchema>;

/** Body of GET /api/metrics/search: stored metric names, sorted. */
export const SearchResponseSchema = successOf(listOf(z.string()));
export type SearchResponse = z.infer<typeof SearchResponseSchema>;
