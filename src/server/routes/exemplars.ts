/**
 * GET /api/v1/query_exemplars — Prometheus' exemplar query (parameters and response shape), so Grafana's
 * Prometheus data source, pointed at the monitor, links a latency panel's exemplars to the trace data source.
 * @see https://prometheus.io/docs/prometheus/latest/querying/api/#querying-exemplars
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ExemplarsResponse } from '../../contract/traces.ts';
import { InvalidInputError, NotFoundError } from '../../errors.ts';
import type { ApiContext } from '../deps.ts';
import { parseQuery, timeParam } from '../params.ts';

/** Default window when `start` is not given: one hour before `end`. */
const DEFAULT_LOOKBACK_MS = 3_600_000;

const Query = z.strictObject({
  query: z.string().min(1).max(16_384),
  start: timeParam().optional(),
  end: timeParam().optional(),
});

/**
 * Registers GET /api/v1/query_exemplars?query=<PromQL>&start=&end= (times RFC3339 or Unix seconds; default the
 * hour before now): the exemplars of the series the expression's selectors match. 400 for a bad expression or
 * window; 404 `DWCP_NOT_FOUND` when `deps.exemplars` is omitted.
 */
export async function exemplarRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  const exemplars = ctx.deps.exemplars;
  app.get('/api/v1/query_exemplars', async (request): Promise<ExemplarsResponse> => {
    if (exemplars === undefined) throw new NotFoundError('exemplars are not enabled on this monitor');
    const q = parseQuery(request.query, { schema: Query }).values;
    const endMs = q.end ?? ctx.now();
    const startMs = q.start ?? endMs - DEFAULT_LOOKBACK_MS;
    if (startMs > endMs) throw new InvalidInputError('start must not be after end');
    return exemplars.query(q.query, startMs, endMs);
  });
}
