/**
 * Entry rows written by one statement per commit group instead of one statement per entry (measured, not
 * adopted: docs/logs-store.md "Entry rows: one statement per group; three empty values as literals"). The shipped
 * writer calls a prepared insert once per entry: ~0.75 µs per call for better-sqlite3's call, the binding of the
 * values (UTF-8 conversion of the strings) and the statement's reset, before SQLite writes anything. These
 * variants take the writer's rows (every argument list of its entry statement, in order) and write them all with
 * one statement run just before its full-text statement, inside the same transaction, so the stored rows are the
 * shipped ones:
 * - `rows-json`: the rows as one JSON array of arrays, bound once, read with `jsonb_each` and `->>` (SQLite's
 *   JSON functions: the text is parsed once into JSONB, each row's array read from it by index);
 * - `rows-slices`: every string of the group concatenated into one bound text, cut per row with `substr` on its
 *   blob cast (byte offsets; the cast is computed once per statement) at offsets read from a fixed-width header
 *   text, the rows counted off by `json_each` over the times (a JSON array of numbers); a group holding a
 *   non-ASCII character (UTF-16 and UTF-8 offsets differ) falls back to the per-entry statement;
 * - `rows-vtab`: a better-sqlite3 virtual table in JS (`Database.table`) whose generator yields the rows,
 *   read by one `insert … select`;
 * - `rows-deferred`: the rows collected as above, then written one by one by the writer's statement (what
 *   collecting them costs).
 * Every variant was dearer than the shipped writer: building and reading the one parameter costs what the calls
 * save, and a multi-row insert into the entries (whose trace index is a partial expression index) opens a
 * statement journal, a temporary file holding a copy of every page the statement changes.
 * Used by bench/logs-store-variants.ts; bench/logs-store-profile.ts `--digest` checks the stored rows are equal.
 * @see https://sqlite.org/json1.html#jeach
 * @see https://github.com/WiseLibs/better-sqlite3/blob/master/docs/api.md#tablename-definition---this
 */
import type BetterSqlite3 from 'better-sqlite3';
import { ENTRY_SQL } from '../src/logs/store/log-writer.ts';
import type { Variant } from './logs-store-variants.ts';

/** A row as the writer binds it: id, time µs, stream id, trace id, span id, line, attributes JSON. */
export type EntryArgs = readonly [number, number, number, string, string, string, string];

/** Collects the writer's entry rows and writes them with one statement (before the full-text statement). */
export interface RowSink {
  /** One entry row, as the writer would have run it. */
  readonly add: (row: EntryArgs) => void;
  /** Writes the rows collected since the last flush (then forgets them). */
  readonly flush: () => void;
}

const COLUMNS = '(id, time_us, stream_id, trace_id, span_id, body, attrs)';

/** `rows-json`: one JSON array of the rows per group, read with `jsonb_each`. */
export function jsonRows(raw: BetterSqlite3.Database): RowSink {
  const st = raw.prepare(
    `insert or fail into log_entries ${COLUMNS} select value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6 from jsonb_each(?)`,
  );
  let rows: EntryArgs[] = [];
  return {
    add: (r) => rows.push(r),
    flush: () => {
      if (rows.length > 0) st.run(JSON.stringify(rows));
      rows = [];
    },
  };
}

/**
 * Header characters per row of `rows-slices`: stream id and the row's first byte in the text (12 each), then the
 * lengths of trace id, span id (4 each), line, attributes (10 each).
 */
const W = 52;
/** A group's field as SQL: characters `from` (1-based) to `from + len - 1` of row `j.key`'s header, as an integer. */
const head = (from: number, len: number): string =>
  `cast(substr(cast(@head as blob), j.key * ${W} + ${from}, ${len}) as integer)`;

