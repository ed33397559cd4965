/** GET /api/capacity: per node and resource (cpu, memory) capacity plans from the stored utilisation series. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { InvalidInputError } from '../../errors.ts';
import { CAPACITY_RESOURCES, type CapacityResource, type CapacityResponse } from '../../contract/capacity.ts';
import { configured, type ApiContext } from '../deps.ts';
import { durationParam, parseQuery } from '../params.ts';

/** Shortest, longest and default `window` of GET /api/capacity. */
export const MIN_CAPACITY_WINDOW_MS = 3_600_000;
export const MAX_CAPACITY_WINDOW_MS = 90 * 86_400_000;
export const DEFAULT_CAPACITY_WINDOW_MS = 7 * 86_400_000;

/**
 * Validates the query `{window?, resource?}` (window: duration such as `7d` or seconds, in [1 h, 90 d], default
 * 7 d; resource: `cpu` or `memory`, default both); unknown parameters → 400.
 * @throws UnknownParameterError, InvalidInputError
 */
export function parseCapacityQuery(raw: unknown): {
  windowMs: number;
  resources: readonly CapacityResource[];
} {
  const schema = z.strictObject({
    window: durationParam().optional(),
    resource: z.enum(CAPACITY_RESOURCES).optional(),
  });
  const { window, resource } = parseQuery(raw, { schema }).values;
  const ms = window ?? DEFAULT_CAPACITY_WINDOW_MS;
  if (!(ms >= MIN_CAPACITY_WINDOW_MS && ms <= MAX_CAPACITY_WINDOW_MS)) {
    throw new InvalidInputError(`window: must be between 1h and 90d, got ${ms / 1000}s`);
  }
  return { windowMs: Math.round(ms), resources: resource === undefined ? CAPACITY_RESOURCES : [resource] };
}

/**
 * Registers GET /api/capacity?window=7d&resource=cpu → 200 `{status: 'success', data: {window, resources, nodes:
 * [{node, region, resource, labels, points, plan}], warnings}}`; `plan` is a CapacityPlan (`status: 'ok'`), or
 * `insufficient-data` / `invalid-data` with a reason.
 */
export async function capacityRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  app.get('/api/capacity', async (request): Promise<CapacityResponse> => {
    const { windowMs, resources } = parseCapacityQuery(request.query);
    return {
      status: 'success',
      data: await configured(ctx.deps.capacity, 'capacity planning').capacity(windowMs, resources, ctx.now()),
    };
  });
}
