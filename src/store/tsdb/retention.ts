/**
 * Retention of the chunked store (tsdb-store.ts `applyRetention`): rolls up completed hours, then deletes raw data
 * older than the raw retention (never before the rollup watermark) from the head, the chunks waiting to be written
 * and the database, rollups past their retention, and series left without data.
 * Runs under the store's serialising queue.
 */
import type { Kysely } from 'kysely';
import type { StoreDialect } from '../migrations.ts';
import { deleteEmptySeries, deleteExpiredChunks } from './chunk-repo.ts';
import type { ChunkWriter } from './chunk-writer.ts';
import type { Downsampler } from './downsampler.ts';
import type { Head, HeadSeries } from './head.ts';
import type { TsdbDatabase } from './schema.ts';

/** The parts of the store retention changes. */
export interface RetentionTarget {
  readonly db: Kysely<TsdbDatabase>;
  readonly head: Head;
  readonly chunks: ChunkWriter;
  readonly downsampler: Downsampler;
  readonly dialect: StoreDialect;
  /** Raw samples are kept this long, ms. */
  readonly rawRetentionMs: number;
}

/**
 * Rolls up completed hours, trims the head's query tails to the rollup watermark, then deletes raw chunks whose
 * newest sample is older than `nowMs - rawRetentionMs` (never before the watermark), rollups past their retention
 * and series left without data. Open chunks entirely older than the cutoff are dropped from the head.
 * Returns raw samples deleted.
 * @throws the database's error (unwrapped; the store wraps it).
 */
export async function applyRetentionTo(t: RetentionTarget, nowMs: number): Promise<number> {
  const { head, chunks, downsampler } = t;
  await downsampler.run(nowMs);
  const w = downsampler.watermark;
  if (w !== undefined)
    for (const s of head.all())
      if (s.tail !== undefined && s.tail.from < w) head.setTail(s, s.tail.trimmedBefore(w));
  const cutoff = Math.floor(Math.min(nowMs - t.rawRetentionMs, w ?? Infinity));
  let deleted = 0;
  const emptied: HeadSeries[] = [];
  for (const s of head.all()) {
    const app = s.app;
    if (app !== undefined && app.count > 0 && app.maxTs! < cutoff) {
      deleted += app.count - s.provisionalSamples;
      s.app = undefined;
      s.provisionalStart = undefined;
      s.provisionalSamples = 0;
      emptied.push(s);
    }
  }
  deleted += chunks.dropEndedBefore(cutoff);
  const gone = await t.db.transaction().execute(async (trx) => {
    deleted += await deleteExpiredChunks(trx, cutoff);
    await downsampler.deleteOld(trx, nowMs);
    const keep = new Set<number>();
    for (const s of head.all()) if ((s.app?.count ?? 0) > 0) keep.add(s.id);
    for (const c of chunks.pending) keep.add(c.seriesId);
    return deleteEmptySeries(trx, t.dialect, keep);
  });
  for (const key of gone) {
    const s = head.get(key);
    if (s) head.remove(s);
  }
  for (const s of emptied) if (head.get(s.key) === s && s.app === undefined) head.remove(s);
  return deleted;
}
