/** GET /api/anomalies (filtered history, newest first) and POST /api/anomalies/:id/acknowledge. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { toApiAnomaly, type AcknowledgeResponse, type AnomaliesResponse } from '../../contract/anomalies.ts';
import { InvalidInputError, NotFoundError } from '../../errors.ts';
import type { TenantScope } from '../../model/tenant-scope.ts';
import { COMPONENTS, SEVERITIES } from '../../model/dwcp.ts';
import type { AnomalyFilter } from '../../store/types.ts';
import type { ApiContext } from '../deps.ts';
import { intParam, parseQuery, timeParam } from '../params.ts';
import { tenantScope } from '../tenancy.ts';

const ID = /^[1-9]\d{0,15}$/;

/**
 * Registers
 * - GET /api/anomalies?start=&end=&component=&severity=&min_severity=&limit= → 200 `{status, data: Anomaly[]}`
 *   newest first. `start`/`end`: RFC3339 or Unix seconds, inclusive, start ≤ end; `component`: one of the six
 *   DWCP components or `system`; `severity` (exact) and `min_severity` (this and above) are mutually exclusive;
 *   `limit`: 1..limits.anomaliesMax, default limits.anomaliesDefault.
 * - POST /api/anomalies/:id/acknowledge → 200 `{status, data: Anomaly}` (acknowledged); the body is ignored.
 * A tenant-scoped caller lists and acknowledges only its nodes' anomalies (src/server/tenancy.ts); another
 * tenant's id answers 404 as an unknown one.
 * Errors: 400 DWCP_UNKNOWN_PARAMETER / DWCP_INVALID_INPUT (bad values, non-numeric id), 404 DWCP_NOT_FOUND
 * (unknown id, thrown by the store).
 */
export async function anomalyRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  const { limits } = ctx;
  const ListQuery = z.strictObject({
    start: timeParam().optional(),
    end: timeParam().optional(),
    component: z.enum([...COMPONENTS, 'system']).optional(),
    severity: z.enum(SEVERITIES).optional(),
    min_severity: z.enum(SEVERITIES).optional(),
    limit: intParam(1, limits.anomaliesMax).optional(),
  });

  app.get('/api/anomalies', async (request): Promise<AnomaliesResponse> => {
    const q = parseQuery(request.query, { schema: ListQuery }).values;
    if (q.start !== undefined && q.end !== undefined && q.start > q.end) {
      throw new InvalidInputError('start must not be after end');
    }
    if (q.severity !== undefined && q.min_severity !== undefined) {
      throw new InvalidInputError('severity and min_severity are mutually exclusive');
    }
    const filter: AnomalyFilter = {
      limit: q.limit ?? limits.anomaliesDefault,
      ...(q.start !== undefined ? { startMs: q.start } : {}),
      ...(q.end !== undefined ? { endMs: q.end } : {}),
      ...(q.component !== undefined ? { component: q.component } : {}),
      ...(q.severity !== undefined ? { severity: q.severity } : {}),
      ...(q.min_severity !== undefined ? { minSeverity: q.min_severity } : {}),
      ...scopeFilter(tenantScope(request)),
    };
    const data = await ctx.deps.anomalies.list(filter);
    // The store honours the limit; slicing keeps the response bounded even if a backend does not.
    return { status: 'success', data: data.slice(0, filter.limit).map(toApiAnomaly) };
  });

  app.post<{ Params: { id: string } }>(
    '/api/anomalies/:id/acknowledge',
    async (request): Promise<AcknowledgeResponse> => {
      parseQuery(request.query, { schema: z.strictObject({}) });
      const raw = request.params.id;
      if (!ID.test(raw) || !Number.isSafeInteger(Number(raw))) {
        throw new InvalidInputError(`anomaly id must be a positive integer, got "${raw.slice(0, 40)}"`);
      }
      const id = Number(raw);
      const scope = tenantScope(request);
      // Another tenant's anomaly answers as an unknown one (404), so its existence does not leak.
      if (scope.kind === 'nodes' && (await ctx.deps.anomalies.list({ id, scope, limit: 1 })).length === 0)
        throw new NotFoundError(`anomaly ${id} not found`);
      const anomaly = await ctx.deps.anomalies.acknowledge(id);
      return { status: 'success', data: toApiAnomaly(anomaly) };
    },
  );
}

/** The store filter of a scope: none for every node. */
function scopeFilter(scope: TenantScope): { scope?: TenantScope } {
  return scope.kind === 'all' ? {} : { scope };
}
