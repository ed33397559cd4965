/**
 * SQLite: a scan by stream through the stream index (./stream-index.ts). The scan's range is read in time
 * windows (sized by the caller as for the scan along the (stream id, time) index it replaces); a window's entry
 * ids and times come from the index's blocks, sorted by (time, id) in the scan's direction, and the rows are read
 * by id in pages under the scan's other conditions (trace id, substrings, words). Holding kysely's connection for
 * the whole scan, so no transaction (retention) runs between reading the index and reading the rows.
 */
import { sql, type Expression, type Kysely, type SqlBool } from 'kysely';
import { containsConditions, ROW_COLUMNS, toRecord, traceIdConditions, type Row } from './log-rows.ts';
import type { LogScan, LogScanResult, StoredLog } from './log-types.ts';
import type { LogDatabase } from './schema.ts';
import type { StreamIndex } from './stream-index.ts';

/** Rows read per statement at most. */
const PAGE = 1000;
/** Smallest page (each row read may cost a page of the table). */
const MIN_PAGE = 100;

/** The first window of a scan by stream and the widest one, µs. */
export interface ScanWindows {
  readonly widthUs: number;
  readonly maxWidthUs: number;
}

/** A window's entries: ids and times, and their order in the scan's direction. */
function windowOrder(index: StreamIndex, streams: readonly number[], lo: number, hi: number, back: boolean) {
  const ids: number[] = [];
  const times: number[] = [];
  index.visit(streams, lo, hi, (_, id, t) => {
    ids.push(id);
    times.push(t);
  });
  const order = Array.from(ids.keys());
  const sign = back ? -1 : 1;
  order.sort((a, b) => sign * (times[a]! - times[b]! || ids[a]! - ids[b]!));
  return order.map((i) => ids[i]!);
}

/**
 * Reads the entries of `streams` (see {@link LogScan}), `words` through the full-text index.
 * @throws driver errors
 */
export async function scanByStreamIndex(
  db: Kysely<LogDatabase>,
  index: StreamIndex,
  q: LogScan,
  streams: readonly number[],
  words: readonly string[],
  windows: ScanWindows,
): Promise<LogScanResult> {
  const others: Expression<SqlBool>[] = [...containsConditions('sqlite', q.contains ?? [])];
  if (q.traceId !== undefined) others.push(...traceIdConditions(q.traceId, false));
  if (words.length > 0) {
    const match = words.map((w) => `"${w}"`).join(' ');
    others.push(sql<SqlBool>`e.id in (select rowid from log_fts where log_fts match ${match})`);
  }
  return db.connection().execute(async (conn) => {
    const back = q.direction === 'backward';
    const entries: StoredLog[] = [];
    let scanned = 0;
    let width = windows.widthUs;
    let lo = back ? Math.max(q.startUs, q.endUs - width) : q.startUs;
    let hi = back ? q.endUs : Math.min(q.endUs, q.startUs + width);
    for (;;) {
      const ids = windowOrder(index, streams, lo, hi, back);
      for (let at = 0; at < ids.length && entries.length < q.limit && scanned < q.maxScan;) {
        const page = Math.min(PAGE, Math.max(q.limit - entries.length, MIN_PAGE));
        const part = ids.slice(at, at + page);
        at += part.length;
        const rows = (await conn
          .selectFrom('log_entries as e')
          .innerJoin('log_streams as s', 's.id', 'e.stream_id')
          .select(ROW_COLUMNS)
          .where(sql<SqlBool>`e.id in (${sql.raw(part.join(', '))})`)
          .where((eb) => eb.and(others))
          .execute()) as Row[];
        const byId = new Map(rows.map((r) => [Number(r.id), r]));
        for (const id of part) {
          const row = byId.get(id);
          if (row === undefined) continue;
          scanned++;
          const r = toRecord(row);
          if (q.accept === undefined || q.accept(r)) entries.push(r);
          if (entries.length >= q.limit || scanned >= q.maxScan) break;
        }
      }
      if (entries.length >= q.limit || scanned >= q.maxScan) break;
      if (back ? lo <= q.startUs : hi >= q.endUs) return { entries, scanned, truncated: false };
      // the next window, wider when this one held less than a page
      width = Math.min(
        windows.maxWidthUs,
        Math.ceil(width * (ids.length === 0 ? 8 : Math.min(8, Math.max(1, PAGE / ids.length)))),
      );
      if (back) [hi, lo] = [lo, Math.max(q.startUs, lo - width)];
      else [lo, hi] = [hi, Math.min(q.endUs, hi + width)];
    }
    return { entries, scanned, truncated: entries.length < q.limit && scanned >= q.maxScan };
  });
}
