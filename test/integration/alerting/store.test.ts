/**
 * Alerting's tables on both backends: SQLite (temp file) and PostgreSQL (DWCP_TEST_PG_URL, default
 * postgres://dwcp:dwcp@127.0.0.1:5432/dwcp_test, a fresh schema per run, dropped in `after`): migrations with their
 * own migration table next to the monitor store's, the outbox (idempotency keys, per-receiver heads, bound),
 * silences and incidents. Under CI=true an unreachable PostgreSQL fails the suite; elsewhere it is skipped.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { OutboxStore } from '../../../src/alerting/outbox/outbox-store.ts';
import { AlertingStore } from '../../../src/alerting/store/alerting-store.ts';
import { openAlertingDb, type AlertingDbTarget } from '../../../src/alerting/store/open.ts';
import { openPostgresStore } from '../../../src/store/postgres.ts';
import { openSqliteStore } from '../../../src/store/sqlite.ts';
import type { TenantScope } from '../../../src/model/tenant-scope.ts';
import { incident } from '../../helpers/alerting-fixtures.ts';

const PG_URL = process.env.DWCP_TEST_PG_URL ?? 'postgres://dwcp:dwcp@127.0.0.1:5432/dwcp_test';
const dir = mkdtempSync(join(tmpdir(), 'dwcp-alert-store-'));
const schema = `alerting_test_${process.pid}`;

async function pgProblem(): Promise<string | undefined> {
  const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    return undefined;
  } catch (e) {
    return (e as Error).message;
  } finally {
    await c.end().catch(() => undefined);
  }
}

after(async () => {
  rmSync(dir, { recursive: true, force: true });
  if (!(await pgProblem())) {
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    await c.query(`drop schema if exists ${schema} cascade`);
    await c.end();
  }
});

const problem = await pgProblem();
if (problem && process.env.CI === 'true')
  throw new Error(`PostgreSQL is required in CI (DWCP_TEST_PG_URL): ${problem}`);

const backends: {
  name: string;
  target: AlertingDbTarget;
  openMonitorStore: () => Promise<{ close(): Promise<void> }>;
  skip: string | false;
}[] = [
  {
    name: 'sqlite',
    target: { type: 'sqlite', path: join(dir, 'a.db') },
    openMonitorStore: () => openSqliteStore({ path: join(dir, 'a.db'), retentionMs: 3600_000 }),
    skip: false,
  },
  {
    name: 'postgres',
    target: { type: 'postgres', url: PG_URL, schema },
    openMonitorStore: () => openPostgresStore({ url: PG_URL, retentionMs: 3600_000, schema }),
    skip: problem ? `PostgreSQL not reachable (${problem})` : false,
  },
];

for (const b of backends) {
  describe(`alerting tables on ${b.name}`, { skip: b.skip }, () => {
    it('migrates next to the monitor store (own migration table) and keeps outbox, silences and incidents', async () => {
      const monitor = await b.openMonitorStore();
      const db = await openAlertingDb(b.target);
      try {
        const again = await openAlertingDb(b.target);
        await again.close();
        const out = new OutboxStore(db.db, 3);
        const e = (key: string, receiver: string) => ({
          idempotencyKey: key,
          receiver,
          incidentId: 'i1',
          kind: 'firing',
          message: { type: 'webhook' as const, body: { key } },
          createdAtMs: 1000,
        });
        assert.equal(
          (await out.enqueue([e('a', 'r1'), e('b', 'r1'), e('a', 'r1'), e('c', 'r2')])).inserted,
          3,
        );
        assert.deepEqual((await out.heads()).map((r) => r.idempotencyKey).sort(), ['a', 'c']);
        const res = await out.enqueue([e('d', 'r2')]);
        assert.deepEqual([...res.evicted], [['r1', 1]]);
        const head = (await out.heads()).find((r) => r.receiver === 'r1')!;
        await out.reschedule(head.id, 5000, 2, 'HTTP 503');
        const row = (await out.list(10)).find((r) => r.id === head.id)!;
        assert.deepEqual(
          [row.nextAttemptAtMs, row.attempts, row.lastError, row.message],
          [5000, 2, 'HTTP 503', { type: 'webhook', body: { key: 'b' } }],
        );
        await out.remove(head.id);
        assert.deepEqual((await out.pending()).map((p) => [p.receiver, p.count]).sort(), [['r2', 2]]);

        const store = new AlertingStore(db.db);
        const s = await store.createSilence(
          {
            matchers: [{ name: 'node', value: 'n1', isRegex: false, isEqual: true }],
            startsAtMs: 0,
            endsAtMs: 10_000,
            createdBy: 'ops',
            comment: '',
          },
          100,
        );
        assert.equal((await store.listSilences(100, 0, 10)).length, 1);
        assert.equal((await store.expireSilence(s.id, 200)).state, 'expired');
        await assert.rejects(store.getSilence('nope', 0), /not found/);

        await store.saveIncidents([
          { incident: incident('x1', 'warning'), delivery: [] },
          { incident: { ...incident('x2', 'critical'), startedAtMs: 5, status: 'resolved' }, delivery: [] },
        ]);
        await store.saveIncidents([
          {
            incident: { ...incident('x1', 'critical') },
            delivery: [
              {
                receiver: 'r',
                firingSeverity: 'critical',
                firingAtMs: 1,
                sequence: 1,
                resolvedSent: false,
                ackSent: false,
                deduplicated: false,
                silenced: false,
              },
            ],
          },
        ]);
        const firing = await store.loadIncidents(10, 'firing');
        assert.deepEqual(
          firing.map((f) => [f.incident.id, f.incident.severity, f.delivery.length]),
          [['x1', 'critical', 1]],
        );
        assert.equal((await store.loadIncidents(10)).length, 2);
        assert.equal(await store.pruneIncidents(1), 1, 'the older resolved incident goes');
      } finally {
        await db.close();
        await monitor.close();
      }
    });

    it("filters a tenant's incidents in SQL before the limit (node or region; none for an empty scope)", async () => {
      const db = await openAlertingDb(b.target);
      try {
        const store = new AlertingStore(db.db);
        await db.db.deleteFrom('alert_incidents').execute();
        // tenant a's two incidents are older than the five of node-b and the region-wide one
        const items = [
          ...[1, 2].map((k) =>
            incident(`a${k}`, 'warning', { node: 'node-a', region: 'eu-west', startedAtMs: k }),
          ),
          ...[1, 2, 3, 4, 5].map((k) =>
            incident(`b${k}`, 'warning', { node: 'node-b', region: 'us-east', startedAtMs: 100 + k }),
          ),
          incident('r1', 'critical', { node: null, region: 'ap-south', startedAtMs: 50 }),
        ];
        await store.saveIncidents(items.map((i) => ({ incident: i, delivery: [] })));
        const ids = async (scope: TenantScope | undefined, limit = 2) =>
          (await store.loadIncidents(limit, undefined, scope)).map((x) => x.incident.id);
        const tenant = (nodes: string[], regions: string[]): TenantScope => ({
          kind: 'nodes',
          tenant: 't',
          nodes: new Set(nodes),
          regions: new Set(regions),
        });
        assert.deepEqual(await ids(undefined), ['b5', 'b4']);
        assert.deepEqual(await ids(tenant(['node-a'], [])), ['a2', 'a1']);
        assert.deepEqual(await ids(tenant([], ['ap-south'])), ['r1']);
        assert.deepEqual(await ids(tenant(['node-a'], ['ap-south']), 10), ['r1', 'a2', 'a1']);
        assert.deepEqual(await ids(tenant([], [])), []);
      } finally {
        await db.close();
      }
    });
  });
}