/** `rows-slices`: the group's strings in one text cut with `substr` at offsets from a fixed-width header. */
export function sliceRows(raw: BetterSqlite3.Database, entry: BetterSqlite3.Statement): RowSink {
  // row k's strings start at the byte its header names in @big: trace id, span id, line, attributes back to back
  const o = head(13, 12);
  const trace = head(25, 4);
  const span = head(29, 4);
  const body = head(33, 10);
  const attrs = head(43, 10);
  const at = (from: string, len: string): string =>
    `cast(substr(cast(@big as blob), ${from}, ${len}) as text)`;
  const st = raw.prepare(
    `insert or fail into log_entries ${COLUMNS} select @first + j.key, j.value, ${head(1, 12)}, ${at(o, trace)}, ${at(`${o} + ${trace}`, span)}, ${at(`${o} + ${trace} + ${span}`, body)}, ${at(`${o} + ${trace} + ${span} + ${body}`, attrs)} from json_each(@times) j`,
  );
  let rows: EntryArgs[] = [];
  return {
    add: (r) => rows.push(r),
    flush: () => {
      if (rows.length === 0) return;
      let big = '';
      let hd = '';
      let times = '[';
      let off = 1;
      for (let i = 0; i < rows.length; i++) {
        const [, t, sid, tr, sp, b, a] = rows[i]!;
        big += tr + sp + b + a;
        hd +=
          String(sid).padStart(12) +
          String(off).padStart(12) +
          String(tr.length).padStart(4) +
          String(sp.length).padStart(4) +
          String(b.length).padStart(10) +
          String(a.length).padStart(10);
        times += (i > 0 ? ',' : '') + String(t);
        off += tr.length + sp.length + b.length + a.length;
      }
      if (Buffer.byteLength(big) === big.length)
        st.run({ first: rows[0]![0], head: hd, big, times: `${times}]` });
      else for (const r of rows) entry.run(...r);
      rows = [];
    },
  };
}

/** `rows-vtab`: a JS virtual table over the collected rows, read by one `insert … select`. */
export function vtabRows(raw: BetterSqlite3.Database): RowSink {
  let rows: EntryArgs[] = [];
  raw.table('log_batch_rows', {
    columns: ['id', 'time_us', 'stream_id', 'trace_id', 'span_id', 'body', 'attrs'],
    *rows() {
      yield* rows;
    },
  });
  const st = raw.prepare(`insert or fail into log_entries ${COLUMNS} select * from log_batch_rows`);
  return {
    add: (r) => rows.push(r),
    flush: () => {
      if (rows.length > 0) st.run();
      rows = [];
    },
  };
}

/** `rows-deferred`: the rows collected as the others do, then written by the shipped statement one by one (the collecting's own cost). */
export function deferredRows(_raw: BetterSqlite3.Database, entry: BetterSqlite3.Statement): RowSink {
  let rows: EntryArgs[] = [];
  return {
    add: (r) => rows.push(r),
    flush: () => {
      for (const r of rows) entry.run(...r);
      rows = [];
    },
  };
}

/** The variants (`rows-vtab-no-trace-idx` against `no-trace-idx`, `shipped-tempmem` against `shipped`: controls). */
export const ROW_VARIANTS: Variant[] = [
  { name: 'rows-json', ddl: [], rows: jsonRows },
  { name: 'rows-slices', ddl: [], rows: sliceRows },
  { name: 'rows-vtab', ddl: [], rows: vtabRows },
  { name: 'rows-deferred', ddl: [], rows: deferredRows },
  // a multi-row insert into a table with an expression index opens a statement journal (a temp file unless
  // temp_store is memory) and copies into it every page the statement changes that existed before it
  { name: 'rows-vtab-tempmem', ddl: [], rows: vtabRows, pragmas: ['temp_store = memory'] },
  { name: 'shipped-tempmem', ddl: [], pragmas: ['temp_store = memory'] },
  { name: 'rows-vtab-no-trace-idx', ddl: ['drop index log_entries_trace_prefix_idx'], rows: vtabRows },
];

type Prepare = (this: BetterSqlite3.Database, source: string) => BetterSqlite3.Statement;

/**
 * A `prepare` for {@link Variant.rows}: the writer's entry statement becomes an object whose `run` hands the row to
 * the sink; its full-text statement (`ftsSql`) flushes the sink before it runs (`onFts` is told it was found).
 */
export function rowsPrepare(
  prepare: Prepare,
  setup: NonNullable<Variant['rows']>,
  ftsSql: string,
  onFts: () => void,
): Prepare {
  let sink: RowSink | undefined;
  return function (this: BetterSqlite3.Database, source: string): BetterSqlite3.Statement {
    const st = prepare.call(this, source);
    if (source === ENTRY_SQL) {
      const s = (sink ??= setup(this, st));
      const info = { changes: 1, lastInsertRowid: 0 };
      // not a Proxy: the writer only calls `run`, and a Proxy's trap would cost the variant per entry
      return {
        run: (...a: unknown[]) => {
          s.add(a as unknown as EntryArgs);
          return info;
        },
      } as unknown as BetterSqlite3.Statement;
    }
    if (source !== ftsSql) return st;
    onFts();
    return {
      run: (a: number, b: number) => {
        sink!.flush();
        return st.run(a, b);
      },
    } as unknown as BetterSqlite3.Statement;
  };
}
