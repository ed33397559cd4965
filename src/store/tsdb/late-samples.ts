/**
 * Samples before their series' latest timestamp (out of order): which of them are new, and where they go.
 * A candidate is new when its timestamp is not in the database, in chunks waiting to be written, in the open
 * chunk, nor earlier in the same batch (the first of equal timestamps wins); new ones within the open chunk's
 * range are merged into it, older ones become chunks of their own, bounded like cut chunks.
 */
import { firstIndexAtLeast } from '../../math/sorted.ts';
import { readChunks, type ChunkRow, type TsdbDb } from './chunk-repo.ts';
import { compactChunk, decodeChunk, encodeChunk, type DecodedSamples } from './codec/chunk.ts';
import type { CutChunk, Head, HeadSeries } from './head.ts';

/** A batch classified against the latest timestamp of each series. */
export interface ClassifiedBatch {
  /** 1 where the sample is after its series' latest timestamp (advanced by in-order samples of the batch). */
  readonly inOrder: Uint8Array;
  /** Series → indices of candidates before the latest timestamp (out of order). */
  readonly late: Map<HeadSeries, number[]>;
  /** Series with late candidates → timestamps of their in-order samples in the batch (not in the head yet). */
  readonly batchTs: Map<HeadSeries, number[]>;
}

/**
 * Step 2 of an append: in order (after the series' latest timestamp, which in-order samples of the batch
 * advance), duplicate (at it: neither in order nor late) or late (before it). `stamp` must differ from every
 * stamp used before with these series and be above 0 (the store counts its batches); the series' `mark` and
 * `markTs` are scratch space of this call.
 */
export function classifyBatch(
  series: readonly HeadSeries[],
  ts: ArrayLike<number>,
  stamp: number,
): ClassifiedBatch {
  const n = series.length;
  const inOrder = new Uint8Array(n);
  const late = new Map<HeadSeries, number[]>();
  for (let i = 0; i < n; i++) {
    const s = series[i]!;
    // The batch's highest in-order timestamp so far lives on the series itself (`mark`/`markTs`), stamped with
    // this batch, instead of in a map: no per-sample map lookups.
    const h = s.mark === stamp ? s.markTs : s.lastTs;
    const t = ts[i]!;
    if (t > h) {
      inOrder[i] = 1;
      s.mark = stamp;
      s.markTs = t;
    } else if (t < h) {
      let l = late.get(s);
      if (!l) late.set(s, (l = []));
      l.push(i);
    }
  }
  const batchTs = new Map<HeadSeries, number[]>();
  if (late.size > 0) {
    for (let i = 0; i < n; i++) {
      const s = series[i]!;
      if (inOrder[i] === 1 && late.has(s)) {
        let l = batchTs.get(s);
        if (!l) batchTs.set(s, (l = []));
        l.push(ts[i]!);
      }
    }
  }
  return { inOrder, late, batchTs };
}

/** Chunk bounds of the store. */
export interface ChunkBounds {
  readonly maxSamplesPerChunk: number;
  readonly maxChunkSpanMs: number;
}

/**
 * Indices of the late candidates (`late`: series → indices into `ts`) whose timestamps are new; `batchTs` are the
 * in-order timestamps of the same batch (not in the head yet), which count as stored.
 * @param memoryPieces decoded in-memory pieces of a series (snapshotted before the database read).
 * @throws what the database read throws.
 */
export async function newLateSamples(
  db: TsdbDb,
  maxChunkSpanMs: number,
  memoryPieces: (s: HeadSeries) => DecodedSamples[],
  late: ReadonlyMap<HeadSeries, readonly number[]>,
  ts: ArrayLike<number>,
  batchTs: ReadonlyMap<HeadSeries, readonly number[]>,
): Promise<Set<number>> {
  const accepted = new Set<number>();
  let lo = Infinity;
  let hiT = -Infinity;
  for (const l of late.values())
    for (const i of l) {
      lo = Math.min(lo, ts[i]!);
      hiT = Math.max(hiT, ts[i]!);
    }
  // Snapshot of memory before the database read (see RawReader).
  const memory = new Map<number, DecodedSamples[]>();
  for (const s of late.keys()) memory.set(s.id, memoryPieces(s));
  const rows: ChunkRow[] = await readChunks(
    db,
    [...late.keys()].map((s) => s.id),
    lo,
    hiT,
    maxChunkSpanMs,
  );
  const stored = new Map<number, Set<number>>();
  const add = (id: number, d: DecodedSamples): void => {
    let set = stored.get(id);
    if (!set) stored.set(id, (set = new Set()));
    for (const t of d.timestampsMs) if (t >= lo && t <= hiT) set.add(t);
  };
  for (const r of rows) add(r.seriesId, decodeChunk(r.data));
  for (const [id, pieces] of memory) for (const p of pieces) add(id, p);
  for (const [s, l] of late) {
    const set = stored.get(s.id) ?? new Set<number>();
    for (const t of batchTs.get(s) ?? []) set.add(t);
    for (const i of l) {
      const t = ts[i]!;
      if (set.has(t)) continue;
      set.add(t);
      accepted.add(i);
    }
  }
  return accepted;
}

/** Puts accepted late samples of one series into its open chunk (when within its range) or into chunks of their own (appended to `cuts`). */
export function applyLateSamples(
  head: Head,
  bounds: ChunkBounds,
  s: HeadSeries,
  t: readonly number[],
  v: readonly number[],
  cuts: CutChunk[],
): void {
  head.invalidateTail(s);
  const order = t.map((_, i) => i).sort((a, b) => t[a]! - t[b]!);
  const st = order.map((i) => t[i]!);
  const sv = order.map((i) => v[i]!);
  const app = s.app;
  const split = app !== undefined && app.count > 0 ? firstIndexAtLeast(st, app.minTs!) : st.length;
  if (split < st.length) head.merge(s, st.slice(split), sv.slice(split));
  // Chunks of their own, bounded like cut chunks.
  let i = 0;
  while (i < split) {
    let j = i + 1;
    while (j < split && j - i < bounds.maxSamplesPerChunk && st[j]! - st[i]! < bounds.maxChunkSpanMs) j++;
    cuts.push({
      seriesId: s.id,
      startTs: st[i]!,
      endTs: st[j - 1]!,
      samples: j - i,
      data: compactChunk(encodeChunk(st.slice(i, j), sv.slice(i, j))),
      replaces: undefined,
    });
    i = j;
  }
}
