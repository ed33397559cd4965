/**
 * Ingest into VictoriaMetrics (`storage.type: victoriametrics`), with VictoriaMetrics' own ingest of the same
 * data measured in the same run as the anchor. The simulator's series (bench/ingest-data.ts), one scrape of
 * every series per step at 1 s:
 * - anchor: the same samples, remote-write bodies of 5000 samples encoded before the clock starts, posted by
 *   one sender to a fresh VictoriaMetrics (only VictoriaMetrics' work is timed, plus HTTP);
 * - through the monitor: each scrape batch run through the monitor's pipeline (series tracker, detection off)
 *   into the remote store (check, queue, encode, send in batches of 5000) to another fresh VictoriaMetrics,
 *   until the queue has emptied.
 * Samples/s are wall-clock; CPU per sample is this process (the monitor) and VictoriaMetrics' process (from
 * /proc/<pid>/stat). Run alone with `nice -n 10 npx tsx bench/ingest-victoria.ts`; also section 6 of
 * `npm run bench:ingest`. `DWCP_BENCH_SCALE=quick` runs a smaller load. Nothing is asserted.
 * @see https://docs.victoriametrics.com/single-server-victoriametrics/
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { encodeRemoteWrite, REMOTE_WRITE_HEADERS } from '../src/ingest/remote-write/encode.ts';
import { DEFAULT_DETECTION_SETTINGS } from '../src/model/detection-settings.ts';
import { buildPipeline } from '../src/monitor/build-pipeline.ts';
import { openRemoteStore } from '../src/remote-store/open.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import { findBinary } from '../test/helpers/binaries.ts';
import { startVictoriaMetrics, type VictoriaMetricsInstance } from '../test/helpers/victoria-metrics.ts';
import { loadTemplate, ReplayLoad } from './ingest-data.ts';
import { markdownTable } from './table.ts';

const PER_SEND = 5000;
/** Clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on Linux). */
const USER_HZ = 100;

/** One measured way in. */
export interface VictoriaIngestRow {
  readonly path: string;
  readonly samples: number;
  readonly samplesPerS: number;
  /** CPU µs per sample of the monitor process (undefined for the anchor, which only posts prepared bodies). */
  readonly monitorCpuUs?: number;
  readonly vmCpuUs: number;
}

/** CPU seconds (user + system) of process `pid` so far. */
function processCpuS(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / USER_HZ;
}

const cpuS = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

async function post(url: string, body: Uint8Array<ArrayBuffer>): Promise<void> {
  const r = await fetch(url, { method: 'POST', headers: REMOTE_WRITE_HEADERS, body });
  await r.body?.cancel();
  if (r.status >= 300) throw new Error(`VictoriaMetrics answered ${r.status}`);
}

async function anchor(
  vm: VictoriaMetricsInstance,
  load: ReplayLoad,
  steps: number,
  startMs: number,
): Promise<VictoriaIngestRow> {
  const bodies: Uint8Array<ArrayBuffer>[] = [];
  for (let k = 0; k < steps; k++) {
    const batch = load.batch(k, startMs, 1000);
    for (let i = 0; i < batch.length; i += PER_SEND)
      bodies.push(new Uint8Array(encodeRemoteWrite(batch.slice(i, i + PER_SEND))));
  }
  const vm0 = processCpuS(vm.pid!);
  const t0 = performance.now();
  for (const b of bodies) await post(vm.writeUrl, b);
  const wallS = (performance.now() - t0) / 1000;
  const samples = load.series * steps;
  return {
    path: "VictoriaMetrics' own ingest (prepared remote-write bodies)",
    samples,
    samplesPerS: samples / wallS,
    vmCpuUs: ((processCpuS(vm.pid!) - vm0) * 1e6) / samples,
  };
}

