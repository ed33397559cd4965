/**
 * Schema variants of the SQLite log store for the store benches (bench/logs-store-profile.ts, bench/logs-wal.ts):
 * one piece taken away (an index, the full-text index), a setting changed, a piece added, or a coarse stream index
 * in place of the (stream id, time) index. {@link openVariantStore} opens a fresh store file with a variant applied.
 */
import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import type { LogStore } from '../src/logs/store/log-store.ts';
import type { LogStoreOptions } from '../src/logs/store/log-types.ts';
import { ENTRY_SQL, PLAIN_ENTRY_SQL } from '../src/logs/store/log-writer.ts';
import { openSqliteLogStore } from '../src/logs/store/open.ts';
import { rowsPrepare, ROW_VARIANTS, type RowSink } from './logs-batch-insert.ts';
import {
  BlockBlooms,
  blockOf,
  DIGIT_BLOOM_FTS,
  DIGIT_JSON_FTS,
  DIGIT_STRIP_FTS,
  ftsWords,
} from './logs-digit-bloom.ts';

/** A schema variant: statements run on the migrated, empty store before the writer opens it. */
export interface Variant {
  readonly name: string;
  readonly ddl: readonly string[];
  /** Run after each batch on a second connection, with the batch's first and last entry id. */
  readonly after?: string;
  /** Page size of the new file (bytes; SQLite's default 4096), set before WAL mode fixes it. */
  readonly pageSize?: number;
  /** Pragmas run on the writer's own connection after it opens (per-connection settings). */
  readonly pragmas?: readonly string[];
  /**
   * Statements run inside the writer's transaction right after its full-text statement, bound to the first and
   * last entry id of the rows written since they last ran (a coarse stream index filled from the rows just written).
   */
  readonly groupSql?: readonly string[];
  /** Run {@link groupSql} only once at least this many entries were written since it last ran (default every group). */
  readonly groupEvery?: number;
  /**
   * Replaces the writer's full-text statement (set up on the writer's connection while the store opens): the
   * statement to prepare instead, and work to run after it with the same first and last entry id.
   */
  readonly fts?: (raw: BetterSqlite3.Database) => {
    readonly statement: string;
    readonly after?: (first: number, last: number) => void;
    /** Runs the statement instead of `statement.run(first, last)`. */
    readonly run?: (st: BetterSqlite3.Statement, first: number, last: number) => void;
    /** Sees every entry row the writer writes (its id and line), before its full-text statement runs. */
    readonly entry?: (id: number, body: string) => void;
  };
  /** The writer's entry rows handed to a sink that writes them before its full-text statement (bench/logs-batch-insert.ts). */
  readonly rows?: (raw: BetterSqlite3.Database, entry: BetterSqlite3.Statement) => RowSink;
  /** The writer binds all seven values of every entry (its statement with literals replaced by the full one). */
  readonly bindAll?: boolean;
}

/** The full-text table replaced by a view whose inserts do nothing (the writer's statement still runs). */
const NO_FTS = [
  'drop table log_fts',
  "create view log_fts(rowid, body) as select 0, ''",
  'create trigger log_fts_noop instead of insert on log_fts begin select 1; end',
];

