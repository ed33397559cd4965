/**
 * Remembers the interval joins of series read once (./rollout-inputs.ts `intervalMeans`, `intervalSized`), so the
 * rollout status, which joins the same histogram with the same counters for the stage evidence, the comparison,
 * the per-version figures and the sample counts (up to ten times per call), joins them once. Keyed by the identity
 * of the series lists (`readonly SeriesPoints[]`, at most three per entry) in `WeakMap`s: an entry lives as long as
 * its series lists, so it is bounded by what the caller holds. Stored series are never changed in place
 * (`SeriesPoints` is readonly); as a guard against lists whose arrays grow in place (e.g. a benchmark's growing
 * series), each entry also records every series' timestamp and value arrays and lengths and is recomputed when any
 * differs. Callers get a new array each time (the entries are readonly objects), so nothing they do reaches the
 * memo.
 */
import type { SeriesPoints } from '../store/types.ts';

type Lists = readonly (readonly SeriesPoints[])[];

interface Entry<T> {
  /** Per list, per series: timestamps array, values array, length. */
  readonly shape: unknown[];
  readonly result: readonly T[];
}

function shapeOf(lists: Lists): unknown[] {
  const out: unknown[] = [];
  for (const l of lists) {
    out.push(l.length);
    for (const s of l) out.push(s.timestampsMs, s.values, s.timestampsMs.length, s.values.length);
  }
  return out;
}

function sameShape(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * A memo of a pure join over one to three series lists (see the module comment).
 * @param compute the join; called again whenever the lists' arrays or lengths changed
 */
export class IntervalMemo<T> {
  private readonly root = new WeakMap<object, WeakMap<object, WeakMap<object, Entry<T>>>>();

  constructor(private readonly compute: (...lists: Lists) => T[]) {}

  /** The join of `lists` (1–3 lists; a missing one is keyed as this memo's own placeholder), as a new array. */
  get(a: readonly SeriesPoints[], b: readonly SeriesPoints[], c?: readonly SeriesPoints[]): T[] {
    const lists: Lists = c === undefined ? [a, b] : [a, b, c];
    const shape = shapeOf(lists);
    let byB = this.root.get(a);
    if (byB === undefined) this.root.set(a, (byB = new WeakMap()));
    let byC = byB.get(b);
    if (byC === undefined) byB.set(b, (byC = new WeakMap()));
    const kc = c ?? this.root;
    const hit = byC.get(kc);
    if (hit !== undefined && sameShape(hit.shape, shape)) return hit.result.slice();
    const result = this.compute(...lists);
    byC.set(kc, { shape, result: result.slice() });
    return result;
  }
}
