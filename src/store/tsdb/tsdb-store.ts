/**
 * The chunked time-series store behind `SampleStore`: an in-memory head of open chunks per series (head.ts), a
 * write-ahead log (wal.ts), compressed chunks and rollups as blobs in SQLite or PostgreSQL (chunk-repo.ts).
 *
 * Append (one batch at a time, serialised):
 * 1. check timestamps (a fractional one rejects the batch), reject non-finite values unless allowed, resolve
 *    series (creating rows), load the latest stored timestamp of series new to the head;
 * 2. a sample after its series' latest timestamp is in order; at it, a duplicate; before it, out of order:
 *    its timestamp is looked up in the head, chunks waiting to be written and the database — present means
 *    duplicate (the stored sample wins), absent means it is stored;
 * 3. the accepted samples go to the WAL in one record (one write(2)); only then is the batch acknowledged;
 * 4. in-order samples are appended to open chunks (cut at `maxSamplesPerChunk`, `maxChunkSpanMs` or `maxChunkBytes`),
 *    out-of-order ones merged into the open chunk or written as chunks of their own;
 * 5. cut chunks are written to the database; a failed write keeps them in memory (served to readers, retried).
 * Checkpoint (every `checkpointIntervalMs` or `walCheckpointBytes`): the WAL moves to a new segment, every open
 * chunk is written as a provisional row (replaced when the chunk is cut), a slice of series per append
 * (checkpoint-slices.ts), and once the last slice is written the older segments are deleted; `checkpoint()` and
 * `close()` write the whole head at once.
 * Open replays the WAL through the same steps 2 and 4 (duplicates of rows already written are dropped).
 * This file holds the store's serialised state (head, WAL sequence) and the steps above that change it; the
 * chunks waiting to be written and their writes are in chunk-writer.ts, retention in retention.ts, raw reads in
 * raw-read.ts, the classification and placement of out-of-order samples in late-samples.ts, options and counters
 * in store-types.ts.
 */
import { randomUUID } from 'node:crypto';
import { InvalidInputError, StoreError } from '../../errors.ts';
import type { Labels, Sample } from '../../model/sample.ts';
import { hasNul, SeriesKeyBuilder } from '../series-key-builder.ts';
import type { StoreDialect } from '../migrations.ts';
import type { AppendResult, RejectReason, SampleStore, SeriesPoints, SeriesRef } from '../types.ts';
import { chunkSampleCount, getMeta, lastTimestamps, setMeta, type TsdbDb } from './chunk-repo.ts';
import { ChunkWriter } from './chunk-writer.ts';
import { Checkpointer } from './checkpoint.ts';
import { Downsampler } from './downsampler.ts';
import { Head, type CutChunk, type HeadSeries } from './head.ts';
import { BatchHandleMemo } from './batch-handles.ts';
import { applyLateSamples, classifyBatch, newLateSamples } from './late-samples.ts';
import { LateWriteMarks } from './late-write-marks.ts';
import { resolveTsdbOptions, type TsdbOptions } from './options.ts';
import { RawReader } from './raw-read.ts';
import { applyRetentionTo } from './retention.ts';
import type { TsdbDatabase } from './schema.ts';
import type { TailSource } from './last-buckets.ts';
import { resolveSeriesIds, type SeriesSpec } from './series-registry.ts';
import {
  checkBatchTimestamps,
  wholeMsRange,
  wrapStoreError as wrap,
  type SeriesCatalog,
  type TsdbStats,
  type TsdbStoreOptions,
} from './store-types.ts';
import { encodeSamplesRecord } from './wal-record.ts';
import { replayWal } from './replay.ts';
import { TsdbSeriesCatalog } from './series-catalog.ts';
import { WriteAheadLog, type WalReplayStats } from './wal.ts';
import type { Kysely } from 'kysely';

export type { SeriesCatalog, TsdbStats, TsdbStoreOptions } from './store-types.ts';

/** Meta key of the database's identity, which the WAL directory is bound to. */
const STORE_ID_KEY = 'store_id';

