/**
 * Traces as the API sends them: the OTLP/HTTP export response of POST /v1/traces (JSON encoding; the protobuf
 * encoding carries the same message), and the trace search and trace-by-id bodies of GET /api/traces and
 * GET /api/traces/{traceId}, shaped like the Jaeger query service's HTTP API (`{data, total, limit, offset,
 * errors}`, spans with `references`, `tags`, `logs`, and a process table) so Jaeger-aware clients can read them.
 * @see https://opentelemetry.io/docs/specs/otlp/#otlphttp-response
 * @see https://github.com/jaegertracing/jaeger/blob/main/cmd/query/app/internal/uimodel/model.go (JSON shape)
 */
import { z } from 'zod';
import { listOf } from './common.ts';

/** `ExportTraceServiceResponse`: empty when every span was accepted, else `partialSuccess`. */
export const OtlpExportResponseSchema = z.strictObject({
  partialSuccess: z
    .strictObject({
      /** Spans of the request not stored. */
      rejectedSpans: z.number().int().nonnegative(),
      /** Why (the first few rejected spans with their reasons). */
      errorMessage: z.string(),
    })
    .optional(),
});
export type OtlpExportResponse = z.infer<typeof OtlpExportResponseSchema>;

/**
 * The JSON body of a POST /v1/traces error (400, 413, 415, 503): `google.rpc.Status` with the gRPC `code`;
 * protobuf requests get the same message in binary protobuf.
 * @see https://opentelemetry.io/docs/specs/otlp/#failures-1
 */
export const OtlpStatusSchema = z.strictObject({ code: z.number().int(), message: z.string() });
export type OtlpStatus = z.infer<typeof OtlpStatusSchema>;

/** A tag (attribute) in Jaeger's JSON: `type` string, bool, int64, float64. Arrays are sent as JSON text. */
export const JaegerTagSchema = z.strictObject({
  key: z.string(),
  type: z.enum(['string', 'bool', 'int64', 'float64']),
  value: z.union([z.string(), z.number(), z.boolean()]),
});
export type JaegerTag = z.infer<typeof JaegerTagSchema>;

/** A span reference: `CHILD_OF` the parent, `FOLLOWS_FROM` a link. */
export const JaegerReferenceSchema = z.strictObject({
  refType: z.enum(['CHILD_OF', 'FOLLOWS_FROM']),
  traceID: z.string(),
  spanID: z.string(),
});

/** A span event (Jaeger: log); `timestamp` Unix µs. */
export const JaegerLogSchema = z.strictObject({ timestamp: z.number(), fields: listOf(JaegerTagSchema) });

/** One span; `startTime` Unix µs (clock-skew adjusted), `duration` µs. */
export const JaegerSpanSchema = z.strictObject({
  traceID: z.string(),
  spanID: z.string(),
  operationName: z.string(),
  references: listOf(JaegerReferenceSchema),
  startTime: z.number(),
  duration: z.number(),
  /** Span attributes plus `span.kind`, `otel.status_code`, `otel.status_description` and `error` as Jaeger writes them. */
  tags: listOf(JaegerTagSchema),
  logs: listOf(JaegerLogSchema),
  /** Key into the trace's `processes`. */
  processID: z.string(),
  /** Notes on this span (orphan, clock adjusted, duplicate id); null when none. */
  warnings: listOf(z.string()).nullable(),
});
export type JaegerSpan = z.infer<typeof JaegerSpanSchema>;

/** The process (OTLP resource) that emitted spans. */
export const JaegerProcessSchema = z.strictObject({ serviceName: z.string(), tags: listOf(JaegerTagSchema) });

/** One trace: its spans ordered by start (parents before children), and the processes they reference. */
export const JaegerTraceSchema = z.strictObject({
  traceID: z.string(),
  spans: listOf(JaegerSpanSchema),
  processes: z.record(z.string(), JaegerProcessSchema),
  /** Trace-level notes (orphan spans, i.e. spans whose parent is not stored); null when none. */
  warnings: listOf(z.string()).nullable(),
});
export type JaegerTrace = z.infer<typeof JaegerTraceSchema>;

/** A trace query error as Jaeger reports it. */
export const JaegerErrorSchema = z.strictObject({
  code: z.number().int(),
  msg: z.string(),
  traceID: z.string().optional(),
});

/** Body of GET /api/traces and GET /api/traces/{traceId}. */
export const TracesResponseSchema = z.strictObject({
  data: listOf(JaegerTraceSchema),
  total: z.number().int().nonnegative(),
  limit: z.number().int().nonnegative(),
  offset: z.number().int().nonnegative(),
  errors: listOf(JaegerErrorSchema).nullable(),
});
export type TracesResponse = z.infer<typeof TracesResponseSchema>;

/** Span status filter of a trace search. */
export const SPAN_STATUS_FILTERS = ['unset', 'ok', 'error'] as const;

/** A trace search as the server passes it on. Times Unix µs; a trace matches when one span matches every filter. */
export interface TraceSearchRequest {
  readonly service?: string;
  readonly operation?: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly minDurationUs?: number;
  readonly maxDurationUs?: number;
  readonly status?: (typeof SPAN_STATUS_FILTERS)[number];
  readonly startUs: number;
  readonly endUs: number;
  readonly limit: number;
}

/**
 * Body of GET /api/services and GET /api/services/{service}/operations, as Jaeger's query service sends it:
 * names sorted, `total` their number, `limit` and `offset` 0.
 */
export const NamesResponseSchema = z.strictObject({
  data: listOf(z.string()),
  total: z.number().int().nonnegative(),
  limit: z.number().int().nonnegative(),
  offset: z.number().int().nonnegative(),
  errors: listOf(JaegerErrorSchema).nullable(),
});
export type NamesResponse = z.infer<typeof NamesResponseSchema>;

/**
 * Body of GET /api/v1/query_exemplars, as Prometheus sends it: per series (labels with `__name__`) its exemplars,
 * each with its labels (`trace_id`, `span_id`), value as a string and timestamp in Unix seconds.
 * @see https://prometheus.io/docs/prometheus/latest/querying/api/#querying-exemplars
 */
export const ExemplarsResponseSchema = z.strictObject({
  status: z.literal('success'),
  data: listOf(
    z.strictObject({
      seriesLabels: z.record(z.string(), z.string()),
      exemplars: listOf(
        z.strictObject({
          labels: z.record(z.string(), z.string()),
          value: z.string(),
          timestamp: z.number(),
        }),
      ),
    }),
  ),
});
export type ExemplarsResponse = z.infer<typeof ExemplarsResponseSchema>;
