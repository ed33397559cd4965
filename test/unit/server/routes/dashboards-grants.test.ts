/**
 * Per-dashboard grants (`grants: {roles, users}` on the dashboard, src/dashboards/grants.ts) through the whole API
 * with the real auth service, dashboard engine and SQLite dashboard store: for generated grants and callers
 * (fast-check), a caller the dashboard is not granted to gets 404 — as for an unknown id — on the dashboard, its
 * data, variables, versions, JSON/Grafana/PNG/PDF exports, updates and deletes, and does not find it in the list
 * (nor in its total); a granted caller reads all of it. Admins read everything; a save that would lock its author
 * out is refused (400). The dashboard WebSocket refuses the upgrade (404) and closes viewers whose grant is
 * revoked. Responses are checked against the API contract (`checkResponses`).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import fc from 'fast-check';
import WebSocket from 'ws';
import type { AuthStore } from '../../../../src/auth/auth-store.ts';
import { openSqliteAuthStore } from '../../../../src/auth/open.ts';
import { AuthService } from '../../../../src/auth/service.ts';
import { signSession } from '../../../../src/auth/session-token.ts';
import type { Role } from '../../../../src/contract/auth.ts';
import type { DashboardPage, DashboardRecord } from '../../../../src/contract/dashboards.ts';
import { dashboardsApi } from '../../../../src/dashboards/api.ts';
import { DashboardService } from '../../../../src/dashboards/service.ts';
import type { DashboardStore } from '../../../../src/dashboards/store/dashboard-store.ts';
import { openSqliteDashboardStore } from '../../../../src/dashboards/store/open.ts';
import { buildApp } from '../../../../src/server/app.ts';
import { smallSpec } from '../../../helpers/dashboard-fixtures.ts';
import { testDeps } from '../../../helpers/server-fakes.ts';

const NOW = Date.UTC(2026, 0, 1, 12);
const KEY = new TextEncoder().encode('g'.repeat(48));
const USERS: readonly { name: string; role: Role }[] = [
  { name: 'ada', role: 'admin' },
  { name: 'eve', role: 'editor' },
  { name: 'ed', role: 'editor' },
  { name: 'val', role: 'viewer' },
  { name: 'vic', role: 'viewer' },
];
const ROLES: readonly Role[] = ['admin', 'editor', 'viewer'];

describe('per-dashboard grants', () => {
  let authStore: AuthStore;
  let store: DashboardStore;
  let app: FastifyInstance;
  let port = 0;
  const bearer: Record<string, string> = {};
  const dir = mkdtempSync(join(tmpdir(), 'dwcp-dash-grants-'));
  const rendered: string[] = [];

  before(async () => {
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>console</title>');
    authStore = await openSqliteAuthStore(':memory:');
    const auth = new AuthService({
      store: authStore,
      signingKey: KEY,
      sessionTtlMs: 3_600_000,
      loginLimits: { maxFailures: 5 },
      auditTenant: 'default',
      now: () => NOW,
    });
    for (const u of USERS) {
      await auth.addUser('default', { username: u.name, password: 'a-long-enough-password', role: u.role });
      bearer[u.name] = (
        await signSession(KEY, { username: u.name, tenant: 'default' }, NOW, 3_600_000)
      ).token;
    }
    const deps = testDeps({ webRoot: dir });
    await deps.samples.append([
      { name: 'dwcp_amst_streams_active', labels: { node: 'n1' }, value: 3, timestampMs: NOW - 10_000 },
    ]);
    store = await openSqliteDashboardStore(':memory:');
    const service = new DashboardService({
      store,
      sources: { samples: deps.samples },
      limits: { seriesMax: 10, rawPointsPerSeries: 100, targetPoints: 10 },
      cache: { ttlMs: 1000 },
      now: () => NOW,
    });
    const render = async (url: string, format: 'png' | 'pdf') => {
      rendered.push(url);
      return Buffer.from(format === 'png' ? '\x89PNG fake' : '%PDF-1.4 fake');
    };
    const dashboards = dashboardsApi(service, {
      defaultScope: { tenantId: 'default', actor: 'anonymous' },
      minRefreshMs: 50,
      render,
    });
    app = await buildApp({ ...deps, auth, dashboards }, { checkResponses: true, now: () => NOW });
    await app.listen({ host: '127.0.0.1', port: 0 });
    port = (app.server.address() as { port: number }).port;
  });
  after(async () => {
    await app.close();
    await store.close();
    await authStore.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const as = (user: string) => ({ authorization: `Bearer ${bearer[user]}` });
  const call = (user: string, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object) =>
    app.inject({
      method,
      url,
      headers: { ...as(user), ...(payload ? { 'content-type': 'application/json' } : {}) },
      ...(payload ? { payload: JSON.stringify(payload) } : {}),
    });
  const create = async (user: string, spec: object): Promise<DashboardRecord> => {
    const r = await call(user, 'POST', '/api/dashboards', spec);
    assert.equal(r.statusCode, 201, r.body);
    return r.json<{ data: DashboardRecord }>().data;
  };
  const listed = async (user: string): Promise<DashboardPage> => {
    const r = await call(user, 'GET', '/api/dashboards?limit=200');
    assert.equal(r.statusCode, 200, r.body);
    return r.json<{ data: DashboardPage }>().data;
  };
  const READS = [
    '',
    '/data',
    '/variables',
    '/versions',
    '/export',
    '/export?format=grafana',
    '/export.png',
    '/export.pdf',
  ];

  /** Independent statement of the rule: admins, the granted roles and the named users. */
  const oracle = (grants: { roles: Role[]; users: string[] } | undefined, u: { name: string; role: Role }) =>
    grants === undefined ||
    u.role === 'admin' ||
    grants.roles.includes(u.role) ||
    grants.users.includes(u.name);

  const grantsArb = fc.option(
    fc
      .record({
        roles: fc.subarray([...ROLES]),
        users: fc.subarray(USERS.map((u) => u.name).concat('nobody')),
      })
      .filter((g) => g.roles.length + g.users.length > 0),
    { nil: undefined },
  );

  it('a caller not granted gets 404 on every read, write and export and does not see it listed; a granted one reads it all', async () => {
    await fc.assert(
      fc.asyncProperty(grantsArb, fc.constantFrom(...USERS), async (grants, caller) => {
        const rec = await create('ada', {
          ...smallSpec(`granted ${rendered.length}`),
          ...(grants ? { grants } : {}),
        });
        try {
          const expected = oracle(grants, caller);
          for (const path of READS) {
            const r = await call(caller.name, 'GET', `/api/dashboards/${rec.id}${path}`);
            assert.equal(
              r.statusCode,
              expected ? 200 : 404,
              `${caller.name} (${caller.role}) GET ${path} with ${JSON.stringify(grants)}: ${r.body}`,
            );
            if (!expected) assert.doesNotMatch(r.body, /granted \d+/, 'a 404 names nothing of the dashboard');
          }
          const page = await listed(caller.name);
          assert.equal(
            page.items.some((i) => i.id === rec.id),
            expected,
            `${caller.name} lists it`,
          );
          assert.equal(page.total, page.items.length, 'the total counts only granted dashboards');
          if (caller.role === 'viewer') return;
          const put = await call(caller.name, 'PUT', `/api/dashboards/${rec.id}`, {
            version: 1,
            dashboard: {
              ...smallSpec('renamed'),
              ...(grants ? { grants } : {}),
              ...(expected && grants
                ? { grants: { roles: [...grants.roles], users: [...grants.users, caller.name] } }
                : {}),
            },
          });
          assert.equal(put.statusCode, expected ? 200 : 404, `${caller.name} PUT: ${put.body}`);
          const del = await call(caller.name, 'DELETE', `/api/dashboards/${rec.id}`);
          assert.equal(del.statusCode, expected ? 200 : 404, `${caller.name} DELETE: ${del.body}`);
        } finally {
          await call('ada', 'DELETE', `/api/dashboards/${rec.id}`);
        }
      }),
      { numRuns: 60 },
    );
    assert.ok(rendered.length > 0, 'granted PNG/PDF exports were rendered');
  });

  it('admins read every dashboard; a save that would lock its author out is refused; an editor can grant and revoke others', async () => {
    const own = await create('eve', { ...smallSpec('eve and ed'), grants: { users: ['eve', 'ed'] } });
    assert.equal((await call('ada', 'GET', `/api/dashboards/${own.id}`)).statusCode, 200);
    assert.equal((await call('ed', 'GET', `/api/dashboards/${own.id}/data`)).statusCode, 200);
    const lockout = await call('eve', 'PUT', `/api/dashboards/${own.id}`, {
      version: 1,
      dashboard: { ...smallSpec('x'), grants: { roles: ['viewer'] } },
    });
    assert.equal(lockout.statusCode, 400);
    assert.match(lockout.body, /grants: the dashboard would no longer be granted to you/);
    assert.equal(
      (await call('eve', 'POST', '/api/dashboards', { ...smallSpec('y'), grants: { users: ['val'] } }))
        .statusCode,
      400,
    );
    const bad = await call('eve', 'POST', '/api/dashboards', { ...smallSpec('z'), grants: {} });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /grants/);
    // eve revokes ed: ed no longer finds it.
    assert.equal(
      (
        await call('eve', 'PUT', `/api/dashboards/${own.id}`, {
          version: 1,
          dashboard: { ...smallSpec('eve only'), grants: { users: ['eve'] } },
        })
      ).statusCode,
      200,
    );
    assert.equal((await call('ed', 'GET', `/api/dashboards/${own.id}`)).statusCode, 404);
    assert.equal(
      (await listed('ed')).items.some((i) => i.id === own.id),
      false,
    );
    assert.equal(
      (await listed('ada')).items.some((i) => i.id === own.id),
      true,
    );
  });

  it('WS /ws/dashboards/{id}: 404 before the upgrade when not granted; a viewer whose grant is revoked is closed', async () => {
    const rec = await create('ada', {
      ...smallSpec('live'),
      refresh: '1s',
      grants: { roles: ['editor'], users: ['vic'] },
    });
    const open = (user: string) =>
      new Promise<{ ws: WebSocket; messages: { type: string }[]; closed: Promise<void> }>(
        (resolve, reject) => {
          const ws = new WebSocket(`ws://127.0.0.1:${port}/ws/dashboards/${rec.id}`, {
            headers: { ...as(user), origin: `http://127.0.0.1:${port}` },
          });
          const messages: { type: string }[] = [];
          const closed = new Promise<void>((r) => ws.on('close', () => r()));
          ws.on('message', (d) => {
            messages.push(JSON.parse(String(d)) as { type: string });
            if (messages.length === 1) resolve({ ws, messages, closed });
          });
          ws.on('unexpected-response', (_q, r) => reject(new Error(`HTTP ${r.statusCode}`)));
          ws.on('error', reject);
        },
      );
    await assert.rejects(open('val'), /HTTP 404/);
    const vic = await open('vic');
    const ed = await open('ed');
    try {
      assert.equal(vic.messages[0]!.type, 'data');
      assert.equal(ed.messages[0]!.type, 'data');
      // vic's grant is revoked: vic's socket gets an error and is closed; ed's keeps its updates.
      assert.equal(
        (
          await call('ada', 'PUT', `/api/dashboards/${rec.id}`, {
            version: 1,
            dashboard: { ...smallSpec('live'), refresh: '1s', grants: { roles: ['editor'] } },
          })
        ).statusCode,
        200,
      );
      await vic.closed;
      assert.equal(vic.messages.at(-1)!.type, 'error');
      const seen = ed.messages.length;
      const deadline = Date.now() + 5000;
      while (ed.messages.length === seen && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      assert.equal(ed.messages.at(-1)!.type, 'data');
      await assert.rejects(open('vic'), /HTTP 404/);
    } finally {
      vic.ws.terminate();
      ed.ws.terminate();
    }
  });
});
