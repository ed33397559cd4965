/**
 * Raw reads of a sliding window that keep the points read between calls, so a call every 15 s over a 5-minute
 * window reads only what was stored since (the regional health call, `rollout-provider.ts` `regions`). Each read
 * (a metric name and label match) returns exactly what `SampleStore.findSeries` + `readPoints` over
 * `[startMs, endMs]` returns, series for series and point for point, so the figures computed from it are the full
 * read's, bit for bit:
 * - samples stored in order (after their series' latest stored timestamp) only add points after the latest one a
 *   read returned for that series: a call reads each series from its latest kept point on (a series without a kept
 *   point from the window start), and drops the kept points that left the window;
 * - everything else makes the call read the whole window (the reference path) and keep that: no kept state (first
 *   call, a new provider after a restart), a late sample stored inside the kept range of one of the series
 *   (`RawChangeTracking`), a retention cut inside the window, a window starting before or ending before the last
 *   one, another point limit, a series that reaches the point limit, and at least every {@link FULL_READ_EVERY_MS};
 * - another series set (a series new to the read, e.g. the first migration between two nodes, or one gone) keeps the
 *   points of the series still in it (matched by id and key, so a reused id is new) and reads only the new ones from
 *   the window start: a new series made every call read its whole window again, and the rollout call's window grows
 *   with the stage (up to an hour), so its cost grew with the minutes of data.
 * Bounded: at most `maxKeptPoints` points over every read (a read that would take more is not kept and is read in
 * full on every call) and at most {@link MAX_KEPT_READS} reads (the least recently used dropped).
 */
import type { Labels } from '../model/sample.ts';
import type { RawChangeTracking } from '../store/raw-changes.ts';
import type { SampleStore, SeriesPoints, SeriesRef } from '../store/types.ts';
import { SlidingPoints } from './sliding-points.ts';

/** Longest time between two full reads of a kept read's window (10 min). */
export const FULL_READ_EVERY_MS = 600_000;
/** Reads (metric name + label match + series limit) whose points are kept; more drop the least recently used. */
export const MAX_KEPT_READS = 32;
/** Default bound of the points kept over every read: 2 M (about 32 MB of timestamps and values). */
export const DEFAULT_MAX_KEPT_POINTS = 2_000_000;

/** Settings of {@link KeptWindowPoints}. */
export interface KeptWindowPointsOptions {
  /** Most points kept over every read; default {@link DEFAULT_MAX_KEPT_POINTS}. */
  readonly maxKeptPoints?: number;
  /** Longest time between two full reads of a read's window, ms; default {@link FULL_READ_EVERY_MS}. */
  readonly fullReadEveryMs?: number;
}

/** What one read keeps between calls. */
interface KeptRead {
  /** Series ids and keys of `findSeries`, in its order. */
  refsKey: string;
  ids: number[];
  /** Id and key of each series (`refKeyOf`), in `refs` order. */
  keys: string[];
  /** Points per series, in `refs` order, every one in `[startMs, endMs]`; extended in place by each call. */
  points: SlidingPoints[];
  startMs: number;
  endMs: number;
  maxPoints: number;
  lateEpoch: number;
  deletedBeforeMs: number;
  lastFullMs: number;
  size: number;
}

/** Series ids and keys of `refs`, in order (two reads saw the same series set when these are equal). */
export const refsKeyOf = (refs: readonly SeriesRef[]): string => refs.map(refKeyOf).join('\u0001');

/** Id and key of one series (two reads saw the same series when these are equal). */
const refKeyOf = (s: SeriesRef): string => `${s.id}\u0000${s.key}`;

