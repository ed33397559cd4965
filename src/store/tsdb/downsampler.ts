/**
 * Rollups from raw samples, completed hours at a time (up to a day per pass): for every series with data in
 * [from, to), the 1-minute and 1-hour buckets of that range (rollup.ts) replace the same range in the series'
 * rollup rows (a day of 1-minute buckets per row, 30 days of 1-hour buckets per row), and the watermark
 * (persisted in `tsdb_meta`) moves to `to`. An hour is complete once `now` is `rollupDelayMs` past its end. Samples stored
 * later with a timestamp below the watermark (out of order, or a new series with old timestamps) mark their
 * hour dirty for their series; dirty hours are recomputed on the next run (bounded; marks beyond the bound are
 * counted in `droppedMarks` and dropped; marks are in memory only, so a restart forgets them).
 *
 * Reads for queries take rollup rows below the watermark and bucket raw samples from the watermark on, so the
 * newest, not yet rolled-up hour is served too.
 */
import type { Kysely } from 'kysely';
import type { StoreDialect } from '../migrations.ts';
import {
  deleteRollupsBefore,
  earliestChunkStart,
  getMeta,
  readRollups,
  seriesWithChunksIn,
  setMeta,
  writeRollups,
  type RollupRow,
  type TsdbDb,
} from './chunk-repo.ts';
import { decodeRollupLast, decodeRollupRest, encodeRollup } from './codec/rollup-chunk.ts';
import { ROLLUP_1H_MS, ROLLUP_1M_MS, ROLLUP_ROW_SPAN_MS, type TsdbOptions } from './options.ts';
import { bucketize, bucketStart, emptyBuckets, replaceRange, type Buckets } from './rollup.ts';
import { RollupRowCache } from './row-cache.ts';
import type { TsdbDatabase } from './schema.ts';

const WATERMARK_KEY = 'rollup_watermark_ms';
/** Series per read-compute-write step of one hour. */
const SERIES_PER_STEP = 500;
/** Dirty (hour, series) marks held at most. */
export const MAX_DIRTY_MARKS = 100_000;

/** What the downsampler needs from the store. */
export interface RawSource {
  /** Raw samples of the series ids in [fromMs, toMs], merged from database and memory. */
  readRaw(
    ids: readonly number[],
    fromMs: number,
    toMs: number,
  ): Promise<Map<number, { timestampsMs: number[]; values: number[] }>>;
  /** Ids of series whose in-memory data overlaps [fromMs, toMs). */
  headSeriesWithDataIn(fromMs: number, toMs: number): number[];
  /** In-memory data from `fromMs` on, without decoding (raw-read.ts `RawReader.memoryDataFrom`). */
  memoryDataFrom(fromMs: number): { earliest: number | undefined; ids: number[]; straddling: number[] };
}

/** The rollup job and reader of one store. */
export class Downsampler {
  private readonly db: Kysely<TsdbDatabase>;
  private readonly dialect: StoreDialect;
  private readonly opts: TsdbOptions;
  private readonly source: RawSource;
  private w: number | undefined;
  private readonly dirty = new Map<number, Set<number>>();
  private dirtyMarks = 0;
  /** Late samples whose hour could not be marked (bound reached). */
  droppedMarks = 0;
  /** Hours rolled up since open. */
  hoursDone = 0;
  /** Decoded rollup rows for range queries (row-cache.ts), kept current by every rollup write and deletion here. */
  readonly rowCache: RollupRowCache;

  constructor(db: Kysely<TsdbDatabase>, dialect: StoreDialect, opts: TsdbOptions, source: RawSource) {
    this.db = db;
    this.dialect = dialect;
    this.opts = opts;
    this.source = source;
    this.rowCache = new RollupRowCache(opts.queryCacheBytes);
  }

  /** Start of the first hour not yet rolled up (ms), undefined before the first run with data. */
  get watermark(): number | undefined {
    return this.w;
  }

  /** Reads the persisted watermark. */
  async load(): Promise<void> {
    const v = await getMeta(this.db, WATERMARK_KEY);
    this.w = v === undefined ? undefined : Number(v);
  }

  /** Marks the hour of a sample stored below the watermark (late, or a new series with old timestamps) as dirty. */
  noteStored(seriesId: number, t: number): void {
    const w = this.w;
    if (w === undefined || t >= w) return;
    const h = bucketStart(t, ROLLUP_1H_MS);
    let set = this.dirty.get(h);
    if (set === undefined) this.dirty.set(h, (set = new Set()));
    if (set.has(seriesId)) return;
    if (this.dirtyMarks >= MAX_DIRTY_MARKS) {
      this.droppedMarks++;
      return;
    }
    set.add(seriesId);
    this.dirtyMarks++;
  }

