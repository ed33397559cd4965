/**
 * Limits and reject reasons of the OTLP receiver. Every reason is a label value of the receiver's rejection
 * counters, so the set is closed.
 */

/** Why a whole export request was refused (nothing in it was accepted). */
export const REQUEST_REJECT_REASONS = [
  'malformed_protobuf',
  'malformed_json',
  'too_large',
  'decompression_failed',
  'unsupported_media_type',
  'unsupported_encoding',
  'no_valid_spans',
  'store_error',
] as const;
export type RequestRejectReason = (typeof REQUEST_REJECT_REASONS)[number];

/** Why one span was refused (the other spans of the request are kept). */
export const SPAN_REJECT_REASONS = [
  'invalid_trace_id',
  'invalid_span_id',
  'invalid_parent_span_id',
  'missing_name',
  'invalid_timestamp',
  'future_timestamp',
  'too_old',
  'too_many_spans',
  'malformed_span',
] as const;
export type SpanRejectReason = (typeof SPAN_REJECT_REASONS)[number];

/** Decoding limits (every list a request can grow is bounded). */
export interface OtlpLimits {
  /** Largest request body, compressed or not, in bytes. */
  readonly maxBodyBytes: number;
  /** Largest body after gzip decompression, in bytes. */
  readonly maxDecompressedBytes: number;
  /** Spans accepted per request; the rest are rejected as `too_many_spans`. */
  readonly maxSpansPerRequest: number;
  /** Attributes kept per span, resource, event or link (the rest are dropped and counted in the span). */
  readonly maxAttributes: number;
  /** Events and links kept per span. */
  readonly maxEvents: number;
  readonly maxLinks: number;
  /** Longest attribute string value and span name kept, in UTF-16 units (longer ones are truncated). */
  readonly maxValueLength: number;
  /** Spans that start or end more than this far after the receiver's clock are rejected (`future_timestamp`), ms. */
  readonly maxFutureMs: number;
  /** Spans that ended more than this long ago are rejected (`too_old`), ms. */
  readonly maxAgeMs: number;
}

/** Defaults: 8 MiB bodies (32 MiB decompressed), 50k spans per request, 128 attributes, 5 min future skew, 7 d age. */
export const DEFAULT_OTLP_LIMITS: OtlpLimits = {
  maxBodyBytes: 8 * 1024 * 1024,
  maxDecompressedBytes: 32 * 1024 * 1024,
  maxSpansPerRequest: 50_000,
  maxAttributes: 128,
  maxEvents: 128,
  maxLinks: 128,
  maxValueLength: 4096,
  maxFutureMs: 5 * 60_000,
  maxAgeMs: 7 * 86_400_000,
};
