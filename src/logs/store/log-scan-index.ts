/**
 * SQLite: a scan by stream through the stream index (./stream-index.ts). The scan's range is read in time
 * windows (the first sized by the caller as for the scan along the (stream id, time) index it replaces, the next
 * ones grown from the entries the last one kept); a window's entry ids and times come from the index's blocks
 * (decoded once, kept in its bounded cache), sorted by (time, id) in the scan's direction, and the rows are read by
 * id in pages under the scan's other conditions (trace id, substrings, words) with statements prepared once per
 * store (./rows-by-id.ts). Holding kysely's connection for the whole scan, so no transaction (retention) runs
 * between reading the index and reading the rows.
 */
import type { Kysely } from 'kysely';
import { toRecord } from './log-rows.ts';
import type { LogScan, LogScanResult, StoredLog } from './log-types.ts';
import type { RowConditions } from './rows-by-id.ts';
import type { LogDatabase } from './schema.ts';
import type { StreamIndex } from './stream-index.ts';

/** Rows read per statement at most. */
const PAGE = 1000;
/** Smallest page (each row read may cost a page of the table). */
const MIN_PAGE = 100;
/** A window at most this many times wider than the one before. */
const MAX_GROWTH = 8;
/**
 * Entries of the scan's streams one window holds at most (their ids and times in memory, ~32 bytes each): a
 * window found to hold more is read again at half the width. Bounded by entries rather than by time, a window grows
 * while its entries are few, so a filter keeping few lines walks few windows (each visits every block it overlaps).
 */
export const MAX_WINDOW_CANDIDATES = 32_768;

/** The first window of a scan by stream, µs. */
export interface ScanWindows {
  readonly widthUs: number;
}

/** A window's entry ids in the scan's order: by time, then id (both descending for a backward scan). */
export function windowOrder(
  index: StreamIndex,
  streams: readonly number[],
  lo: number,
  hi: number,
  back: boolean,
): Float64Array {
  const ids: number[] = [];
  const times: number[] = [];
  index.visit(streams, lo, hi, (_, id, t) => {
    ids.push(id);
    times.push(t);
  });
  const order = new Uint32Array(ids.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  if (back) order.sort((a, b) => times[b]! - times[a]! || ids[b]! - ids[a]!);
  else order.sort((a, b) => times[a]! - times[b]! || ids[a]! - ids[b]!);
  const out = new Float64Array(order.length);
  for (let i = 0; i < order.length; i++) out[i] = ids[order[i]!]!;
  return out;
}

/**
 * The window `[lo, hi)` — halved (keeping its edge at the scan's start: `hi` backward, `lo` forward) while it holds
 * more than `maxCandidates` entries of the streams and is wider than 1 µs — and its entry ids in the scan's order.
 */
export function boundedWindow(
  index: StreamIndex,
  streams: readonly number[],
  w: { readonly lo: number; readonly hi: number },
  back: boolean,
  maxCandidates: number,
): { readonly lo: number; readonly hi: number; readonly ids: Float64Array } {
  let { lo, hi } = w;
  let ids = windowOrder(index, streams, lo, hi, back);
  while (ids.length > maxCandidates && hi - lo > 1) {
    const half = Math.ceil((hi - lo) / 2);
    if (back) lo = hi - half;
    else hi = lo + half;
    ids = windowOrder(index, streams, lo, hi, back);
  }
  return { lo, hi, ids };
}

/**
 * How much wider the next window is: as many times as this one's kept entries go into those still wanted (and its
 * candidates into a page), from 1 to {@link MAX_GROWTH}.
 */
export function windowGrowth(candidates: number, kept: number, wanted: number): number {
  const byRows = PAGE / Math.max(1, candidates);
  const byKept = wanted / Math.max(1, kept);
  return Math.min(MAX_GROWTH, Math.max(1, byRows, byKept));
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
  const conds: RowConditions = {
    contains: q.contains ?? [],
    ...(q.traceId !== undefined ? { traceId: q.traceId } : {}),
    ...(words.length > 0 ? { match: words.map((w) => `"${w}"`).join(' ') } : {}),
  };
  return db.connection().execute(async () => {
    const back = q.direction === 'backward';
    const entries: StoredLog[] = [];
    let scanned = 0;
    let width = windows.widthUs;
    let lo = back ? Math.max(q.startUs, q.endUs - width) : q.startUs;
    let hi = back ? q.endUs : Math.min(q.endUs, q.startUs + width);
    for (;;) {
      const w = boundedWindow(index, streams, { lo, hi }, back, MAX_WINDOW_CANDIDATES);
      const ids = w.ids;
      [lo, hi] = [w.lo, w.hi];
      width = hi - lo;
      const keptBefore = entries.length;
      for (let at = 0; at < ids.length && entries.length < q.limit && scanned < q.maxScan;) {
        const page = Math.min(PAGE, Math.max(q.limit - entries.length, MIN_PAGE));
        const part = Array.from(ids.subarray(at, at + page));
        at += part.length;
        for (const row of index.rows.read(part, conds)) {
          scanned++;
          const r = toRecord(row);
          if (q.accept === undefined || q.accept(r)) entries.push(r);
          if (entries.length >= q.limit || scanned >= q.maxScan) break;
        }
      }
      if (entries.length >= q.limit || scanned >= q.maxScan) break;
      if (back ? lo <= q.startUs : hi >= q.endUs) return { entries, scanned, truncated: false };
      // the next window, wider when this one held less than a page or kept fewer entries than are still wanted
      const grow = windowGrowth(ids.length, entries.length - keptBefore, q.limit - entries.length);
      width = Math.ceil(width * grow);
      if (back) [hi, lo] = [lo, Math.max(q.startUs, lo - width)];
      else [lo, hi] = [hi, Math.min(q.endUs, hi + width)];
    }
    return { entries, scanned, truncated: entries.length < q.limit && scanned >= q.maxScan };
  });
}
