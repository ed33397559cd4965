/**
 * The dashboard API: POST/GET/PUT/DELETE /api/dashboards (list with pagination), versions, and the evaluated
 * widget data GET /api/dashboards/{id}/data; registers the live updates of ./dashboards-live.ts.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  DashboardUpdateSchema,
  type DashboardDataResponse,
  type DashboardImportResponse,
  type DashboardPageResponse,
  type DashboardResponse,
  type DashboardTemplatesResponse,
  type DashboardVariablesResponse,
  type DashboardVersionsResponse,
} from '../../contract/dashboards.ts';
import { InvalidInputError, NotFoundError } from '../../errors.ts';
import { configured, type ApiContext } from '../deps.ts';
import type { DashboardScope, DashboardsApi } from '../dashboards-deps.ts';
import { intParam, parseQuery } from '../params.ts';
import { tenantScope } from '../tenancy.ts';
import { dashboardExportRoutes } from './dashboards-export.ts';
import { dashboardLiveRoutes } from './dashboards-live.ts';

const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MAX_PAGE = 200;
const DEFAULT_PAGE = 50;
/** Values of one variable at most (`var[name]=a,b,c`). */
const MAX_VAR_VALUES = 64;

/** The dashboard id of a path. @throws NotFoundError for text that cannot be an id (as for an unknown one) */
export function dashboardId(raw: string): string {
  const id = raw.toLowerCase();
  if (!ID.test(id)) throw new NotFoundError(`dashboard ${raw.slice(0, 64)} not found`);
  return id;
}

/** The caller's tenant, name, role (for widget grants) and nodes (src/server/tenancy.ts; the configured default scope when authentication is disabled). */
export function scopeOf(request: FastifyRequest, api: DashboardsApi): DashboardScope {
  const p = request.principal;
  return p === null
    ? api.defaultScope
    : { tenantId: p.tenant, actor: p.username, nodes: tenantScope(request), role: p.role };
}

/** Selected variable values from `var[name]=v1,v2` parameters. */
export function variableValues(
  family: Readonly<Record<string, string>> | undefined,
): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, raw] of Object.entries(family ?? {})) {
    const values = raw.split(',').filter((v) => v !== '');
    if (values.length > MAX_VAR_VALUES)
      throw new InvalidInputError(`var[${name}]: at most ${MAX_VAR_VALUES} values`);
    out[name] = values;
  }
  return out;
}

/**
 * Registers (404 for each when the monitor has no dashboard engine):
 * - POST /api/dashboards — body: a dashboard spec (src/contract/dashboard-spec.ts) → 201 the stored dashboard,
 *   version 1. 400 naming the failing path (unknown widget type, unknown metric, ...), 413 over the body limit.
 * - GET /api/dashboards?offset=&limit=&search= — a page of the tenant's dashboards by title (limit 1..200, default 50).
 * - GET /api/dashboards/{id} — the current version.
 * - PUT /api/dashboards/{id} — body `{version, dashboard}`: replaces version `version`; 409 when it is stale.
 * - DELETE /api/dashboards/{id}?version= — deletes (with `version`: only that version; 409 when stale).
 * - GET /api/dashboards/{id}/versions — the kept versions, newest first.
 * - GET /api/dashboards/{id}/data?var[name]=v1,v2 — every widget evaluated over the dashboard's time range.
 * - GET /api/dashboards/{id}/variables — the choices of each variable (label values of its metric, ...).
 * - GET /api/dashboards/templates — the built-in templates; POST /api/dashboards/templates/{name} — 201 a new
 *   dashboard from one.
 * - POST /api/dashboards/import/grafana — body: Grafana dashboard JSON → 201 the stored dashboard and `warnings`.
 * - GET /api/dashboards/{id}/export?format=json|grafana&var[name]=v1,v2 — the spec (importable by POST
 *   /api/dashboards) or Grafana dashboard JSON, with the selected variable values as each variable's `current`;
 *   /export.png and /export.pdf — rendered by Chromium with the same selection (./dashboards-export.ts).
 * Another tenant's dashboard is 404, as an unknown one.
 */
