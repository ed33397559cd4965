/**
 * Body of every API error response: `{status: 'error', errorType, error}` (Prometheus' HTTP API shape), where
 * `errorType` is the stable code of src/errors.ts; `problems` says where a reloaded file (alert rules) is
 * invalid. The HTTP status mapping lives in src/server/error-handler.ts.
 *
 * @see https://prometheus.io/docs/prometheus/latest/querying/api/#format-overview
 */
import { z } from 'zod';
import type { DwcpErrorCode } from '../errors.ts';

/** `errorType` values: the codes of src/errors.ts and `DWCP_INTERNAL` for unexpected failures. */
export type ApiErrorType = DwcpErrorCode | 'DWCP_INTERNAL';

/** One problem of an invalid input file (alert rules): 1-based line and column, null when the whole file is bad. */
export const FileProblemSchema = z.strictObject({
  file: z.string(),
  line: z.number().int().min(1).nullable(),
  column: z.number().int().min(1).nullable(),
  /** Path of the bad field, e.g. `groups[0].rules[2].for`. */
  path: z.string(),
  message: z.string(),
});

export const ApiErrorBodySchema = z.strictObject({
  status: z.literal('error'),
  errorType: z.custom<ApiErrorType>((v) => typeof v === 'string' && /^DWCP_[A-Z_]+$/.test(v), {
    message: 'must be a DWCP_* error code',
  }),
  error: z.string(),
  /** Problems of an invalid file (alert rules), each at its line and column. */
  problems: z.array(FileProblemSchema).optional(),
});
export type ApiErrorBody = z.infer<typeof ApiErrorBodySchema>;