async function throughMonitor(
  vm: VictoriaMetricsInstance,
  load: ReplayLoad,
  steps: number,
  startMs: number,
): Promise<VictoriaIngestRow> {
  const state = await openSqliteStore({ path: ':memory:', retentionMs: 86_400_000 });
  const store = openRemoteStore({
    writeUrl: vm.writeUrl,
    readUrl: vm.url,
    retentionMs: 86_400_000,
    timeoutMs: 30_000,
    queue: {
      capacity: 10 * load.series + PER_SEND,
      maxSamplesPerSend: PER_SEND,
      batchDeadlineMs: 1000,
      minBackoffMs: 30,
      maxBackoffMs: 5000,
    },
    state,
  });
  const { pipeline } = buildPipeline({
    detection: { ...DEFAULT_DETECTION_SETTINGS, enabled: false, maxSeries: load.series + 1 },
    store,
    sink: { handle: () => Promise.resolve() },
    clock: () => startMs + steps * 1000,
  });
  const vm0 = processCpuS(vm.pid!);
  const c0 = cpuS();
  const t0 = performance.now();
  let stored = 0;
  let dropped = 0;
  for (let k = 0; k < steps; k++) {
    const step = await pipeline.ingestPushed('bench', load.batch(k, startMs, 1000));
    stored += step.stored;
    dropped += step.rejected.queue_full ?? 0;
    // a scrape loop yields between scrapes; the sender runs then
    await new Promise((r) => setImmediate(r));
  }
  await store.samples.flush(600_000);
  const wallS = (performance.now() - t0) / 1000;
  const monitorCpu = cpuS() - c0;
  const vmCpu = processCpuS(vm.pid!) - vm0;
  await store.close();
  const note = dropped > 0 ? ` (${dropped} dropped: queue full)` : '';
  return {
    path: `through the monitor (pipeline → queue → remote write)${note}`,
    samples: stored,
    samplesPerS: stored / wallS,
    monitorCpuUs: (monitorCpu * 1e6) / stored,
    vmCpuUs: (vmCpu * 1e6) / stored,
  };
}

/** Runs both paths on fresh VictoriaMetrics instances, the anchor first; undefined when the binary is missing. */
export async function benchVictoriaIngest(
  series: number,
  steps: number,
): Promise<VictoriaIngestRow[] | undefined> {
  const binary = findBinary('victoria-metrics');
  if (!binary) return undefined;
  const template = await loadTemplate(2, 900);
  const load = new ReplayLoad(template, series);
  const startMs = Math.floor(Date.now() / 1000) * 1000 - (steps + 60) * 1000;
  const rows: VictoriaIngestRow[] = [];
  for (const run of [anchor, throughMonitor]) {
    const vm = await startVictoriaMetrics(binary);
    try {
      rows.push(await run(vm, load, steps, startMs));
    } finally {
      await vm.stop();
    }
  }
  return rows;
}

/** The rows as a Markdown table with the anchor ratio. */
export function victoriaIngestTable(
  rows: readonly VictoriaIngestRow[] | undefined,
  series: number,
  steps: number,
): string {
  const title = `Ingest into VictoriaMetrics (${series} series × ${steps} scrapes at 1 s), anchor: VictoriaMetrics' own ingest of the same samples`;
  if (!rows) return markdownTable(title, ['path'], [], 'not measured: victoria-metrics is not installed');
  const a = rows[0]!.samplesPerS;
  const k = (x: number): string => (x >= 1e6 ? (x / 1e6).toFixed(2) + 'M' : (x / 1e3).toFixed(1) + 'k');
  return markdownTable(
    title,
    ['path', 'samples', 'samples/s', 'vs anchor', 'monitor CPU µs/sample', 'VictoriaMetrics CPU µs/sample'],
    rows.map((r) => [
      r.path,
      String(r.samples),
      k(r.samplesPerS),
      (r.samplesPerS / a).toFixed(2) + 'x',
      r.monitorCpuUs === undefined ? 'n/a' : r.monitorCpuUs.toFixed(2),
      r.vmCpuUs.toFixed(2),
    ]),
    'wall-clock samples/s on a shared machine; CPU from process accounting (10 ms ticks for VictoriaMetrics)',
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const quick = process.env.DWCP_BENCH_SCALE === 'quick';
  const [series, steps] = quick ? [2000, 60] : [10_000, 60];
  process.stdout.write(victoriaIngestTable(await benchVictoriaIngest(series, steps), series, steps) + '\n');
}