  /**
   * Recomputes dirty hours, then rolls up completed hours: at most a day per pass (one rollup row per series and
   * resolution is rewritten per pass), at most `maxRollupHoursPerRun` hours with data per call.
   */
  async run(nowMs: number): Promise<void> {
    for (const [h, ids] of [...this.dirty]) {
      await this.rollUpRange(h, h + ROLLUP_1H_MS, [...ids]);
      this.dirty.delete(h);
      this.dirtyMarks -= ids.size;
    }
    const target = bucketStart(nowMs - this.opts.rollupDelayMs, ROLLUP_1H_MS);
    if (this.w === undefined) {
      const first = await this.nextDataStart(-Infinity);
      if (first === undefined) return;
      this.w = bucketStart(first, ROLLUP_1H_MS);
    }
    let budget = this.opts.maxRollupHoursPerRun;
    while (this.w !== undefined && this.w < target && budget > 0) {
      const from: number = this.w;
      const dayEnd = bucketStart(from, ROLLUP_ROW_SPAN_MS[ROLLUP_1M_MS]!) + ROLLUP_ROW_SPAN_MS[ROLLUP_1M_MS]!;
      const to = Math.min(target, dayEnd, from + budget * ROLLUP_1H_MS);
      const ids = await this.seriesIn(from, to);
      if (ids.length > 0) {
        await this.rollUpRange(from, to, ids);
        budget -= (to - from) / ROLLUP_1H_MS;
        this.w = to;
      } else {
        const next = await this.nextDataStart(to);
        this.w =
          next === undefined ? target : Math.min(target, Math.max(to, bucketStart(next, ROLLUP_1H_MS)));
      }
      await setMeta(this.db, WATERMARK_KEY, String(this.w));
    }
  }

  /** Deletes rollup rows past their retention. */
  async deleteOld(db: TsdbDb, nowMs: number): Promise<void> {
    try {
      await deleteRollupsBefore(db, ROLLUP_1M_MS, nowMs - this.opts.rollup1mRetentionMs);
      await deleteRollupsBefore(db, ROLLUP_1H_MS, nowMs - this.opts.rollup1hRetentionMs);
    } finally {
      // Also when the transaction fails: dropping cached rows that still exist costs a re-read, never an error.
      this.rowCache.rowsDeletedBefore(ROLLUP_1M_MS, nowMs - this.opts.rollup1mRetentionMs);
      this.rowCache.rowsDeletedBefore(ROLLUP_1H_MS, nowMs - this.opts.rollup1hRetentionMs);
      this.rowCache.publish();
    }
  }

  /**
   * Buckets of `resolutionMs` (1 min or 1 h) with start in [bucketStart(fromMs), toMs] per series id: stored
   * rollups below the watermark, raw samples bucketed from it on. Only bucket starts and `last` unless
   * `allColumns` (then count, min, max and sum too; otherwise those arrays are empty).
   */
  async read(
    ids: readonly number[],
    resolutionMs: number,
    fromMs: number,
    toMs: number,
    allColumns: boolean,
  ): Promise<Map<number, Buckets>> {
    const span = ROLLUP_ROW_SPAN_MS[resolutionMs]!;
    const from = bucketStart(fromMs, resolutionMs);
    const w = this.w ?? -Infinity;
    const out = new Map<number, Buckets>();
    for (const id of ids) out.set(id, emptyBuckets());
    if (from < w) {
      const rows = await readRollups(
        this.db,
        ids,
        resolutionMs,
        from,
        Math.min(toMs, w - 1),
        span,
        allColumns,
      );
      for (const r of rows) {
        const d = decodeRollupLast(r.last);
        const rest = allColumns && r.rest ? decodeRollupRest(r.rest) : undefined;
        const b = out.get(r.seriesId)!;
        const ts = d.timestampsMs;
        for (let i = 0; i < ts.length; i++) {
          const t = ts[i]!;
          if (t < from || t > toMs || t >= w) continue;
          b.timestampsMs.push(t);
          b.last.push(d.last[i]!);
          if (rest) {
            b.count.push(rest.count[i]!);
            b.min.push(rest.min[i]!);
            b.max.push(rest.max[i]!);
            b.sum.push(rest.sum[i]!);
          }
        }
      }
    }
    if (toMs >= w) {
      const rawFrom = Math.max(from, w);
      const raw = await this.source.readRaw(ids, rawFrom, toMs);
      for (const [id, p] of raw) {
        const fresh = bucketize(p.timestampsMs, p.values, resolutionMs, rawFrom, toMs + 1);
        const b = out.get(id)!;
        for (let i = 0; i < fresh.timestampsMs.length; i++) {
          b.timestampsMs.push(fresh.timestampsMs[i]!);
          b.last.push(fresh.last[i]!);
          if (allColumns) {
            b.count.push(fresh.count[i]!);
            b.min.push(fresh.min[i]!);
            b.max.push(fresh.max[i]!);
            b.sum.push(fresh.sum[i]!);
          }
        }
      }
    }
    return out;
  }