export const VARIANTS: Variant[] = [
  { name: 'shipped', ddl: [] },
  { name: 'entry-all-bound', ddl: [], bindAll: true },
  { name: 'no-stream-idx', ddl: ['drop index if exists log_entries_stream_time_idx'] },
  { name: 'no-time-idx', ddl: ['drop index log_entries_time_idx'] },
  { name: 'no-trace-idx', ddl: ['drop index log_entries_trace_prefix_idx'] },
  { name: 'no-fts', ddl: NO_FTS },
  { name: 'page-4k', ddl: [], pageSize: 4096 },
  // the store before migration 0006 (FTS5's default leaf size); 'shipped' has 16000 since
  { name: 'fts-pgsz-1000', ddl: ["insert into log_fts (log_fts, rank) values ('pgsz', 1000)"] },
  { name: 'fts-pgsz-16k', ddl: ["insert into log_fts (log_fts, rank) values ('pgsz', 16000)"] },
  { name: 'fts-pgsz-64k', ddl: ["insert into log_fts (log_fts, rank) values ('pgsz', 64000)"] },
  { name: 'fts-automerge-2', ddl: ["insert into log_fts (log_fts, rank) values ('automerge', 2)"] },
  // FTS5 merges segments of a level once `automerge` of them exist (default 4) and all at once at `crisismerge`
  // (default 16): fewer merge passes per entry, more segments for a search to read
  { name: 'fts-automerge-8', ddl: ["insert into log_fts (log_fts, rank) values ('automerge', 8)"] },
  {
    name: 'fts-automerge-16',
    ddl: [
      "insert into log_fts (log_fts, rank) values ('automerge', 16)",
      "insert into log_fts (log_fts, rank) values ('crisismerge', 64)",
    ],
  },
  { name: 'fts-crisismerge-64', ddl: ["insert into log_fts (log_fts, rank) values ('crisismerge', 64)"] },
  // WAL checkpoints every 4000 / 16 000 pages instead of SQLite's 1000 (per connection)
  { name: 'wal-ckpt-4000', ddl: [], pragmas: ['wal_autocheckpoint = 4000'] },
  { name: 'wal-ckpt-16000', ddl: [], pragmas: ['wal_autocheckpoint = 16000'] },
  // FTS5's ascii tokenizer instead of unicode61 (not the same tokens for non-ASCII text: measured only)
  {
    name: 'fts-ascii',
    ddl: [
      'drop table log_fts',
      "create virtual table log_fts using fts5(body, content='', columnsize=0, detail='none', tokenize='ascii')",
      "insert into log_fts (log_fts, rank) values ('pgsz', 16000)",
    ],
  },
  { name: 'page-1k', ddl: [], pageSize: 1024 },
  { name: 'page-2k', ddl: [], pageSize: 2048 },
  { name: 'page-8k', ddl: [], pageSize: 8192 },
  { name: 'page-16k', ddl: [], pageSize: 16384 },
  { name: 'page-32k', ddl: [], pageSize: 32768 },
  { name: 'page-64k', ddl: [], pageSize: 65536 },
  {
    name: 'full-trace-idx',
    ddl: [
      'drop index log_entries_trace_prefix_idx',
      "create index log_entries_trace_idx on log_entries (trace_id) where trace_id <> ''",
    ],
  },
  {
    name: 'trace-fts',
    ddl: [
      'drop index log_entries_trace_prefix_idx',
      "create virtual table log_trace_fts using fts5(t, content='', columnsize=0, detail='none', tokenize='unicode61 remove_diacritics 0')",
    ],
    after:
      "insert into log_trace_fts (rowid, t) select id, trace_id from log_entries where id >= ? and id <= ? and trace_id <> ''",
  },
  // the entries clustered by stream: a table without rowid keyed by (stream id, time, id) instead of a rowid table
  // plus the (stream id, time) index, so a scan by stream reads a stream's rows from adjacent pages; the entry id
  // (the full-text index's rowid) gets a unique index of its own
  {
    name: 'clustered-by-stream',
    ddl: [
      'drop table log_entries',
      'create table log_entries (id integer not null, time_us bigint not null, trace_id text not null, span_id text not null, body text not null, attrs text not null, stream_id bigint not null, primary key (stream_id, time_us, id)) without rowid',
      'create unique index log_entries_id_idx on log_entries (id)',
      'create index log_entries_time_idx on log_entries (time_us)',
      "create index log_entries_trace_prefix_idx on log_entries (substr(trace_id, 1, 8)) where trace_id <> ''",
    ],
  },
  {
    name: 'bare-row',
    ddl: [
      ...NO_FTS,
      'drop index if exists log_entries_stream_time_idx',
      'drop index log_entries_time_idx',
      'drop index log_entries_trace_prefix_idx',
    ],
  },
];

/** One row per stream and commit group (or flush) from the rows just written: ids, times and the stream. */
const RUNS_FROM_ROWS =
  'insert into log_stream_runs (stream_id, min_time_us, max_time_us, first_id, last_id, n) select stream_id, min(time_us), max(time_us), min(id), max(id), count(*) from log_entries where id >= ? and id <= ? group by stream_id';
const RUNS_COLUMNS =
  'stream_id integer not null, min_time_us integer not null, max_time_us integer not null, first_id integer not null, last_id integer not null, n integer not null';

/**
 * Coarse stream indexes (prototypes): the (stream id, time) index on entries dropped, and one row per (stream,
 * commit group) — or per (stream, flush of `groupEvery` entries) — in a small table that a read by stream would use
 * to find the id ranges to scan. `coarse-commit`: a rowid table with an index on (stream id, max time) — the
 * index keyed by stream like the one it replaces, one entry per stream and commit instead of per line;
 * `coarse-commit-wr`: the same as a table without rowid keyed by (stream id, max time, first id) — one B-tree;
 * `coarse-commit-append`: keyed by (first id of the group, stream id) — appended at the end, a read by stream
 * seeks once per group and stream; `coarse-flush-16k`: the same keyed by flush, written once per 16 000 entries
 * (the entries since the last flush would be read by id range, unindexed).
 */
