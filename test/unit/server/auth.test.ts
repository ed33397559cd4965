/**
 * Authentication and authorization of the whole API (src/server/auth.ts, src/server/routes/auth.ts) with the
 * real auth service on an in-memory SQLite store: every registered route answers 401 without credentials (or
 * with expired, forged, malformed ones) except the public allow-list; roles; login cookie and bearer tokens;
 * API tokens; the login limiter; the audit log; websocket upgrades; tenants' dashboards.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import WebSocket from 'ws';
import type { AuthStore } from '../../../src/auth/auth-store.ts';
import { openSqliteAuthStore } from '../../../src/auth/open.ts';
import { AuthService } from '../../../src/auth/service.ts';
import { signSession } from '../../../src/auth/session-token.ts';
import { dashboardsApi } from '../../../src/dashboards/api.ts';
import { DashboardService } from '../../../src/dashboards/service.ts';
import type { DashboardStore } from '../../../src/dashboards/store/dashboard-store.ts';
import { openSqliteDashboardStore } from '../../../src/dashboards/store/open.ts';
import { buildApp } from '../../../src/server/app.ts';
import { PUBLIC_ROUTES, refusalOf, SESSION_COOKIE } from '../../../src/server/auth.ts';
import { smallSpec } from '../../helpers/dashboard-fixtures.ts';
import { testDeps } from '../../helpers/server-fakes.ts';

const NOW = Date.UTC(2026, 0, 1, 12);
const KEY = new TextEncoder().encode('s'.repeat(48));
const PASSWORD = 'a-long-enough-password';

/** A concrete path for a route pattern (`:id` → a syntactically valid id, `*` → a file name). */
function pathOf(url: string): string {
  return url
    .replace(':id', '3f2c1a9e-0b7d-4c1e-9a55-2f0f6d1b8e77')
    .replace(/:[A-Za-z]+/g, 'x')
    .replace('*', 'index.html');
}

