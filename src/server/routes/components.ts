/** GET /api/components/status: each DWCP component's state per region. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ComponentsResponse } from '../../contract/components.ts';
import type { ApiContext } from '../deps.ts';
import { parseQuery } from '../params.ts';

/** Registers GET /api/components/status → 200 `{status: 'success', data: deps.componentStatus()}`. */
export async function componentRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  app.get('/api/components/status', async (request): Promise<ComponentsResponse> => {
    parseQuery(request.query, { schema: z.strictObject({}) });
    return { status: 'success', data: ctx.deps.componentStatus() };
  });
}
