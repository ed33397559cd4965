/** GET /api/components/status: each DWCP component's state per region. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ComponentStatus } from '../../model/status.ts';
import type { ApiContext } from '../deps.ts';
import { parseQuery } from '../params.ts';

/** Body of GET /api/components/status. */
export interface ComponentsResponse {
  readonly status: 'success';
  readonly data: readonly ComponentStatus[];
}

/** Registers GET /api/components/status → 200 `{status: 'success', data: deps.componentStatus()}`. */
export async function componentRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  app.get('/api/components/status', async (request): Promise<ComponentsResponse> => {
    parseQuery(request.query, { schema: z.strictObject({}) });
    return { status: 'success', data: ctx.deps.componentStatus() };
  });
}
