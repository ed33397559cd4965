/**
 * The raw reads of one SLO evaluation of src/monitor/slo-incremental.ts: a bounded reader over `[fromMs, toMs]`
 * that records the series and points it returned, with one series lookup per (name, match, limit) shared by every
 * read of the call ({@link LookupMemo}), either straight from the store or through {@link KeptWindowPoints} (the
 * tail read, which slides by one call's interval: only what was stored since the last call is read). Both return
 * exactly what `findSeries` + `readPoints` over the range return.
 */
import type { Labels } from '../model/sample.ts';
import type { SampleStore, SeriesPoints, SeriesRef } from '../store/types.ts';
import type { KeptWindowPoints } from './kept-window-points.ts';
import type { SeriesReader } from './slo-series.ts';

/** A raw reader over `[fromMs, toMs]` that records what it read (the provider's raw read, see rollout-provider.ts). */
export interface RangeRead {
  readonly read: SeriesReader;
  readonly refs: SeriesRef[];
  readonly points: SeriesPoints[];
  readonly warnings: string[];
  truncated: boolean;
}

const lookupKey = (name: string, match: Labels, limit: number): string =>
  `${name}\u0000${JSON.stringify(Object.entries(match))}\u0000${limit}`;

/**
 * The store with its series lookups remembered per (name, match, limit) until {@link LookupMemo.reset}: every read
 * of one call (tail, a longer tail, head) sees the series set the first lookup found, which the kept state was
 * checked against. Points are read from the store.
 */
export class LookupMemo {
  private found = new Map<string, SeriesRef[]>();
  /** The store whose `findSeries` answers from the memo. */
  readonly store: SampleStore;

  constructor(inner: SampleStore) {
    const view = Object.create(inner) as SampleStore;
    view.findSeries = async (name, match, limit) => {
      const key = lookupKey(name, match, limit);
      let refs = this.found.get(key);
      if (refs === undefined) {
        refs = await inner.findSeries(name, match, limit);
        this.found.set(key, refs);
      }
      return refs;
    };
    this.store = view;
  }

  /** Forgets every lookup (call it at the start of each evaluation). */
  reset(): void {
    this.found = new Map();
  }
}

/**
 * A raw reader over `[fromMs, toMs]` (at most `maxSeries` series unless a read asks for another limit, the latest
 * `maxPoints` per series), its series looked up through `lookups` (a {@link LookupMemo}'s store shares them within
 * a call). With `kept`, the points come through it: those it kept from the last call's read of the same series,
 * extended by what was stored since (its own rules decide when a read is made in full); `kept` must look series
 * up through the same memo, so that it reads the series this reader recorded.
 * @throws StoreError from the store; InvalidInputError for a bad range or limit (from the store).
 */
export function rangeReader(
  lookups: SampleStore,
  fromMs: number,
  toMs: number,
  maxSeries: number,
  maxPoints: number,
  kept?: KeptWindowPoints,
): RangeRead {
  const r: RangeRead = {
    refs: [],
    points: [],
    warnings: [],
    truncated: false,
    read: async (name: string, match: Labels = {}, limit = maxSeries) => {
      const refs = await lookups.findSeries(name, match, limit);
      if (refs.length >= limit) r.warnings.push(`${name}: read the first ${limit} series only`);
      r.refs.push(...refs);
      if (refs.length === 0) return [];
      const got = kept && (await kept.read(name, match, limit, fromMs, toMs, maxPoints));
      // `kept` found these very refs through the memo; should the memo have been reset by a concurrent call in
      // between, its points may be of another series set: read the store instead.
      const points =
        got !== undefined && got.refs === refs
          ? got.points
          : await lookups.readPoints(refs, fromMs, toMs, maxPoints);
      if (points.some((p) => p.timestampsMs.length >= maxPoints)) {
        r.truncated = true;
        r.warnings.push(`${name}: read the latest ${maxPoints} points per series only`);
      }
      r.points.push(...points);
      return points;
    },
  };
  return r;
}
