/** GET /api/components/status: each DWCP component's state per region (src/model/status.ts `ComponentStatus`). */
import { z } from 'zod';
import { COMPONENTS, HEALTH } from '../model/dwcp.ts';
import { listOf, successOf } from './common.ts';

const HEALTH_STATES = Object.keys(HEALTH) as (keyof typeof HEALTH)[];

/** Status of one component in one region: the worst node's state, `unknown` when no node reported. */
export const ComponentStatusSchema = z.strictObject({
  component: z.enum(COMPONENTS),
  region: z.string(),
  state: z.enum([...HEALTH_STATES, 'unknown']),
  nodesHealthy: z.number().int().nonnegative(),
  nodesDegraded: z.number().int().nonnegative(),
  nodesDown: z.number().int().nonnegative(),
  /** Active (unresolved) anomalies on this component in this region. */
  activeAnomalies: z.number().int().nonnegative(),
});
export type ApiComponentStatus = z.infer<typeof ComponentStatusSchema>;

/** Body of GET /api/components/status: every component (DWCP order) × every known region (sorted). */
export const ComponentsResponseSchema = successOf(listOf(ComponentStatusSchema));
export type ComponentsResponse = z.infer<typeof ComponentsResponseSchema>;
