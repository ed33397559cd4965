/**
 * Profiling overhead: throughput of CPU-bound work of the monitor (parsing a simulated node's /metrics text with
 * the monitor's exposition parser) with no profiler, while a CPU profile runs (V8 sampling at 1 kHz, the
 * default, and at 10 kHz), and with heap sampling on (512 KiB interval, on from the monitor's start). Rounds
 * alternate the modes (A B C D A B C D ...) so drifts of a shared machine hit every mode alike; the median per
 * mode is reported with the extra CPU cost per parse against no profiler (CPU time of the whole process). Also the time to take a heap profile and the size of
 * the profiles.
 *
 * Run: `npm run bench:profiling -- [--rounds 5] [--round-ms 1500]`. Writes bench/results/profiling.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { cpus, loadavg } from 'node:os';
/** The scraper's body limit (10 MiB). */
const MAX_EXPOSITION_BYTES = 10 * 1024 * 1024;
import { parseExposition } from '../src/ingest/exposition.ts';
import { RuntimeProfiler } from '../src/profiles/runtime-profiler.ts';
import { createSimNode, deriveNodes } from '../src/sim/topology.ts';
import { markdownTable } from './table.ts';

const arg = (name: string, def: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const ROUNDS = arg('rounds', 5);
const ROUND_MS = arg('round-ms', 1500);

const spec = deriveNodes(1, ['us-east'], 3)[0]!;
const node = createSimNode(spec, {
  rolloutPercent: 40,
  daySeconds: 86_400,
  startMs: Date.now(),
  faults: [],
  warn: () => undefined,
});
for (let t = 0; t < 30; t++) node.tick(Date.now() + t * 1000);
const text = await node.registry.metrics();

/**
 * Parses the exposition text repeatedly for `ms`; returns parses per CPU second of the whole process (main
 * thread plus the profiler's sampling thread). CPU time, not wall time: on a shared machine (load average well
 * above the core count) wall-clock rates mostly measure the other tenants.
 */
async function work(ms: number): Promise<number> {
  const c0 = process.cpuUsage();
  const end = performance.now() + ms;
  let n = 0;
  while (performance.now() < end) {
    parseExposition(text, { defaultTimestampMs: 0, maxBytes: MAX_EXPOSITION_BYTES });
    n++;
    if (n % 20 === 0) await new Promise((r) => setImmediate(r)); // let the profiler's timers run, as a server would
  }
  const c = process.cpuUsage(c0);
  return n / ((c.user + c.system) / 1e6);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

type Mode = 'none' | 'cpu-1kHz' | 'cpu-10kHz' | 'heap-sampling';
const modes: Mode[] = ['none', 'cpu-1kHz', 'cpu-10kHz', 'heap-sampling'];
const rates: Record<Mode, number[]> = { none: [], 'cpu-1kHz': [], 'cpu-10kHz': [], 'heap-sampling': [] };
const sizes: Record<string, number> = {};

await work(1000); // warm-up (JIT)
for (let r = 0; r < ROUNDS; r++) {
  for (const m of modes) {
    if (m === 'none') rates[m].push(await work(ROUND_MS));
    else if (m === 'heap-sampling') {
      const s = new Session();
      s.connect();
      await s.post('HeapProfiler.enable');
      await s.post('HeapProfiler.startSampling', { samplingInterval: 512 * 1024 });
      rates[m].push(await work(ROUND_MS));
      await s.post('HeapProfiler.stopSampling');
      s.disconnect();
    } else {
      const p = new RuntimeProfiler({ cpuIntervalMicros: m === 'cpu-1kHz' ? 1000 : 100 });
      const ac = new AbortController();
      const profile = p.cpu(60, ac.signal);
      await new Promise((res) => setTimeout(res, 20));
      rates[m].push(await work(ROUND_MS));
      ac.abort();
      sizes[m] = (await profile).pprof.length;
      await p.close();
    }
  }
}
const heapProfiler = new RuntimeProfiler();
await heapProfiler.start();
const keep: object[] = [];
for (let i = 0; i < 200_000; i++) keep.push({ i, s: `v${i}` });
const h0 = performance.now();
const heap = await heapProfiler.heap();
const heapMs = performance.now() - h0;
await heapProfiler.close();

const base = median(rates.none);
const rows = modes.map((m) => [
  m,
  median(rates[m]).toFixed(0),
  `${Math.min(...rates[m]).toFixed(0)}..${Math.max(...rates[m]).toFixed(0)}`,
  `${((base / median(rates[m]) - 1) * 100).toFixed(1)} %`,
  sizes[m] ? `${(sizes[m] / 1024).toFixed(1)} KiB` : '',
]);
let out = markdownTable(
  `Profiling overhead on exposition parsing (${text.length} bytes per parse; median of ${ROUNDS} rounds of ${ROUND_MS} ms per mode; load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores)`,
  [
    'mode',
    'parses per CPU-second (median)',
    'min..max over rounds',
    'CPU cost vs none',
    'profile size (gzip)',
  ],
  rows,
);
out +=
  '\n' +
  markdownTable(
    'Heap profile',
    ['live objects added', 'time to take', 'size (gzip)'],
    [['200k', `${heapMs.toFixed(1)} ms`, `${(heap.pprof.length / 1024).toFixed(1)} KiB`]],
  );
process.stdout.write(out);
mkdirSync('bench/results', { recursive: true });
writeFileSync(
  'bench/results/profiling.json',
  JSON.stringify(
    {
      rounds: ROUNDS,
      roundMs: ROUND_MS,
      parsesPerSecond: rates,
      heapProfileMs: heapMs,
      heapProfileBytes: heap.pprof.length,
      cpuProfileBytes: sizes,
    },
    null,
    2,
  ) + '\n',
);
keep.length = 0;
