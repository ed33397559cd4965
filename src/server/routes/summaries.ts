/** GET /api/system/metrics (the monitor's own performance) and GET /metrics/summary (production metrics summary). */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { MetricsSummaryResponse, SystemMetricsResponse } from '../../contract/summaries.ts';
import { NotFoundError } from '../../errors.ts';
import type { ApiContext } from '../deps.ts';
import type { SummariesApi } from '../ops-deps.ts';
import { durationParam, parseQuery } from '../params.ts';

/** Default window of GET /metrics/summary. */
export const DEFAULT_SUMMARY_WINDOW_MS = 5 * 60_000;

function summariesOf(ctx: ApiContext): SummariesApi {
  const s = ctx.deps.summaries;
  if (!s) throw new NotFoundError('summaries are not enabled');
  return s;
}

/**
 * Registers GET /api/system/metrics → 200 `{status: 'success', data: {process, runtime, host, pipeline,
 * profiler, ...}}` and GET /metrics/summary?window=5m (10s..24h) → 200 `{status: 'success', data: {...}}`.
 */
export async function summaryRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  app.get('/api/system/metrics', async (request): Promise<SystemMetricsResponse> => {
    parseQuery(request.query, { schema: z.strictObject({}) });
    return { status: 'success', data: await summariesOf(ctx).system() };
  });
  app.get('/metrics/summary', async (request): Promise<MetricsSummaryResponse> => {
    const { values } = parseQuery(request.query, {
      schema: z.strictObject({ window: durationParam().optional() }),
    });
    return {
      status: 'success',
      data: await summariesOf(ctx).metrics(values.window ?? DEFAULT_SUMMARY_WINDOW_MS, ctx.now()),
    };
  });
}
