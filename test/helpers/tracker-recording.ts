/**
 * A recorded batch sequence for the series tracker (src/monitor/series-tracker.ts) and its outputs in plain JSON,
 * to compare the tracker against outputs recorded from an earlier version (test/fixtures/tracker-recorded-outputs.json):
 * every derivation path over several scrapes of three sources — catalog gauges, counters (with a reset) and
 * histograms (buckets, `_sum`, `_count`), the catalog's node_exporter-named `generic` metrics and its log- and
 * trace-derived metrics (analysed like series outside the catalog), series outside the catalog (gauge, `_total`,
 * a typed histogram, a typed counter without `_total`, `node_cpu_seconds_total` whose inference depends on labels,
 * a rule with labels), the memory ratio's operands, non-finite values, duplicates, out-of-order samples, samples
 * outside the time window, a batch whose family types change and a series over the budget.
 */
import { createHash } from 'node:crypto';
import type { Labels, Sample } from '../../src/model/sample.ts';
import type { AdmitResult, SeriesTracker, SeriesTrackerOptions } from '../../src/monitor/series-tracker.ts';

/** One recorded batch: its source, arrival time (Unix ms), family types and samples. */
export interface RecordedBatch {
  readonly source: string;
  readonly nowMs: number;
  readonly types: ReadonlyMap<string, string> | undefined;
  readonly samples: readonly Sample[];
}

const T0 = 1_700_000_000_000;

/** A value that moves deterministically with step `k` and series index `j` (no randomness). */
function wave(k: number, j: number): number {
  return 100 + 10 * Math.sin(0.7 * k + j) + j;
}

function typesOf(k: number): ReadonlyMap<string, string> | undefined {
  if (k === 3) return undefined; // a batch without family types
  return new Map([
    ['app_queue_wait_seconds', 'histogram'],
    // typed a counter from step 6 on: the same series derived differently once its type changes
    ['app_jobs_done', k >= 6 ? 'counter' : 'gauge'],
    ['node_cpu_seconds_total', 'counter'],
    ['app_requests_total', 'counter'],
  ]);
}

/** The samples of source `src` (0..2) at step `k` (one scrape a second). */
function scrape(src: number, k: number): Sample[] {
  const ts = T0 + 1000 * k;
  const out: Sample[] = [];
  const add = (name: string, labels: Labels, value: number, t = ts): void => {
    out.push({ name, labels: Object.freeze({ ...labels }), value, timestampMs: t });
  };
  const node = { instance: `n${src}` };
  add('dwcp_v3_throughput_bytes_per_second', node, wave(k, src));
  add('dwcp_v3_errors_total', node, k === 5 ? 2 : 10 * k + src); // a reset at step 5
  for (const le of ['0.1', '1', '+Inf'])
    add('dwcp_v3_migration_latency_seconds_bucket', { ...node, le }, k * Number(le === '+Inf' ? 9 : le));
  add('dwcp_v3_migration_latency_seconds_sum', node, 0.5 * k * k);
  add('dwcp_v3_migration_latency_seconds_count', node, k < 4 ? 1 : 3 * k);
  add('node_boot_time_seconds', node, 1_699_000_000);
  add('dwcp_log_error_entries_total', { ...node, service: 'api' }, 3 * k);
  add('dwcp_span_error_ratio', { ...node, operation: 'GET /' }, k % 4 === 0 ? Number.NaN : 0.01 * k);
  add('app_temperature_celsius', node, wave(k, 7));
  add('app_requests_total', { ...node, code: '200' }, 50 * k);
  add('app_requests_total', { ...node, code: '500' }, k > 2 ? k : 0);
  add('app_jobs_done', node, 4 * k);
  for (const cpu of ['0', '1'])
    for (const mode of ['idle', 'user', 'iowait'])
      add('node_cpu_seconds_total', { ...node, cpu, mode }, k * (cpu === '0' ? 0.9 : 0.7));
  add('app_queue_wait_seconds_bucket', { ...node, le: '+Inf' }, 2 * k);
  add('app_queue_wait_seconds_sum', node, 0.1 * k * k);
  add('app_queue_wait_seconds_count', node, 2 * k);
  add('node_memory_MemAvailable_bytes', node, 4e9 - 1e7 * k);
  add('node_memory_MemTotal_bytes', node, 8e9);
  add('app_disk_free', { ...node, device: 'sda' }, 1e9 + k);
  add('app_info', { ...node, version: '1.2' }, 1);
  add('app_gauge_inf', node, k === 2 ? Number.POSITIVE_INFINITY : k);
  if (k === 4) add('dwcp_v3_throughput_bytes_per_second', node, 1); // duplicate of this scrape's sample
  if (k === 7) add('app_temperature_celsius', node, 1, ts - 2500); // out of order
  if (k === 8) add('app_temperature_celsius', { instance: 'late' }, 1, ts - 7_200_000); // too old
  if (k === 9) add('app_temperature_celsius', { instance: 'ahead' }, 1, ts + 3_600_000); // too far ahead
  if (src === 2 && k >= 5) for (let j = 0; j < 8; j++) add('app_new_series', { ...node, j: String(j) }, j); // past the budget
  return out;
}

