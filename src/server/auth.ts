/**
 * Authentication and authorization of every route, in one place: an `onRequest` hook on the root instance (so
 * it runs before body parsing and before websocket upgrades) that
 * - lets through only the routes of {@link PUBLIC_ROUTES} and the static files of the web page without
 *   credentials (the page must load to show its login form; it holds no data);
 * - otherwise reads `Authorization: Bearer <API token or session token>` or the HttpOnly session cookie, asks the
 *   auth service who that is (401 DWCP_UNAUTHORIZED when nobody: missing, expired, forged, malformed) and
 *   checks the principal's role against the route's permission ({@link permissionOf}; 403 DWCP_FORBIDDEN);
 * - derives the caller's tenant scope (the nodes it may read, ./tenancy.ts) and refuses a tenant-scoped caller
 *   the routes that do not filter by it;
 * - records every state-changing request outside ingest (dashboards, silences, users, tokens, ...) in the audit
 *   log with its outcome once it is answered.
 * Unknown routes need credentials too, so an anonymous caller cannot probe which routes exist.
 *
 * @see https://cheatsheetseries.owasp.org/cheatsheets/Session_Management_Cheat_Sheet.html (HttpOnly, SameSite)
 */
import fastifyCookie from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Principal, Role } from '../contract/auth.ts';
import { ForbiddenError, UnauthorizedError } from '../errors.ts';
import type { TenantNodeMapping } from '../model/tenant-scope.ts';
import type { AuthApi } from './auth-deps.ts';
import { enforceTenantScope } from './tenancy.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Every registered route as `METHOD url-pattern` (for the test that checks each one needs credentials). */
    readonly routeTable: readonly string[];
  }
  interface FastifyRequest {
    /** Who the request acts as; null on public routes and when authentication is disabled. */
    principal: Principal | null;
    /** What an audited request acted on, when its path does not say (e.g. the user a POST created). */
    auditTarget: string;
  }
}

/** Name of the session cookie. */
export const SESSION_COOKIE = 'dwcp_session';

/** `METHOD url-pattern` of the routes answered without credentials. */
export const PUBLIC_ROUTES: ReadonlySet<string> = new Set([
  'GET /health',
  'HEAD /health',
  'GET /ready',
  'HEAD /ready',
  'POST /api/auth/login',
]);

/** URL patterns of the web page's static files (@fastify/static's wildcard route). */
const STATIC_ROUTES: ReadonlySet<string> = new Set(['/*']);

/** `METHOD url-pattern` of the telemetry receivers: machines send with an `ingest`-capable API token. */
export const INGEST_ROUTES: ReadonlySet<string> = new Set([
  'POST /api/v1/write',
  'POST /v1/traces',
  'POST /v1/logs',
  'POST /loki/api/v1/push',
  'POST /api/metrics',
]);

/** What a route needs: nothing, or a permission one of the caller's roles grants. */
export type Permission = 'public' | 'authenticated' | 'read' | 'ingest' | 'write' | 'admin';

/** Permissions each role grants (besides `authenticated`). */
export const ROLE_PERMISSIONS: Readonly<Record<Role, ReadonlySet<Permission>>> = {
  viewer: new Set(['read']),
  ingest: new Set(['ingest']),
  editor: new Set(['read', 'ingest', 'write']),
  admin: new Set(['read', 'ingest', 'write', 'admin']),
};

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);
const ADMIN_PREFIXES = ['/api/auth/users', '/api/auth/tokens', '/api/audit', '/debug/'];
const SELF_ROUTES = new Set(['/api/auth/me', '/api/auth/logout']);

/**
 * The permission a request needs, from its method and matched URL pattern (`undefined`: no route matched).
 * Reads need `read`, writes `write`, telemetry receivers `ingest`, user/token/audit/profiling routes `admin`.
 */
export function permissionOf(method: string, url: string | undefined, staticFiles: boolean): Permission {
  if (url === undefined) return 'authenticated';
  if (PUBLIC_ROUTES.has(`${method} ${url}`)) return 'public';
  if (staticFiles && STATIC_ROUTES.has(url) && READS.has(method)) return 'public';
  if (SELF_ROUTES.has(url)) return 'authenticated';
  if (INGEST_ROUTES.has(`${method} ${url}`)) return 'ingest';
  if (ADMIN_PREFIXES.some((p) => url.startsWith(p))) return 'admin';
  return READS.has(method) ? 'read' : 'write';
}

/**
 * The 403 message for a role that lacks `need` on the route `url` (a matched URL pattern): it names what the role may
 * not do — for admin routes, which ones (`/debug/pprof` profiles, or users, tokens and the audit log).
 */
