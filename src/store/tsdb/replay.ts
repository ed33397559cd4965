/**
 * Start-up replay of the chunked store's write-ahead log (tsdb-store.ts): every record is decoded, the series it
 * names are put back into the head (with the latest timestamp already stored, so nothing is stored twice), and
 * its samples go through the store's ingest path without being logged again.
 */
import type { Head, HeadSeries } from './head.ts';
import type { TsdbDb } from './chunk-repo.ts';
import { keysOfIds } from './series-registry.ts';
import { decodeRecord } from './wal-record.ts';
import type { WalReplayStats, WriteAheadLog } from './wal.ts';

/** What replay needs of the store. */
export interface ReplayTarget {
  readonly db: TsdbDb;
  readonly wal: WriteAheadLog;
  readonly head: Head;
  /** Latest stored timestamp per series id (chunks in the database and waiting chunks). */
  lastStoredTs(ids: readonly number[]): Promise<Map<number, number>>;
  /** The store's ingest path without the WAL for the samples of record `seq`; resolves to the samples stored. */
  ingest(
    seq: number,
    series: readonly HeadSeries[],
    ts: readonly number[],
    vs: readonly number[],
  ): Promise<number>;
}

/** Replays the WAL into `t`, record by record in order. Resolves to the WAL's statistics and the samples stored. */
export async function replayWal(t: ReplayTarget): Promise<{ stats: WalReplayStats; stored: number }> {
  const records: { seq: number; ids: ArrayLike<number>; ts: ArrayLike<number>; vs: ArrayLike<number> }[] = [];
  const stats = t.wal.replay((payload) => {
    const r = decodeRecord(payload);
    records.push({ seq: r.seq, ids: r.seriesIds, ts: r.timestampsMs, vs: r.values });
  });
  let stored = 0;
  for (const r of records) {
    const need = new Set<number>();
    for (let i = 0; i < r.ids.length; i++) if (t.head.getById(r.ids[i]!) === undefined) need.add(r.ids[i]!);
    if (need.size > 0) {
      const keys = await keysOfIds(t.db, [...need]);
      const last = await t.lastStoredTs([...keys.keys()]);
      for (const [id, key] of keys)
        if (t.head.get(key) === undefined) t.head.add(id, key, last.get(id) ?? -Infinity);
    }
    const series: HeadSeries[] = [];
    const ts: number[] = [];
    const vs: number[] = [];
    for (let i = 0; i < r.ids.length; i++) {
      const s = t.head.getById(r.ids[i]!);
      if (s === undefined) continue; // series row deleted: nothing to restore
      series.push(s);
      ts.push(r.ts[i]!);
      vs.push(r.vs[i]!);
    }
    t.head.nextBatch();
    stored += await t.ingest(r.seq, series, ts, vs);
  }
  return { stats, stored };
}
