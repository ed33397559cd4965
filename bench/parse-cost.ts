/**
 * `npx tsx bench/parse-cost.ts`: the scrape parser's CPU and allocated bytes per sample line on the probe's load
 * without its noise: the OpenMetrics bodies of a simulated cluster (`--nodes 12`) over `--rounds 60` seconds,
 * rendered beforehand, then parsed in scrape order, each node with its own series-text cache (as the scraper parses
 * them). CPU is the process' user + system time (what a loaded machine distorts least), the median of `--repeats 5`
 * passes over fresh caches; bytes are everything the parse allocated in one more pass, collected or not (V8's
 * sampling heap profiler with collected objects kept, one sample per 4 KiB on average). The load average is
 * printed with it. `--as-scraped`: each body handed to the parser as the scraper hands it, its UTF-8 bytes decoded
 * into pieces by `decodePieces` (flat strings); without it, the rendered string itself, which V8 builds by
 * concatenation and flattens on the parser's first search of it (a cost the scraper's bodies do not have).
 */
import { Session } from 'node:inspector/promises';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { decodePieces } from '../src/ingest/http-get.ts';
import { parseOpenMetrics } from '../src/ingest/openmetrics.ts';
import { SeriesTextCachePool } from '../src/ingest/series-text-cache.ts';
import { renderRounds, simulatedCluster } from './sim-cluster.ts';

const { values: args } = parseArgs({
  options: {
    nodes: { type: 'string', default: '12' },
    rounds: { type: 'string', default: '60' },
    repeats: { type: 'string', default: '5' },
    'as-scraped': { type: 'boolean', default: false },
  },
});
const NODES = Number(args.nodes);
const ROUNDS = Number(args.rounds);
const REPEATS = Number(args.repeats);
const START_MS = 1_700_000_000_000;

const { specs, sims } = simulatedCluster(NODES, START_MS);
const rendered = await renderRounds(sims, ROUNDS, START_MS);
const bodies = rendered.map((b) => ({
  ...b,
  body: args['as-scraped'] ? decodePieces(Buffer.from(b.body, 'utf8')) : b.body,
}));

/** Parses every body once with fresh caches; returns the sample lines parsed. */
function pass(): number {
  const pool = new SeriesTextCachePool(1_000_000);
  const caches = specs.map((s) => pool.get(s.id));
  let samples = 0;
  for (const b of bodies)
    samples += parseOpenMetrics(b.body, { defaultTimestampMs: b.nowMs, seriesCache: caches[b.node]! }).samples
      .length;
  return samples;
}

const load = loadavg()[0]!;
let samples = pass(); // warm-up
const cpuMs: number[] = [];
for (let rep = 0; rep < REPEATS; rep++) {
  const c0 = process.cpuUsage();
  samples = pass();
  const c = process.cpuUsage(c0);
  cpuMs.push((c.user + c.system) / 1000);
}
cpuMs.sort((a, b) => a - b);
const median = cpuMs[Math.floor(cpuMs.length / 2)]!;

const session = new Session();
session.connect();
await session.post('HeapProfiler.startSampling', {
  samplingInterval: 4096,
  includeObjectsCollectedByMajorGC: true,
  includeObjectsCollectedByMinorGC: true,
});
pass();
const { profile } = await session.post('HeapProfiler.stopSampling');
let bytes = 0;
const stack = [profile.head];
for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
  bytes += node.selfSize;
  stack.push(...node.children);
}
session.disconnect();

console.log(
  `${NODES} nodes × ${ROUNDS} s: ${samples} sample lines per pass; CPU ns per sample line ${((median * 1e6) / samples).toFixed(1)} (median of ${REPEATS}; all: ${cpuMs.map((m) => ((m * 1e6) / samples).toFixed(1)).join(', ')}); bytes allocated per sample line ${(bytes / samples).toFixed(1)}; load average ${load.toFixed(1)} → ${loadavg()[0]!.toFixed(1)}`,
);
