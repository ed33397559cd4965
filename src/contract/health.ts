/** GET /health (liveness with details) and GET /ready (readiness). Not wrapped in the success envelope. */
import { z } from 'zod';

/** Body of GET /health. Extra details (store sizes, versions, ...) are passed through unchanged. */
export const HealthReportSchema = z.looseObject({
  status: z.enum(['healthy', 'degraded']),
  /** Seconds since the monitor started. */
  uptimeSeconds: z.number().nonnegative(),
});
export type HealthReport = z.infer<typeof HealthReportSchema>;

/** Body of GET /ready: 200 `ready` or 503 `not_ready`. */
export const ReadyResponseSchema = z.strictObject({ status: z.enum(['ready', 'not_ready']) });
export type ReadyResponse = z.infer<typeof ReadyResponseSchema>;
