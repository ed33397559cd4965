/** GET /health (liveness and details) and GET /ready (readiness: 200 or 503). */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { HealthReport, ReadyResponse } from '../../contract/health.ts';
import type { ApiContext } from '../deps.ts';
import { parseQuery } from '../params.ts';

const NoParams = z.strictObject({});

/**
 * Registers GET /health → 200 with `deps.health()` as JSON (`status` healthy or degraded, `uptimeSeconds`, ...),
 * and GET /ready → 200 `{status: 'ready'}` or 503 `{status: 'not_ready'}` from `deps.ready()`.
 * Both reject query parameters (400 DWCP_UNKNOWN_PARAMETER).
 */
export async function healthRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  app.get('/health', async (request): Promise<HealthReport> => {
    parseQuery(request.query, { schema: NoParams });
    return ctx.deps.health();
  });
  app.get('/ready', async (request, reply) => {
    parseQuery(request.query, { schema: NoParams });
    const ready = ctx.deps.ready();
    const body: ReadyResponse = { status: ready ? 'ready' : 'not_ready' };
    return reply.code(ready ? 200 : 503).send(body);
  });
}