export async function dashboardRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  const api = (): DashboardsApi => configured(ctx.deps.dashboards, 'dashboards');
  const bodyLimit = ctx.deps.dashboards?.maxBodyBytes ?? ctx.limits.bodyLimitBytes;
  const scope = (request: FastifyRequest) => scopeOf(request, api());
  const NoParams = z.strictObject({});
  await app.register(dashboardLiveRoutes, ctx);
  await app.register(dashboardExportRoutes, ctx);

  app.post('/api/dashboards', { bodyLimit }, async (request, reply): Promise<DashboardResponse> => {
    parseQuery(request.query, { schema: NoParams });
    const rec = await api().create(scope(request), request.body);
    reply.code(201);
    return { status: 'success', data: rec };
  });

  app.get('/api/dashboards/templates', async (request): Promise<DashboardTemplatesResponse> => {
    parseQuery(request.query, { schema: NoParams });
    return { status: 'success', data: api().templates() };
  });

  app.post<{ Params: { name: string } }>(
    '/api/dashboards/templates/:name',
    async (request, reply): Promise<DashboardResponse> => {
      parseQuery(request.query, { schema: NoParams });
      const t = api()
        .templates()
        .find((x) => x.name === request.params.name);
      if (t === undefined)
        throw new NotFoundError(
          `no dashboard template ${request.params.name.slice(0, 64)}; the templates are ${api()
            .templates()
            .map((x) => x.name)
            .join(', ')}`,
        );
      reply.code(201);
      return { status: 'success', data: await api().create(scope(request), t.dashboard) };
    },
  );

  app.post(
    '/api/dashboards/import/grafana',
    { bodyLimit },
    async (request, reply): Promise<DashboardImportResponse> => {
      parseQuery(request.query, { schema: NoParams });
      const { record, warnings } = await api().importGrafana(scope(request), request.body);
      reply.code(201);
      return { status: 'success', data: record, warnings };
    },
  );

  app.get<{ Params: { id: string } }>('/api/dashboards/:id/export', async (request) => {
    const parsed = parseQuery(request.query, {
      schema: z.strictObject({ format: z.enum(['json', 'grafana']).optional() }),
      families: ['var'],
    });
    const vars = variableValues(parsed.families.get('var'));
    const id = dashboardId(request.params.id);
    if (parsed.values.format === 'grafana') return api().exportGrafana(scope(request), id, vars);
    return api().exportSpec(scope(request), id, vars);
  });

  app.get('/api/dashboards', async (request): Promise<DashboardPageResponse> => {
    const q = parseQuery(request.query, {
      schema: z.strictObject({
        offset: intParam(0, 1_000_000).optional(),
        limit: intParam(1, MAX_PAGE).optional(),
        search: z.string().max(200).optional(),
      }),
    }).values;
    const data = await api().list(scope(request), {
      offset: q.offset ?? 0,
      limit: q.limit ?? DEFAULT_PAGE,
      ...(q.search !== undefined ? { search: q.search } : {}),
    });
    return { status: 'success', data };
  });

  app.get<{ Params: { id: string } }>('/api/dashboards/:id', async (request): Promise<DashboardResponse> => {
    parseQuery(request.query, { schema: NoParams });
    return { status: 'success', data: await api().get(scope(request), dashboardId(request.params.id)) };
  });

  app.put<{ Params: { id: string } }>(
    '/api/dashboards/:id',
    { bodyLimit },
    async (request): Promise<DashboardResponse> => {
      parseQuery(request.query, { schema: NoParams });
      const id = dashboardId(request.params.id);
      const body = DashboardUpdateSchema.safeParse(request.body);
      if (!body.success)
        throw new InvalidInputError(
          'body must be {"version": <the version being replaced>, "dashboard": {...}}',
        );
      return {
        status: 'success',
        data: await api().update(scope(request), id, body.data.version, body.data.dashboard),
      };
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/api/dashboards/:id',
    async (request): Promise<DashboardResponse> => {
      const q = parseQuery(request.query, {
        schema: z.strictObject({ version: intParam(1, Number.MAX_SAFE_INTEGER).optional() }),
      }).values;
      return {
        status: 'success',
        data: await api().delete(scope(request), dashboardId(request.params.id), q.version),
      };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/dashboards/:id/versions',
    async (request): Promise<DashboardVersionsResponse> => {
      parseQuery(request.query, { schema: NoParams });
      return {
        status: 'success',
        data: await api().versions(scope(request), dashboardId(request.params.id)),
      };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/dashboards/:id/data',
    async (request): Promise<DashboardDataResponse> => {
      const parsed = parseQuery(request.query, { schema: NoParams, families: ['var'] });
      const vars = variableValues(parsed.families.get('var'));
      return {
        status: 'success',
        data: await api().data(scope(request), dashboardId(request.params.id), vars),
      };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/dashboards/:id/variables',
    async (request): Promise<DashboardVariablesResponse> => {
      parseQuery(request.query, { schema: NoParams });
      return {
        status: 'success',
        data: await api().variables(scope(request), dashboardId(request.params.id)),
      };
    },
  );
}
