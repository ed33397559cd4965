/**
 * `npm run bench:probe`: the monitor under a large simulated cluster, as an operator would run it — the real
 * `simulate` process serving N nodes over HTTP, the real `serve` process scraping them every second, and (the
 * in-run anchor) a real Prometheus scraping the same targets at the same interval. For each cluster size it reports
 * target-down verdicts the monitor gave while Prometheus saw the target up (false target-downs; goal 0), `up`
 * anomalies, series exposed by the nodes vs series the monitor tracks (with each target's stated reason when they
 * differ), the monitor's event-loop lag p99 (prom-client's `nodejs_eventloop_lag_p99_seconds`, sampled every 5 s;
 * and the largest `nodejs_eventloop_lag_max_seconds` of those samples: the longest stall of the window) and
 * scrape duration p50/p99 for both, and the CPU seconds (user + system, /proc/<pid>/stat) each process spent per
 * million samples it ingested over the measured window (monitor: `dwcp_monitor_samples_ingested_total`;
 * Prometheus: `prometheus_tsdb_head_samples_appended_total`), with their ratio (the storage goal: ≤ 1.5×).
 *
 * Options: `--nodes 30,60` (cluster sizes), `--duration 180` (seconds per size, after a 20 s warm-up),
 * `--no-prometheus` (skip the anchor), `--keep DIR` (copy the monitor's SQLite file and Prometheus' data directory
 * there, e.g. for bytes per sample), `--cpu-prof DIR` (run `serve` under `node --cpu-prof`, the profile written to DIR when
 * it stops), `--alloc-prof DIR` (every byte `serve` allocates, sampled: bench/alloc-profile-hook.ts; the profile is
 * also written when the measured window starts and ends, for bench/alloc-profile-summary.ts; `--alloc-survivors`:
 * only objects that survived a young-generation collection), `--gc-trace` (`serve`
 * under `--trace-gc-nvp`: scavenges, mark-compacts, their pause time and the bytes allocated over the measured
 * window, per million samples), `--node-flag F` (repeatable: a V8/Node flag for `serve`, e.g.
 * `--max-semi-space-size=32`). JSON to bench/results/probe.json.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { AnomaliesResponse } from '../src/contract/anomalies.ts';
import type { TargetsResponse } from '../src/contract/targets.ts';
import { freePort, startServerProcess, type ServerProcess } from '../test/helpers/server-process.ts';
import { prometheusConfig, startPrometheus, type PrometheusInstance } from '../test/helpers/prometheus.ts';
import { findBinary } from '../test/helpers/binaries.ts';
import { gcTotals, type GcTotals } from './gc-trace.ts';

const HELP = `Usage: npm run bench:probe -- [--nodes 30,60] [--duration 180] [--no-prometheus] [--cpu-prof DIR]

Runs the simulator with N nodes and the monitor scraping them every second (and a real Prometheus scraping the
same targets as the anchor), then reports false target-downs, up anomalies, series exposed vs tracked, event-loop
lag p99 (seconds) and scrape durations (milliseconds). --duration is seconds per cluster size after a 20 s warm-up.
--alloc-prof DIR: sampled allocation profile of serve (window: bench/alloc-profile-summary.ts); with
--alloc-survivors only what survived a young-generation collection (promoted or live). --gc-trace: GC
counts, pause time and bytes allocated per sample over the window (serve under --trace-gc-nvp). --node-flag F
(repeatable): a V8/Node flag for serve, e.g. --node-flag=--max-semi-space-size=32.`;

const WARM_UP_MS = 20_000;
const SAMPLE_EVERY_MS = 5_000;
const REGIONS = ['us-east', 'eu-west', 'ap-south'];

function progress(msg: string): void {
  process.stderr.write(`[bench:probe] ${msg}\n`);
}

/** A first port of `n` consecutive ports that were all free a moment ago. */
async function freePortRange(n: number): Promise<number> {
  const { createServer } = await import('node:net');
  const tryBind = (port: number) =>
    new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 30_000);
    let ok = true;
    for (let i = 0; i < n && ok; i++) ok = await tryBind(base + i);
    if (ok) return base;
  }
  throw new Error(`no ${n} consecutive free ports found`);
}

/** The value of a sample line `name value` (no labels) in an exposition text, or undefined. */
function gaugeOf(text: string, name: string): number | undefined {
  const m = new RegExp(`^${name} ([0-9.eE+-]+)$`, 'm').exec(text);
  return m ? Number(m[1]) : undefined;
}

