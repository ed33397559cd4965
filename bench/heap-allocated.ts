/**
 * CPU and bytes allocated on V8's heap over one async call, for the provider benches (bench/insights-cycle.ts,
 * bench/providers-cycle.ts). Bytes are the used-heap growth over the call plus what every collection inside it
 * freed: V8's `GCProfiler` records each collection synchronously with the used heap before and after it, so a
 * collection during the call is accounted for, not missed (a `PerformanceObserver`'s `gc` entries arrive only after
 * the call has returned, so a check right after it does not see them, and the growth alone under-counts by what was
 * freed). Run the benches with `--expose-gc`: a full collection before each call starts it from a compact heap.
 * @see https://nodejs.org/docs/latest-v20.x/api/v8.html#class-v8gcprofiler
 */
import { GCProfiler, getHeapStatistics } from 'node:v8';

/** What one call cost. */
export interface CallCost<T> {
  readonly result: T;
  /** User + system CPU of the process over the call, ms. */
  readonly cpuMs: number;
  /** Bytes allocated on the V8 heap over the call (growth plus what collections inside it freed). */
  readonly bytes: number;
  /** Collections that ran inside the call. */
  readonly collections: number;
}

/** Runs `fn` after a full collection (when `gc` is exposed) and measures it (see the module comment). */
export async function measureCall<T>(fn: () => Promise<T>): Promise<CallCost<T>> {
  (globalThis as { gc?: () => void }).gc?.();
  const profiler = new GCProfiler();
  const h0 = getHeapStatistics().used_heap_size;
  profiler.start();
  const c0 = process.cpuUsage();
  const result = await fn();
  const cu = process.cpuUsage(c0);
  const h1 = getHeapStatistics().used_heap_size;
  const gcs = profiler.stop()?.statistics ?? [];
  let freed = 0;
  for (const g of gcs)
    freed += Math.max(0, g.beforeGC.heapStatistics.usedHeapSize - g.afterGC.heapStatistics.usedHeapSize);
  return { result, cpuMs: (cu.user + cu.system) / 1000, bytes: h1 - h0 + freed, collections: gcs.length };
}
