/**
 * Stored-series stand-ins of bench/rollout.ts: a book of growing series as the store would return them, the
 * series GET /api/rollout reads from it, and the decision at the end of a run.
 */
import { getMetric, type MetricName } from '../src/catalog/index.ts';
import type { HistogramSeries } from '../src/monitor/rollout-inputs.ts';
import {
  computeRolloutStatus,
  type RolloutReadSeries,
  type RolloutResult,
} from '../src/monitor/rollout-status.ts';
import type { SeriesPoints } from '../src/store/types.ts';
import { HORIZON_MS, JUDGE, MARGIN, T0 } from './rollout-options.ts';

/** One growing SeriesPoints per (sample name, labels), as the store would return them. */
export class SeriesBook {
  private readonly series = new Map<
    string,
    { name: string; labels: Record<string, string>; t: number[]; v: number[] }
  >();

  push(sample: string, labels: Record<string, string>, tMs: number, value: number): void {
    let key = sample;
    for (const k in labels) key += `,${k}=${labels[k]}`;
    let s = this.series.get(key);
    if (!s) this.series.set(key, (s = { name: sample, labels, t: [], v: [] }));
    s.t.push(tMs);
    s.v.push(value);
  }

  points(sample: string, match: Record<string, string> = {}): SeriesPoints[] {
    const out: SeriesPoints[] = [];
    let id = 0;
    for (const [key, s] of this.series) {
      if (s.name !== sample || Object.entries(match).some(([k, v]) => s.labels[k] !== v)) continue;
      out.push({ series: { id: id++, key, name: s.name, labels: s.labels }, timestampsMs: s.t, values: s.v });
    }
    return out;
  }

  histogram(name: string, match: Record<string, string> = {}): HistogramSeries {
    return { sum: this.points(`${name}_sum`, match), count: this.points(`${name}_count`, match) };
  }
}

/** The exposed name of a catalog metric. */
export const n = (name: MetricName): string => getMetric(name).name;

/** The series the provider reads, from a book. */
function readSeries(b: SeriesBook): RolloutReadSeries {
  return {
    v1Migration: b.histogram(n('dwcp_migration_duration_seconds'), { dwcp_enabled: 'true' }),
    v3Migration: b.histogram(n('dwcp_v3_migration_duration_seconds')),
    // --judge duration leaves the memory counters out: the evidence then judges duration per migration.
    v1MigrationMemory:
      JUDGE === 'duration' ? [] : b.points(n('dwcp_migration_memory_bytes_total'), { dwcp_enabled: 'true' }),
    v3MigrationMemory: JUDGE === 'duration' ? [] : b.points(n('dwcp_v3_migration_memory_bytes_total')),
    v1Compression: b.histogram(n('dwcp_hde_compression_ratio')),
    v3Compression: b.points(n('dwcp_v3_compression_ratio')),
    slaCompliance: b.points(n('dwcp_v3_sla_compliance')),
    rolloutProgress: b.points(n('dwcp_v3_rollout_progress_percent')),
    v3Enabled: b.points(n('dwcp_system_config_enabled'), { feature: 'v3_enabled' }),
    utilization: b.points(n('dwcp_v3_resource_utilization_percent')),
    throughputTx: b.points(n('dwcp_v3_throughput_bytes_per_second'), { direction: 'tx' }),
    hdeOriginal: b.points(n('dwcp_hde_bytes_original_total')),
    hdeCompressed: b.points(n('dwcp_hde_bytes_compressed_total')),
    v1Cpu: b.points(n('dwcp_migration_cpu_seconds_total'), { dwcp_enabled: 'true' }),
    v3Cpu: b.points(n('dwcp_v3_migration_cpu_seconds_total')),
    v1HostMemory: b.histogram(n('dwcp_migration_host_memory_peak_bytes'), { dwcp_enabled: 'true' }),
    v3HostMemory: b.histogram(n('dwcp_v3_migration_host_memory_peak_bytes')),
    v1Sent: b.points(n('dwcp_migration_sent_bytes_total'), { dwcp_enabled: 'true' }),
    v3Sent: b.points(n('dwcp_v3_migration_sent_bytes_total')),
  };
}

/** Decides like GET /api/rollout?window=<horizon> at the end of the run (the path inside gives every look). */
export function decide(b: SeriesBook, endMs: number): RolloutResult {
  return computeRolloutStatus(
    readSeries(b),
    { startMs: endMs - HORIZON_MS, endMs },
    T0,
    { maxPoints: Number.MAX_SAFE_INTEGER, sequential: { marginPercent: MARGIN } },
    [],
    [],
  );
}
