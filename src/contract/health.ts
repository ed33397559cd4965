/** GET /health (liveness with details) and GET /ready (readiness). Not wrapped in the success envelope. */
import { z } from 'zod';

/**
 * Body of GET /health. It is answered without credentials, so it holds the monitor's own state only: no counts
 * or names of targets, series or anything else stored.
 */
export const HealthReportSchema = z.strictObject({
  /** `degraded` while a scrape target is down. */
  status: z.enum(['healthy', 'degraded']),
  /** Seconds since the monitor started. */
  uptimeSeconds: z.number().nonnegative(),
});
export type HealthReport = z.infer<typeof HealthReportSchema>;

/** Body of GET /ready: 200 `ready` or 503 `not_ready`. */
export const ReadyResponseSchema = z.strictObject({ status: z.enum(['ready', 'not_ready']) });
export type ReadyResponse = z.infer<typeof ReadyResponseSchema>;
