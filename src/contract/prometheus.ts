/**
 * Response bodies of the Prometheus HTTP query API the monitor serves over its own store (GET|POST /api/v1/query,
 * /api/v1/query_range, /api/v1/series, /api/v1/labels, /api/v1/label/{name}/values), in Prometheus' shapes:
 * sample values as `[unix_seconds, "value"]`, errors as `{status:"error", errorType, error}` with Prometheus'
 * error types (`bad_data`, `execution`, `timeout`).
 * @see https://prometheus.io/docs/prometheus/latest/querying/api/
 */
import { z } from 'zod';

/** `[unix seconds, value as text]` (`"NaN"`, `"+Inf"`, `"-Inf"` for the special values). */
export const PromSampleSchema = z.tuple([z.number(), z.string()]);
const Metric = z.record(z.string(), z.string());
const Warnings = z.array(z.string()).optional();

/** Body of GET|POST /api/v1/query and /api/v1/query_range: `data.resultType` vector, matrix or scalar, values as [unix seconds, text]. */
export const PromQueryResponseSchema = z.strictObject({
  status: z.literal('success'),
  data: z.discriminatedUnion('resultType', [
    z.strictObject({
      resultType: z.literal('matrix'),
      result: z.array(z.strictObject({ metric: Metric, values: z.array(PromSampleSchema) })),
    }),
    z.strictObject({
      resultType: z.literal('vector'),
      result: z.array(z.strictObject({ metric: Metric, value: PromSampleSchema })),
    }),
    z.strictObject({ resultType: z.literal('scalar'), result: PromSampleSchema }),
  ]),
  warnings: Warnings,
});
export type PromQueryResponse = z.infer<typeof PromQueryResponseSchema>;

/** Body of GET|POST /api/v1/series: one label set per series (`__name__` included). */
export const PromSeriesResponseSchema = z.strictObject({
  status: z.literal('success'),
  data: z.array(Metric),
  warnings: Warnings,
});
export type PromSeriesResponse = z.infer<typeof PromSeriesResponseSchema>;

/** Body of GET|POST /api/v1/labels and GET /api/v1/label/{name}/values: sorted label names or values. */
export const PromLabelsResponseSchema = z.strictObject({
  status: z.literal('success'),
  data: z.array(z.string()),
  warnings: Warnings,
});
export type PromLabelsResponse = z.infer<typeof PromLabelsResponseSchema>;

/** Prometheus' error body: `status: error`, `errorType` bad_data (400), execution (422) or timeout (503), `error` text. */
export const PromErrorBodySchema = z.strictObject({
  status: z.literal('error'),
  errorType: z.enum(['bad_data', 'execution', 'timeout']),
  error: z.string(),
});
export type PromErrorBody = z.infer<typeof PromErrorBodySchema>;