/** The sum over every sample line of family `name` (any labels) in an exposition text, or undefined. */
function counterSum(text: string, name: string): number | undefined {
  let sum: number | undefined;
  for (const m of text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.eE+-]+)$`, 'gm')))
    sum = (sum ?? 0) + Number(m[1]);
  return sum;
}

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on Linux). */
const USER_HZ = 100;

/** CPU seconds (user + system) of process `pid` so far, or NaN when it cannot be read. */
function processCpuS(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / USER_HZ;
  } catch {
    return NaN;
  }
}

/** Distinct series in an exposition text (sample lines). */
function seriesIn(text: string): number {
  return text.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length;
}

function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

interface ProbeRow {
  readonly nodes: number;
  readonly seconds: number;
  readonly loadAverage1m: number;
  readonly falseTargetDowns: number;
  readonly monitorDownVerdicts: number;
  readonly prometheusDownVerdicts: number | null;
  readonly upAnomalies: number;
  readonly seriesExposed: number;
  readonly seriesTracked: number;
  readonly targetWarnings: readonly string[];
  readonly eventLoopLagP99MaxSeconds: number;
  /** Largest `nodejs_eventloop_lag_max_seconds` of the 5-s samples: the window's longest stall. */
  readonly eventLoopLagMaxSeconds: number;
  readonly eventLoopLagP99MedianSeconds: number;
  readonly scrapeMsP50: number;
  readonly scrapeMsP99: number;
  /** Targets that did not answer the final series count (their series are missing from `seriesExposed`). */
  readonly targetsUnansweredAtEnd: number;
  readonly prometheusScrapeMsP99: number | null;
  /** CPU seconds of `serve` per million samples it ingested over the measured window. */
  readonly monitorCpuSPerMillion: number;
  /** The same for Prometheus (null without the anchor). */
  readonly prometheusCpuSPerMillion: number | null;
  /** Samples per second ingested by the monitor / Prometheus over the window. */
  readonly monitorSamplesPerS: number;
  readonly prometheusSamplesPerS: number | null;
  /** Samples the monitor ingested over the window. */
  readonly monitorSamples: number;
  /** Resident set size of `serve` at the end of the window, MiB (/proc/<pid>/status VmRSS). */
  readonly monitorRssMiB: number;
  /** With `--gc-trace`: `serve`'s garbage collections over the window (null otherwise). */
  readonly gc: GcTotals | null;
}

/** Resident set size of process `pid` in MiB, or NaN when it cannot be read. */
function processRssMiB(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** Bytes of `file` so far (0 when absent). */
function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/** The `--trace-gc-nvp` lines written to `file` between byte offsets `from` and `to`, summed. */
function gcBetween(file: string, from: number, to: number): GcTotals {
  const buf = readFileSync(file);
  return gcTotals(buf.subarray(from, to).toString('latin1'));
}

/** Every request of the probe gives up after this long, so an overloaded process cannot hang the run. */
const REQUEST_TIMEOUT_MS = 15_000;

async function json<T>(url: string): Promise<T> {
  const res = await fetch(url, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

/** The body of `url`, or undefined when it does not answer 200 within the request timeout. */
async function textOrUndefined(url: string): Promise<string | undefined> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    return res.ok ? await res.text() : undefined;
  } catch {
    return undefined;
  }
}

async function probe(
  nodes: number,
  durationS: number,
  prometheus: string | undefined,
  cpuProfDir: string | undefined,
  keepDir: string | undefined,
  serveFlags: readonly string[],
  gcTrace: boolean,
): Promise<ProbeRow> {
  const dir = mkdtempSync(path.join(tmpdir(), 'dwcp-probe-'));
  const base = await freePortRange(nodes);
  const port = await freePort();
  const targets = Array.from({ length: nodes }, (_, i) => ({
    id: `node-${i + 1}`,
    address: `127.0.0.1:${base + i}`,
    region: REGIONS[i % REGIONS.length]!,
  }));
  writeFileSync(
    path.join(dir, 'monitor.yaml'),
    [
      `listen: { host: 127.0.0.1, port: ${port} }`,
      'auth: { mode: disabled }', // loopback only; the probe reads the API without credentials
      'host: { enabled: false }',
      `storage: { type: sqlite, path: ${JSON.stringify(path.join(dir, 'monitor.db'))} }`,
      'targets:',
      ...targets.map(
        (t) =>
          `  - { id: ${t.id}, url: "http://${t.address}/metrics", labels: { region: ${t.region}, node: ${t.id} } }`,
      ),
      '',
    ].join('\n'),
  );
  const gcFile = path.join(dir, 'gc-trace.txt');
  const procs: ServerProcess[] = [];
  let prom: PrometheusInstance | undefined;
  try {
    const tsx = ['--import', 'tsx', 'src/cli/index.ts'];
    procs.push(
      await startServerProcess(
        'simulate',
        process.execPath,
        [...tsx, 'simulate', '--nodes', String(nodes), '--port-base', String(base)],
        `http://${targets.at(-1)!.address}/ready`,
        120_000,
      ),
    );
    const prof = cpuProfDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', path.resolve(cpuProfDir)];
    const hook = process.env.DWCP_ALLOC_PROF_DIR
      ? ['--import', new URL('./alloc-profile-hook.ts', import.meta.url).href]
      : [];
    const serveArgs = [
      ...serveFlags,
      ...prof,
      ...tsx.slice(0, 2),
      ...hook,
      ...tsx.slice(2),
      'serve',
      '--config',
      path.join(dir, 'monitor.yaml'),
    ];
    // With --gc-trace, V8 prints one line per collection on stdout: `sh` redirects it to a file and execs node (same pid).
    procs.push(
      gcTrace
        ? await startServerProcess(
            'serve',
            '/bin/sh',
            ['-c', 'exec "$@" > "$0"', gcFile, process.execPath, '--trace-gc-nvp', ...serveArgs],
            `http://127.0.0.1:${port}/ready`,
            120_000,
          )
        : await startServerProcess(
            'serve',
            process.execPath,
            serveArgs,
            `http://127.0.0.1:${port}/ready`,
            120_000,
          ),
    );
    if (prometheus !== undefined)
      prom = await startPrometheus(
        prometheus,
        prometheusConfig(
          'dwcp',
          targets.map((t) => ({ address: t.address, labels: { node: t.id } })),
          '1s',
        ),
      );
    progress(`${nodes} nodes: warming up ${WARM_UP_MS / 1000} s`);
    await new Promise((r) => setTimeout(r, WARM_UP_MS));
    const monitorDown = new Set<string>();
    const promDown = new Set<string>();
    let falseDowns = 0;
    let monitorDownVerdicts = 0;
    let promDownVerdicts = 0;
    const lags: number[] = [];
    const lagMaxes: number[] = [];
    const scrapeMs: number[] = [];
    const promScrapeMs: number[] = [];
    const serve = procs[1]!;
    const monitorSamples = async (): Promise<number> =>
      counterSum(
        (await textOrUndefined(`http://127.0.0.1:${port}/metrics`)) ?? '',
        'dwcp_monitor_samples_ingested_total',
      ) ?? NaN;
    const promSamples = async (): Promise<number> =>
      prom
        ? (counterSum(
            (await textOrUndefined(`${prom.url}/metrics`)) ?? '',
            'prometheus_tsdb_head_samples_appended_total',
          ) ?? NaN)
        : NaN;
    const monSamples0 = await monitorSamples();
    const promSamples0 = await promSamples();
    // The allocation profile up to here (bench/alloc-profile-hook.ts writes it on SIGUSR2): the window's start.
    if (hook.length > 0 && serve.pid !== undefined) process.kill(serve.pid, 'SIGUSR2');
    const gc0 = fileSize(gcFile);
    const monCpu0 = processCpuS(serve.pid);
    const promCpu0 = processCpuS(prom?.pid);
    const startMs = Date.now();
    const end = startMs + durationS * 1000;
    while (Date.now() < end) {
      await new Promise((r) => setTimeout(r, SAMPLE_EVERY_MS));
      const t = await json<TargetsResponse>(`http://127.0.0.1:${port}/api/v1/targets`);
      const promUp = new Map<string, boolean>();
      if (prom) {
        const r = await prom.api<{
          activeTargets: { labels: Record<string, string>; health: string; lastScrapeDuration: number }[];
        }>('/api/v1/targets');
        for (const a of r.activeTargets) {
          promUp.set(a.labels.node ?? '', a.health !== 'down');
          if (a.health === 'down') promDownVerdicts++;
          if (a.health === 'down') promDown.add(a.labels.node ?? '');
          promScrapeMs.push(a.lastScrapeDuration * 1000);
        }
      }
      for (const a of t.data.activeTargets) {
        scrapeMs.push(a.lastScrapeDuration * 1000);
        if (a.health !== 'down') continue;
        monitorDownVerdicts++;
        monitorDown.add(a.id);
        if (!prom || promUp.get(a.id) !== false) falseDowns++;
      }
      const metrics = (await textOrUndefined(`http://127.0.0.1:${port}/metrics`)) ?? '';
      const lag = gaugeOf(metrics, 'nodejs_eventloop_lag_p99_seconds');
      if (lag !== undefined) lags.push(lag);
      const lagMax = gaugeOf(metrics, 'nodejs_eventloop_lag_max_seconds');
      if (lagMax !== undefined) lagMaxes.push(lagMax);
      progress(
        `${nodes} nodes: ${Math.round((Date.now() - startMs) / 1000)}/${durationS} s, down now ${t.data.activeTargets.filter((a) => a.health === 'down').length}, lag p99 ${lag?.toFixed(3) ?? '?'} s, max ${lagMax?.toFixed(3) ?? '?'} s`,
      );
    }
    const windowS = (Date.now() - startMs) / 1000;
    const monCpu = processCpuS(serve.pid) - monCpu0;
    const gc = gcTrace ? gcBetween(gcFile, gc0, fileSize(gcFile)) : null;
    const monitorRssMiB = processRssMiB(serve.pid);
    if (hook.length > 0 && serve.pid !== undefined) process.kill(serve.pid, 'SIGUSR2');
    const promCpu = processCpuS(prom?.pid) - promCpu0;
    const monSamples = (await monitorSamples()) - monSamples0;
    const promSamplesN = (await promSamples()) - promSamples0;
    const anomalies = await json<AnomaliesResponse>(
      `http://127.0.0.1:${port}/api/anomalies?limit=1000&start=${startMs / 1000}`,
    );
    // All at once, so a saturated simulator costs one request timeout rather than one per target.
    const bodies = await Promise.all(targets.map((t) => textOrUndefined(`http://${t.address}/metrics`)));
    const unanswered = bodies.filter((b) => b === undefined).length;
    const exposed = bodies.reduce((sum, b) => sum + (b === undefined ? 0 : seriesIn(b)), 0);
    const metrics = (await textOrUndefined(`http://127.0.0.1:${port}/metrics`)) ?? '';
    const finalTargets = await json<TargetsResponse>(`http://127.0.0.1:${port}/api/v1/targets`);
    const { loadavg } = await import('node:os');
    return {
      nodes,
      seconds: durationS,
      loadAverage1m: Number(loadavg()[0]!.toFixed(1)),
      falseTargetDowns: falseDowns,
      monitorDownVerdicts,
      prometheusDownVerdicts: prom ? promDownVerdicts : null,
      upAnomalies: anomalies.data.filter((a) => a.metric === 'up').length,
      seriesExposed: exposed,
      targetsUnansweredAtEnd: unanswered,
      seriesTracked: gaugeOf(metrics, 'dwcp_monitor_series') ?? NaN,
      targetWarnings: finalTargets.data.activeTargets
        .filter((a) => a.lastWarning !== '')
        .map((a) => `${a.id}: ${a.lastWarning}`),
      eventLoopLagP99MaxSeconds: lags.length ? Math.max(...lags) : NaN,
      eventLoopLagP99MedianSeconds: quantile(lags, 0.5),
      eventLoopLagMaxSeconds: lagMaxes.length ? Math.max(...lagMaxes) : NaN,
      scrapeMsP50: quantile(scrapeMs, 0.5),
      scrapeMsP99: quantile(scrapeMs, 0.99),
      prometheusScrapeMsP99: prom ? quantile(promScrapeMs, 0.99) : null,
      monitorCpuSPerMillion: (monCpu / monSamples) * 1e6,
      prometheusCpuSPerMillion: prom ? (promCpu / promSamplesN) * 1e6 : null,
      monitorSamplesPerS: monSamples / windowS,
      prometheusSamplesPerS: prom ? promSamplesN / windowS : null,
      monitorSamples: monSamples,
      monitorRssMiB,
      gc,
    };
  } finally {
    // Prometheus' data directory is copied while it runs (its stop removes it); `promtool tsdb dump` reads the
    // head from the WAL copy.
    if (keepDir !== undefined && prom !== undefined)
      cpSync(path.join(prom.dir, 'data'), path.join(keepDir, `prometheus-${nodes}`), { recursive: true });
    await prom?.stop();
    for (const p of procs.reverse()) await p.stop();
    if (keepDir !== undefined) {
      mkdirSync(keepDir, { recursive: true });
      if (gcTrace) cpSync(gcFile, path.join(keepDir, `gc-trace-${nodes}.txt`));
      cpSync(path.join(dir, 'monitor.db'), path.join(keepDir, `monitor-${nodes}.db`));
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '30,60' },
    duration: { type: 'string', default: '180' },
    'no-prometheus': { type: 'boolean', default: false },
    'cpu-prof': { type: 'string' },
    'alloc-prof': { type: 'string' },
    'alloc-survivors': { type: 'boolean', default: false },
    'gc-trace': { type: 'boolean', default: false },
    'node-flag': { type: 'string', multiple: true, default: [] },
    keep: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  process.stdout.write(`${HELP}\n`);
  process.exit(0);
}
const sizes = values.nodes.split(',').map(Number);
const duration = Number(values.duration);
if (
  sizes.some((n) => !Number.isInteger(n) || n < 1 || n > 200) ||
  !Number.isFinite(duration) ||
  duration < 10
) {
  process.stderr.write(
    `error: --nodes takes sizes 1-200 (got ${values.nodes}); --duration at least 10 seconds (got ${values.duration})\n`,
  );
  process.exit(2);
}
const prometheus = values['no-prometheus'] ? undefined : findBinary('prometheus');
if (!values['no-prometheus'] && prometheus === undefined)
  progress('prometheus not found: running without the anchor');
