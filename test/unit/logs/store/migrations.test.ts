/**
 * Upgrades of a SQLite log store written by earlier schemas: 0002 rebuilds the full-text index (detail=none)
 * from the stored bodies; 0003 moves the label columns into one stream per label set (entries keep their
 * labels, are found by label and word, and new entries of a known label set reuse its stream); 0004 rebuilds the
 * full-text index without row sizes, and retention still removes the tokens of the entries it deletes; 0005 keys
 * the trace index by the trace id's first 8 characters, which scans by trace id read through; 0006 sets the
 * full-text index's leaf page size without a rebuild (segments of the old size stay readable, new ones are larger);
 * 0007 lets more full-text segments of a level accumulate before FTS5 merges them (entries indexed before stay found).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { sql, type Kysely } from 'kysely';
import {
  FTS5_AUTOMERGE,
  FTS5_PGSZ,
  LOG_MIGRATION_LOCK_TABLE,
  LOG_MIGRATION_TABLE,
  logMigrations,
} from '../../../../src/logs/store/migrations.ts';
import { traceIdConditions } from '../../../../src/logs/store/log-rows.ts';
import { openSqliteLogStore } from '../../../../src/logs/store/open.ts';
import { streamFingerprint } from '../../../../src/logs/store/streams.ts';
import { runMigrations } from '../../../../src/store/migrator.ts';
import { openSqliteConnection } from '../../../../src/store/sqlite.ts';
import { logRecord, NOW } from '../../../helpers/log-store-contract.ts';

const DAY = 86_400_000;
const RETENTION = { debug: DAY, info: DAY, warn: DAY, error: DAY, fatal: DAY };
const dir = mkdtempSync(join(tmpdir(), 'dwcp-log-migrations-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A store file at the schema of the first `n` migrations, with `fill` run on it. */
async function earlierStore(
  name: string,
  n: number,
  fill: (db: Kysely<unknown>) => Promise<void>,
): Promise<string> {
  const path = join(dir, name);
  const { db } = openSqliteConnection<unknown>(path);
  try {
    const migrations = Object.fromEntries(Object.entries(logMigrations('sqlite')).slice(0, n));
    await runMigrations(db, {
      migrations,
      dialect: 'sqlite',
      tableName: LOG_MIGRATION_TABLE,
      lockTableName: LOG_MIGRATION_LOCK_TABLE,
      label: 'log store',
    });
    await fill(db);
  } finally {
    await db.destroy();
  }
  return path;
}

const insertRow = (
  db: Kysely<unknown>,
  id: number,
  agoMs: number,
  level: string,
  node: string,
  body: string,
) =>
  sql`insert into log_entries (id, time_us, level, service, node_id, region, component, trace_id, span_id, body, attrs) values (${id}, ${(NOW - agoMs) * 1000}, ${level}, 's', ${node}, '', 'c', '', '', ${body}, '{}')`.execute(
    db,
  );

/** One stream (id 1, `level`) with entries `[id, timeUs, traceId, body]`, all in the full-text table. */
async function oneStreamEntries(
  db: Kysely<unknown>,
  level: string,
  rows: readonly (readonly [number, number, string, string])[],
): Promise<void> {
  await sql`insert into log_streams (id, fingerprint, service, node_id, region, level, component) values (1, 'f', 's', 'n', '', ${level}, 'c')`.execute(
    db,
  );
  for (const [id, timeUs, trace, body] of rows)
    await sql`insert into log_entries (id, time_us, stream_id, trace_id, span_id, body, attrs) values (${id}, ${timeUs}, 1, ${trace}, '', ${body}, '{}')`.execute(
      db,
    );
  await sql`insert into log_fts (rowid, body) select id, body from log_entries`.execute(db);
}

