/**
 * Measurements of bench/ingest-tsdb.ts: feeding a load into a store under test (samples, wall time, CPU of this
 * process), timing repeated queries, and the 24 h query of the chunked layouts (cold, warm rows, moving range,
 * per-series read, warm).
 */
import type { OpenedChunkedStore } from '../src/store/tsdb/open.ts';
import type { SeriesRef } from '../src/store/types.ts';
import type { ReplayLoad } from './ingest-data.ts';
import { P } from './ingest-tsdb-options.ts';
import type { StoreUnderTest } from './ingest-stores.ts';

export const MIN = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

/** CPU time (user + system) of this process so far, ms. */
export const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
/** A progress line on stderr. */
export const log = (m: string): void => void process.stderr.write(m + '\n');

/** The `q` quantile of `xs` (nearest rank). */
export function pct(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
}

/** Appends `steps` scrapes of `load` and returns samples stored, wall seconds and CPU ms. */
export async function feed(
  st: StoreUnderTest,
  load: ReplayLoad,
  from: number,
  steps: number,
  startMs: number,
  intervalMs: number,
): Promise<{ samples: number; wallS: number; cpuMs: number }> {
  const c0 = cpuMs();
  const t0 = performance.now();
  let samples = 0;
  for (let s = from; s < from + steps; s++) samples += await st.append(load.batch(s, startMs, intervalMs));
  return { samples, wallS: (performance.now() - t0) / 1000, cpuMs: cpuMs() - c0 };
}

/** Wall times (ms) of `reps` runs after a warm-up, and the mean CPU time per run of this process (ms). */
export async function timeQueries(
  reps: number,
  fn: () => Promise<unknown>,
): Promise<number[] & { cpuMs: number }> {
  await fn(); // warm-up
  const out: number[] = [];
  const c0 = cpuMs();
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return Object.assign(out, { cpuMs: (cpuMs() - c0) / reps });
}

/** Every series of the load (all metric names). */
export async function allRefs(
  store: Pick<OpenedChunkedStore, 'findSeries'>,
  load: ReplayLoad,
): Promise<SeriesRef[]> {
  const names = [...new Set(Array.from({ length: load.series }, (_, i) => load.name(i)))];
  const out: SeriesRef[] = [];
  for (const n of names) out.push(...(await store.findSeries(n, {}, 100_000)));
  return out;
}

/**
 * 24 h at 60 s, average over every series of the load, as GET /api/metrics/query answers it (the store's
 * `queryRange`: aggregated while the rollups are decoded); and the per-series form (`readForStep`: points of
 * every series).
 */
export async function chunkedDayQuery(
  store: OpenedChunkedStore,
  load: ReplayLoad,
  endMs: number,
): Promise<{
  times: number[] & { cpuMs: number };
  cold: number[] & { cpuMs: number };
  rowOnly: number[] & { cpuMs: number };
  moving: number[] & { cpuMs: number };
  perSeries: number[] & { cpuMs: number };
  series: number;
  resolution: number;
}> {
  const refs = await allRefs(store, load);
  let resolution = -1;
  const q = (end = endMs): Promise<unknown> =>
    store.queryRange(refs, { startMs: end - DAY, endMs: end, stepMs: MIN, agg: 'avg' }, 20_000);
  // Cold: the decoded-row and result caches emptied before every run (the database's own page cache stays warm).
  const cold = await timeQueries(P.coldReps, () => {
    store.samples.rollups.rowCache.clear();
    store.resultCache.clear();
    return q();
  });
  // Warm rows, no result cache: the result cache emptied before every run (the decoded rows stay cached).
  const rowOnly = await timeQueries(P.queryReps, () => {
    store.resultCache.clear();
    return q();
  });
  // A dashboard refresh: the range's end moves forward by a step every run, past the newest sample as "now" does
  // (the result cache serves the older steps, the head tails the newest).
  let shift = 0;
  const moving = await timeQueries(P.queryReps, () => q(endMs + MIN * shift++));
  // The per-series form: the stepped read alone (points of every series, no aggregation).
  const perSeries = await timeQueries(P.queryReps, () =>
    store.readForStep(refs, endMs - DAY, endMs, MIN, 20_000),
  );
  // Warm: repeated queries (the warm-up run fills the cache).
  const times = await timeQueries(P.queryReps, q);
  resolution = (await store.readForStep(refs.slice(0, 1), endMs - DAY, endMs, MIN, 20_000)).resolutionMs;
  log(`row cache: ${JSON.stringify(store.samples.rollups.rowCache.stats())}`);
  log(`result cache: ${JSON.stringify(store.resultCache.stats())}`);
  return { times, cold, rowOnly, moving, perSeries, series: refs.length, resolution };
}
