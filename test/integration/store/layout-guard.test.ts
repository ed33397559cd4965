/**
 * A database written in one sample layout is refused in the other, before anything is written: on SQLite and on
 * PostgreSQL (DWCP_TEST_PG_URL; a fresh schema per case, dropped after).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import { DwcpError } from '../../../src/errors.ts';
import type { Sample } from '../../../src/model/sample.ts';
import { openPostgresStore } from '../../../src/store/postgres.ts';
import { openSqliteStore } from '../../../src/store/sqlite.ts';
import { openChunkedPostgresStore, openChunkedSqliteStore } from '../../../src/store/tsdb/open.ts';
import { dropSchema, freshSchema, PG_URL, pgSkipReason } from '../../helpers/postgres.ts';

const T0 = Math.floor(Date.now() / 1000) * 1000 - 60_000;
const DAY = 86_400_000;
const sample = (value: number, ts: number): Sample => ({
  name: 'up',
  labels: { job: 'n1' },
  value,
  timestampMs: ts,
});

const isLayoutRefusal = (found: string) => (e: unknown) =>
  e instanceof DwcpError &&
  e.code === 'DWCP_CONFIG' &&
  e.message.includes(`holds samples in the ${found} layout`) &&
  e.message.includes(`storage.layout: ${found}`);

const dir = mkdtempSync(join(tmpdir(), 'dwcp-layout-guard-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Table names of a SQLite file, read without the store. */
const sqliteTables = (path: string): string[] => {
  const db = new Database(path, { readonly: true });
  try {
    return (
      db.prepare("select name from sqlite_master where type = 'table' order by name").all() as {
        name: string;
      }[]
    ).map((r) => r.name);
  } finally {
    db.close();
  }
};

describe('sample layout guard: SQLite', () => {
  it('refuses a rows-layout file in the chunks layout and leaves its tables as they were', async () => {
    const path = join(dir, 'rows.db');
    const rows = await openSqliteStore({ path, retentionMs: 7 * DAY });
    await rows.append([sample(1, T0), sample(2, T0 + 1000)]);
    await rows.close();
    const before = sqliteTables(path);
    await assert.rejects(
      openChunkedSqliteStore({ path, walDir: join(dir, 'rows.wal'), now: () => T0 + 2000 }),
      isLayoutRefusal('rows'),
    );
    assert.deepEqual(sqliteTables(path), before);
    const again = await openSqliteStore({ path, retentionMs: 7 * DAY });
    try {
      assert.equal(await again.countSamples(), 2);
    } finally {
      await again.close();
    }
  });

  it('refuses a chunks-layout file in the rows layout', async () => {
    const path = join(dir, 'chunks.db');
    const chunks = await openChunkedSqliteStore({
      path,
      walDir: join(dir, 'chunks.wal'),
      now: () => T0 + 2000,
    });
    await chunks.append([sample(1, T0)]);
    await chunks.close();
    await assert.rejects(openSqliteStore({ path, retentionMs: 7 * DAY }), isLayoutRefusal('chunks'));
  });

  it('opens a new or sample-free file in either layout', async () => {
    const empty = join(dir, 'empty-rows.db');
    await (await openSqliteStore({ path: empty, retentionMs: DAY })).close();
    const st = await openChunkedSqliteStore({ path: empty, walDir: join(dir, 'empty.wal'), now: () => T0 });
    await st.close();
  });
});

describe('sample layout guard: PostgreSQL', async () => {
  const skip = await pgSkipReason();
  const schemas: string[] = [];
  after(async () => {
    for (const s of schemas) await dropSchema(s);
  });
  const fresh = (): string => {
    const s = freshSchema('dwcp_layout');
    schemas.push(s);
    return s;
  };
  const tables = async (schema: string): Promise<string[]> => {
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    try {
      const r = await c.query<{ t: string }>(
        'select table_name as t from information_schema.tables where table_schema = $1 order by 1',
        [schema],
      );
      return r.rows.map((x) => x.t);
    } finally {
      await c.end();
    }
  };

  it('refuses a rows-layout database in the chunks layout, which is the default', { skip }, async () => {
    const schema = fresh();
    const rows = await openPostgresStore({ url: PG_URL, schema, retentionMs: 7 * DAY });
    await rows.append([sample(1, T0)]);
    await rows.close();
    const before = await tables(schema);
    await assert.rejects(
      openChunkedPostgresStore({
        url: PG_URL,
        schema,
        walDir: join(dir, `${schema}.wal`),
        now: () => T0 + 1000,
      }),
      isLayoutRefusal('rows'),
    );
    assert.deepEqual(await tables(schema), before);
  });

  it('refuses a chunks-layout database in the rows layout', { skip }, async () => {
    const schema = fresh();
    const chunks = await openChunkedPostgresStore({
      url: PG_URL,
      schema,
      walDir: join(dir, `${schema}.wal`),
      now: () => T0 + 1000,
    });
    await chunks.append([sample(1, T0)]);
    await chunks.close();
    await assert.rejects(
      openPostgresStore({ url: PG_URL, schema, retentionMs: DAY }),
      isLayoutRefusal('chunks'),
    );
  });
});
