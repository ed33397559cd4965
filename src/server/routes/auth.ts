/**
 * The identity and access API (permissions are checked by src/server/auth.ts before these handlers run):
 * - POST /api/auth/login `{username, password, session?}` → sets the HttpOnly SameSite=Strict session cookie and
 *   answers the principal and expiry; with `session: false` answers a bearer `accessToken` instead of the
 *   cookie. 401 for an unknown user or a wrong password (one message), 429 after too many failures from an address.
 * - POST /api/auth/logout → 204, clears the cookie. GET /api/auth/me → the caller.
 * - GET/POST /api/auth/users, DELETE /api/auth/users/{username} (admins; the caller's tenant).
 * - GET/POST /api/auth/tokens, DELETE /api/auth/tokens/{id} (admins): API tokens for machines; the token's secret
 *   is in the POST's answer only.
 * - GET /api/audit?limit=&before=&actor=&action=&since=&until= (admins): the tenant's audit log, newest first,
 *   `limit` 1..1000 (default 100); `before` an entry id (paging), `since`/`until` Unix ms.
 * All 404 when authentication is disabled.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  CreateApiTokenSchema,
  CreateUserSchema,
  LoginRequestSchema,
  NameSchema,
  type ApiTokenResponse,
  type ApiTokensResponse,
  type AuditResponse,
  type CreatedApiTokenResponse,
  type LoginResponse,
  type Principal,
  type PrincipalResponse,
  type UserResponse,
  type UsersResponse,
} from '../../contract/auth.ts';
import { NotFoundError, UnauthorizedError } from '../../errors.ts';
import { clearSessionCookie, setSessionCookie } from '../auth.ts';
import type { AuthApi } from '../auth-deps.ts';
import type { ApiContext } from '../deps.ts';
import { intParam, parseQuery } from '../params.ts';
import { parseBody } from './incidents.ts';

const AUDIT_MAX = 1000;
const AUDIT_DEFAULT = 100;
const NoParams = z.strictObject({});
const AuditQuery = z.strictObject({
  limit: intParam(1, AUDIT_MAX).optional(),
  before: intParam(1, Number.MAX_SAFE_INTEGER).optional(),
  actor: z.string().max(200).optional(),
  action: z.string().max(200).optional(),
  since: intParam(0, Number.MAX_SAFE_INTEGER).optional(),
  until: intParam(0, Number.MAX_SAFE_INTEGER).optional(),
});

/** Registers the routes of the module comment. */
export async function authRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  const api = (): AuthApi => {
    if (ctx.deps.auth === 'disabled') throw new NotFoundError('authentication is disabled on this monitor');
    return ctx.deps.auth;
  };
  const caller = (p: Principal | null): Principal => {
    if (p === null) throw new UnauthorizedError('authentication required');
    return p;
  };

  app.post('/api/auth/login', async (request, reply): Promise<LoginResponse> => {
    parseQuery(request.query, { schema: NoParams });
    const body = parseBody(LoginRequestSchema, request.body, 'login');
    const { principal, token, expiresAtMs } = await api().login(body.username, body.password, request.ip);
    if (body.session === false)
      return { status: 'success', data: { principal, expiresAtMs, accessToken: token } };
    setSessionCookie(request, reply, token, expiresAtMs, ctx.now());
    return { status: 'success', data: { principal, expiresAtMs } };
  });

  app.post('/api/auth/logout', async (request, reply) => {
    parseQuery(request.query, { schema: NoParams });
    api();
    clearSessionCookie(request, reply);
    return reply.code(204).send();
  });

  app.get('/api/auth/me', async (request): Promise<PrincipalResponse> => {
    parseQuery(request.query, { schema: NoParams });
    api();
    return { status: 'success', data: caller(request.principal) };
  });

  app.get('/api/auth/users', async (request): Promise<UsersResponse> => {
    parseQuery(request.query, { schema: NoParams });
    return { status: 'success', data: await api().listUsers(caller(request.principal)) };
  });

  app.post('/api/auth/users', async (request, reply): Promise<UserResponse> => {
    parseQuery(request.query, { schema: NoParams });
    const body = parseBody(CreateUserSchema, request.body, 'user');
    request.auditTarget = `user ${body.username} (${body.role})`;
    const user = await api().createUser(caller(request.principal), body);
    reply.code(201);
    return { status: 'success', data: user };
  });

  app.delete<{ Params: { username: string } }>(
    '/api/auth/users/:username',
    async (request): Promise<UserResponse> => {
      parseQuery(request.query, { schema: NoParams });
      const name = NameSchema.safeParse(request.params.username);
      if (!name.success) throw new NotFoundError('user not found');
      return { status: 'success', data: await api().deleteUser(caller(request.principal), name.data) };
    },
  );

  app.get('/api/auth/tokens', async (request): Promise<ApiTokensResponse> => {
    parseQuery(request.query, { schema: NoParams });
    return { status: 'success', data: await api().listTokens(caller(request.principal)) };
  });

  app.post('/api/auth/tokens', async (request, reply): Promise<CreatedApiTokenResponse> => {
    parseQuery(request.query, { schema: NoParams });
    const body = parseBody(CreateApiTokenSchema, request.body, 'API token');
    const token = await api().createToken(caller(request.principal), body);
    request.auditTarget = `token ${token.id} ${token.name} (${token.role})`;
    reply.code(201);
    return { status: 'success', data: token };
  });

  app.delete<{ Params: { id: string } }>(
    '/api/auth/tokens/:id',
    async (request): Promise<ApiTokenResponse> => {
      parseQuery(request.query, { schema: NoParams });
      return {
        status: 'success',
        data: await api().deleteToken(caller(request.principal), request.params.id),
      };
    },
  );

  app.get('/api/audit', async (request): Promise<AuditResponse> => {
    const q = parseQuery(request.query, { schema: AuditQuery }).values;
    const entries = await api().audit(caller(request.principal), {
      limit: q.limit ?? AUDIT_DEFAULT,
      ...(q.before !== undefined ? { beforeId: q.before } : {}),
      ...(q.actor !== undefined ? { actor: q.actor } : {}),
      ...(q.action !== undefined ? { action: q.action } : {}),
      ...(q.since !== undefined ? { sinceMs: q.since } : {}),
      ...(q.until !== undefined ? { untilMs: q.until } : {}),
    });
    return { status: 'success', data: entries };
  });
}
