/**
 * Upgrade of a SQLite log store from the first schema (FTS5 with positions) to 0002 (detail=none): the index is
 * rebuilt from the stored bodies, so entries stored before the upgrade are still found by word.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { sql } from 'kysely';
import { openSqliteLogStore } from '../../../../src/logs/store/open.ts';
import { logRecord, NOW } from '../../../helpers/log-store-contract.ts';

const DAY = 86_400_000;
const RETENTION = { debug: DAY, info: DAY, warn: DAY, error: DAY, fatal: DAY };
const dir = mkdtempSync(join(tmpdir(), 'dwcp-log-migrations-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('log store migration 0002 (SQLite)', () => {
  it('rebuilds the full-text index of a first-schema store from the stored bodies', async () => {
    const path = join(dir, 'logs.db');
    let st = await openSqliteLogStore(path, { retentionMs: RETENTION });
    // back to the first schema: the FTS table with positions and without the entry below, 0002 not recorded
    await sql`drop table log_fts`.execute(st.db);
    await sql`create virtual table log_fts using fts5(body, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 0')`.execute(st.db);
    await sql`delete from kysely_migration_logs where name = '0002_logs_fts_detail_none'`.execute(st.db);
    await sql`insert into log_entries (id, time_us, level, service, node_id, region, component, trace_id, span_id, body, attrs) values (1, ${(NOW - 1000) * 1000}, 'error', 's', 'n', '', '', '', '', 'quorum lost on node n', '{}')`.execute(st.db);
    await st.close();

    st = await openSqliteLogStore(path, { retentionMs: RETENTION });
    try {
      const ddl = await sql<{ sql: string }>`select sql from sqlite_master where name = 'log_fts'`.execute(st.db);
      assert.match(ddl.rows[0]!.sql, /detail='none'/);
      const scan = (words: string[]) => st.scan({ startUs: (NOW - DAY) * 1000, endUs: (NOW + 1) * 1000, labels: [], words, direction: 'backward', limit: 10, maxScan: 100 });
      assert.deepEqual((await scan(['quorum', 'lost'])).entries.map((e) => e.id), [1]);
      await st.insertLogs([logRecord(500, { body: 'quorum regained' })]);
      assert.deepEqual((await scan(['quorum'])).entries.map((e) => e.body), ['quorum regained', 'quorum lost on node n']);
    } finally {
      await st.close();
    }
  });
});
