/**
 * GET /api/models/performance: the detectors' measured performance, read from the last `npm run bench:detect`
 * run (bench/results/detect.json by default) — never hard-coded. 404 until a benchmark has been run.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ModelPerformanceResponse } from '../../contract/models.ts';
import { NotFoundError } from '../../errors.ts';
import { configured, type ApiContext } from '../deps.ts';
import { parseQuery } from '../params.ts';

/** Registers GET /api/models/performance (no parameters). */
export async function modelRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  app.get('/api/models/performance', async (request): Promise<ModelPerformanceResponse> => {
    parseQuery(request.query, { schema: z.strictObject({}) });
    const src = configured(ctx.deps.modelPerformance, 'model performance');
    const r = await src.read();
    if (r === null)
      throw new NotFoundError(`no benchmark results at ${src.location}: run \`npm run bench:detect\``);
    return { status: 'success', data: { source: src.location, report: r } };
  });
}