/** Index of the first timestamp ≥ `t` in the ascending `ts`. */
function firstAtOrAfter(ts: readonly number[], t: number): number {
  let lo = 0;
  let hi = ts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ts[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Kept raw reads over a store with raw change tracking (see the module comment). One instance serves one caller
 * whose windows slide forward (the periodic regions call); any other use still gets the full read's answer.
 */
export class KeptWindowPoints {
  private readonly reads = new Map<string, KeptRead>();
  private readonly maxKeptPoints: number;
  private readonly fullEveryMs: number;
  /** Reads answered from kept points and by full reads of the window, since creation. */
  readonly calls = { kept: 0, full: 0 };

  /** @throws RangeError for a bound that is not a positive integer or a full-read interval that is not positive. */
  constructor(
    private readonly store: SampleStore,
    private readonly tracking: RawChangeTracking,
    options: KeptWindowPointsOptions = {},
  ) {
    this.maxKeptPoints = options.maxKeptPoints ?? DEFAULT_MAX_KEPT_POINTS;
    this.fullEveryMs = options.fullReadEveryMs ?? FULL_READ_EVERY_MS;
    if (!Number.isInteger(this.maxKeptPoints) || this.maxKeptPoints < 1)
      throw new RangeError(`maxKeptPoints must be a positive integer, got ${this.maxKeptPoints}`);
    if (!(this.fullEveryMs > 0)) throw new RangeError(`fullReadEveryMs must be > 0, got ${this.fullEveryMs}`);
  }

  /** Points kept over every read (for tests of the bound). */
  get keptPoints(): number {
    let n = 0;
    for (const r of this.reads.values()) n += r.size;
    return n;
  }

  /**
   * The series of `name` matching `match` (at most `limit`, as `findSeries`) and their points in
   * `[startMs, endMs]` (at most the latest `maxPoints` per series, as `readPoints`), with the series refs found.
   * @throws StoreError from the store; InvalidInputError for a bad range or limit (from the store).
   */
  async read(
    name: string,
    match: Labels,
    limit: number,
    startMs: number,
    endMs: number,
    maxPoints: number,
  ): Promise<{ refs: SeriesRef[]; points: SeriesPoints[] }> {
    const key = `${name}\u0000${JSON.stringify(Object.entries(match).sort())}\u0000${limit}`;
    // Taken before any read: what the reads return is complete as far as the tracking tells from these values.
    const lateEpoch = this.tracking.rawLateEpoch;
    const deletedBeforeMs = this.tracking.rawDeletedBeforeMs;
    const refs = await this.store.findSeries(name, match, limit);
    const before = this.reads.get(key);
    this.reads.delete(key);
    let next =
      before !== undefined && this.usable(before, startMs, endMs, maxPoints)
        ? await this.extend(this.rekey(before, refs), refs, startMs, endMs, maxPoints)
        : null;
    let points: readonly SeriesPoints[] | null = null;
    if (next === null) {
      this.calls.full++;
      points = refs.length === 0 ? [] : await this.store.readPoints(refs, startMs, endMs, maxPoints);
      next = this.keep(refs, points, startMs, endMs, maxPoints);
    } else this.calls.kept++;
    if (next !== null) {
      next.lateEpoch = lateEpoch;
      next.deletedBeforeMs = deletedBeforeMs;
      this.reads.set(key, next);
      this.evict();
    }
    // Kept points change in place on the next call: each call hands out its own copy of them.
    if (points === null) {
      const st = next!;
      points = refs.map((s, i) => ({ series: s, ...st.points[i]!.toArrays() }));
    }
    return { refs, points: [...points] };
  }

  /** Whether `st` can be extended to `[startMs, endMs]` (see the module comment). */
  private usable(st: KeptRead, startMs: number, endMs: number, maxPoints: number): boolean {
    const tr = this.tracking;
    if (startMs < st.startMs || endMs < st.endMs || maxPoints !== st.maxPoints) return false;
    if (endMs - st.lastFullMs >= this.fullEveryMs) return false;
    if (tr.rawDeletedBeforeMs !== st.deletedBeforeMs && tr.rawDeletedBeforeMs > startMs) return false;
    return tr.rawLateUnchangedSince(st.lateEpoch, st.ids, startMs, st.endMs);
  }

  /**
   * `st` for the series of `refs`: the points of a series it kept (same id and key) stay, a series new to the read
   * gets none (so {@link extend} reads it from the window start), a series no longer found is dropped. Changes `st`
   * in place; call it after {@link usable}, which checks late samples of the series kept before.
   */
  private rekey(st: KeptRead, refs: readonly SeriesRef[]): KeptRead {
    const refsKey = refsKeyOf(refs);
    if (refsKey === st.refsKey) return st;
    const byKey = new Map<string, SlidingPoints>();
    st.keys.forEach((k, i) => byKey.set(k, st.points[i]!));
    st.keys = refs.map(refKeyOf);
    st.points = st.keys.map((k) => byKey.get(k) ?? new SlidingPoints([], []));
    st.ids = refs.map((r) => r.id);
    st.refsKey = refsKey;
    return st;
  }

  /**
   * The kept points moved to `[startMs, endMs]` by reading each series from its latest kept point on. Changes
   * `st` in place (the caller owns it: it was taken out of the kept reads), and returns null when the result is
   * not kept.
   */
  private async extend(
    st: KeptRead,
    refs: SeriesRef[],
    startMs: number,
    endMs: number,
    maxPoints: number,
  ): Promise<KeptRead | null> {
    const withPoints: number[] = [];
    const without: number[] = [];
    let from = Infinity;
    st.points.forEach((p, i) => {
      if (p.length > 0 && p.lastMs >= startMs) {
        withPoints.push(i);
        from = Math.min(from, p.lastMs + 1);
      } else without.push(i);
    });
    const [a, b] = await Promise.all([
      withPoints.length === 0
        ? []
        : this.store.readPoints(
            withPoints.map((i) => refs[i]!),
            Math.min(from, endMs),
            endMs,
            maxPoints,
          ),
      without.length === 0
        ? []
        : this.store.readPoints(
            without.map((i) => refs[i]!),
            startMs,
            endMs,
            maxPoints,
          ),
    ]);
    withPoints.forEach((i, k) => {
      const kept = st.points[i]!;
      const got = a[k]!;
      kept.dropBefore(startMs);
      kept.append(got.timestampsMs, got.values, firstAtOrAfter(got.timestampsMs, kept.lastMs + 1));
    });
    without.forEach((i, k) => {
      const got = b[k]!;
      st.points[i] = new SlidingPoints(got.timestampsMs, got.values);
    });
    let size = 0;
    for (const p of st.points) {
      // At the point limit the store keeps only the latest points: read the window in full.
      if (p.length >= maxPoints) return null;
      size += p.length;
    }
    if (size > this.maxKeptPoints) return null;
    st.startMs = startMs;
    st.endMs = endMs;
    st.size = size;
    return st;
  }

  /** The state of a full read, or null when it is not kept (a series at the point limit, over the bound). */
  private keep(
    refs: readonly SeriesRef[],
    points: readonly SeriesPoints[],
    startMs: number,
    endMs: number,
    maxPoints: number,
  ): KeptRead | null {
    let size = 0;
    for (const p of points) {
      if (p.timestampsMs.length >= maxPoints) return null;
      size += p.timestampsMs.length;
    }
    if (size > this.maxKeptPoints) return null;
    return {
      refsKey: refsKeyOf(refs),
      ids: refs.map((r) => r.id),
      keys: refs.map(refKeyOf),
      points: points.map((p) => new SlidingPoints(p.timestampsMs, p.values)),
      startMs,
      endMs,
      maxPoints,
      lateEpoch: 0,
      deletedBeforeMs: -Infinity,
      lastFullMs: endMs,
      size,
    };
  }

  /** Drops the least recently used reads while over {@link MAX_KEPT_READS} or the point bound. */
  private evict(): void {
    let total = this.keptPoints;
    for (const [k, r] of this.reads) {
      if (this.reads.size <= MAX_KEPT_READS && total <= this.maxKeptPoints) break;
      this.reads.delete(k);
      total -= r.size;
    }
  }
}