const COARSE: Variant[] = [
  {
    name: 'coarse-commit',
    ddl: [
      'drop index if exists log_entries_stream_time_idx',
      `create table log_stream_runs (${RUNS_COLUMNS})`,
      'create index log_stream_runs_idx on log_stream_runs (stream_id, max_time_us)',
    ],
    groupSql: [RUNS_FROM_ROWS],
  },
  {
    name: 'coarse-commit-wr',
    ddl: [
      'drop index if exists log_entries_stream_time_idx',
      `create table log_stream_runs (${RUNS_COLUMNS}, primary key (stream_id, max_time_us, first_id)) without rowid`,
    ],
    groupSql: [RUNS_FROM_ROWS],
  },
  {
    name: 'coarse-commit-append',
    ddl: [
      'drop index if exists log_entries_stream_time_idx',
      `create table log_stream_runs (${RUNS_COLUMNS}, primary key (first_id, stream_id)) without rowid`,
    ],
    groupSql: [RUNS_FROM_ROWS],
  },
  {
    name: 'coarse-flush-16k',
    ddl: [
      'drop index if exists log_entries_stream_time_idx',
      `create table log_stream_runs (${RUNS_COLUMNS}, primary key (first_id, stream_id)) without rowid`,
    ],
    groupSql: [RUNS_FROM_ROWS],
    groupEvery: 16_000,
  },
  {
    name: 'coarse-flush-16k-by-stream',
    ddl: [
      'drop index if exists log_entries_stream_time_idx',
      `create table log_stream_runs (${RUNS_COLUMNS}, primary key (stream_id, max_time_us, first_id)) without rowid`,
    ],
    groupSql: [RUNS_FROM_ROWS],
    groupEvery: 16_000,
  },
  // the (stream id, time) index keyed first by a time bucket: a commit's entries (all in the newest buckets when
  // they arrive in time order) land in the buckets' few leaves instead of one leaf per stream
  {
    name: 'bucket-60s-idx',
    ddl: [
      'drop index if exists log_entries_stream_time_idx',
      'create index log_entries_bucket_stream_time_idx on log_entries (time_us / 60000000, stream_id, time_us)',
    ],
  },
  {
    name: 'bucket-10s-idx',
    ddl: [
      'drop index if exists log_entries_stream_time_idx',
      'create index log_entries_bucket_stream_time_idx on log_entries (time_us / 10000000, stream_id, time_us)',
    ],
  },
];

VARIANTS.splice(VARIANTS.length - 1, 0, ...COARSE);

// tokens holding a digit out of FTS5 (bench/logs-digit-bloom.ts): into a Bloom filter per block of entry ids, or
// only stripped (what the JS pass and the smaller index cost without the filters)
VARIANTS.push(
  {
    name: 'fts-digit-bloom',
    ddl: [],
    fts: (raw) => {
      const blooms = new BlockBlooms(raw);
      return { statement: DIGIT_BLOOM_FTS, after: (_first, last) => blooms.closeBefore(blockOf(last + 1)) };
    },
  },
  {
    name: 'fts-digit-bloom-1k',
    ddl: [],
    fts: (raw) => {
      const blooms = new BlockBlooms(raw, 1024);
      return {
        statement: DIGIT_BLOOM_FTS,
        after: (_first, last) => blooms.closeBefore(Math.floor((last + 1) / 1024)),
      };
    },
  },
  // the writer's lines stripped in JS as it writes them (no read-back, no SQL function call per row) and handed
  // to FTS5 as one JSON array per group (`json_each`)
  {
    name: 'fts-digit-json',
    ddl: [],
    fts: (raw) => {
      const blooms = new BlockBlooms(raw, 1024);
      let texts: string[] = [];
      return {
        statement: DIGIT_JSON_FTS,
        entry: (id, body) => {
          const b = blooms.bloomOf(Math.floor(id / 1024));
          texts.push(ftsWords(body, (t) => b.add(t)));
        },
        run: (st, first) => {
          st.run(first, JSON.stringify(texts));
          texts = [];
        },
        after: (_first, last) => blooms.closeBefore(Math.floor((last + 1) / 1024)),
      };
    },
  },
  {
    name: 'fts-digit-strip',
    ddl: [],
    fts: (raw) => {
      new BlockBlooms(raw);
      return { statement: DIGIT_STRIP_FTS };
    },
  },
);

VARIANTS.push(...ROW_VARIANTS); // one statement per commit group for the entry rows

/** The writer's full-text statement (src/logs/store/log-writer.ts), after which a variant's `groupSql` runs. */
const FTS_STATEMENT =
  'insert into log_fts (rowid, body) select id, body from log_entries where id >= ? and id <= ?';

