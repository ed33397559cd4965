/**
 * Orders the rows of one write so that SQLite's pages fill: rows get increasing rowids in the order written and
 * land on the table's last leaf page; a row that does not fit the space left there starts a new page, and the
 * space left behind stays empty for good. Chunk blobs come in two sizes (a few hundred bytes for integer and
 * constant series, 2-3.5 KiB for full-precision floats), so in series order a 4 KiB page often holds one large
 * blob and a kilobyte of nothing. First-fit decreasing into page-sized bins, written bin by bin (the large row
 * of a bin first), fills most pages to within a small row.
 *
 * @see D. S. Johnson, "Near-optimal bin packing algorithms", MIT 1973 (first-fit decreasing, ≤ 11/9 OPT + 1 bins).
 * @see https://www.sqlite.org/fileformat2.html#b_tree_pages (cell layout: pointer, payload and rowid varints, record)
 */

/** Bytes of a table leaf page that cells may use: SQLite's default 4096-byte page less its 8-byte header. */
export const LEAF_BYTES = 4096 - 8;
/**
 * Bytes of a chunk row besides its blob, rounded up: cell pointer (2), payload and rowid varints (≤ 3 + 4), record
 * header (≤ 8) and the integer columns series_id, start_ts, end_ts, samples (≤ 8 + 6 + 6 + 4).
 */
export const ROW_OVERHEAD_BYTES = 41;
/** Open bins searched for a row (bounds the work per row; the rest open new bins). */
const MAX_BINS_SEARCHED = 256;

/**
 * `rows` reordered into page-sized bins (first-fit decreasing by `bytesOf(row) + ROW_OVERHEAD_BYTES`), bin by bin,
 * each bin's rows largest first. A stable permutation of the input: every row once.
 */
export function packForPages<T>(rows: readonly T[], bytesOf: (r: T) => number): T[] {
  if (rows.length < 2) return rows.slice();
  const cost = rows.map((r) => bytesOf(r) + ROW_OVERHEAD_BYTES);
  const order = rows.map((_, i) => i).sort((a, b) => cost[b]! - cost[a]! || a - b);
  const bins: number[][] = [];
  const free: number[] = [];
  let firstOpen = 0; // bins before it have less free space than the smallest row
  const smallest = cost[order[order.length - 1]!]!;
  for (const i of order) {
    const c = cost[i]!;
    let placed = false;
    const end = Math.min(bins.length, firstOpen + MAX_BINS_SEARCHED);
    for (let b = firstOpen; b < end; b++) {
      if (free[b]! >= c) {
        bins[b]!.push(i);
        free[b]! -= c;
        placed = true;
        break;
      }
    }
    if (!placed) {
      bins.push([i]);
      free.push(LEAF_BYTES - c);
    }
    while (firstOpen < bins.length && free[firstOpen]! < smallest) firstOpen++;
  }
  const out: T[] = [];
  for (const bin of bins) for (const i of bin) out.push(rows[i]!);
  return out;
}
