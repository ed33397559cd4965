/**
 * The log store on PostgreSQL (DWCP_TEST_PG_URL, default postgres://dwcp:dwcp@127.0.0.1:5432/dwcp_test; every
 * store gets a fresh schema dropped on close) through the log store contract. Under CI=true an unreachable
 * server fails the suite; elsewhere it is skipped with the reason. Also the upgrade of a 0002 store with
 * entries to streams (migration 0003).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import {
  LOG_MIGRATION_LOCK_TABLE,
  LOG_MIGRATION_TABLE,
  logMigrations,
} from '../../../src/logs/store/migrations.ts';
import { openPostgresLogStore } from '../../../src/logs/store/open.ts';
import { runMigrations } from '../../../src/store/migrator.ts';
import { connectPostgres } from '../../../src/store/postgres.ts';
import { logStoreContract, NOW } from '../../helpers/log-store-contract.ts';
import { freshSchema, PG_URL, pgSkipReason, pgSuiteBackend } from '../../helpers/postgres.ts';

const DAY = 86_400_000;

logStoreContract('postgres', () =>
  pgSuiteBackend('dwcp_logs', (schema, opts) =>
    openPostgresLogStore({ url: PG_URL, schema, dropSchemaOnClose: true }, opts),
  ),
);

describe('log store migration 0003 (PostgreSQL)', () => {
  it('moves the entries of a 0002 store onto one stream per label set', async (t) => {
    const reason = await pgSkipReason();
    if (reason !== undefined) return t.skip(reason);
    const schema = freshSchema('dwcp_logs_up');
    const { db, onClose } = await connectPostgres<unknown>({ url: PG_URL, schema, retentionMs: DAY });
    try {
      const migrations = Object.fromEntries(Object.entries(logMigrations('postgres')).slice(0, 2));
      await runMigrations(db, {
        migrations,
        dialect: 'postgres',
        tableName: LOG_MIGRATION_TABLE,
        lockTableName: LOG_MIGRATION_LOCK_TABLE,
        schema,
        label: 'log store',
      });
      for (const [ago, level, node, body] of [
        [3000, 'error', 'node-1', 'transfer timed out'],
        [2000, 'info', 'node-2', 'mode switched'],
        [1000, 'error', 'node-1', 'retrying transfer'],
      ] as const) {
        await sql`insert into log_entries (time_us, level, service, node_id, region, component, trace_id, span_id, body, attrs) values (${(NOW - ago) * 1000}, ${level}, 's', ${node}, '', 'c', '', '', ${body}, '{}')`.execute(
          db,
        );
      }
    } finally {
      await db.destroy();
      await onClose?.();
    }
    const st = await openPostgresLogStore(
      { url: PG_URL, schema, dropSchemaOnClose: true },
      { retentionMs: { debug: DAY, info: DAY, warn: DAY, error: DAY, fatal: DAY } },
    );
    try {
      assert.equal(await st.streamCount(), 2);
      const scan = (over: Partial<Parameters<typeof st.scan>[0]>) =>
        st.scan({
          startUs: (NOW - DAY) * 1000,
          endUs: (NOW + 1) * 1000,
          labels: [],
          direction: 'backward',
          limit: 10,
          maxScan: 100,
          ...over,
        });
      assert.deepEqual(
        (await scan({ labels: [{ label: 'node_id', in: ['node-1'] }] })).entries.map((e) => [
          e.level,
          e.component,
          e.body,
        ]),
        [
          ['error', 'c', 'retrying transfer'],
          ['error', 'c', 'transfer timed out'],
        ],
      );
      assert.deepEqual(
        (await scan({ words: ['mode'] })).entries.map((e) => e.nodeId),
        ['node-2'],
      );
    } finally {
      await st.close();
    }
  });
});