  private async seriesIn(fromMs: number, toMs: number): Promise<number[]> {
    const ids = new Set(await seriesWithChunksIn(this.db, fromMs, toMs, this.opts.maxChunkSpanMs));
    for (const id of this.source.headSeriesWithDataIn(fromMs, toMs)) ids.add(id);
    return [...ids].sort((a, b) => a - b);
  }

  /**
   * Earliest data start at or after `fromMs` (database chunks and memory), or undefined. A chunk in memory that
   * starts at or after `fromMs` gives its start; only the series with a chunk reaching across `fromMs` (in memory,
   * or in the database for a series with data in memory) are read, so the head is not decoded.
   */
  private async nextDataStart(fromMs: number): Promise<number | undefined> {
    let best: number | undefined;
    if (fromMs === -Infinity) best = await earliestChunkStart(this.db);
    else {
      const r = await this.db
        .selectFrom('tsdb_chunks')
        .select((eb) => eb.fn.min('start_ts').as('t'))
        .where('start_ts', '>=', fromMs)
        .executeTakeFirst();
      best = r?.t === null || r?.t === undefined ? undefined : Number(r.t);
    }
    const mem = this.source.memoryDataFrom(fromMs);
    if (mem.earliest !== undefined && (best === undefined || mem.earliest < best)) best = mem.earliest;
    if (mem.ids.length === 0 || fromMs === -Infinity) return best;
    // A series with data in memory: its database chunks reaching across fromMs count too.
    const inMemory = new Set(mem.ids);
    const across = new Set(mem.straddling);
    for (const id of await seriesWithChunksIn(this.db, fromMs, fromMs + 1, this.opts.maxChunkSpanMs))
      if (inMemory.has(id)) across.add(id);
    if (across.size === 0) return best;
    const raw = await this.source.readRaw([...across], fromMs, Number.MAX_SAFE_INTEGER);
    for (const p of raw.values())
      if (p.timestampsMs.length > 0 && (best === undefined || p.timestampsMs[0]! < best))
        best = p.timestampsMs[0]!;
    return best;
  }

  /** Rolls up [h, end) (whole hours within one day) for the given series, replacing that range in their rows. */
  private async rollUpRange(h: number, end: number, ids: readonly number[]): Promise<void> {
    for (let i = 0; i < ids.length; i += SERIES_PER_STEP) {
      const part = ids.slice(i, i + SERIES_PER_STEP);
      const raw = await this.source.readRaw(part, h, end - 1);
      const rows: RollupRow[] = [];
      const written: Buckets[] = [];
      for (const res of [ROLLUP_1M_MS, ROLLUP_1H_MS]) {
        const span = ROLLUP_ROW_SPAN_MS[res]!;
        const rowStart = bucketStart(h, span);
        const stored = new Map<number, Buckets>();
        for (const r of await readRollups(this.db, part, res, h, h, span, true)) {
          if (r.startTs !== rowStart || r.rest === undefined) continue;
          const d = decodeRollupLast(r.last);
          const rest = decodeRollupRest(r.rest);
          stored.set(r.seriesId, {
            timestampsMs: Array.from(d.timestampsMs),
            count: Array.from(rest.count),
            min: Array.from(rest.min),
            max: Array.from(rest.max),
            sum: Array.from(rest.sum),
            last: Array.from(d.last),
          });
        }
        for (const id of part) {
          const p = raw.get(id);
          const fresh = p ? bucketize(p.timestampsMs, p.values, res, h, end) : emptyBuckets();
          const old = stored.get(id);
          if (fresh.timestampsMs.length === 0 && old === undefined) continue;
          const merged = replaceRange(old ?? emptyBuckets(), fresh, h, end);
          if (merged.timestampsMs.length === 0) continue;
          const blobs = encodeRollup(merged);
          rows.push({
            seriesId: id,
            resolution: res,
            startTs: rowStart,
            endTs: merged.timestampsMs[merged.timestampsMs.length - 1]!,
            buckets: merged.timestampsMs.length,
            last: blobs.last,
            rest: blobs.rest,
          });
          written.push(merged);
        }
      }
      let ok = false;
      try {
        await this.db.transaction().execute((trx) => writeRollups(trx, this.dialect, rows));
        ok = true;
      } finally {
        // Cached rows follow the database: replaced by what was written, dropped when the write failed.
        for (let k = 0; k < rows.length; k++) {
          const r = rows[k]!;
          const b = written[k]!;
          if (ok)
            this.rowCache.rowWritten(
              r.seriesId,
              r.resolution,
              r.startTs,
              b.timestampsMs,
              b.last,
              b.timestampsMs.length,
            );
          else this.rowCache.drop(r.seriesId, r.resolution, r.startTs);
        }
        // Either version of a row differs from the other only in [h, end) (replaceRange).
        if (rows.length > 0) this.rowCache.writesLogged(part, h, end);
        this.rowCache.publish();
      }
    }
    this.hoursDone += (end - h) / ROLLUP_1H_MS;
  }
}