/** `SampleStore` over chunks, a head and a WAL. Create with {@link TsdbSampleStore.open}. */
export class TsdbSampleStore implements SampleStore {
  readonly options: TsdbOptions;
  private readonly db: Kysely<TsdbDatabase>;
  private readonly dialect: StoreDialect;
  private readonly wal: WriteAheadLog;
  private readonly head: Head;
  private readonly allowNonFinite: boolean;
  private readonly now: () => number;
  private readonly downsampler: Downsampler;
  private readonly catalog: SeriesCatalog;
  /** Raw reads over the database and the memory below. */
  readonly raw: RawReader;
  /** The head's series and their query tails (tail-buckets.ts). */
  readonly tails: TailSource;
  /** Cut chunks not yet written and their writes (chunk-writer.ts). */
  private readonly chunks: ChunkWriter;
  private queue: Promise<unknown> = Promise.resolve();
  private seq = 0;
  /** Batches classified so far (the stamp of `classifyBatch`). */
  private batchStamp = 0;
  private readonly handles = new BatchHandleMemo();
  /** Late samples and retention cutoffs, for readers that keep what they read (src/store/raw-changes.ts). */
  readonly marks = new LateWriteMarks();
  /** Checkpoints: when they start, the one under way (checkpoint.ts). */
  private readonly checkpoints: Checkpointer;
  private replayStats: WalReplayStats | undefined;
  private replayedSamples = 0;
  private closed = false;

  private constructor(db: Kysely<TsdbDatabase>, opts: TsdbStoreOptions, wal: WriteAheadLog) {
    this.options = resolveTsdbOptions(opts);
    this.db = db;
    this.dialect = opts.dialect;
    this.wal = wal;
    this.allowNonFinite = opts.allowNonFinite ?? false;
    this.now = opts.now ?? Date.now;
    this.catalog = opts.catalog;
    this.head = new Head(this.options);
    const chunks = new ChunkWriter(db, this.dialect, this.options, this.now, this.now());
    this.chunks = chunks;
    this.checkpoints = new Checkpointer(wal, this.head, chunks, this.options, this.now);
    const head = this.head;
    this.raw = new RawReader(db, { head, pending: () => chunks.pending }, this.options.maxChunkSpanMs);
    this.tails = { series: (id) => head.getById(id), attach: (s, tail) => head.setTail(s, tail) };
    // Keys of found series the head holds are its own (series-catalog.ts): not built and sorted again per read.
    if (this.catalog instanceof TsdbSeriesCatalog) this.catalog.keysFrom((id) => head.getById(id)?.key);
    this.downsampler = new Downsampler(db, this.dialect, this.options, {
      readRaw: (ids, from, to) => this.raw.read(ids, from, to),
      headSeriesWithDataIn: (from, to) => this.raw.headSeriesWithDataIn(from, to),
      memoryDataFrom: (from) => this.raw.memoryDataFrom(from),
    });
  }

  /**
   * Opens the store on a migrated database (base and tsdb migrations), binds the WAL directory to the
   * database's identity and replays the WAL.
   * @throws InvalidInputError on bad options. @throws StoreError when the WAL or database cannot be read, or
   *   the WAL directory belongs to another database.
   */
  static async open(db: Kysely<TsdbDatabase>, opts: TsdbStoreOptions): Promise<TsdbSampleStore> {
    resolveTsdbOptions(opts);
    const wal = WriteAheadLog.open(opts.walDir, opts.walFsyncIntervalMs ?? 1000);
    let storeId = await getMeta(db, STORE_ID_KEY);
    if (storeId === undefined) {
      storeId = randomUUID();
      await setMeta(db, STORE_ID_KEY, storeId);
    }
    wal.bindTo(storeId);
    const store = new TsdbSampleStore(db, opts, wal);
    await store.replay();
    await store.downsampler.load();
    return store;
  }

  /** Series in the head (the key → id cache of this layout). */
  get cachedSeries(): number {
    return this.head.size;
  }

