/**
 * The layouts the storage benchmark compares, behind one small interface: the row layout (series, ts) in
 * SQLite (the anchor), the chunked layout in SQLite and in PostgreSQL, and DuckDB's appender. Each reports its
 * bytes on disk; the chunked ones also roll up and answer stepped reads.
 */
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import type { Sample } from '../src/model/sample.ts';
import { openSqliteStore, type OpenedStore } from '../src/store/sqlite.ts';
import {
  openChunkedPostgresStore,
  openChunkedSqliteStore,
  type ChunkedStoreOptions,
  type OpenedChunkedStore,
} from '../src/store/tsdb/open.ts';
import { DuckSamples } from './ingest-duckdb.ts';

/** What the benchmark needs from a layout. */
export interface StoreUnderTest {
  readonly name: string;
  append(batch: Sample[]): Promise<number>;
  /** Bytes on disk of the sample data (after the layout's own flush). */
  diskBytes(): Promise<number>;
  close(): Promise<void>;
}

function dirBytes(dir: string): number {
  let n = 0;
  for (const f of readdirSync(dir, { withFileTypes: true }))
    n += f.isDirectory() ? dirBytes(join(dir, f.name)) : statSync(join(dir, f.name)).size;
  return n;
}

/** The row layout in a SQLite file (the current default). */
export async function rowsSqlite(
  dir: string,
  retentionMs: number,
): Promise<StoreUnderTest & { store: OpenedStore; path: string }> {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'rows.db');
  const store = await openSqliteStore({ path, retentionMs });
  let closed = false;
  return {
    name: 'rows (series, ts) in SQLite',
    store,
    path,
    append: async (b) => (await store.append(b)).stored,
    async diskBytes() {
      if (!closed) {
        await store.close();
        closed = true;
      }
      const raw = new BetterSqlite3(path);
      raw.pragma('wal_checkpoint(TRUNCATE)');
      raw.close();
      return dirBytes(dir);
    },
    async close() {
      if (!closed) await store.close();
      closed = true;
    },
  };
}

/** The chunked layout in a SQLite file; disk bytes = database file + WAL directory after a checkpoint. */
export async function chunkedSqlite(
  dir: string,
  opts: Partial<ChunkedStoreOptions>,
): Promise<StoreUnderTest & { store: OpenedChunkedStore }> {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'chunks.db');
  const store = await openChunkedSqliteStore({ ...opts, path, walDir: join(dir, 'wal') });
  let closed = false;
  return {
    name: 'chunks (head + WAL + Gorilla blobs) in SQLite',
    store,
    append: async (b) => (await store.append(b)).stored,
    async diskBytes() {
      if (!closed) {
        await store.close();
        closed = true;
      }
      const raw = new BetterSqlite3(path);
      raw.pragma('wal_checkpoint(TRUNCATE)');
      raw.close();
      return dirBytes(dir);
    },
    async close() {
      if (!closed) await store.close();
      closed = true;
    },
  };
}

/** Blob bytes and samples of the chunk rows of a closed chunked SQLite store (compression alone). */
export function chunkBlobBytes(dir: string): { blobBytes: number; samples: number } {
  const raw = new BetterSqlite3(join(dir, 'chunks.db'), { readonly: true });
  try {
    const r = raw.prepare('select sum(length(data)) as b, sum(samples) as n from tsdb_chunks').get() as {
      b: number;
      n: number;
    };
    return { blobBytes: r.b, samples: r.n };
  } finally {
    raw.close();
  }
}

/** The chunked layout in PostgreSQL (a fresh schema, dropped on close); disk bytes = relation sizes + WAL directory. */
export async function chunkedPostgres(
  url: string,
  dir: string,
  opts: Partial<ChunkedStoreOptions>,
): Promise<StoreUnderTest & { store: OpenedChunkedStore }> {
  mkdirSync(dir, { recursive: true });
  const schema = `dwcp_bench_${process.pid}_${Date.now().toString(36)}`;
  const store = await openChunkedPostgresStore({
    ...opts,
    url,
    schema,
    dropSchemaOnClose: true,
    walDir: join(dir, 'wal'),
  });
  let flushed = false;
  return {
    name: 'chunks (head + WAL + Gorilla blobs) in PostgreSQL',
    store,
    append: async (b) => (await store.append(b)).stored,
    async diskBytes() {
      if (!flushed) {
        await store.checkpoint();
        flushed = true;
      }
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        await c.query('checkpoint').catch(() => undefined);
        const r = await c.query<{ n: string }>(
          `select coalesce(sum(pg_total_relation_size(format('%I.%I', schemaname, tablename)::regclass)), 0)::text as n from pg_tables where schemaname = $1 and tablename in ('tsdb_chunks', 'series', 'tsdb_metric_names')`,
          [schema],
        );
        return Number(r.rows[0]!.n) + dirBytes(join(dir, 'wal'));
      } finally {
        await c.end();
      }
    },
    close: () => store.close(),
  };
}

/** DuckDB with the appender, or undefined when the package is not installed. */
export async function duckdb(dir: string): Promise<(StoreUnderTest & { duck: DuckSamples }) | undefined> {
  mkdirSync(dir, { recursive: true });
  const duck = await DuckSamples.open(join(dir, 'samples.duckdb'));
  if (!duck) return undefined;
  return {
    name: 'DuckDB appender (series_id, ts, value)',
    duck,
    append: (b) => duck.append(b),
    diskBytes: () => duck.diskBytes(),
    close: () => Promise.resolve(duck.close()),
  };
}

/** Whether PostgreSQL answers at `url` (undefined) or why not. */
export async function pgReachable(url: string): Promise<string | undefined> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    await c.query('select 1');
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  } finally {
    await c.end().catch(() => undefined);
  }
}
