/**
 * SQLite: entry rows (with their stream's labels) read by id in the order given, under a scan's other conditions
 * — the row access of a scan by stream through the stream index (./log-scan-index.ts). The ids are bound as one
 * JSON array and walked with `json_each`, each a seek on the entry table's rowid, so a read costs about what a
 * walk along a (stream id, time) index did per row; an inline `id in (…)` list was parsed, sorted into a temporary
 * B-tree and the statement prepared again for every page (~3 µs per id; docs/logs-store.md). One statement per
 * shape of conditions (number of substrings, trace id, words), prepared once per store.
 * @see https://www.sqlite.org/json1.html#jeach
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { Row } from './log-rows.ts';

/** A read's conditions besides the ids: substrings the line holds, a trace id, an FTS5 match expression. */
export interface RowConditions {
  readonly contains: readonly string[];
  readonly traceId?: string;
  readonly match?: string;
}

/** Statement shapes kept at most (the number of substrings is the only open-ended part). */
const MAX_SHAPES = 32;

/** The row reads by id of one SQLite log store. */
export class RowsById {
  private readonly raw: Pick<BetterSqlite3.Database, 'prepare'>;
  private readonly shapes = new Map<string, BetterSqlite3.Statement>();

  constructor(raw: Pick<BetterSqlite3.Database, 'prepare'>) {
    this.raw = raw;
  }

  /** Statements prepared so far (at most {@link MAX_SHAPES}). */
  get preparedShapes(): number {
    return this.shapes.size;
  }

  /**
   * The rows of `ids` (entry ids, in the order wanted) that exist and meet `c`, in the order of `ids`.
   * @throws driver errors (e.g. a malformed FTS5 match expression)
   */
  read(ids: readonly number[], c: RowConditions): Row[] {
    if (ids.length === 0) return [];
    const params: (string | number)[] = [JSON.stringify(ids), ...c.contains];
    if (c.traceId !== undefined) params.push(c.traceId);
    if (c.match !== undefined) params.push(c.match);
    return this.statement(c.contains.length, c.traceId !== undefined, c.match !== undefined).all(
      ...params,
    ) as Row[];
  }

  private statement(contains: number, trace: boolean, match: boolean): BetterSqlite3.Statement {
    const key = `${contains}|${trace ? 1 : 0}|${match ? 1 : 0}`;
    let st = this.shapes.get(key);
    if (st !== undefined) return st;
    const where = [
      ...Array.from({ length: contains }, () => 'instr(e.body, ?) > 0'),
      ...(trace ? ['+e.trace_id = ?'] : []),
      ...(match ? ['e.id in (select rowid from log_fts where log_fts match ?)'] : []),
    ];
    // CROSS JOIN keeps the ids' order: one rowid seek per id, then its stream by primary key
    st = this.raw.prepare(
      `select e.id, e.time_us, s.level, s.service, s.node_id, s.region, s.component, e.trace_id, e.span_id, e.body, e.attrs
       from json_each(?) j cross join log_entries e on e.id = j.value cross join log_streams s on s.id = e.stream_id${
         where.length > 0 ? ` where ${where.join(' and ')}` : ''
       }`,
    );
    if (this.shapes.size >= MAX_SHAPES) this.shapes.delete(this.shapes.keys().next().value!);
    this.shapes.set(key, st);
    return st;
  }
}
