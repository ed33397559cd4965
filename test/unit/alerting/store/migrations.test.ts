/**
 * Alerting's migrations (src/alerting/store/migrations.ts) on SQLite: the incident node/region columns are
 * filled from the snapshots of incidents stored before them.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { Kysely, Migrator, sql, SqliteDialect } from 'kysely';
import {
  ALERTING_MIGRATION_LOCK_TABLE,
  ALERTING_MIGRATION_TABLE,
  alertingMigrations,
  migrateAlerting,
} from '../../../../src/alerting/store/migrations.ts';
import { incident } from '../../../helpers/alerting-fixtures.ts';

test('incidents stored before the node/region columns get them from their snapshots', async () => {
  const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new Database(':memory:') }) });
  try {
    const migrator = new Migrator({
      db,
      provider: { getMigrations: async () => alertingMigrations('sqlite') },
      migrationTableName: ALERTING_MIGRATION_TABLE,
      migrationLockTableName: ALERTING_MIGRATION_LOCK_TABLE,
    });
    const first = await migrator.migrateTo('0001_alerting');
    assert.equal(first.error, undefined);
    for (const i of [
      incident('n1', 'warning', { node: 'node-7', region: 'eu-west' }),
      incident('r1', 'critical', { node: null, region: null }),
    ]) {
      await sql`insert into alert_incidents (id, status, started_at, updated_at, incident_json, delivery_json) values (${i.id}, ${i.status}, ${i.startedAtMs}, ${i.updatedAtMs}, ${JSON.stringify(i)}, '[]')`.execute(
        db,
      );
    }
    await migrateAlerting(db, 'sqlite');
    const rows = await sql<{
      id: string;
      node: string | null;
      region: string | null;
    }>`select id, node, region from alert_incidents order by id`.execute(db);
    assert.deepEqual(
      rows.rows.map((r) => ({ ...r })),
      [
        { id: 'n1', node: 'node-7', region: 'eu-west' },
        { id: 'r1', node: null, region: null },
      ],
    );
  } finally {
    await db.destroy();
  }
});
