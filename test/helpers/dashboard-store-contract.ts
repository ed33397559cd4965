/**
 * The dashboard store contract: one suite every backend runs (SQLite in memory:
 * test/unit/dashboards/store/dashboard-store.test.ts; PostgreSQL: test/integration/store/dashboard-store-postgres.test.ts).
 * Behaviour through DashboardStore's methods: round trip, versions and optimistic concurrency, tenant
 * isolation, pagination and search, the list filtered by dashboard grants, the per-tenant and version-history
 * bounds, and the migration table.
 */
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { sql } from 'kysely';
import type { DashboardStore, DashboardStoreOptions } from '../../src/dashboards/store/dashboard-store.ts';
import { parseDashboardSpec } from '../../src/dashboards/validate.ts';
import { ConflictError, LimitExceededError, NotFoundError } from '../../src/errors.ts';
import { fullSpec, smallSpec } from './dashboard-fixtures.ts';
import { backendHarness, type SuiteBackend } from './store-suite.ts';

const NOW = Date.UTC(2026, 0, 1, 12);
const A = { tenantId: 'tenant-a', actor: 'alice' };
const B = { tenantId: 'tenant-b', actor: 'bob' };

/** A backend: opens a fresh, empty store; `skip` when the server is unreachable outside CI. */
export type DashboardStoreBackend = SuiteBackend<DashboardStoreOptions | undefined, DashboardStore>;

