/**
 * Host collector benchmark, with Debian's prometheus-node-exporter as the side-by-side anchor on the same host
 * in the same time window:
 * 1. Cycle time: the collector's cycle (every collector, then the metric update) run in-process at the 1 s
 *    interval for `--seconds`; p50 / p99 / max. Goal: p99 ≤ 100 ms.
 * 2. CPU overhead: `dwcp-monitor collect --interval 1s` and node_exporter (the same collectors) run as child
 *    processes side by side, each scraped once per second (as Prometheus would at a 1 s interval; node_exporter
 *    collects on every scrape); CPU time from /proc/<pid>/stat over the window after a warm-up, as a share of
 *    one core. Goal: < 1 % CPU. Scrape latency per exporter is reported too.
 *
 * Run: `npm run bench:collector -- [--seconds 30]`. Writes bench/results/collector.json.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Registry } from 'prom-client';
import { COLLECTORS, HostCollector } from '../src/collector/host-collector.ts';
import { CollectorService } from '../src/collector/service.ts';
import { nearestRank } from '../src/math/quantile.ts';
import { freePort } from '../test/helpers/server-process.ts';
import { markdownTable } from './table.ts';

const arg = (name: string, def: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const SECONDS = arg('seconds', 30);
const CLK_TCK = 100;

const quantile = (xs: number[], q: number): number =>
  nearestRank(
    [...xs].sort((a, b) => a - b),
    q,
  )!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** utime + stime of a process in seconds (/proc/<pid>/stat fields 14 and 15). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / CLK_TCK;
}

async function waitFor(url: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      const r = await fetch(url);
      await r.arrayBuffer();
      if (r.ok) return;
    } catch {
      // not yet
    }
    await sleep(100);
  }
  throw new Error(`${url} did not answer`);
}

async function inProcessCycles(): Promise<number[]> {
  const durations: number[] = [];
  const svc = new CollectorService({
    collector: new HostCollector(),
    registry: new Registry(),
    intervalMs: 1000,
    onCycle: (_r, t) => durations.push(t * 1000),
  });
  svc.start();
  await sleep(SECONDS * 1000 + 200);
  await svc.stop();
  return durations.slice(1); // the first cycle includes JIT warm-up
}

interface SideBySide {
  readonly name: string;
  readonly cpuPercent: number;
  readonly scrapeP50Ms: number;
  readonly scrapeP99Ms: number;
  readonly series: number;
}

async function measure(name: string, child: ChildProcess, url: string): Promise<() => Promise<SideBySide>> {
  await waitFor(url);
  await sleep(3000); // warm-up
  const cpu0 = cpuSeconds(child.pid!);
  const t0 = performance.now();
  const latencies: number[] = [];
  let series = 0;
  let stop = false;
  const loop = (async () => {
    while (!stop) {
      const s = performance.now();
      const text = await (await fetch(url)).text();
      latencies.push(performance.now() - s);
      series = text.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length;
      await sleep(Math.max(0, 1000 - (performance.now() - s)));
    }
  })();
  return async () => {
    stop = true;
    await loop;
    const wall = (performance.now() - t0) / 1000;
    return {
      name,
      cpuPercent: ((cpuSeconds(child.pid!) - cpu0) / wall) * 100,
      scrapeP50Ms: quantile(latencies, 0.5),
      scrapeP99Ms: quantile(latencies, 0.99),
      series,
    };
  };
}

const cycles = await inProcessCycles();
const [ourPort, nePort] = await Promise.all([freePort(), freePort()]);
const ours = spawn(
  process.execPath,
  ['--import', 'tsx', 'src/cli/index.ts', 'collect', '--port', String(ourPort), '--interval', '1s'],
  { stdio: 'ignore' },
);
const ne = spawn(
  'prometheus-node-exporter',
  [
    '--collector.disable-defaults',
    ...COLLECTORS.map((c) => `--collector.${c}`),
    `--web.listen-address=127.0.0.1:${nePort}`,
  ],
  { stdio: 'ignore' },
);
let results: SideBySide[];
try {
  const [endOurs, endNe] = await Promise.all([
    measure('dwcp-monitor collect', ours, `http://127.0.0.1:${ourPort}/metrics`),
    measure('node_exporter 1.5 (Debian)', ne, `http://127.0.0.1:${nePort}/metrics`),
  ]);
  await sleep(SECONDS * 1000);
  results = await Promise.all([endOurs(), endNe()]);
} finally {
  ours.kill('SIGTERM');
  ne.kill('SIGTERM');
}

const p50 = quantile(cycles, 0.5);
const p99 = quantile(cycles, 0.99);
const max = Math.max(...cycles);
let out = markdownTable(
  `Host collector cycle at 1 s (${cycles.length} cycles, in-process)`,
  ['p50 ms', 'p99 ms', 'max ms', 'goal'],
  [[p50.toFixed(2), p99.toFixed(2), max.toFixed(2), `p99 <= 100 ms: ${p99 <= 100 ? 'met' : 'MISSED'}`]],
);
out +=
  '\n' +
  markdownTable(
    `CPU and scrape latency side by side, scraped every 1 s for ${SECONDS} s (collectors: ${COLLECTORS.join(', ')})`,
    [
      'exporter',
      'CPU % of one core',
      'scrape p50 ms',
      'scrape p99 ms',
      'series',
      'ratio CPU vs node_exporter',
    ],
    results.map((r) => [
      r.name,
      r.cpuPercent.toFixed(2),
      r.scrapeP50Ms.toFixed(2),
      r.scrapeP99Ms.toFixed(2),
      String(r.series),
      (r.cpuPercent / results[1]!.cpuPercent).toFixed(2) + 'x',
    ]),
    `goal: collector CPU < 1 %: ${results[0]!.cpuPercent < 1 ? 'met' : 'MISSED'} (CPU includes the Node.js process itself: GC, timers, the HTTP server). Host: ${process.env.HOSTNAME ?? 'this machine'}, shared with other work; numbers vary between runs.`,
  );
process.stdout.write(out);
mkdirSync('bench/results', { recursive: true });
writeFileSync(
  'bench/results/collector.json',
  JSON.stringify(
    { seconds: SECONDS, cycleMs: { p50, p99, max, n: cycles.length }, sideBySide: results },
    null,
    2,
  ) + '\n',
);