/** The recorded sequence: 12 scrapes of 3 sources, interleaved as a scraper admits them. */
export function recordedBatches(): RecordedBatch[] {
  const out: RecordedBatch[] = [];
  for (let k = 0; k < 12; k++)
    for (let src = 0; src < 3; src++)
      out.push({ source: `t${src}`, nowMs: T0 + 1000 * k + 50, types: typesOf(k), samples: scrape(src, k) });
  return out;
}

/** The tracker configurations compared: inference off, on, and on with operator rules (one with labels). */
export const RECORDED_CONFIGS: readonly { readonly name: string; readonly opts: SeriesTrackerOptions }[] = [
  { name: 'inference off', opts: { maxSampleAgeMs: 3_600_000, maxSampleAheadMs: 600_000 } },
  {
    name: 'inference on',
    opts: { maxSampleAgeMs: 3_600_000, maxSampleAheadMs: 600_000, inference: { enabled: true } },
  },
  {
    name: 'inference with rules',
    opts: {
      maxSampleAgeMs: 3_600_000,
      maxSampleAheadMs: 600_000,
      inference: {
        enabled: true,
        rules: [
          { match: 'app_disk_free', labels: { device: 'sd.*' }, kind: 'utilization', direction: 'down' },
          { match: 'app_jobs_.*', kind: 'error_rate' },
        ],
      },
    },
  },
];

/** One admission's outputs in plain JSON (a catalog definition by its name, numbers as strings: NaN, ±Infinity). */
export function plainOutputs(r: AdmitResult): unknown {
  return {
    admitted: r.admitted.map((s) => [s.name, s.labels, String(s.value), s.timestampMs]),
    keys: r.keys,
    rejected: r.rejected,
    inputs: r.inputs.map((i) => ({ ...i, value: String(i.value), def: i.def?.name ?? null })),
  };
}

/** What the fixture keeps of one admission: counts, and a digest of its whole output (any difference changes it). */
export interface RecordedAdmission {
  readonly admitted: number;
  readonly inputs: number;
  readonly rejected: Readonly<Record<string, number>>;
  /** SHA-256 (first 16 hex digits) of `JSON.stringify(plainOutputs(result))`. */
  readonly digest: string;
}

/** The record of one admission's outputs (see {@link RecordedAdmission}). */
export function recordOf(r: AdmitResult): RecordedAdmission {
  const digest = createHash('sha256')
    .update(JSON.stringify(plainOutputs(r)))
    .digest('hex')
    .slice(0, 16);
  return { admitted: r.admitted.length, inputs: r.inputs.length, rejected: { ...r.rejected }, digest };
}

/**
 * The admission results of {@link recordedBatches} admitted into a fresh tracker made by `make` for each of
 * {@link RECORDED_CONFIGS} (series budget 90: the last source's new series are refused past its share), by
 * configuration name.
 */
export function admitRecorded(
  make: (maxSeries: number, opts: SeriesTrackerOptions) => SeriesTracker,
): Map<string, AdmitResult[]> {
  const out = new Map<string, AdmitResult[]>();
  for (const { name, opts } of RECORDED_CONFIGS) {
    const tracker = make(90, opts);
    const batches = recordedBatches().map((b) =>
      tracker.admit(b.samples, { source: b.source, nowMs: b.nowMs, ...(b.types ? { types: b.types } : {}) }),
    );
    out.set(name, batches);
  }
  return out;
}
