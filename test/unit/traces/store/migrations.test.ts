/**
 * Upgrading a trace store written by the first schema (0001: clustered span table, no operations, processes
 * without last-seen times): the spans survive, operations and last-seen times are filled from them, and the
 * SQLite span table becomes a rowid table that the store reads and writes as before.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Migrator, sql, type Kysely } from 'kysely';
import { openSqliteDatabase } from '../../../../src/store/sqlite.ts';
import {
  migrateTraceStore,
  TRACE_MIGRATION_LOCK_TABLE,
  TRACE_MIGRATION_TABLE,
  traceMigrations,
} from '../../../../src/traces/store/migrations.ts';
import type { TraceDatabase } from '../../../../src/traces/store/schema.ts';
import { TraceStore } from '../../../../src/traces/store/trace-store.ts';
import { hexId } from '../../../helpers/otlp.ts';

describe('trace store migrations', () => {
  it('0002 and 0003 upgrade a 0001 store with spans in it', async () => {
    const db = openSqliteDatabase<TraceDatabase>(':memory:');
    const raw = db as unknown as Kysely<unknown>;
    const first = { '0001_traces': traceMigrations('sqlite')['0001_traces']! };
    const m = new Migrator({
      db: raw,
      provider: { getMigrations: () => Promise.resolve(first) },
      migrationTableName: TRACE_MIGRATION_TABLE,
      migrationLockTableName: TRACE_MIGRATION_LOCK_TABLE,
    });
    assert.equal((await m.migrateToLatest()).error, undefined);
    await sql`insert into trace_processes (key, service, attributes_json) values ('{"service.name":"svc"}', 'svc', '{"service.name":"svc"}')`.execute(
      raw,
    );
    const data = JSON.stringify({ a: {}, e: [], l: [], s: ['t', '1'], m: '' });
    for (const [span, op, start] of [
      [1, 'root', 1_000],
      [2, 'child', 5_000],
    ] as const) {
      await sql`insert into trace_spans (trace_id, span_id, service, operation, kind, start_us, duration_us, status, process_id, data) values (${hexId(7, 32)}, ${hexId(span, 16)}, 'svc', ${op}, 1, ${start}, 10, 0, 1, ${data})`.execute(
        raw,
      );
    }
    await migrateTraceStore(raw, 'sqlite');
    const store = new TraceStore(db, 'sqlite', { retentionMs: 86_400_000 });
    try {
      assert.equal((await store.getTrace(hexId(7, 32))).length, 2, 'the spans survive the rebuild');
      assert.deepEqual(await store.services(), ['svc']);
      assert.deepEqual(await store.operations('svc'), ['child', 'root']);
      const p = await sql<{ last_seen_us: number }>`select last_seen_us from trace_processes`.execute(raw);
      assert.deepEqual(
        p.rows.map((r) => Number(r.last_seen_us)),
        [5_000],
      );
      const t = await sql<{ sql: string }>`select sql from sqlite_master where name = 'trace_spans'`.execute(
        raw,
      );
      assert.doesNotMatch(t.rows[0]!.sql, /without rowid/i);
      const dup = await store.insertSpans(await store.getTrace(hexId(7, 32)));
      assert.equal(dup, 0, 'the unique (trace id, span id) index still skips spans stored twice');
      const idx = await sql<{
        name: string;
      }>`select name from sqlite_master where type = 'index' and tbl_name = 'trace_spans' order by name`.execute(
        raw,
      );
      assert.equal(idx.rows.length, 9);
    } finally {
      await store.close();
    }
  });
});
