/**
 * Events of the GET /api/live websocket: JSON text messages, one event per message, discriminated by `type`.
 * The first message after connecting is a `targets` snapshot.
 */
import { z } from 'zod';
import { AnomalySchema } from './anomalies.ts';
import { listOf } from './common.ts';
import { TargetStatusSchema } from './targets.ts';

export const LiveEventSchema = z.discriminatedUnion('type', [
  /** An anomaly was opened (as stored). */
  z.strictObject({ type: z.literal('anomaly'), anomaly: AnomalySchema }),
  /** The anomaly `id` was resolved at `resolvedAtMs` (Unix ms). */
  z.strictObject({
    type: z.literal('anomaly_resolved'),
    id: z.number().int().nonnegative(),
    resolvedAtMs: z.number(),
    /** As `Anomaly.resolution`: why it ended (back inside its band, new level accepted, ...). */
    resolution: z.string().optional(),
  }),
  /** The state of every scrape target. */
  z.strictObject({ type: z.literal('targets'), targets: listOf(TargetStatusSchema) }),
]);
export type LiveEvent = z.infer<typeof LiveEventSchema>;
