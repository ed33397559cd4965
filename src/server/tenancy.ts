/**
 * Tenant isolation of node data, enforced in one place: the authentication hook (./auth.ts) derives the caller's
 * {@link TenantScope} once per request (and so once per websocket connection, at its upgrade) with
 * {@link scopeOfPrincipal}, and refuses a tenant-scoped caller every route that does not filter by the scope
 * ({@link tenantAccessOf}: deny by default, so a new route leaks nothing until it filters). The routes of
 * {@link SCOPED_ROUTES} read the scope with {@link tenantScope} and pass it to the store query or filter with
 * the predicates of src/model/tenant-scope.ts.
 *
 * @see https://cheatsheetseries.owasp.org/cheatsheets/Multi_Tenant_Security_Cheat_Sheet.html
 */
import type { FastifyRequest } from 'fastify';
import type { Principal } from '../contract/auth.ts';
import { ForbiddenError } from '../errors.ts';
import {
  ALL_NODES,
  scopeForTenant,
  type TenantNodeMapping,
  type TenantScope,
} from '../model/tenant-scope.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The node data the request may touch; set by the authentication hook (null: not authenticated). */
    tenantScope: TenantScope | null;
  }
}

/** Routes whose data belongs to the caller's tenant already (dashboards, users, tokens, the audit log, the caller). */
const TENANT_OWNED_PREFIXES = ['/api/auth/', '/api/audit', '/api/dashboards', '/ws/dashboards/'];

/** `METHOD url-pattern` of the routes that filter node data by the caller's scope. */
export const SCOPED_ROUTES: ReadonlySet<string> = new Set([
  'GET /api/metrics/search',
  'GET /api/metrics/query',
  'GET /api/v1/targets',
  'GET /api/v1/query',
  'GET /api/v1/query_range',
  'GET /api/v1/series',
  'GET /api/v1/labels',
  'POST /api/v1/query',
  'POST /api/v1/query_range',
  'POST /api/v1/series',
  'POST /api/v1/labels',
  'GET /api/v1/label/:name/values',
  'GET /api/anomalies',
  'POST /api/anomalies/:id/acknowledge',
  'GET /api/incidents',
  'GET /api/incidents/:id',
  'POST /api/incidents/:id/acknowledge',
  'POST /api/incidents/:id/unacknowledge',
  'GET /api/live',
  'GET /api/traces',
  'GET /api/traces/:traceId',
  'GET /api/logs',
  'GET /loki/api/v1/query_range',
  'GET /loki/api/v1/query',
  'GET /loki/api/v1/labels',
  'GET /loki/api/v1/label/:name/values',
  'GET /loki/api/v1/series',
  'POST /loki/api/v1/series',
  'GET /loki/api/v1/tail',
  'GET /api/services',
  'GET /api/services/:service/operations',
  'GET /api/slo',
  'POST /api/metrics',
  'POST /api/v1/write',
  'POST /v1/traces',
  'POST /v1/logs',
  'POST /loki/api/v1/push',
]);

/** How a route treats a tenant-scoped caller: its tenant's own data, data filtered by the scope, or refused. */
export type TenantAccess = 'tenant' | 'scoped' | 'operator';

/** The {@link TenantAccess} of a matched route (`url` undefined: no route matched, nothing to read). */
export function tenantAccessOf(method: string, url: string | undefined): TenantAccess {
  if (url === undefined) return 'tenant';
  if (TENANT_OWNED_PREFIXES.some((p) => url.startsWith(p))) return 'tenant';
  if (SCOPED_ROUTES.has(`${method === 'HEAD' ? 'GET' : method} ${url}`)) return 'scoped';
  return 'operator';
}

/** The scope of an authenticated principal: every node without a mapping to enforce, else its tenant's (./model). */
export function scopeOfPrincipal(principal: Principal, mapping: TenantNodeMapping | undefined): TenantScope {
  return mapping === undefined ? ALL_NODES : scopeForTenant(mapping, principal.tenant);
}

/**
 * Sets `request.tenantScope` from the principal and refuses a tenant-scoped caller a route that does not filter.
 * @throws ForbiddenError (403) for an operator-only route (cluster-wide views, the monitor's own state)
 */
export function enforceTenantScope(
  request: FastifyRequest,
  principal: Principal,
  mapping: TenantNodeMapping | undefined,
): void {
  const scope = scopeOfPrincipal(principal, mapping);
  request.tenantScope = scope;
  if (scope.kind === 'all') return;
  if (tenantAccessOf(request.method, request.routeOptions.url) === 'operator') {
    throw new ForbiddenError(
      `tenant ${principal.tenant} reads only its own nodes; this view is cluster-wide and is for the operator tenant only`,
    );
  }
}

/**
 * The scope of a request inside a route: what the authentication hook set; every node when authentication is
 * disabled (no principal); no node for an authenticated request without a scope (never reached with the hook).
 */
export function tenantScope(request: FastifyRequest): TenantScope {
  if (request.tenantScope !== null) return request.tenantScope;
  return request.principal === null
    ? ALL_NODES
    : { kind: 'nodes', tenant: request.principal.tenant, nodes: new Set(), regions: new Set() };
}