const rows: ProbeRow[] = [];
if (values['alloc-prof'] !== undefined) process.env.DWCP_ALLOC_PROF_DIR = path.resolve(values['alloc-prof']);
if (values['alloc-survivors']) process.env.DWCP_ALLOC_PROF_KEEP = 'survivors';
for (const n of sizes)
  rows.push(
    await probe(
      n,
      duration,
      prometheus,
      values['cpu-prof'],
      values.keep,
      values['node-flag'],
      values['gc-trace'],
    ),
  );
const fmt = (x: number | null, d = 0) => (x === null || Number.isNaN(x) ? '–' : x.toFixed(d));
process.stdout.write(
  [
    '| nodes | load 1m | false target-downs | down verdicts monitor / Prometheus | up anomalies | series exposed / tracked | event-loop lag p99 median / max (s) | event-loop lag max (s) | scrape p50 / p99 (ms) | Prometheus scrape p99 (ms) |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.nodes} | ${r.loadAverage1m} | ${r.falseTargetDowns} | ${r.monitorDownVerdicts} / ${fmt(r.prometheusDownVerdicts)} | ${r.upAnomalies} | ${r.seriesExposed}${r.targetsUnansweredAtEnd ? ` (${r.targetsUnansweredAtEnd} targets unanswered)` : ''} / ${fmt(r.seriesTracked)} | ${fmt(r.eventLoopLagP99MedianSeconds, 3)} / ${fmt(r.eventLoopLagP99MaxSeconds, 3)} | ${fmt(r.eventLoopLagMaxSeconds, 3)} | ${fmt(r.scrapeMsP50, 1)} / ${fmt(r.scrapeMsP99, 1)} | ${fmt(r.prometheusScrapeMsP99, 1)} |`,
    ),
    '',
    '| nodes | samples/s monitor / Prometheus | CPU-s per million samples monitor / Prometheus | ratio (goal ≤ 1.5×) |',
    '|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.nodes} | ${fmt(r.monitorSamplesPerS)} / ${fmt(r.prometheusSamplesPerS)} | ${fmt(r.monitorCpuSPerMillion, 2)} / ${fmt(r.prometheusCpuSPerMillion, 2)} | ${r.prometheusCpuSPerMillion === null ? '–' : `${fmt(r.monitorCpuSPerMillion / r.prometheusCpuSPerMillion, 1)}×`} |`,
    ),
    '',
    '| nodes | RSS (MiB) | scavenges / mark-compacts per million samples | GC pause (wall ms per million samples; of it mark-compacts) | bytes allocated per sample | bytes promoted per sample (per scavenge) | bytes copied in the young generation per sample |',
    '|---|---|---|---|---|---|---|',
    ...rows.map((r) => {
      const m = r.monitorSamples / 1e6;
      const g = r.gc;
      return g === null
        ? `| ${r.nodes} | ${fmt(r.monitorRssMiB)} | – | – | – | – | – |`
        : `| ${r.nodes} | ${fmt(r.monitorRssMiB)} | ${fmt(g.scavenges / m)} / ${fmt(g.markCompacts / m, 1)} | ${fmt(g.pauseMs / m)} (${fmt(g.markCompactPauseMs / m)}) | ${fmt(g.allocatedBytes / (m * 1e6))} | ${fmt(g.promotedBytes / (m * 1e6), 1)} (${fmt(g.promotedBytes / Math.max(1, g.scavenges) / 1e6, 2)} MB) | ${fmt(g.survivedBytes / (m * 1e6), 1)} |`;
    }),
    'Goals: 0 false target-downs; every exposed series tracked or a stated reason per target (below).',
    ...rows.flatMap((r) => r.targetWarnings.map((w) => `- ${r.nodes} nodes: ${w}`)),
    '',
  ].join('\n'),
);
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/probe.json', JSON.stringify(rows, null, 2));
