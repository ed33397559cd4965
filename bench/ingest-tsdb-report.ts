/**
 * Tables of bench/ingest-tsdb.ts (Markdown, printed as each finishes): bytes per sample, ingest and the 24 h query,
 * the 30-day query and memory per active series; the number formats they share.
 */
import { markdownTable } from './table.ts';

/** A number with `d` decimals, or `n/a`. */
export const f = (x: number | undefined, d = 2): string =>
  x === undefined || !Number.isFinite(x) ? 'n/a' : x.toFixed(d);
/** A rate in thousands (`k`) or millions (`M`), or `n/a`. */
export const k = (x: number | undefined): string =>
  x === undefined ? 'n/a' : x >= 1e6 ? (x / 1e6).toFixed(2) + 'M' : (x / 1e3).toFixed(1) + 'k';

/** Prints a finished table at once, so a long run shows what it measured so far. */
export function emit(table: string): void {
  process.stdout.write(table + '\n');
}

/** One layout's figures in the ingest and 24 h query table (missing: not measured). */
export interface IngestRow {
  layout: string;
  samplesPerS?: number;
  cpuUsPerSample?: number;
  prefillS?: number;
  rollupS?: number;
  q24p50?: number;
  q24p99?: number;
  q24series?: number;
  q24resolution?: string;
  q24cpuMs?: number;
  coldP50?: number;
  coldP99?: number;
  coldCpuMs?: number;
  rowOnlyP50?: number;
  rowOnlyP99?: number;
  rowOnlyCpuMs?: number;
  movingP50?: number;
  movingP99?: number;
  movingCpuMs?: number;
  readP50?: number;
  readP99?: number;
  readCpuMs?: number;
  note?: string;
}

/** Memory per active series, as bench/ingest-rss.ts prints it. */
export interface MemoryPerSeries {
  rssPerSeriesB: number;
  heapPerSeriesB: number;
  headPerSeriesB: number;
  headSamples: number;
}

/** Bytes per sample on disk: one row per layout (`bytesRows`: layout, bytes/sample, samples, note). */
export function bytesTable(series: number, steps: number, bytesRows: string[][]): string {
  return markdownTable(
    `Bytes per sample on disk (simulator values, ${series} series × ${steps} s at 1 s)`,
    ['layout', 'bytes/sample', 'samples', 'note'],
    bytesRows,
    'goal: <= 2 bytes/sample',
  );
}

/** Ingest into a store holding a day and the 24 h query, against the first row (the row layout when measured). */
export function dayTable(rows: readonly IngestRow[], series: number, prefillSteps: number): string {
  const anchor = rows[0]!.samplesPerS ?? 0;
  return markdownTable(
    `Ingest at 1 s into a store holding a day (${series} series × ${prefillSteps} samples at 60 s), and a 24 h / 60 s range query`,
    [
      'layout',
      'samples/s',
      'vs rows',
      'CPU µs/sample',
      'prefill s',
      'rollup of the day s',
      '24 h query warm p50 ms',
      'p99 ms',
      'CPU ms/query',
      'cold p50 ms',
      'p99 ms',
      'CPU ms/query',
      'warm rows, no result cache p50 ms',
      'p99 ms',
      'CPU ms/query',
      'moving range p50 ms',
      'p99 ms',
      'CPU ms/query',
      'per-series read (warm) p50 ms',
      'p99 ms',
      'CPU ms',
      'series queried',
      'read from',
      'note',
    ],
    rows.map((r) => [
      r.layout,
      k(r.samplesPerS),
      r.samplesPerS && anchor ? (r.samplesPerS / anchor).toFixed(2) + 'x' : 'n/a',
      f(r.cpuUsPerSample),
      f(r.prefillS, 1),
      f(r.rollupS, 1),
      f(r.q24p50, 0),
      f(r.q24p99, 0),
      f(r.q24cpuMs, 0),
      f(r.coldP50, 0),
      f(r.coldP99, 0),
      f(r.coldCpuMs, 0),
      f(r.rowOnlyP50, 0),
      f(r.rowOnlyP99, 0),
      f(r.rowOnlyCpuMs, 0),
      f(r.movingP50, 0),
      f(r.movingP99, 0),
      f(r.movingCpuMs, 0),
      f(r.readP50, 0),
      f(r.readP99, 0),
      f(r.readCpuMs, 0),
      String(r.q24series ?? ''),
      r.q24resolution ?? '',
      r.note ?? '',
    ]),
    'goals: >= 200,000 samples/s per core; 24 h at 60 s over 10k series p99 <= 100 ms',
  );
}

/** The 30-day query at 1 h step, one row per chunked backend measured. */
export function monthTable(month: readonly Record<string, unknown>[], monthSeries: number): string {
  return markdownTable(
    `30-day query at 1 h step (average over ${monthSeries} series, 30 days at 10 min, read from 1-hour rollups)`,
    [
      'layout',
      'series',
      'samples',
      'rollup of 30 days s',
      'warm p50 ms',
      'p99 ms',
      'CPU ms/query',
      'cold p50 ms',
      'p99 ms',
      'CPU ms/query',
      'warm rows, no result cache p50 ms',
      'p99 ms',
      'CPU ms/query',
    ],
    month.map((m) => [
      String(m.layout),
      String(m.series),
      String(m.samples),
      f(m.rollupS as number, 1),
      f(m.p50 as number, 0),
      f(m.p99 as number, 0),
      f(m.cpuMs as number, 0),
      f(m.coldP50 as number, 0),
      f(m.coldP99 as number, 0),
      f(m.coldCpuMs as number, 0),
      f(m.rowOnlyP50 as number, 0),
      f(m.rowOnlyP99 as number, 0),
      f(m.rowOnlyCpuMs as number, 0),
    ]),
    'goal: p99 <= 200 ms',
  );
}

/** Memory per active series (`memory` undefined: the child failed, `stderr` its error output). */
export function memoryTable(series: number, memory: MemoryPerSeries | undefined, stderr: string): string {
  return markdownTable(
    'Memory per active series (chunked layout, head holding 470 samples per series)',
    ['series', 'RSS B/series', 'live heap B/series', 'accounted head B/series'],
    [
      [
        String(series),
        f(memory?.rssPerSeriesB, 0),
        f(memory?.heapPerSeriesB, 0),
        f(memory?.headPerSeriesB, 0),
      ],
    ],
    memory
      ? 'growth after GC in a process of its own, divided by the series count (RSS also holds the SQLite page cache and heap the GC keeps)'
      : `not measured: ${stderr.slice(-300)}`,
  );
}
