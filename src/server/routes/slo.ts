/**
 * GET /api/slo: error budgets of the configured SLOs (default the built-in templates) over the stored series of the
 * window.
 */
import type { FastifyInstance } from 'fastify';
import type { SloResponse } from '../../contract/slo.ts';
import type { ApiContext } from '../deps.ts';
import { tenantScope } from '../tenancy.ts';
import { insightsOf, parseWindowQuery } from './rollout.ts';

/** Default `window` of GET /api/slo: the long window of the fastest burn-rate page pair. */
export const DEFAULT_SLO_WINDOW_MS = 3_600_000;

/**
 * Registers GET /api/slo?window=1h → 200 `{status: 'success', data: {stepMs, window, slos: [{name, objective,
 * evaluated, reason, report: BudgetReport | null}], warnings}}`. A tenant-scoped caller (src/server/tenancy.ts)
 * gets the SLOs computed over its nodes' (regions') series only; cluster-wide series are left out.
 */
export async function sloRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  app.get('/api/slo', async (request): Promise<SloResponse> => {
    const windowMs = parseWindowQuery(request.query, DEFAULT_SLO_WINDOW_MS);
    const scope = tenantScope(request);
    return {
      status: 'success',
      data: await insightsOf(ctx).slo(windowMs, ctx.now(), scope.kind === 'all' ? undefined : scope),
    };
  });
}
