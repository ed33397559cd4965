/**
 * Opening the log store on SQLite (its own database file) or PostgreSQL (optionally in its own schema), with
 * the log migrations applied. Connection handling is the sample store's (src/store/sqlite.ts,
 * src/store/postgres.ts).
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { StoreError } from '../../errors.ts';
import { connectPostgres, type PostgresStoreOptions } from '../../store/postgres.ts';
import { openSqliteConnection } from '../../store/sqlite.ts';
import { LogStore, type LogStoreOptions } from './log-store.ts';
import { migrateLogStore } from './migrations.ts';
import type { LogDatabase } from './schema.ts';

/**
 * Page size of a new SQLite log store file, bytes. Measured (bench/logs-store-profile.ts, alternating runs):
 * the store's CPU per entry falls with larger pages — the (stream id, time) index takes one insert per entry into
 * a page of its stream, spread over the whole index, and every page a batch changes costs a WAL frame and its
 * page-cache bookkeeping; fewer, larger pages mean fewer of them. SQLite's default is 4096. The page size is
 * fixed once the file is in WAL mode, so existing stores keep theirs (`VACUUM` after leaving WAL mode changes it).
 * @see https://www.sqlite.org/pragma.html#pragma_page_size
 */
export const LOG_STORE_PAGE_SIZE = 16_384;

/**
 * Bytes of a SQLite log store file its connection reads through a memory map (`pragma mmap_size`; SQLite caps it
 * at its compile-time maximum, 2 GiB by default; the part of a larger file beyond it is read as before). Scans by
 * stream read one row from each of thousands of pages spread over the file; read with `pread` each page costs a
 * system call and a 16 KiB copy into SQLite's cache — half the CPU of a line filter over a node's streams at
 * 1 M lines (118–137 ms, of it 58–67 ms system time; 67–69 ms mapped: bench/logs-search.ts, docs/logs-history.md
 * "Where a full receive goes; FTS5 leaf pages; memory-mapped reads"). Writes still go through the WAL. The mapped pages are the kernel's page
 * cache (shared, reclaimable), but they count in the process's resident size while mapped.
 * @see https://www.sqlite.org/mmap.html
 */
export const LOG_STORE_MMAP_BYTES = 2 ** 31;

/**
 * WAL pages a SQLite log store's connection lets accumulate before it checkpoints them into the file (`pragma
 * wal_autocheckpoint`; SQLite's default 1000). A batch of entries touches one (stream id, time) index leaf per
 * stream it holds — ~300 WAL frames per 1000-line batch at 200 000 stored lines — so with the default the writer
 * checkpoints every third or fourth batch, rewriting the same hot pages each time. Measured (docs/logs-history.md
 * "A token Bloom filter ...; WAL checkpoints every 4000 pages"): fewer checkpoints cost less CPU per stored line, and reads of a 5 M-line
 * store with ingest running beside them did not get dearer. The WAL file grows to about this many pages
 * (4000 × 16 KiB = 64 MiB) before a checkpoint restarts it.
 * @see https://www.sqlite.org/pragma.html#pragma_wal_autocheckpoint
 */
export const LOG_STORE_WAL_AUTOCHECKPOINT_PAGES = 4000;

/**
 * Creates an empty SQLite database file with the log store's page size in WAL mode (a file that exists with
 * content is left alone).
 * @throws StoreError when the file cannot be created
 */
function createStoreFile(path: string, pageSize: number): void {
  if (existsSync(path) && statSync(path).size > 0) return;
  try {
    mkdirSync(dirname(path), { recursive: true });
    const db = new BetterSqlite3(path);
    try {
      db.pragma(`page_size = ${pageSize}`);
      db.pragma('journal_mode = WAL');
    } finally {
      db.close();
    }
  } catch (e) {
    throw new StoreError(`cannot create log store file ${path}: ${(e as Error).message}`, { cause: e });
  }
}

/**
 * Opens (creating it and its directory) a SQLite log store at `path` (`:memory:` for a throwaway one). A new
 * file gets pages of {@link LOG_STORE_PAGE_SIZE} bytes (or `pageSize`); the file is read through a memory map of up
 * to {@link LOG_STORE_MMAP_BYTES} and checkpointed every {@link LOG_STORE_WAL_AUTOCHECKPOINT_PAGES} WAL pages.
 * @throws StoreError when the file cannot be opened or a migration fails; InvalidInputError on bad options
 */
export async function openSqliteLogStore(
  path: string,
  opts: LogStoreOptions,
  pageSize = LOG_STORE_PAGE_SIZE,
): Promise<LogStore> {
  if (path !== ':memory:') createStoreFile(path, pageSize);
  const { db, raw } = openSqliteConnection<LogDatabase>(path);
  try {
    if (path !== ':memory:') {
      raw.pragma(`mmap_size = ${LOG_STORE_MMAP_BYTES}`);
      raw.pragma(`wal_autocheckpoint = ${LOG_STORE_WAL_AUTOCHECKPOINT_PAGES}`);
    }
    await migrateLogStore(db as unknown as Kysely<unknown>, 'sqlite');
    return new LogStore(db, { dialect: 'sqlite', raw }, opts);
  } catch (e) {
    await db.destroy();
    throw e;
  }
}

/**
 * Connects to PostgreSQL (creating `pg.schema` if given) and opens the log store there.
 * @throws StoreError when the server is unreachable or a migration fails; InvalidInputError on bad options
 */
export async function openPostgresLogStore(
  pg: Omit<PostgresStoreOptions, 'retentionMs' | 'allowNonFinite' | 'seriesCacheSize'>,
  opts: LogStoreOptions,
): Promise<LogStore> {
  const { db, onClose } = await connectPostgres<LogDatabase>({
    ...pg,
    retentionMs: Math.max(...Object.values(opts.retentionMs)),
  });
  try {
    await migrateLogStore(db as unknown as Kysely<unknown>, 'postgres', pg.schema);
    return new LogStore(db, { dialect: 'postgres' }, opts, onClose);
  } catch (e) {
    await db.destroy();
    if (onClose) await onClose().catch(() => undefined);
    throw e;
  }
}
