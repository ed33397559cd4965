/**
 * Body of every API error response: `{status: 'error', errorType, error}` (Prometheus' HTTP API shape), where
 * `errorType` is the stable code of src/errors.ts. The HTTP status mapping lives in src/server/error-handler.ts.
 *
 * @see https://prometheus.io/docs/prometheus/latest/querying/api/#format-overview
 */
import { z } from 'zod';
import type { DwcpErrorCode } from '../errors.ts';

/** `errorType` values: the codes of src/errors.ts and `DWCP_INTERNAL` for unexpected failures. */
export type ApiErrorType = DwcpErrorCode | 'DWCP_INTERNAL';

export const ApiErrorBodySchema = z.strictObject({
  status: z.literal('error'),
  errorType: z.custom<ApiErrorType>((v) => typeof v === 'string' && /^DWCP_[A-Z_]+$/.test(v), { message: 'must be a DWCP_* error code' }),
  error: z.string(),
});
export type ApiErrorBody = z.infer<typeof ApiErrorBodySchema>;
