/** GET /metrics: the monitor's own metrics in the Prometheus text format. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ApiContext } from '../deps.ts';
import { parseQuery } from '../params.ts';

/**
 * Registers GET /metrics → 200 with `deps.registry.metrics()`, content type `registry.contentType`
 * (text/plain; version=0.0.4 unless the registry was created for OpenMetrics).
 */
export async function metricsRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  app.get('/metrics', async (request, reply) => {
    parseQuery(request.query, { schema: z.strictObject({}) });
    const text = await ctx.deps.registry.metrics();
    return reply.type(ctx.deps.registry.contentType).send(text);
  });
}