describe('authentication of every route', () => {
  let app: FastifyInstance;
  let authStore: AuthStore;
  let dashStore: DashboardStore;
  let service: AuthService;
  let webRoot: string;
  const tokens: Record<string, string> = {};
  const sockets: WebSocket[] = [];
  let now = NOW;

  before(async () => {
    webRoot = mkdtempSync(join(tmpdir(), 'dwcp-auth-web-'));
    writeFileSync(join(webRoot, 'index.html'), '<!doctype html><title>x</title>');
    authStore = await openSqliteAuthStore(':memory:');
    service = new AuthService({
      store: authStore,
      signingKey: KEY,
      sessionTtlMs: 3_600_000,
      loginLimits: { maxFailures: 5 },
      auditTenant: 'a',
      now: () => now,
    });
    for (const [username, tenant, role] of [
      ['alice', 'a', 'admin'],
      ['vera', 'a', 'viewer'],
      ['ed', 'a', 'editor'],
      ['bob', 'b', 'admin'],
    ] as const) {
      await service.addUser(tenant, { username, password: PASSWORD, role });
      tokens[username] = (await signSession(KEY, { username, tenant }, NOW, 3_600_000)).token;
    }
    tokens['ingest'] = (await service.issueToken('a', 'alice', { name: 'sim', role: 'ingest' })).token;
    const deps = testDeps({ webRoot });
    dashStore = await openSqliteDashboardStore(':memory:');
    const dashboards = dashboardsApi(
      new DashboardService({
        store: dashStore,
        sources: { samples: deps.samples, anomalies: deps.anomalies },
        limits: { seriesMax: 10, rawPointsPerSeries: 100, targetPoints: 10 },
        cache: { ttlMs: 1000 },
        now: () => NOW,
      }),
      { defaultScope: { tenantId: 'default', actor: 'anonymous' } },
    );
    app = await buildApp({ ...deps, auth: service, dashboards }, { checkResponses: true, now: () => now });
  });
  after(async () => {
    for (const s of sockets) s.terminate();
    await app.close();
    await authStore.close();
    await dashStore.close();
    rmSync(webRoot, { recursive: true, force: true });
  });

  const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
  const call = (
    method: string,
    url: string,
    headers: Record<string, string> = {},
    payload?: unknown,
  ): Promise<LightMyRequestResponse> =>
    app.inject({
      method: method as 'GET',
      url,
      headers: { ...(payload === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }),
    });
  const routes = () => app.routeTable.filter((r) => !PUBLIC_ROUTES.has(r) && !r.endsWith(' /*'));

  it('every registered route but the allow-list and the web page answers 401 without credentials', async () => {
    assert.ok(app.routeTable.length > 80, `only ${app.routeTable.length} routes`);
    const refused: string[] = [];
    for (const r of routes()) {
      const [method, url] = r.split(' ') as [string, string];
      const res = await call(method, pathOf(url));
      const type =
        method === 'HEAD'
          ? 'DWCP_UNAUTHORIZED'
          : (res.json<{ errorType?: string; code?: number }>().errorType ??
            `grpc ${res.json<{ code?: number }>().code}`);
      if (res.statusCode !== 401 || type !== 'DWCP_UNAUTHORIZED')
        refused.push(`${r} → ${res.statusCode} ${type}`);
    }
    assert.deepEqual(refused, []);
    const unknown = await call('GET', '/api/no-such-route');
    assert.equal(unknown.statusCode, 404, 'with the web page served, unknown GETs are its (missing) files');
    assert.equal(
      (await call('POST', '/api/no-such-route')).statusCode,
      401,
      'unknown routes need credentials too',
    );
  });

  it('the allow-list and the web page answer without credentials', async () => {
    assert.equal((await call('GET', '/health')).statusCode, 200);
    assert.equal((await call('GET', '/ready')).statusCode, 200);
    assert.equal((await call('GET', '/')).statusCode, 200);
    assert.equal((await call('GET', '/index.html')).statusCode, 200);
    assert.equal(
      (await call('POST', '/api/auth/login', {}, { username: 'nobody', password: 'x' })).statusCode,
      401,
    );
  });

  it('every protected route answers 401 to expired, forged, alg-none, malformed and unknown credentials', async () => {
    const claims = {
      sub: 'alice',
      tnt: 'a',
      iss: 'dwcp-monitor',
      aud: 'dwcp-monitor-api',
      iat: NOW / 1000,
      exp: NOW / 1000 + 3600,
    };
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const bad: Record<string, Record<string, string>> = {
      expired: bearer(
        (await signSession(KEY, { username: 'alice', tenant: 'a' }, NOW - 7_200_000, 3_600_000)).token,
      ),
      forged: bearer(
        (
          await signSession(
            new TextEncoder().encode('w'.repeat(48)),
            { username: 'alice', tenant: 'a' },
            NOW,
            3_600_000,
          )
        ).token,
      ),
      algNone: bearer(`${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`),
      malformed: bearer('abc.def'),
      unknownApiToken: bearer('dwcp_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'),
      basicScheme: { authorization: 'Basic YWxpY2U6cGFzcw==' },
      forgedCookie: { cookie: `${SESSION_COOKIE}=${bearer('x.y.z').authorization.slice(7)}` },
    };
    const wrong: string[] = [];
    for (const r of routes()) {
      const [method, url] = r.split(' ') as [string, string];
      for (const [kind, headers] of Object.entries(bad)) {
        const res = await call(method, pathOf(url), headers);
        if (res.statusCode !== 401) wrong.push(`${kind} ${r} → ${res.statusCode}`);
        if (res.body.includes(headers.authorization ?? '\u0000'))
          wrong.push(`${kind} ${r} echoed the credential`);
      }
    }
    assert.deepEqual(wrong, []);
  });

  it('with an admin session every route gets past authentication (no 401 or 403)', async () => {
    const wrong: string[] = [];
    for (const r of routes().filter((x) => !x.startsWith('DELETE /api/auth/'))) {
      const [method, url] = r.split(' ') as [string, string];
      const res = await call(method, pathOf(url), bearer(tokens['alice']!));
      if (res.statusCode === 401 || res.statusCode === 403)
        wrong.push(`${r} → ${res.statusCode} ${res.body}`);
    }
    assert.deepEqual(wrong, []);
  });

  it('roles: viewers read, editors write, ingest tokens only send telemetry, admins administer', async () => {
    const status = async (who: string, method: string, url: string, body?: unknown) =>
      (await call(method, url, bearer(tokens[who]!), body)).statusCode;
    assert.equal(await status('vera', 'GET', '/api/anomalies'), 200);
    assert.equal(await status('vera', 'POST', '/api/dashboards', smallSpec('Streams')), 403);
    assert.equal(await status('vera', 'GET', '/api/auth/users'), 403);
    assert.equal(await status('ed', 'POST', '/api/dashboards', smallSpec('Streams')), 201);
    assert.equal(await status('ed', 'GET', '/api/audit'), 403);
    assert.equal(await status('ingest', 'GET', '/api/anomalies'), 403);
    assert.equal(await status('ingest', 'POST', '/api/dashboards', smallSpec('Streams')), 403);
    assert.notEqual(await status('ingest', 'POST', '/api/metrics', { samples: [] }), 403);
    assert.notEqual(await status('ingest', 'POST', '/api/metrics', { samples: [] }), 401);
    assert.equal(await status('alice', 'GET', '/api/auth/users'), 200);
    const me = await call('GET', '/api/auth/me', bearer(tokens['ingest']!));
    assert.deepEqual(me.json<{ data: unknown }>().data, {
      username: 'token:sim',
      tenant: 'a',
      role: 'ingest',
      kind: 'token',
    });
  });

  it('login sets an HttpOnly SameSite=Strict cookie that authenticates; logout clears it; session:false returns a bearer token', async () => {
    const res = await call('POST', '/api/auth/login', {}, { username: 'vera', password: PASSWORD });
    assert.equal(res.statusCode, 200);
    assert.ok(!res.body.includes(PASSWORD));
    const cookie = res.cookies.find((c) => c.name === SESSION_COOKIE)!;
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, 'Strict');
    assert.equal(cookie.path, '/');
    assert.equal(
      res.json<{ data: { accessToken?: string } }>().data.accessToken,
      undefined,
      'no token in the body of a cookie login',
    );
    const withCookie = { cookie: `${SESSION_COOKIE}=${cookie.value}` };
    assert.equal((await call('GET', '/api/anomalies', withCookie)).statusCode, 200);
    const out = await call('POST', '/api/auth/logout', withCookie);
    assert.equal(out.statusCode, 204);
    assert.equal(out.cookies.find((c) => c.name === SESSION_COOKIE)?.value, '');
    const bearerLogin = await call(
      'POST',
      '/api/auth/login',
      {},
      { username: 'vera', password: PASSWORD, session: false },
    );
    const token = bearerLogin.json<{ data: { accessToken: string } }>().data.accessToken;
    assert.equal(bearerLogin.cookies.length, 0);
    assert.equal((await call('GET', '/api/anomalies', bearer(token))).statusCode, 200);
  });

  it('one message for unknown users and wrong passwords; too many failures from an address → 429 even with the right password', async () => {
    const unknown = await call(
      'POST',
      '/api/auth/login',
      { 'x-forwarded-for': '1' },
      { username: 'nobody', password: 'guess-1' },
    );
    const wrong = await call('POST', '/api/auth/login', {}, { username: 'ed', password: 'guess-2' });
    assert.equal(unknown.statusCode, 401);
    assert.equal(unknown.json<{ error: string }>().error, wrong.json<{ error: string }>().error);
    assert.ok(!wrong.body.includes('guess-2'));
    for (let i = 0; i < 3; i++)
      await call('POST', '/api/auth/login', {}, { username: 'ed', password: `guess-${i}` });
    const limited = await call('POST', '/api/auth/login', {}, { username: 'ed', password: PASSWORD });
    assert.equal(limited.statusCode, 429, limited.body);
    now += 16 * 60_000; // the window passes
    assert.equal(
      (await call('POST', '/api/auth/login', {}, { username: 'ed', password: PASSWORD })).statusCode,
      200,
    );
  });

  it('admins manage users and API tokens of their tenant; the secret is shown once; revoked tokens and deleted users stop working', async () => {
    const admin = bearer(tokens['alice']!);
    const short = await call('POST', '/api/auth/users', admin, {
      username: 'carol',
      password: 'short',
      role: 'viewer',
    });
    assert.equal(short.statusCode, 400);
    assert.ok(!short.body.includes('"short"'));
    assert.equal(
      (
        await call('POST', '/api/auth/users', admin, {
          username: 'carol',
          password: PASSWORD,
          role: 'viewer',
        })
      ).statusCode,
      201,
    );
    assert.equal(
      (
        await call('POST', '/api/auth/users', bearer(tokens['bob']!), {
          username: 'carol',
          password: PASSWORD,
          role: 'viewer',
        })
      ).statusCode,
      409,
    );
    assert.deepEqual(
      (await call('GET', '/api/auth/users', bearer(tokens['bob']!)))
        .json<{ data: { username: string }[] }>()
        .data.map((u) => u.username),
      ['bob'],
    );
    const created = await call('POST', '/api/auth/tokens', admin, {
      name: 'ci',
      role: 'viewer',
      expiresInSeconds: 3600,
    });
    assert.equal(created.statusCode, 201);
    const { id, token } = created.json<{ data: { id: string; token: string } }>().data;
    assert.equal((await call('GET', '/api/anomalies', bearer(token))).statusCode, 200);
    const listed = await call('GET', '/api/auth/tokens', admin);
    assert.ok(
      listed.json<{ data: { id: string }[] }>().data.some((t) => t.id === id) && !listed.body.includes(token),
    );
    assert.equal(
      (await call('DELETE', `/api/auth/tokens/${id}`, bearer(tokens['bob']!))).statusCode,
      404,
      "another tenant's token is not found",
    );
    assert.equal((await call('DELETE', `/api/auth/tokens/${id}`, admin)).statusCode, 200);
    assert.equal((await call('GET', '/api/anomalies', bearer(token))).statusCode, 401);
    const expiring = (
      await call('POST', '/api/auth/tokens', admin, { name: 'short', role: 'viewer', expiresInSeconds: 60 })
    ).json<{ data: { token: string } }>().data.token;
    now += 61_000;
    assert.equal((await call('GET', '/api/anomalies', bearer(expiring))).statusCode, 401);
    const carol = (await signSession(KEY, { username: 'carol', tenant: 'a' }, now, 3_600_000)).token;
    assert.equal((await call('GET', '/api/anomalies', bearer(carol))).statusCode, 200);
    assert.equal((await call('DELETE', '/api/auth/users/carol', admin)).statusCode, 200);
    assert.equal(
      (await call('GET', '/api/anomalies', bearer(carol))).statusCode,
      401,
      "a deleted user's session ends at once",
    );
  });

  it('the audit log records logins and administrative actions, per tenant, without secrets; its page size is bounded', async () => {
    const admin = bearer(tokens['alice']!);
    const res = await call('GET', '/api/audit?limit=1000', admin);
    assert.equal(res.statusCode, 200);
    const entries = res.json<{
      data: { actor: string; action: string; outcome: string; target: string; tenant: string }[];
    }>().data;
    assert.ok(entries.every((e) => e.tenant === 'a'));
    assert.ok(entries.some((e) => e.action === 'login' && e.outcome === 'failure' && e.actor === 'ed'));
    assert.ok(
      entries.some((e) => e.action === 'login' && e.outcome === 'failure' && e.actor === 'nobody'),
      'unknown names go to the audit tenant',
    );
    assert.ok(entries.some((e) => e.action === 'login' && e.outcome === 'success' && e.actor === 'vera'));
    assert.ok(
      entries.some(
        (e) =>
          e.action === 'POST /api/auth/users' &&
          e.target === 'user carol (viewer)' &&
          e.outcome === 'success',
      ),
    );
    assert.ok(
      entries.some(
        (e) => e.action === 'POST /api/dashboards' && e.actor === 'vera' && e.outcome === 'failure',
      ),
      'refused writes are audited',
    );
    assert.ok(entries.some((e) => e.action === 'DELETE /api/auth/users/:username' && e.target === 'carol'));
    assert.ok(!res.body.includes(PASSWORD) && !res.body.includes('dwcp_'));
    const logins = (await call('GET', '/api/audit?action=login&actor=ed', admin)).json<{
      data: { actor: string }[];
    }>().data;
    assert.ok(logins.length > 0 && logins.every((e) => e.actor === 'ed'));
    assert.equal((await call('GET', '/api/audit?limit=1001', admin)).statusCode, 400);
    const bobs = (await call('GET', '/api/audit', bearer(tokens['bob']!))).json<{
      data: { tenant: string; actor: string }[];
    }>().data;
    assert.ok(
      bobs.length > 0 && bobs.every((e) => e.tenant === 'b' && e.actor === 'bob'),
      'tenant b sees only its own entries',
    );
  });

  it("another tenant's dashboard is 404, not 403", async () => {
    const made = await call('POST', '/api/dashboards', bearer(tokens['alice']!), smallSpec('Streams'));
    const id = made.json<{ data: { id: string } }>().data.id;
    assert.equal((await call('GET', `/api/dashboards/${id}`, bearer(tokens['vera']!))).statusCode, 200);
    assert.equal((await call('GET', `/api/dashboards/${id}`, bearer(tokens['bob']!))).statusCode, 404);
  });

  it('websocket upgrades need credentials: refused with 401 without, opened with a bearer token or the cookie', async () => {
    await app.listen({ host: '127.0.0.1', port: 0 });
    const port = (app.server.address() as { port: number }).port;
    const open = (headers: Record<string, string>) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}/api/live`, { headers });
        sockets.push(ws);
        ws.on('open', () => resolve(101));
        ws.on('unexpected-response', (req, res) => {
          req.destroy();
          resolve(res.statusCode ?? 0);
        });
        ws.on('error', () => resolve(-1));
      });
    assert.equal(await open({}), 401);
    assert.equal(await open(bearer('forged.token.value')), 401);
    assert.equal(await open(bearer(tokens['ingest']!)), 403, 'an ingest token may not read');
    // Refused upgrades get their sockets closed (app.close() in `after` would wait for them forever otherwise).
    assert.equal(await open({ ...bearer(tokens['vera']!), origin: 'http://evil.example' }), 403);
    assert.equal(await open(bearer(tokens['vera']!)), 101);
    assert.equal(await open({ cookie: `${SESSION_COOKIE}=${tokens['vera']!}` }), 101);
  });
});

describe('403 messages', () => {
  it('say what the role may not do, naming the profiling endpoints apart from users, tokens and the audit log', () => {
    assert.equal(
      refusalOf('viewer', 'admin', '/debug/pprof/heap'),
      'role viewer may not take profiles (/debug/pprof is for admins)',
    );
    assert.equal(
      refusalOf('editor', 'admin', '/api/audit'),
      'role editor may not administer users, tokens or the audit log',
    );
    assert.equal(refusalOf('viewer', 'ingest', '/api/metrics'), 'role viewer may not send telemetry');
    assert.equal(refusalOf('ingest', 'read', '/api/anomalies'), 'role ingest may not read this');
    assert.equal(refusalOf('viewer', 'write', '/api/dashboards'), 'role viewer may not change this');
  });
});
