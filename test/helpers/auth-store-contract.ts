/**
 * The auth store contract: one suite every backend runs (SQLite in memory: test/unit/auth/auth-store.test.ts;
 * PostgreSQL: test/integration/store/auth-store-postgres.test.ts). Users and tokens per tenant, hashes only,
 * the audit log's filters, order and bound, and the migration table.
 */
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { sql } from 'kysely';
import type { AuthStore, AuthStoreOptions } from '../../src/auth/auth-store.ts';
import { ConflictError } from '../../src/errors.ts';
import { backendHarness, type SuiteBackend } from './store-suite.ts';

/** A backend: opens a fresh, empty store; `skip` when the server is unreachable outside CI. */
export type AuthStoreBackend = SuiteBackend<AuthStoreOptions | undefined, AuthStore>;

const T0 = Date.UTC(2026, 0, 1);
const user = (username: string, tenant: string) => ({
  username,
  tenant,
  role: 'viewer' as const,
  createdAtMs: T0,
  passwordHash: `hash-of-${username}`,
});
const token = (id: string, tenant: string, hash: string) => ({
  id,
  name: `t-${id}`,
  tenant,
  role: 'ingest' as const,
  createdBy: 'alice',
  createdAtMs: T0,
  expiresAtMs: null,
  tokenHash: hash,
});
const entry = (i: number, tenant = 'a') => ({
  atMs: T0 + i,
  tenant,
  actor: i % 2 ? 'alice' : 'bob',
  action: i % 3 ? 'login' : 'POST /api/dashboards',
  target: `t${i}`,
  outcome: 'success' as const,
  address: '127.0.0.1',
});

export function authStoreContract(name: string, setup: () => Promise<AuthStoreBackend>): void {
  describe(`auth store contract (${name})`, () => {
    const h = backendHarness<AuthStoreOptions | undefined, AuthStore, AuthStoreBackend>(setup, (st) =>
      st.close(),
    );
    const open = (opts?: AuthStoreOptions): Promise<AuthStore> => h.open(opts);
    const test = h.test;

    test('users: unique names over tenants, listed per tenant, deleted only in their tenant', async () => {
      const st = await open();
      await st.insertUser(user('alice', 'a'));
      await st.insertUser(user('bob', 'b'));
      await assert.rejects(st.insertUser(user('alice', 'b')), ConflictError);
      assert.deepEqual(
        (await st.listUsers('a')).map((u) => u.username),
        ['alice'],
      );
      assert.equal((await st.getUser('bob'))?.passwordHash, 'hash-of-bob');
      assert.equal(await st.countUsers(), 2);
      assert.equal(await st.deleteUser('a', 'bob'), false, 'bob is not in tenant a');
      assert.equal(await st.deleteUser('b', 'bob'), true);
      assert.equal(await st.getUser('bob'), undefined);
    });

    test('tokens: found by hash, listed and revoked per tenant, expiry kept', async () => {
      const st = await open();
      await st.insertToken(token('1', 'a', 'h1'));
      await st.insertToken({ ...token('2', 'b', 'h2'), expiresAtMs: T0 + 60_000 });
      assert.equal((await st.findToken('h1'))?.tenant, 'a');
      assert.equal((await st.findToken('h2'))?.expiresAtMs, T0 + 60_000);
      assert.equal(await st.findToken('nope'), undefined);
      const listed = await st.listTokens('a');
      assert.deepEqual(
        listed.map((t) => t.id),
        ['1'],
      );
      assert.ok(!('tokenHash' in listed[0]!), 'lists carry no hash');
      assert.equal(await st.deleteToken('a', '2'), false);
      assert.equal(await st.deleteToken('b', '2'), true);
      assert.equal(await st.findToken('h2'), undefined);
    });

    test('audit: newest first, per tenant, filtered by actor, action prefix, time and id', async () => {
      const st = await open();
      for (let i = 1; i <= 12; i++) await st.appendAudit(entry(i));
      await st.appendAudit(entry(13, 'b'));
      const all = await st.listAudit({ tenant: 'a', limit: 100 });
      assert.equal(all.length, 12);
      assert.deepEqual(all.map((e) => e.target).slice(0, 2), ['t12', 't11']);
      assert.ok(all.every((e) => e.tenant === 'a'));
      assert.deepEqual(
        (await st.listAudit({ tenant: 'a', limit: 100, actor: 'alice' })).map((e) => e.target),
        ['t11', 't9', 't7', 't5', 't3', 't1'],
      );
      assert.deepEqual(
        (await st.listAudit({ tenant: 'a', limit: 100, action: 'POST ' })).map((e) => e.target),
        ['t12', 't9', 't6', 't3'],
      );
      assert.deepEqual(
        (await st.listAudit({ tenant: 'a', limit: 100, action: '%' })).length,
        0,
        'LIKE wildcards in the prefix are literal',
      );
      assert.deepEqual(
        (await st.listAudit({ tenant: 'a', limit: 100, sinceMs: T0 + 10, untilMs: T0 + 12 })).map(
          (e) => e.target,
        ),
        ['t11', 't10'],
      );
      const page = await st.listAudit({ tenant: 'a', limit: 3 });
      const next = await st.listAudit({ tenant: 'a', limit: 3, beforeId: page.at(-1)!.id });
      assert.deepEqual(
        next.map((e) => e.target),
        ['t9', 't8', 't7'],
      );
    });

    test('audit: the log stays within maxAuditEntries (oldest pruned)', async () => {
      const st = await open({ maxAuditEntries: 5, auditPruneEvery: 2 });
      for (let i = 1; i <= 20; i++) await st.appendAudit(entry(i));
      const kept = await st.listAudit({ tenant: 'a', limit: 100 });
      assert.ok(kept.length <= 6, `kept ${kept.length}`);
      assert.equal(kept[0]!.target, 't20');
      assert.ok(!kept.some((e) => e.target === 't1'));
    });

    test('migrations use their own bookkeeping table', async () => {
      const st = await open();
      const rows = await sql<{ name: string }>`select name from kysely_migration_auth`.execute(st.db);
      assert.deepEqual(
        rows.rows.map((r) => r.name),
        ['0001_auth'],
      );
    });
  });
}
