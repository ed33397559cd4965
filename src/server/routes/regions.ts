/**
 * GET /api/regions/health: regional health score, status and factor scores from the stored series, and each
 * region's score trend (least squares over the last hour of scores recorded every 15 s).
 */
import type { FastifyInstance } from 'fastify';
import type { RegionsResponse } from '../../contract/regions.ts';
import type { ApiContext } from '../deps.ts';
import { insightsOf, parseWindowQuery } from './rollout.ts';

/** Default `window` of GET /api/regions/health. */
export const DEFAULT_REGIONS_WINDOW_MS = 5 * 60_000;

/**
 * Registers GET /api/regions/health?window=5m → 200 `{status: 'success', data: {window, regions: [{region, status,
 * score, factors, inputs, latencyByMode, missing, reasons, trend: {direction, slopePerHour, points}}], warnings}}`
 * (`status: 'insufficient-data'` with score/factors null and `reasons` saying what each factor lacks until every
 * factor has passed the warm-up; `trend` does not depend on `window`).
 */
export async function regionRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  app.get('/api/regions/health', async (request): Promise<RegionsResponse> => {
    const windowMs = parseWindowQuery(request.query, DEFAULT_REGIONS_WINDOW_MS);
    return { status: 'success', data: await insightsOf(ctx).regions(windowMs, ctx.now()) };
  });
}
