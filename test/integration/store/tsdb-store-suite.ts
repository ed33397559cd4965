/**
 * The two backends of the chunked layout's integration tests (SQLite, and PostgreSQL at DWCP_TEST_PG_URL,
 * default postgres://dwcp:dwcp@127.0.0.1:5432/dwcp_test; a fresh schema per store, dropped on close) and the
 * suite that runs the same tests on both: `chunkedStoreSuites(title, body)` registers `body`'s tests once per
 * backend. Under CI=true an unreachable PostgreSQL fails the suite; elsewhere its half is skipped with the reason.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import type { Sample } from '../../../src/model/sample.ts';
import {
  openChunkedPostgresStore,
  openChunkedSqliteStore,
  type ChunkedStoreOptions,
  type OpenedChunkedStore,
} from '../../../src/store/tsdb/open.ts';
import { PG_URL, pgSkipReason } from '../../helpers/postgres.ts';

export const MIN = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;
export const T0 = 1_700_000_000_000;

/** A sample of `name{labels}` = `value` at `ts` (ms). */
export const s = (name: string, labels: Record<string, string>, value: number, ts: number): Sample => ({
  name,
  labels,
  value,
  timestampMs: ts,
});

/** The database of a store (raw SQL in tests). */
export const dbOf = (st: OpenedChunkedStore): Kysely<unknown> =>
  st.samples.database as unknown as Kysely<unknown>;

/** Column names of the `series` table, in table order. */
export const columnsOfSeries = async (
  db: Kysely<unknown>,
  dialect: 'sqlite' | 'postgres',
): Promise<string[]> =>
  (dialect === 'sqlite'
    ? await sql<{ name: string }>`select name from pragma_table_info('series') order by cid`.execute(db)
    : await sql<{ name: string }>`select column_name as name from information_schema.columns
        where table_name = 'series' and table_schema = current_schema() order by ordinal_position`.execute(db)
  ).rows.map((r) => r.name);

/** The migration tests' value of series `i` at step `k`: an integer ramp for even `i`, a full-precision float otherwise. */
export const migrationValueOf = (i: number, k: number): number =>
  i % 2 === 0 ? k * 3 + i : Math.sin(k + i) * 1e6;

/**
 * Appends `steps` samples (1 s apart from {@link T0}) to each of `series` with {@link migrationValueOf}, checkpointing
 * after step 50, so a later reopen finds cut chunks, an open chunk and WAL records after the checkpoint.
 */
export async function writeAcrossCheckpoint(
  st: OpenedChunkedStore,
  series: readonly { name: string; labels: Record<string, string> }[],
  steps: number,
): Promise<void> {
  for (let k = 0; k < steps; k++) {
    await st.append(series.map((x, i) => s(x.name, x.labels, migrationValueOf(i, k), T0 + k * 1000)));
    if (k === 50) await st.checkpoint();
  }
}

export type Opts = Partial<Omit<ChunkedStoreOptions, 'walDir'>>;
/** Opens a store; `reopen` opens the same database and WAL directory again (after close or a crash). */
interface Backend {
  open(o?: Opts): Promise<OpenedChunkedStore>;
  reopen(st: OpenedChunkedStore, o?: Opts): Promise<OpenedChunkedStore>;
  walDirOf(st: OpenedChunkedStore): string;
}
type Setup = () => Promise<{ backend?: Backend; skip?: string; cleanup?: () => Promise<void> }>;

/** What a suite body gets: stores opened (retention 1 h unless given) and closed after the suite, a test that skips with the backend's reason. */
export interface ChunkedSuite {
  open(o?: Opts): Promise<OpenedChunkedStore>;
  reopen(prev: OpenedChunkedStore, o?: Opts): Promise<OpenedChunkedStore>;
  walDirOf(st: OpenedChunkedStore): string;
  test(title: string, fn: () => Promise<void>): void;
  /** The backend's SQL dialect. */
  readonly dialect: 'sqlite' | 'postgres';
}

