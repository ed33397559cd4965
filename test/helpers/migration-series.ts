/**
 * Stored-series stand-ins of per-migration counters for the per-version figures (src/monitor/rollout-version-figures.ts):
 * duration and peak-memory histograms, guest memory, CPU seconds and bytes sent of each version, built from rows of
 * per-interval totals.
 */
import type { SeriesPoints } from '../../src/store/types.ts';
import { histogramSeries, seriesPoints } from './series-points.ts';

/** Totals of the migrations of one scrape interval: seconds, guest memory bytes, CPU s, Σ peak bytes, bytes sent. */
export interface MigrationRow {
  readonly sec: number;
  readonly mem: number;
  readonly cpu: number;
  readonly peak: number;
  readonly sent: number;
}

const histograms = () => ({ sum: [] as SeriesPoints[], count: [] as SeriesPoints[] });

/** Empty series of both versions (compression left empty), to fill with {@link addMigrationRows}. */
export function emptyMigrationSeries() {
  return {
    v1Migration: histograms(),
    v3Migration: histograms(),
    v1MigrationMemory: [] as SeriesPoints[],
    v3MigrationMemory: [] as SeriesPoints[],
    v1Compression: histograms(),
    v3Compression: [] as SeriesPoints[],
    v1Cpu: [] as SeriesPoints[],
    v3Cpu: [] as SeriesPoints[],
    v1HostMemory: histograms(),
    v3HostMemory: histograms(),
    v1Sent: [] as SeriesPoints[],
    v3Sent: [] as SeriesPoints[],
  };
}

/**
 * Adds one node's series of version `v` (labels `{node, dwcp_enabled="true"}` for v1, `{node_id}` for v3): a zero
 * point at `t0`, then one point per row every `stepMs`, `k` migrations per row.
 */
export function addMigrationRows(
  out: ReturnType<typeof emptyMigrationSeries>,
  v: 'v1' | 'v3',
  node: string,
  t0: number,
  stepMs: number,
  k: number,
  rows: readonly MigrationRow[],
): void {
  const labels: Record<string, string> = v === 'v1' ? { node, dwcp_enabled: 'true' } : { node_id: node };
  const cum = (name: string, d: readonly number[]): SeriesPoints => {
    let total = 0;
    return seriesPoints(name, labels, [
      [t0, 0],
      ...d.map((x, i) => [t0 + (i + 1) * stepMs, (total += x)] as const),
    ]);
  };
  const hist = (name: string, d: readonly number[]) =>
    histogramSeries(
      name,
      labels,
      t0,
      stepMs,
      d.map((x) => [x, k] as const),
    );
  const d = hist(
    `${v}d`,
    rows.map((r) => r.sec),
  );
  const p = hist(
    `${v}p`,
    rows.map((r) => r.peak),
  );
  out[`${v}Migration`].sum.push(d.sum);
  out[`${v}Migration`].count.push(d.count);
  out[`${v}HostMemory`].sum.push(p.sum);
  out[`${v}HostMemory`].count.push(p.count);
  out[`${v}MigrationMemory`].push(
    cum(
      `${v}m`,
      rows.map((r) => r.mem),
    ),
  );
  out[`${v}Cpu`].push(
    cum(
      `${v}c`,
      rows.map((r) => r.cpu),
    ),
  );
  out[`${v}Sent`].push(
    cum(
      `${v}s`,
      rows.map((r) => r.sent),
    ),
  );
}