describe('log store migrations (SQLite)', () => {
  it('0002 rebuilds the full-text index of a first-schema store from the stored bodies', async () => {
    const path = await earlierStore('first.db', 1, async (db) => {
      await insertRow(db, 1, 1000, 'error', 'n', 'quorum lost on node n');
    });
    const st = await openSqliteLogStore(path, { retentionMs: RETENTION });
    try {
      const ddl = await sql<{ sql: string }>`select sql from sqlite_master where name = 'log_fts'`.execute(
        st.db,
      );
      assert.match(ddl.rows[0]!.sql, /detail='none'/);
      const scan = (words: string[]) =>
        st.scan({
          startUs: (NOW - DAY) * 1000,
          endUs: (NOW + 1) * 1000,
          labels: [],
          words,
          direction: 'backward',
          limit: 10,
          maxScan: 100,
        });
      assert.deepEqual(
        (await scan(['quorum', 'lost'])).entries.map((e) => [e.id, e.nodeId, e.level]),
        [[1, 'n', 'error']],
      );
      await st.insertLogs([logRecord(500, { body: 'quorum regained' })]);
      assert.deepEqual(
        (await scan(['quorum'])).entries.map((e) => e.body),
        ['quorum regained', 'quorum lost on node n'],
      );
    } finally {
      await st.close();
    }
  });

  it('0003 gives every label set one stream; entries keep their labels and the label indexes go', async () => {
    const path = await earlierStore('second.db', 2, async (db) => {
      await insertRow(db, 1, 3000, 'error', 'node-1', 'transfer timed out');
      await insertRow(db, 2, 2000, 'info', 'node-2', 'mode switched');
      await insertRow(db, 3, 1000, 'error', 'node-1', 'retrying transfer');
      await sql`insert into log_fts (rowid, body) select id, body from log_entries`.execute(db);
    });
    const st = await openSqliteLogStore(path, { retentionMs: RETENTION });
    try {
      const streams = await sql<{
        fingerprint: string;
        node_id: string;
        level: string;
      }>`select fingerprint, node_id, level from log_streams order by id`.execute(st.db);
      assert.deepEqual(streams.rows.map((r) => [r.node_id, r.level]).sort(), [
        ['node-1', 'error'],
        ['node-2', 'info'],
      ]);
      for (const r of streams.rows)
        assert.equal(r.fingerprint, streamFingerprint(['s', r.node_id, '', r.level, 'c'].join('\u0000')));
      const indexes = await sql<{
        name: string;
      }>`select name from sqlite_master where type = 'index' and tbl_name = 'log_entries' and name like 'log_entries_%' order by name`.execute(
        st.db,
      );
      assert.deepEqual(
        indexes.rows.map((r) => r.name),
        ['log_entries_stream_time_idx', 'log_entries_time_idx', 'log_entries_trace_prefix_idx'],
      );
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
          e.id,
          e.level,
          e.component,
          e.body,
        ]),
        [
          [3, 'error', 'c', 'retrying transfer'],
          [1, 'error', 'c', 'transfer timed out'],
        ],
      );
      assert.deepEqual(
        (await scan({ words: ['mode'] })).entries.map((e) => e.nodeId),
        ['node-2'],
      );
      await st.insertLogs([
        logRecord(500, {
          service: 's',
          nodeId: 'node-2',
          region: '',
          level: 'info',
          component: 'c',
          body: 'later',
        }),
      ]);
      assert.equal(await st.streamCount(), 2);
      assert.deepEqual(
        (await scan({ labels: [{ label: 'node_id', in: ['node-2'] }] })).entries.map((e) => e.body),
        ['later', 'mode switched'],
      );
    } finally {
      await st.close();
    }
  });

  it('0004 rebuilds the full-text index without row sizes; retention removes deleted entries from it', async () => {
    const path = await earlierStore('third.db', 3, async (db) => {
      await oneStreamEntries(db, 'error', [
        [1, (NOW - 3 * DAY) * 1000, '', 'quorum gone stale'],
        [2, (NOW - 1000) * 1000, '', 'quorum kept'],
      ]);
    });
    const st = await openSqliteLogStore(path, { retentionMs: RETENTION });
    try {
      const ddl = await sql<{ sql: string }>`select sql from sqlite_master where name = 'log_fts'`.execute(
        st.db,
      );
      assert.match(ddl.rows[0]!.sql, /columnsize=0/);
      assert.doesNotMatch(ddl.rows[0]!.sql, /contentless_delete/);
      const words = async (ws: string[]) =>
        (
          await st.scan({
            startUs: (NOW - 7 * DAY) * 1000,
            endUs: (NOW + 1) * 1000,
            labels: [],
            words: ws,
            direction: 'backward',
            limit: 10,
            maxScan: 100,
          })
        ).entries.map((e) => e.body);
      assert.deepEqual(await words(['quorum']), ['quorum kept', 'quorum gone stale']);
      assert.equal(await st.applyRetention(NOW), 1);
      assert.deepEqual(await words(['quorum']), ['quorum kept']);
      const rowids = await sql<{
        id: number;
      }>`select rowid as id from log_fts where log_fts match 'quorum OR stale OR gone'`.execute(st.db);
      assert.deepEqual(
        rowids.rows.map((r) => Number(r.id)),
        [2],
      );
      await sql`insert into log_fts (log_fts) values ('integrity-check')`.execute(st.db);
    } finally {
      await st.close();
    }
  });

  it("0005 keys the trace index by the id's first 8 characters; scans by trace id use it and match the whole id", async () => {
    const [t1, t2] = ['abcdef01' + '1'.repeat(24), 'abcdef01' + '2'.repeat(24)];
    const path = await earlierStore('fourth.db', 4, async (db) => {
      await oneStreamEntries(
        db,
        'info',
        (
          [
            [1, t1, 'first of t1'],
            [2, t2, 'same prefix, other trace'],
            [3, '', 'no trace'],
            [4, t1, 'second of t1'],
          ] as const
        ).map(([id, trace, body]) => [id, (NOW - 5000 + id) * 1000, trace, body] as const),
      );
    });
    const st = await openSqliteLogStore(path, { retentionMs: RETENTION });
    try {
      const indexes = await sql<{
        name: string;
        sql: string;
      }>`select name, sql from sqlite_master where type = 'index' and name like 'log_entries_trace%'`.execute(
        st.db,
      );
      assert.deepEqual(
        indexes.rows.map((r) => r.name),
        ['log_entries_trace_prefix_idx'],
      );
      assert.match(indexes.rows[0]!.sql, /substr\(trace_id, 1, 8\)/);
      const traced = async (traceId: string, words?: string[]) =>
        (
          await st.scan({
            startUs: (NOW - DAY) * 1000,
            endUs: (NOW + 1) * 1000,
            labels: [],
            traceId,
            ...(words === undefined ? {} : { words }),
            direction: 'backward',
            limit: 10,
            maxScan: 100,
          })
        ).entries.map((e) => e.body);
      assert.deepEqual(await traced(t1), ['second of t1', 'first of t1']);
      assert.deepEqual(await traced(t2), ['same prefix, other trace']);
      assert.deepEqual(await traced(t1, ['second']), ['second of t1']);
      assert.deepEqual(await traced(''), ['no trace']);
      // the conditions of a scan by trace id let SQLite read through the partial prefix index (the old full-id
      // index was never used: its predicate `trace_id <> ''` was not named by any read)
      const plan = await sql<{
        detail: string;
      }>`explain query plan select e.id from log_entries e where ${sql.join(traceIdConditions(t1), sql` and `)} and e.time_us >= 0 order by e.time_us desc`.execute(
        st.db,
      );
      assert.match(plan.rows.map((r) => r.detail).join(' | '), /USING INDEX log_entries_trace_prefix_idx/);
      await st.insertLogs([logRecord(100, { traceId: t2, body: 'new of t2' })]);
      assert.deepEqual(await traced(t2), ['new of t2', 'same prefix, other trace']);
    } finally {
      await st.close();
    }
  });
  it('0006 writes full-text leaves of ~16 KB; entries indexed with 1000-byte leaves are still found and removed', async () => {
    const path = await earlierStore('fifth.db', 5, async (db) => {
      await oneStreamEntries(
        db,
        'info',
        Array.from({ length: 300 }, (_, i) => {
          const id = i + 1;
          return [
            id,
            (NOW - (id <= 100 ? 3 * DAY : 5000)) * 1000,
            '',
            `old line ${id} quorum w${id}x`,
          ] as const;
        }),
      );
    });
    const st = await openSqliteLogStore(path, { retentionMs: RETENTION });
    try {
      const leaf = async () =>
        Number(
          (
            await sql<{ n: number }>`select max(length(block)) as n from log_fts_data where id > 10`.execute(
              st.db,
            )
          ).rows[0]!.n,
        );
      // the old segment's leaves: written with FTS5's default pgsz of 1000 (a leaf holds a long doclist whole: ~4 KB)
      assert.ok((await leaf()) < 8000, `old leaves ${await leaf()} bytes`);
      const pgsz = await sql<{ v: number }>`select v from log_fts_config where k = 'pgsz'`.execute(st.db);
      assert.equal(Number(pgsz.rows[0]?.v), FTS5_PGSZ);
      await st.insertLogs(
        Array.from({ length: 2000 }, (_, i) => logRecord(100 + i, { body: `new line ${i} quorum v${i}y` })),
      );
      assert.ok((await leaf()) >= 12_000, `new leaves ${await leaf()} bytes`);
      const words = async (ws: string[], limit = 10) =>
        (
          await st.scan({
            startUs: (NOW - 7 * DAY) * 1000,
            endUs: (NOW + 1) * 1000,
            labels: [],
            words: ws,
            direction: 'backward',
            limit,
            maxScan: 10_000,
          })
        ).entries.map((e) => e.body);
      assert.deepEqual(await words(['w250x']), ['old line 250 quorum w250x']);
      assert.deepEqual(await words(['w50x']), ['old line 50 quorum w50x']);
      assert.deepEqual(await words(['v1999y']), ['new line 1999 quorum v1999y']);
      assert.equal((await words(['quorum'], 5000)).length, 2300);
      assert.equal(await st.applyRetention(NOW), 100);
      assert.deepEqual(await words(['w50x']), []);
      assert.equal((await words(['quorum'], 5000)).length, 2200);
      await sql`insert into log_fts (log_fts) values ('integrity-check')`.execute(st.db);
    } finally {
      await st.close();
    }
  });

  it('0007 sets the full-text index to merge a level at FTS5_AUTOMERGE segments; entries indexed before and after are found', async () => {
    const path = await earlierStore('sixth.db', 6, async (db) => {
      await oneStreamEntries(
        db,
        'info',
        Array.from(
          { length: 50 },
          (_, i) => [i + 1, (NOW - 5000) * 1000, '', `old line ${i + 1} quorum w${i + 1}x`] as const,
        ),
      );
    });
    const st = await openSqliteLogStore(path, { retentionMs: RETENTION });
    try {
      const automerge = await sql<{
        v: number;
      }>`select v from log_fts_config where k = 'automerge'`.execute(st.db);
      assert.equal(Number(automerge.rows[0]?.v), FTS5_AUTOMERGE);
      let id = 0;
      for (let b = 0; b < 3; b++)
        await st.insertLogs(
          Array.from({ length: 1000 }, () => {
            id++;
            return logRecord(4000, { body: `line ${id} quorum y${id * 7}` });
          }),
        );
      const words = async (ws: string[]) =>
        (
          await st.scan({
            startUs: (NOW - DAY) * 1000,
            endUs: (NOW + 1) * 1000,
            labels: [],
            words: ws,
            direction: 'backward',
            limit: 10,
            maxScan: 100_000,
          })
        ).entries.map((e) => e.body);
      assert.deepEqual(await words(['w25x']), ['old line 25 quorum w25x']);
      assert.deepEqual(await words(['y14000']), ['line 2000 quorum y14000']);
      await sql`insert into log_fts (log_fts) values ('integrity-check')`.execute(st.db);
    } finally {
      await st.close();
    }
  });
});