function suite(
  title: string,
  name: 'sqlite' | 'postgres',
  setup: Setup,
  body: (c: ChunkedSuite) => void,
): void {
  describe(`${title} (${name})`, () => {
    let backend: Backend;
    let skip: string | undefined;
    let cleanup: (() => Promise<void>) | undefined;
    const opened: OpenedChunkedStore[] = [];
    const open = async (o: Opts = {}): Promise<OpenedChunkedStore> => {
      const st = await backend.open({ retentionMs: HOUR, ...o });
      opened.push(st);
      return st;
    };
    const reopen = async (prev: OpenedChunkedStore, o: Opts = {}): Promise<OpenedChunkedStore> => {
      const st = await backend.reopen(prev, { retentionMs: HOUR, ...o });
      opened.push(st);
      return st;
    };
    before(async () => {
      const r = await setup();
      skip = r.skip;
      cleanup = r.cleanup;
      if (r.backend) backend = r.backend;
    });
    after(async () => {
      for (const st of opened) await st.close().catch(() => undefined);
      await cleanup?.();
    });
    const test = (t: string, fn: () => Promise<void>) =>
      it(t, async (c) => {
        if (skip) return c.skip(skip);
        await fn();
      });
    body({ open, reopen, walDirOf: (st) => backend.walDirOf(st), test, dialect: name });
  });
}

const sqlite: Setup = async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dwcp-tsdb-'));
  let n = 0;
  const where = new WeakMap<OpenedChunkedStore, { path: string; walDir: string }>();
  const backend: Backend = {
    async open(o = {}) {
      const k = n++;
      const loc = { path: join(dir, `db-${k}.db`), walDir: join(dir, `wal-${k}`) };
      const st = await openChunkedSqliteStore({ ...o, ...loc });
      where.set(st, loc);
      return st;
    },
    async reopen(prev, o = {}) {
      const loc = where.get(prev)!;
      await prev.close().catch(() => undefined);
      const st = await openChunkedSqliteStore({ ...o, ...loc });
      where.set(st, loc);
      return st;
    },
    walDirOf: (st) => where.get(st)!.walDir,
  };
  return { backend, cleanup: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })) };
};

const postgres: Setup = async () => {
  const reason = await pgSkipReason(); // throws under CI=true
  if (reason !== undefined) {
    return { skip: reason };
  }
  const dir = mkdtempSync(join(tmpdir(), 'dwcp-tsdb-pg-'));
  const run = `dwcp_tsdb_${process.pid}_${Date.now().toString(36)}`;
  let n = 0;
  const where = new WeakMap<OpenedChunkedStore, { schema: string; walDir: string }>();
  const schemas: string[] = [];
  const backend: Backend = {
    async open(o = {}) {
      const k = n++;
      const loc = { schema: `${run}_${k}`, walDir: join(dir, `wal-${k}`) };
      schemas.push(loc.schema);
      const st = await openChunkedPostgresStore({ ...o, ...loc, url: PG_URL });
      where.set(st, loc);
      return st;
    },
    async reopen(prev, o = {}) {
      const loc = where.get(prev)!;
      await prev.close().catch(() => undefined);
      const st = await openChunkedPostgresStore({ ...o, ...loc, url: PG_URL });
      where.set(st, loc);
      return st;
    },
    walDirOf: (st) => where.get(st)!.walDir,
  };
  const cleanup = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    try {
      for (const sch of schemas) await c.query(`drop schema if exists ${sch} cascade`);
    } finally {
      await c.end();
    }
    rmSync(dir, { recursive: true, force: true });
  };
  return { backend, cleanup };
};

/** Registers `body`'s tests as `title (sqlite)` and `title (postgres)`. */
export function chunkedStoreSuites(title: string, body: (c: ChunkedSuite) => void): void {
  suite(title, 'sqlite', sqlite, body);
  suite(title, 'postgres', postgres, body);
}
