/**
 * Store wrappers shared by the kept-points property tests (region-kept-points, rollout-kept-points): a store whose
 * change tracking hides late samples (the control: kept points that ignore them), and a store that notes reads
 * starting after a given time (only kept points read a window's tail; a full read starts at or before the window).
 */
import type { OpenedChunkedStore } from '../../../src/store/tsdb/open.ts';
import type { SampleStore } from '../../../src/store/types.ts';

/** `st` with late samples hidden from its change tracking: what kept points that ignore them would answer. */
export function blind(st: OpenedChunkedStore): SampleStore {
  const b = Object.create(st) as OpenedChunkedStore;
  Object.defineProperty(b, 'rawLateUnchangedSince', { value: () => true });
  return b;
}

/** `st` setting `seen.tail` on a read that starts after `seen.from`. */
export function counting(st: SampleStore, seen: { from: number; tail: boolean }): SampleStore {
  const c = Object.create(st) as SampleStore;
  c.readPoints = (refs, from, to, max) => {
    if (from > seen.from) seen.tail = true;
    return st.readPoints(refs, from, to, max);
  };
  return c;
}
