/**
 * Incidents: GET /api/incidents (newest first), GET /api/incidents/:id, POST /api/incidents/:id/acknowledge
 * (who and a comment) and POST /api/incidents/:id/unacknowledge (undo).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { acknowledgeInputSchema, type AlertingResponse, type Incident } from '../../contract/alerting.ts';
import { InvalidInputError, NotFoundError } from '../../errors.ts';
import { allowsNode } from '../../model/tenant-scope.ts';
import type { AlertingApi } from '../alerting-deps.ts';
import type { ApiContext } from '../deps.ts';
import { intParam, parseQuery } from '../params.ts';
import { tenantScope } from '../tenancy.ts';

const ID = /^[A-Za-z0-9-]{1,64}$/;

/** The incident `id` when the caller's scope covers its node or region. @throws NotFoundError otherwise or when unknown */
async function visibleIncident(ctx: ApiContext, request: FastifyRequest, id: string): Promise<Incident> {
  const incident = await alertingOf(ctx).getIncident(id);
  if (!allowsNode(tenantScope(request), incident.node, incident.region))
    throw new NotFoundError(`incident ${id} not found`);
  return incident;
}

/** The alerting dependency, or 404 when the monitor runs without alerting. */
export function alertingOf(ctx: ApiContext): AlertingApi {
  const a = ctx.deps.alerting;
  if (a === undefined) throw new NotFoundError('alerting is not configured on this monitor');
  return a;
}

/** A path id (letters, digits, dashes; at most 64). @throws InvalidInputError */
export function pathId(raw: string, what: string): string {
  if (!ID.test(raw))
    throw new InvalidInputError(
      `${what} id must be 1-64 letters, digits or dashes, got "${raw.slice(0, 40)}"`,
    );
  return raw;
}

/** Parses a JSON body with a zod schema. @throws InvalidInputError naming every bad field */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown, what: string): z.output<S> {
  const res = schema.safeParse(body ?? {});
  if (!res.success)
    throw new InvalidInputError(
      `invalid ${what}: ${res.error.issues.map((i) => `${i.path.map(String).join('.') || 'body'}: ${i.message}`).join('; ')}`,
    );
  return res.data;
}

/**
 * Registers
 * - GET /api/incidents?status=firing|resolved&limit=1..1000 (default 100) → `{status, data: Incident[]}`;
 * - GET /api/incidents/:id → `{status, data: Incident}` (404 unknown);
 * - POST /api/incidents/:id/acknowledge with `{by, comment?}` → the incident (400 for a malformed body);
 * - POST /api/incidents/:id/unacknowledge → the incident without its acknowledgement.
 * A tenant-scoped caller (src/server/tenancy.ts) sees and acknowledges the incidents of its nodes or regions only;
 * another tenant's incident id answers 404 as an unknown one.
 */
export async function incidentRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  const ListQuery = z.strictObject({
    status: z.enum(['firing', 'resolved']).optional(),
    limit: intParam(1, 1000).optional(),
  });
  app.get('/api/incidents', async (request): Promise<AlertingResponse<Incident[]>> => {
    const q = parseQuery(request.query, { schema: ListQuery }).values;
    const limit = q.limit ?? 100;
    const scope = tenantScope(request);
    // The alerting filters by the scope before the limit (in memory and in SQL); checked again here.
    const data = await alertingOf(ctx).listIncidents(limit, q.status, scope);
    return { status: 'success', data: data.filter((i) => allowsNode(scope, i.node, i.region)) };
  });
  app.get<{ Params: { id: string } }>(
    '/api/incidents/:id',
    async (request): Promise<AlertingResponse<Incident>> => {
      parseQuery(request.query, { schema: z.strictObject({}) });
      return {
        status: 'success',
        data: await visibleIncident(ctx, request, pathId(request.params.id, 'incident')),
      };
    },
  );
  app.post<{ Params: { id: string } }>(
    '/api/incidents/:id/acknowledge',
    async (request): Promise<AlertingResponse<Incident>> => {
      const id = pathId(request.params.id, 'incident');
      const body = parseBody(acknowledgeInputSchema, request.body, 'acknowledgement');
      await visibleIncident(ctx, request, id);
      return { status: 'success', data: await alertingOf(ctx).acknowledge(id, body) };
    },
  );
  app.post<{ Params: { id: string } }>(
    '/api/incidents/:id/unacknowledge',
    async (request): Promise<AlertingResponse<Incident>> => {
      const id = pathId(request.params.id, 'incident');
      await visibleIncident(ctx, request, id);
      return { status: 'success', data: await alertingOf(ctx).unacknowledge(id) };
    },
  );
}
