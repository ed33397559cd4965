/**
 * POST /api/metrics: pushing samples as JSON (for jobs that cannot be scraped and do not speak remote write).
 * The request is validated as a whole (a bad name, label or value refuses it with every problem named); samples
 * that are valid but out of order, duplicates, outside the accepted time window or over the series budget are
 * refused one by one and counted in the response, and the rest is stored.
 */
import { z } from 'zod';
import { successOf } from './common.ts';

/** Samples per request at most. */
export const PUSH_MAX_SAMPLES = 10_000;
/** Labels per sample at most (the monitor's default label limit). */
export const PUSH_MAX_LABELS = 64;

/** One pushed sample: a Prometheus metric name, labels, a finite value and an optional Unix-ms timestamp. */
export const PushSampleSchema = z.strictObject({
  name: z
    .string()
    .max(256)
    .regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/, 'must be a Prometheus metric name'),
  labels: z
    .record(
      z
        .string()
        .max(256)
        .regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'must be a Prometheus label name')
        .refine((k) => !k.startsWith('__'), 'names starting with __ are reserved'),
      z.string().max(4096),
    )
    .refine((l) => Object.keys(l).length <= PUSH_MAX_LABELS, `at most ${PUSH_MAX_LABELS} labels`)
    .default({}),
  value: z.number(),
  /** Unix ms; default: when the monitor received the request. */
  timestamp: z.number().int().optional(),
});
export type PushSample = z.infer<typeof PushSampleSchema>;

/** Body of POST /api/metrics. */
export const PushRequestSchema = z.strictObject({
  samples: z.array(PushSampleSchema).min(1).max(PUSH_MAX_SAMPLES),
});
export type PushRequest = z.infer<typeof PushRequestSchema>;

/** What a push did: samples received and stored, and the refused ones by reason. */
export const PushResultSchema = z.strictObject({
  received: z.number().int().nonnegative(),
  stored: z.number().int().nonnegative(),
  rejected: z.record(z.string(), z.number().int().positive()),
});
export type PushResult = z.infer<typeof PushResultSchema>;

/** Body of a successful POST /api/metrics. */
export const PushResponseSchema = successOf(PushResultSchema);
export type PushResponse = z.infer<typeof PushResponseSchema>;
