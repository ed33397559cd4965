/**
 * Limits and reject reasons of the log receivers (OTLP and Loki push). Every reason is a label value of the
 * receivers' rejection counters, so the sets are closed.
 */

/** Why a whole push request was refused (nothing in it was stored). */
export const LOG_REQUEST_REJECT_REASONS = [
  'malformed_protobuf',
  'malformed_json',
  'too_large',
  'decompression_failed',
  'unsupported_media_type',
  'unsupported_encoding',
  'no_valid_entries',
  'store_error',
  'overloaded',
] as const;
export type LogRequestRejectReason = (typeof LOG_REQUEST_REJECT_REASONS)[number];

/** Why one entry was refused (the other entries of the request are kept). */
export const LOG_ENTRY_REJECT_REASONS = [
  'invalid_timestamp',
  'future_timestamp',
  'too_old',
  'invalid_utf8',
  'entry_too_large',
  'too_many_entries',
  'invalid_labels',
  'malformed_entry',
  'stream_limit',
] as const;
export type LogEntryRejectReason = (typeof LOG_ENTRY_REJECT_REASONS)[number];

/** Decoding limits (every list a request can grow is bounded). */
export interface LogLimits {
  /** Largest request body as received (compressed or not), bytes. */
  readonly maxBodyBytes: number;
  /** Largest body after decompression (gzip or snappy), bytes. */
  readonly maxDecompressedBytes: number;
  /** Entries accepted per request; the rest are rejected as `too_many_entries`. */
  readonly maxEntriesPerRequest: number;
  /** Largest log line (body), UTF-8 bytes; longer entries are rejected as `entry_too_large`. */
  readonly maxLineBytes: number;
  /** Attributes kept per entry (the rest are dropped). */
  readonly maxAttributes: number;
  /** Longest attribute value kept, UTF-16 units (longer ones are truncated). */
  readonly maxValueLength: number;
  /** Entries more than this far after the receiver's clock are rejected (`future_timestamp`), ms. */
  readonly maxFutureMs: number;
  /** Entries older than this are rejected (`too_old`), ms. */
  readonly maxAgeMs: number;
}

/** Defaults: 8 MiB bodies (32 MiB decompressed), 100k entries per request, 256 KiB lines, 5 min skew, 7 d age. */
export const DEFAULT_LOG_LIMITS: LogLimits = {
  maxBodyBytes: 8 * 1024 * 1024,
  maxDecompressedBytes: 32 * 1024 * 1024,
  maxEntriesPerRequest: 100_000,
  maxLineBytes: 256 * 1024,
  maxAttributes: 64,
  maxValueLength: 4096,
  maxFutureMs: 5 * 60_000,
  maxAgeMs: 7 * 86_400_000,
};