export function dashboardStoreContract(name: string, setup: () => Promise<DashboardStoreBackend>): void {
  describe(`dashboard store contract (${name})`, () => {
    const h = backendHarness<DashboardStoreOptions | undefined, DashboardStore, DashboardStoreBackend>(
      setup,
      (st) => st.close(),
    );
    const open = (opts?: DashboardStoreOptions): Promise<DashboardStore> => h.open(opts);
    const test = h.test;

    test('round trip: a created dashboard comes back whole, with owner, tenant and version 1', async () => {
      const st = await open();
      const spec = parseDashboardSpec(fullSpec());
      const rec = await st.create(A, spec, NOW);
      assert.equal(rec.version, 1);
      const got = await st.get(A.tenantId, rec.id);
      assert.deepEqual(got, {
        id: rec.id,
        tenantId: 'tenant-a',
        owner: 'alice',
        version: 1,
        createdAtMs: NOW,
        updatedAtMs: NOW,
        updatedBy: 'alice',
        dashboard: spec,
      });
    });

    test('updates need the current version: the next version is one more, a stale one is a conflict, history is kept', async () => {
      const st = await open();
      const rec = await st.create(A, parseDashboardSpec(smallSpec('v1')), NOW);
      const v2 = await st.update(
        { ...A, actor: 'carol' },
        rec.id,
        1,
        parseDashboardSpec(smallSpec('v2')),
        NOW + 1000,
      );
      assert.equal(v2.version, 2);
      assert.equal(v2.dashboard.title, 'v2');
      assert.equal(v2.updatedBy, 'carol');
      assert.equal(v2.owner, 'alice');
      assert.equal(v2.createdAtMs, NOW);
      await assert.rejects(
        st.update(A, rec.id, 1, parseDashboardSpec(smallSpec('lost update')), NOW + 2000),
        ConflictError,
      );
      assert.equal((await st.get(A.tenantId, rec.id))?.dashboard.title, 'v2');
      assert.deepEqual(
        (await st.versions(A.tenantId, rec.id)).map((v) => [v.version, v.title, v.updatedBy]),
        [
          [2, 'v2', 'carol'],
          [1, 'v1', 'alice'],
        ],
      );
      assert.equal((await st.version(A.tenantId, rec.id, 1)).title, 'v1');
    });

    test('concurrent updates from the same version: exactly one wins', async () => {
      const st = await open();
      const rec = await st.create(A, parseDashboardSpec(smallSpec('base')), NOW);
      const results = await Promise.allSettled(
        [1, 2, 3, 4].map((i) =>
          st.update(A, rec.id, 1, parseDashboardSpec(smallSpec(`writer ${i}`)), NOW + i),
        ),
      );
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      for (const r of results)
        if (r.status === 'rejected') assert.ok(r.reason instanceof ConflictError, String(r.reason));
      assert.equal((await st.get(A.tenantId, rec.id))?.version, 2);
    });

    test('tenants are isolated: another tenant cannot read, list, update, delete or see versions (not found)', async () => {
      const st = await open();
      const rec = await st.create(A, parseDashboardSpec(smallSpec('private')), NOW);
      assert.equal(await st.get(B.tenantId, rec.id), undefined);
      assert.deepEqual(await st.list(B.tenantId, { offset: 0, limit: 10 }), { items: [], total: 0 });
      await assert.rejects(
        st.update(B, rec.id, 1, parseDashboardSpec(smallSpec('taken')), NOW),
        NotFoundError,
      );
      await assert.rejects(st.delete(B.tenantId, rec.id), NotFoundError);
      await assert.rejects(st.versions(B.tenantId, rec.id), NotFoundError);
      assert.equal((await st.get(A.tenantId, rec.id))?.dashboard.title, 'private');
    });

    test('list: sorted by title (case-insensitive), paginated, with the total and a literal case-insensitive title search', async () => {
      const st = await open();
      for (const t of ['Delta', 'alpha', 'Charlie', 'bravo', '100%_done'])
        await st.create(A, parseDashboardSpec(smallSpec(t)), NOW);
      await st.create(B, parseDashboardSpec(smallSpec('Other tenant')), NOW);
      const p1 = await st.list(A.tenantId, { offset: 0, limit: 2 });
      const p2 = await st.list(A.tenantId, { offset: 2, limit: 2 });
      const p3 = await st.list(A.tenantId, { offset: 4, limit: 2 });
      assert.equal(p1.total, 5);
      const titles = [...p1.items, ...p2.items, ...p3.items].map((i) => i.title);
      assert.equal(titles.length, 5);
      assert.deepEqual(titles, ['100%_done', 'alpha', 'bravo', 'Charlie', 'Delta']);
      assert.deepEqual(
        (await st.list(A.tenantId, { offset: 0, limit: 10, search: 'ALP' })).items.map((i) => i.title),
        ['alpha'],
      );
      assert.deepEqual(
        (await st.list(A.tenantId, { offset: 0, limit: 10, search: '%_' })).items.map((i) => i.title),
        ['100%_done'],
      );
      assert.equal((await st.list(A.tenantId, { offset: 0, limit: 10, search: 'a%' })).total, 0);
      assert.equal(p1.items[0]!.widgets, 1);
    });

    test('list filtered by grants: open dashboards and those granted to one of the keys, with the total; updates and deletes move the grants', async () => {
      const st = await open();
      const spec = (title: string, grants?: object) =>
        parseDashboardSpec({ ...smallSpec(title), ...(grants ? { grants } : {}) });
      await st.create(A, spec('open'), NOW);
      const editors = await st.create(A, spec('editors', { roles: ['editor'] }), NOW);
      await st.create(A, spec('vic only', { users: ['vic'] }), NOW);
      await st.create(A, spec('under_score', { users: ['v_c'] }), NOW);
      await st.create(B, spec('other tenant, editors', { roles: ['editor'] }), NOW);
      const titles = async (keys?: string[]) => {
        const page = await st.list(A.tenantId, {
          offset: 0,
          limit: 10,
          ...(keys ? { grantedTo: keys } : {}),
        });
        assert.equal(page.total, page.items.length);
        return page.items.map((i) => i.title);
      };
      assert.deepEqual(await titles(), ['editors', 'open', 'under_score', 'vic only']);
      assert.deepEqual(await titles(['role:editor', 'user:ed']), ['editors', 'open']);
      assert.deepEqual(await titles(['role:viewer', 'user:vic']), ['open', 'vic only']);
      assert.deepEqual(await titles(['role:viewer', 'user:VIC']), ['open'], 'user names match exactly');
      assert.deepEqual(await titles(['role:viewer', 'user:vxc']), ['open'], 'no pattern matching');
      assert.deepEqual(await titles([]), ['open']);
      await st.update(A, editors.id, 1, spec('editors', { roles: ['viewer'] }), NOW + 1);
      assert.deepEqual(await titles(['role:editor', 'user:ed']), ['open']);
      assert.deepEqual(await titles(['role:viewer', 'user:val']), ['editors', 'open']);
      await st.update(A, editors.id, 2, spec('editors'), NOW + 2);
      assert.deepEqual(await titles(['role:editor', 'user:ed']), ['editors', 'open']);
      const vic = (await st.list(A.tenantId, { offset: 0, limit: 10, search: 'vic' })).items[0]!;
      await st.delete(A.tenantId, vic.id);
      const left = await sql<{
        n: number | string;
      }>`select count(*) as n from dashboard_grants where dashboard_id = ${vic.id}`.execute(st.db);
      assert.equal(Number(left.rows[0]!.n), 0, 'a deleted dashboard leaves no grants');
    });

    test('delete: with a stale version it is a conflict; then the dashboard and its versions are gone', async () => {
      const st = await open();
      const rec = await st.create(A, parseDashboardSpec(smallSpec('gone soon')), NOW);
      await st.update(A, rec.id, 1, parseDashboardSpec(smallSpec('v2')), NOW);
      await assert.rejects(st.delete(A.tenantId, rec.id, 1), ConflictError);
      const del = await st.delete(A.tenantId, rec.id, 2);
      assert.equal(del.dashboard.title, 'v2');
      assert.equal(await st.get(A.tenantId, rec.id), undefined);
      await assert.rejects(st.versions(A.tenantId, rec.id), NotFoundError);
      await assert.rejects(st.delete(A.tenantId, rec.id), NotFoundError);
    });

    test('bounds: at most maxPerTenant dashboards per tenant, at most maxVersions versions per dashboard', async () => {
      const st = await open({ maxPerTenant: 3, maxVersions: 4 });
      const ids: string[] = [];
      for (let i = 0; i < 3; i++)
        ids.push((await st.create(A, parseDashboardSpec(smallSpec(`d${i}`)), NOW)).id);
      await assert.rejects(
        st.create(A, parseDashboardSpec(smallSpec('one too many')), NOW),
        LimitExceededError,
      );
      await st.create(B, parseDashboardSpec(smallSpec('other tenant has room')), NOW);
      for (let v = 1; v <= 9; v++)
        await st.update(A, ids[0]!, v, parseDashboardSpec(smallSpec(`v${v + 1}`)), NOW + v);
      assert.deepEqual(
        (await st.versions(A.tenantId, ids[0]!)).map((v) => v.version),
        [10, 9, 8, 7],
      );
      await assert.rejects(st.version(A.tenantId, ids[0]!, 6), NotFoundError);
    });

    test("migrations are recorded in the store's own table", async () => {
      const st = await open();
      const rows = await sql<{ name: string }>`select name from kysely_migration_dashboards`.execute(st.db);
      assert.deepEqual(
        rows.rows.map((r) => r.name),
        ['0001_dashboards', '0002_dashboard_grants'],
      );
    });
  });
}