export function refusalOf(role: Role, need: Permission, url: string): string {
  const what =
    need === 'read'
      ? 'read this'
      : need === 'ingest'
        ? 'send telemetry'
        : need === 'write'
          ? 'change this'
          : url.startsWith('/debug/')
            ? 'take profiles (/debug/pprof is for admins)'
            : 'administer users, tokens or the audit log';
  return `role ${role} may not ${what}`;
}

/** The credentials of a request: the bearer value of `Authorization` and the session cookie. @throws UnauthorizedError for an Authorization header of another scheme */
function credentialsOf(request: FastifyRequest): { bearer?: string; session?: string } {
  const header = request.headers.authorization;
  const session = request.cookies[SESSION_COOKIE];
  const out: { bearer?: string; session?: string } =
    session === undefined || session === '' ? {} : { session };
  if (header === undefined) return out;
  const m = /^Bearer +([^\s]+) *$/i.exec(header);
  if (m === null) throw new UnauthorizedError('the Authorization header must be "Bearer <token>"');
  return { ...out, bearer: m[1]! };
}

/**
 * The token an authenticated request came with (its bearer token, else its session cookie), to be forwarded as
 * `Authorization: Bearer` when the server renders a page of its own console on the caller's behalf (PNG/PDF
 * export), or undefined without authentication.
 */
export function forwardableToken(request: FastifyRequest): string | undefined {
  const c = credentialsOf(request);
  return c.bearer ?? c.session;
}

/** The cookie options of a session (Secure when the request came over HTTPS). */
export function sessionCookieOptions(request: FastifyRequest, maxAgeSeconds: number) {
  return {
    path: '/',
    httpOnly: true,
    sameSite: 'strict' as const,
    secure: request.protocol === 'https',
    maxAge: maxAgeSeconds,
  };
}

/** Sets the session cookie on `reply`. */
export function setSessionCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  token: string,
  expiresAtMs: number,
  nowMs: number,
): void {
  void reply.setCookie(
    SESSION_COOKIE,
    token,
    sessionCookieOptions(request, Math.max(1, Math.floor((expiresAtMs - nowMs) / 1000))),
  );
}

/** Clears the session cookie on `reply`. */
export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  void reply.clearCookie(SESSION_COOKIE, sessionCookieOptions(request, 0));
}

/** Options of {@link registerAuth}. */
export interface AuthGateOptions {
  /** The auth service, or `disabled` (every request passes; allowed by the configuration only on loopback). */
  readonly auth: AuthApi | 'disabled';
  /** Whether the web page's static files are served (they are public). */
  readonly staticFiles: boolean;
  /** Which nodes each tenant reads (./tenancy.ts); omitted → every principal reads every node. */
  readonly tenants?: TenantNodeMapping;
  /** For audit-log write failures. */
  readonly warnLog?: { warn(fields: object, message: string): void };
}

/**
 * Installs cookie parsing, the authentication hook and the audit hook (module comment) on the root instance.
 * Call after the Host/Origin checks and before the routes.
 */
export async function registerAuth(app: FastifyInstance, opts: AuthGateOptions): Promise<void> {
  await app.register(fastifyCookie);
  const routes: string[] = [];
  app.decorate('routeTable', routes);
  app.addHook('onRoute', (r) => {
    for (const m of Array.isArray(r.method) ? r.method : [r.method]) routes.push(`${m} ${r.url}`);
  });
  app.decorateRequest('principal', null);
  app.decorateRequest('auditTarget', '');
  app.decorateRequest('tenantScope', null);
  const auth = opts.auth;
  if (auth === 'disabled') return;

  app.addHook('onRequest', async (request) => {
    const need = permissionOf(request.method, request.routeOptions.url, opts.staticFiles);
    if (need === 'public') return;
    const principal = await auth.authenticate(credentialsOf(request));
    request.principal = principal; // set before the role check, so that refused writes are audited too
    if (need !== 'authenticated' && !ROLE_PERMISSIONS[principal.role].has(need)) {
      throw new ForbiddenError(refusalOf(principal.role, need, request.routeOptions.url ?? ''));
    }
    enforceTenantScope(request, principal, opts.tenants);
  });

  app.addHook('onResponse', async (request, reply) => {
    const url = request.routeOptions.url;
    const principal = request.principal;
    if (
      principal === null ||
      url === undefined ||
      READS.has(request.method) ||
      INGEST_ROUTES.has(`${request.method} ${url}`)
    )
      return;
    const params = Object.values((request.params ?? {}) as Record<string, unknown>)
      .map(String)
      .join(',');
    await auth
      .record({
        tenant: principal.tenant,
        actor: principal.username,
        action: `${request.method} ${url}`,
        target: request.auditTarget || params,
        outcome: reply.statusCode < 400 ? 'success' : 'failure',
        address: request.ip,
      })
      .catch((e: unknown) =>
        opts.warnLog?.warn(
          { err: e instanceof Error ? e.message : String(e) },
          'writing the audit log failed',
        ),
      );
  });
}