  /** Current counters. */
  stats(): TsdbStats {
    return {
      headSeries: this.head.size,
      headBytes: this.head.accountedBytes,
      headSamples: this.head.openSamples(),
      pendingChunks: this.chunks.pending.length,
      chunkWriteErrors: this.chunks.writeErrors,
      checkpoints: this.checkpoints.completed,
      checkpointSeriesLeft: this.checkpoints.seriesLeft,
      walBytes: this.wal.diskBytes(),
      replay: this.replayStats,
      replayedSamples: this.replayedSamples,
      rollupWatermarkMs: this.downsampler.watermark,
    };
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Stores a batch (see `SampleStore.append` and the file header). Out-of-order samples are stored when their
   * timestamp is new and rejected as `duplicate` when it is already stored; a sample whose series key holds NUL
   * is rejected as `invalid_text`, and -0 is stored as +0.
   * @throws InvalidInputError when a timestamp is not an integer within ±2^50 ms (nothing is stored).
   * @throws StoreError when the store is closed or the WAL write fails (nothing is stored).
   */
  append(batch: readonly Sample[], keys?: readonly string[]): Promise<AppendResult> {
    return this.exclusive(() => this.appendLocked(batch, keys));
  }

  private async appendLocked(
    batch: readonly Sample[],
    given: readonly string[] | undefined,
  ): Promise<AppendResult> {
    if (this.closed) throw new StoreError('store is closed');
    const rejected: Partial<Record<RejectReason, number>> = {};
    if (batch.length === 0) return { stored: 0, rejected };
    checkBatchTimestamps(batch);
    const keyOf = new SeriesKeyBuilder();
    const keys: (string | undefined)[] = new Array<string | undefined>(batch.length);
    /** The head series of each sample found by the first pass (one map lookup per sample; new ones resolved below). */
    const found: (HeadSeries | undefined)[] = new Array<HeadSeries | undefined>(batch.length);
    const missing = new Map<string, SeriesSpec>();
    let nonFinite = 0;
    let invalidText = 0;
    for (let i = 0; i < batch.length; i++) {
      const s = batch[i]!;
      if (!this.allowNonFinite && !Number.isFinite(s.value)) {
        nonFinite++;
        continue;
      }
      keys[i] = given?.[i] ?? keyOf.key(s.name, s.labels);
    }
    if (nonFinite > 0) rejected.non_finite = nonFinite;
    if (batch.length === nonFinite) return { stored: 0, rejected };
    // The head series of each sample: from the previous batch of this shape where the key is the same string,
    // else one map lookup (batch-handles.ts).
    this.handles.resolve(this.head, keys, found);
    for (let i = 0; i < batch.length; i++) {
      const key = keys[i];
      if (key !== undefined && found[i] === undefined && !missing.has(key)) {
        // Only a key not in the head can hold NUL (a held key was stored): the hot path pays nothing.
        if (hasNul(key)) {
          keys[i] = undefined;
          invalidText++;
          continue;
        }
        const s = batch[i]!;
        missing.set(key, { key, name: s.name, labels: s.labels });
      }
    }
    if (invalidText > 0) rejected.invalid_text = invalidText;
    if (batch.length === nonFinite + invalidText) return { stored: 0, rejected };
    this.head.nextBatch();
    if (missing.size > 0) await this.addSeries([...missing.values()]);
    // The batch as parallel columns (head series, timestamps, values), sized for the batch at once.
    const series = new Array<HeadSeries>(batch.length);
    const ts = new Float64Array(batch.length);
    const vs = new Float64Array(batch.length);
    let n = 0;
    for (let i = 0; i < batch.length; i++) {
      const key = keys[i];
      if (key === undefined) continue;
      const hs = found[i] ?? (found[i] = this.head.get(key));
      if (hs === undefined) throw new StoreError(`series ${key} could not be resolved`);
      series[n] = hs;
      ts[n] = batch[i]!.timestampMs;
      // -0 is stored as +0, as every backend does (the XOR encoding would keep the sign).
      vs[n++] = batch[i]!.value + 0;
    }
    series.length = n;
    this.handles.remember(this.head, keys, found);
    const { stored, duplicate } = await this.ingest(series, ts.subarray(0, n), vs.subarray(0, n), true);
    if (duplicate > 0) rejected.duplicate = duplicate;
    // The next slice of the checkpoint under way, or a new one when due (checkpoint.ts).
    await this.checkpoints.step();
    return { stored, rejected };
  }

  /** Resolves and adds series new to the head, with their latest stored timestamp. */
  private async addSeries(specs: SeriesSpec[]): Promise<void> {
    let ids: Map<string, number>;
    let last: Map<number, number>;
    try {
      ids = await this.db.transaction().execute((trx) => resolveSeriesIds(trx, this.dialect, specs));
      last = await this.lastStoredTs([...ids.values()]);
    } catch (e) {
      throw wrap('series resolution', e);
    }
    for (const s of specs) {
      const id = ids.get(s.key);
      if (id === undefined) throw new StoreError(`series ${s.key} could not be resolved`);
      if (this.head.get(s.key) === undefined) this.head.add(id, s.key, last.get(id) ?? -Infinity);
    }
  }

  /**
   * Latest stored timestamp per series id: in the database or in cut chunks still waiting to be written (a series
   * dropped from the head may have one there).
   */
  private async lastStoredTs(ids: readonly number[]): Promise<Map<number, number>> {
    const last = await lastTimestamps(this.db, ids);
    this.chunks.raiseLatest(ids, last);
    return last;
  }

  /**
   * Steps 2-5 of the file header for resolved samples. With `logToWal` false (replay) nothing is logged.
   */
  private async ingest(
    series: readonly HeadSeries[],
    ts: ArrayLike<number>,
    vs: ArrayLike<number>,
    logToWal: boolean,
  ): Promise<{ stored: number; duplicate: number }> {
    const n = series.length;
    // Step 2: classify against the latest timestamp (advanced by in-order samples of this batch).
    const { inOrder, late, batchTs } = classifyBatch(series, ts, ++this.batchStamp);
    let duplicate = n - inOrder.reduce((a, x) => a + x, 0);
    let acceptedLate = new Set<number>();
    if (late.size > 0) {
      try {
        acceptedLate = await newLateSamples(
          this.db,
          this.options.maxChunkSpanMs,
          (s) => this.raw.memoryPieces(s),
          late,
          ts,
          batchTs,
        );
      } catch (e) {
        throw wrap('append (out-of-order lookup)', e);
      }
    }
    duplicate -= acceptedLate.size;
    // Step 3: WAL.
    const accepted = new Int32Array(n);
    let k = 0;
    for (let i = 0; i < n; i++) if (inOrder[i] === 1 || acceptedLate.has(i)) accepted[k++] = i;
    if (k === 0) {
      const cuts: CutChunk[] = [];
      this.head.enforceLimits(cuts); // series added for this batch count against the limits too
      if (cuts.length > 0) await this.chunks.flush(cuts);
      return { stored: 0, duplicate };
    }
    const seq = ++this.seq;
    if (logToWal) {
      const ids = new Float64Array(k);
      const at = new Float64Array(k);
      const av = new Float64Array(k);
      for (let j = 0; j < k; j++) {
        const i = accepted[j]!;
        ids[j] = series[i]!.id;
        at[j] = ts[i]!;
        av[j] = vs[i]!;
      }
      this.wal.append(encodeSamplesRecord(seq, k, ids, at, av));
    }
    // Step 4: apply.
    const cuts: CutChunk[] = [];
    const lateBySeries = new Map<HeadSeries, { t: number[]; v: number[] }>();
    for (let j = 0; j < k; j++) {
      const i = accepted[j]!;
      const s = series[i]!;
      if (inOrder[i] === 1) {
        this.head.append(s, ts[i]!, vs[i]!, cuts);
      } else {
        let l = lateBySeries.get(s);
        if (!l) lateBySeries.set(s, (l = { t: [], v: [] }));
        l.t.push(ts[i]!);
        l.v.push(vs[i]!);
      }
    }
    for (const [s, l] of lateBySeries) applyLateSamples(this.head, this.options, s, l.t, l.v, cuts);
    // Logged in the same synchronous run that makes them visible to reads (the cuts are pending from flush on).
    this.marks.noteLate(lateBySeries);
    this.head.enforceLimits(cuts);
    const w = this.downsampler.watermark;
    if (w !== undefined)
      for (let j = 0; j < k; j++) {
        const i = accepted[j]!;
        if (ts[i]! < w) this.downsampler.noteStored(series[i]!.id, ts[i]!);
      }
    // Step 5: write cut chunks, together with those of earlier batches, at most every chunkWriteIntervalMs (kept
    // in memory until then and on failure).
    if (cuts.length > 0 || this.chunks.pending.length > 0) await this.chunks.flush(cuts);
    return { stored: k, duplicate };
  }

  /**
   * Runs a checkpoint now, of the whole head at once (tests, shutdown); one under way is replaced by it.
   * @throws StoreError on database failure (the WAL is kept).
   */
  checkpoint(): Promise<void> {
    return this.exclusive(() => this.checkpointLocked());
  }

  private async checkpointLocked(): Promise<void> {
    try {
      await this.checkpoints.full();
    } catch (e) {
      throw wrap('checkpoint', e);
    }
  }

  private async replay(): Promise<void> {
    const r = await replayWal({
      db: this.db,
      wal: this.wal,
      head: this.head,
      lastStoredTs: (ids) => this.lastStoredTs(ids),
      ingest: async (seq, series, ts, vs) => {
        this.seq = Math.max(this.seq, seq);
        return (await this.ingest(series, ts, vs, false)).stored;
      },
    });
    this.replayStats = r.stats;
    this.replayedSamples += r.stored;
  }

  /** Metric names containing `substring` (see `SampleStore.searchMetricNames`). */
  searchMetricNames(substring: string, limit: number): Promise<string[]> {
    return this.catalog.searchMetricNames(substring, limit);
  }

  /** Series of `name` matching every label of `match` (see `SampleStore.findSeries`). */
  findSeries(name: string, match: Labels, limit: number): Promise<SeriesRef[]> {
    return this.catalog.findSeries(name, match, limit);
  }

  /**
   * Raw points of each series in [startMs, endMs] (inclusive), time-ordered, at most the latest
   * `maxPointsPerSeries`, merged from the database, chunks waiting to be written and the head.
   * @throws InvalidInputError on a bad range or limit. @throws StoreError on backend failure.
   */
  async readPoints(
    series: readonly SeriesRef[],
    startMs: number,
    endMs: number,
    maxPointsPerSeries: number,
  ): Promise<SeriesPoints[]> {
    const range = wholeMsRange(startMs, endMs, maxPointsPerSeries);
    if (range === undefined) return series.map((s) => ({ series: s, timestampsMs: [], values: [] }));
    const { fromMs, toMs } = range;
    let raw: Map<number, { timestampsMs: number[]; values: number[] }>;
    try {
      raw = await this.raw.read(
        series.map((s) => s.id),
        fromMs,
        toMs,
        maxPointsPerSeries,
      );
    } catch (e) {
      throw wrap('readPoints', e);
    }
    return series.map((s) => ({ series: s, ...raw.get(s.id)! }));
  }

  /**
   * Rolls up completed hours, then deletes raw chunks whose newest sample is older than `nowMs - rawRetention`
   * (never before the rollup watermark), rollups past their retention, and series left without data. Open
   * chunks entirely older than the cutoff are dropped from the head. Returns raw samples deleted (retention.ts).
   * @throws InvalidInputError when `nowMs` is not finite (nothing is deleted). @throws StoreError on backend failure.
   */
  applyRetention(nowMs: number): Promise<number> {
    if (!Number.isFinite(nowMs))
      return Promise.reject(new InvalidInputError(`retention needs a finite time, got ${nowMs}`));
    return this.exclusive(async () => {
      if (this.closed) throw new StoreError('store is closed');
      this.marks.noteDeletedBefore(nowMs - this.options.rawRetentionMs);
      try {
        return await applyRetentionTo(
          {
            db: this.db,
            head: this.head,
            chunks: this.chunks,
            downsampler: this.downsampler,
            dialect: this.dialect,
            rawRetentionMs: this.options.rawRetentionMs,
          },
          nowMs,
        );
      } catch (e) {
        throw wrap('applyRetention', e);
      }
    });
  }

  /** Raw samples stored (database rows plus what only memory holds). @throws StoreError on backend failure. */
  countSamples(): Promise<number> {
    return this.exclusive(async () => {
      let n: number;
      try {
        n = await chunkSampleCount(this.db);
      } catch (e) {
        throw wrap('countSamples', e);
      }
      for (const s of this.head.all()) n += (s.app?.count ?? 0) - s.provisionalSamples;
      n += this.chunks.unwrittenSamples();
      return n;
    });
  }

  /** The downsampler (rollup reads and runs). */
  get rollups(): Downsampler {
    return this.downsampler;
  }

  /** Writes every open chunk (a checkpoint), closes the WAL. The database is closed by the owner. */
  close(): Promise<void> {
    return this.exclusive(async () => {
      if (this.closed) return;
      try {
        await this.checkpointLocked();
      } finally {
        this.closed = true;
        this.wal.close();
      }
    });
  }

  /** Closes the WAL without a checkpoint, as a crash would leave it (tests of replay). */
  abandon(): void {
    this.closed = true;
    this.wal.close();
  }

  /** The database handle (for the composed opened store). */
  get database(): TsdbDb {
    return this.db;
  }
}
