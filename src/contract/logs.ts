/**
 * Logs as the API sends them: the OTLP/HTTP logs export response of POST /v1/logs (JSON encoding; the protobuf
 * encoding carries the same message); the Loki query API bodies of GET /loki/api/v1/query_range, /query, /labels and
 * /label/{name}/values (`{status, data}` with `streams`, `matrix` or `vector` results, timestamps as Loki writes them) so
 * Grafana's Loki data source can read the monitor; and the entries of GET /api/logs for the web page.
 * @see https://opentelemetry.io/docs/specs/otlp/#otlphttp-response
 * @see https://grafana.com/docs/loki/latest/reference/loki-http-api/#query-logs-within-a-range-of-time
 */
import { z } from 'zod';
import { listOf } from './common.ts';

/** `ExportLogsServiceResponse`: empty when every entry was accepted, else `partialSuccess`. */
export const OtlpLogsExportResponseSchema = z.strictObject({
  partialSuccess: z
    .strictObject({
      /** Entries of the request not stored. */
      rejectedLogRecords: z.number().int().nonnegative(),
      /** Why (the first few rejected entries with their reasons). */
      errorMessage: z.string(),
    })
    .optional(),
});
export type OtlpLogsExportResponse = z.infer<typeof OtlpLogsExportResponseSchema>;

/** The five levels. */
export const LOG_LEVEL_VALUES = ['debug', 'info', 'warn', 'error', 'fatal'] as const;

/** A Loki log stream: its labels and `[unix ns as a string, line]` pairs. */
export const LokiStreamSchema = z.strictObject({
  stream: z.record(z.string(), z.string()),
  values: listOf(z.tuple([z.string(), z.string()])),
});

/** A Loki range-vector series: its labels and `[unix seconds, value as a string]` points. */
export const LokiMatrixSeriesSchema = z.strictObject({
  metric: z.record(z.string(), z.string()),
  values: listOf(z.tuple([z.number(), z.string()])),
});

/** The statistics of a Loki query result: log lines read, and whether a bound cut the result short. */
const LokiQueryStatsSchema = z.strictObject({ scannedLines: z.number().int(), truncated: z.boolean() });

/** The data of a log query's result (range or instant): log streams. */
const LokiStreamsDataSchema = z.strictObject({
  resultType: z.literal('streams'),
  result: listOf(LokiStreamSchema),
  stats: LokiQueryStatsSchema,
});

/** GET /loki/api/v1/query_range: log streams for a log query, a matrix for a metric query. */
export const LokiQueryResponseSchema = z.strictObject({
  status: z.literal('success'),
  data: z.discriminatedUnion('resultType', [
    LokiStreamsDataSchema,
    z.strictObject({
      resultType: z.literal('matrix'),
      result: listOf(LokiMatrixSeriesSchema),
      stats: LokiQueryStatsSchema,
    }),
  ]),
});
export type LokiQueryResponse = z.infer<typeof LokiQueryResponseSchema>;

/** A Loki instant-vector sample: its labels and `[unix seconds, value as a string]`. */
export const LokiVectorSampleSchema = z.strictObject({
  metric: z.record(z.string(), z.string()),
  value: z.tuple([z.number(), z.string()]),
});

/** GET /loki/api/v1/query: log streams for a log query, a vector for a metric query. */
export const LokiInstantQueryResponseSchema = z.strictObject({
  status: z.literal('success'),
  data: z.discriminatedUnion('resultType', [
    LokiStreamsDataSchema,
    z.strictObject({
      resultType: z.literal('vector'),
      result: listOf(LokiVectorSampleSchema),
      stats: LokiQueryStatsSchema,
    }),
  ]),
});
export type LokiInstantQueryResponse = z.infer<typeof LokiInstantQueryResponseSchema>;

/** GET /loki/api/v1/labels and /loki/api/v1/label/{name}/values. */
export const LokiLabelsResponseSchema = z.strictObject({
  status: z.literal('success'),
  data: listOf(z.string()),
});
export type LokiLabelsResponse = z.infer<typeof LokiLabelsResponseSchema>;

/** GET/POST /loki/api/v1/series: the label sets of the streams matching the `match[]` selectors. */
export const LokiSeriesResponseSchema = z.strictObject({
  status: z.literal('success'),
  data: listOf(z.record(z.string(), z.string())),
});
export type LokiSeriesResponse = z.infer<typeof LokiSeriesResponseSchema>;

/** One entry of GET /api/logs; `timeUs` Unix µs; ids empty when the entry is not in a trace. */
export const LogEntrySchema = z.strictObject({
  timeUs: z.number(),
  level: z.enum(LOG_LEVEL_VALUES),
  service: z.string(),
  nodeId: z.string(),
  region: z.string(),
  component: z.string(),
  traceId: z.string(),
  spanId: z.string(),
  body: z.string(),
  attributes: z.record(z.string(), z.string()),
});
export type LogEntry = z.infer<typeof LogEntrySchema>;

/** GET /api/logs: matching entries, newest first; `truncated` when the scan bound stopped the search. */
export const LogsResponseSchema = z.strictObject({
  entries: listOf(LogEntrySchema),
  scannedLines: z.number().int().nonnegative(),
  truncated: z.boolean(),
});
export type LogsResponse = z.infer<typeof LogsResponseSchema>;

/** An entry a live tail dropped because its client fell behind: its stream labels and Unix ns time. */
export const LokiDroppedEntrySchema = z.strictObject({
  labels: z.record(z.string(), z.string()),
  timestamp: z.string(),
});

/**
 * One message of WS /loki/api/v1/tail, as Loki sends it: new entries grouped in streams, and entries dropped
 * for this client since the previous message.
 * @see https://grafana.com/docs/loki/latest/reference/loki-http-api/#stream-logs
 */
export const LokiTailMessageSchema = z.strictObject({
  streams: listOf(LokiStreamSchema),
  dropped_entries: listOf(LokiDroppedEntrySchema),
});
export type LokiTailMessage = z.infer<typeof LokiTailMessageSchema>;