/**
 * Opens a fresh store at `path` (which must not exist) with variant `v` applied: its page size, its statements on
 * the migrated empty store, its pragmas on the writer's connection; with `groupSql`, the writer's full-text
 * statement is wrapped (while the store opens) so the variant's statements run after it in the same transaction.
 * @throws Error when the writer's full-text statement was not found (the writer changed)
 */
export async function openVariantStore(path: string, v: Variant, opts: LogStoreOptions): Promise<LogStore> {
  if (v.pageSize !== undefined) {
    const pre = new BetterSqlite3(path);
    pre.pragma(`page_size = ${v.pageSize}`);
    pre.pragma('journal_mode = WAL');
    pre.close();
  }
  await (await openSqliteLogStore(path, opts)).close();
  const raw = new BetterSqlite3(path);
  for (const s of v.ddl) raw.exec(s);
  raw.close();
  const proto = BetterSqlite3.prototype as unknown as {
    prepare: (this: BetterSqlite3.Database, source: string) => BetterSqlite3.Statement;
  };
  const prepare = proto.prepare;
  let wrapped = v.groupSql === undefined && v.fts === undefined && v.rows === undefined;
  if (v.rows !== undefined) {
    proto.prepare = rowsPrepare(prepare, v.rows, FTS_STATEMENT, () => (wrapped = true));
  } else if (v.fts !== undefined) {
    const setup = v.fts;
    let hooks: ReturnType<typeof setup> | undefined;
    proto.prepare = function (this: BetterSqlite3.Database, source: string): BetterSqlite3.Statement {
      if (source === ENTRY_SQL || source === PLAIN_ENTRY_SQL) {
        const h = (hooks ??= setup(this));
        const st = prepare.call(this, source);
        if (h.entry === undefined) return st;
        const see = h.entry;
        // the line is the sixth value bound, the fourth in the statement with literals
        const line = source === ENTRY_SQL ? 5 : 3;
        return new Proxy(st, {
          get(t, p) {
            if (p === 'run')
              return (...a: unknown[]) => {
                see(a[0] as number, a[line] as string);
                return t.run(...a);
              };
            const x: unknown = Reflect.get(t, p);
            return typeof x === 'function' ? (x as (...a: unknown[]) => unknown).bind(t) : x;
          },
        });
      }
      if (source !== FTS_STATEMENT) return prepare.call(this, source);
      wrapped = true;
      const { statement, after, run } = (hooks ??= setup(this));
      const st = prepare.call(this, statement);
      return new Proxy(st, {
        get(t, p) {
          if (p === 'run')
            return (a: number, b: number) => {
              const r = run === undefined ? t.run(a, b) : run(t, a, b);
              after?.(a, b);
              return r;
            };
          const x: unknown = Reflect.get(t, p);
          return typeof x === 'function' ? (x as (...a: unknown[]) => unknown).bind(t) : x;
        },
      });
    };
  } else if (v.groupSql !== undefined) {
    const stmts = v.groupSql;
    const every = v.groupEvery ?? 1;
    proto.prepare = function (this: BetterSqlite3.Database, source: string): BetterSqlite3.Statement {
      const st = prepare.call(this, source);
      if (source !== FTS_STATEMENT) return st;
      wrapped = true;
      const extra = stmts.map((s) => prepare.call(this, s));
      let from: number | undefined;
      return new Proxy(st, {
        get(t, p) {
          if (p === 'run')
            return (a: number, b: number) => {
              const r = t.run(a, b);
              from ??= a;
              if (b - from + 1 >= every) {
                for (const e of extra) e.run(from, b);
                from = undefined;
              }
              return r;
            };
          const x: unknown = Reflect.get(t, p);
          return typeof x === 'function' ? (x as (...a: unknown[]) => unknown).bind(t) : x;
        },
      });
    };
  }
  if (v.rows !== undefined || v.bindAll === true) {
    // the writer's statement with literals for entries without trace context or attributes: its rows go through
    // the statement with every value bound, so the row sink sees every entry (and `bindAll` measures the writer
    // binding all seven values, as before the literals)
    const inner = proto.prepare;
    proto.prepare = function (this: BetterSqlite3.Database, source: string): BetterSqlite3.Statement {
      if (source !== PLAIN_ENTRY_SQL) return inner.call(this, source);
      const full = inner.call(this, ENTRY_SQL);
      return {
        run: (id: number, t: number, sid: number, body: string) => full.run(id, t, sid, '', '', body, '{}'),
      } as unknown as BetterSqlite3.Statement;
    };
  }
  try {
    const st = await openSqliteLogStore(path, opts);
    if (!wrapped) throw new Error(`variant ${v.name}: the writer's full-text statement was not found`);
    for (const p of v.pragmas ?? []) await sql.raw(`pragma ${p}`).execute(st.db);
    return st;
  } finally {
    proto.prepare = prepare;
  }
}
