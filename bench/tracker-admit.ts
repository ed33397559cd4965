/**
 * `npx tsx bench/tracker-admit.ts`: the monitor's CPU per sample in the series tracker's `admit` (order checks,
 * detection inputs, change records) on the probe's load without its noise: the OpenMetrics bodies of a simulated
 * cluster (`--nodes 12`) over `--rounds 120` seconds, parsed beforehand (with each node's series-text cache, as the
 * scraper parses them), then admitted batch by batch, each node its own source, as `serve` admits scrapes. CPU is
 * the process' user + system time (what a loaded machine distorts least); the load average is printed with it.
 * The median of `--repeats 5` passes over fresh trackers, and the bytes each pass allocated on V8's heap per
 * sample (bench/heap-allocated.ts; run with `node --expose-gc --import tsx` for a compact heap before each pass). Each
 * admission is settled as the pipeline settles it once its batch is stored (its change records are then reused). `--inference`: series outside the catalog derived by
 * inference, as `serve` does by default (`detection.inference`).
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { parseOpenMetrics } from '../src/ingest/openmetrics.ts';
import { SeriesTextCachePool } from '../src/ingest/series-text-cache.ts';
import type { Sample } from '../src/model/sample.ts';
import { SeriesTracker } from '../src/monitor/series-tracker.ts';
import { measureCall } from './heap-allocated.ts';
import { renderRounds, simulatedCluster } from './sim-cluster.ts';

const { values: args } = parseArgs({
  options: {
    nodes: { type: 'string', default: '12' },
    rounds: { type: 'string', default: '120' },
    repeats: { type: 'string', default: '5' },
    inference: { type: 'boolean', default: false },
  },
});
const NODES = Number(args.nodes);
const ROUNDS = Number(args.rounds);
const REPEATS = Number(args.repeats);
const START_MS = 1_700_000_000_000;

const { specs, sims } = simulatedCluster(NODES, START_MS);
const pool = new SeriesTextCachePool(1_000_000);
const caches = specs.map((s) => pool.get(s.id));
const batches: { source: string; samples: Sample[]; types: Map<string, string>; nowMs: number }[] = [];
let total = 0;
for (const { node, body, nowMs } of await renderRounds(sims, ROUNDS, START_MS)) {
  const parsed = parseOpenMetrics(body, { defaultTimestampMs: nowMs, seriesCache: caches[node]! });
  const types = new Map<string, string>();
  for (const [name, f] of parsed.families) if (f.type !== undefined) types.set(name, f.type);
  batches.push({ source: specs[node]!.id, samples: parsed.samples, types, nowMs });
  total += parsed.samples.length;
}

const cpuMs: number[] = [];
const bytes: number[] = [];
let inputs = 0;
for (let rep = 0; rep < REPEATS; rep++) {
  const tracker = new SeriesTracker(50_000, {
    maxSampleAgeMs: 3_600_000,
    maxSampleAheadMs: 600_000,
    inference: { enabled: args.inference },
  });
  const cost = await measureCall(() => {
    let n = 0;
    for (const b of batches) {
      const r = tracker.admit(b.samples, { source: b.source, nowMs: b.nowMs, types: b.types });
      r.settle(); // as the pipeline does once the batch is stored
      n += r.inputs.length;
    }
    return Promise.resolve(n);
  });
  inputs = cost.result;
  cpuMs.push(cost.cpuMs);
  bytes.push(cost.bytes);
}
cpuMs.sort((a, b) => a - b);
bytes.sort((a, b) => a - b);
const median = cpuMs[Math.floor(cpuMs.length / 2)]!;
const medianBytes = bytes[Math.floor(bytes.length / 2)]!;
process.stdout.write(
  `${NODES} nodes x ${ROUNDS} s: ${total} samples, ${inputs} detection inputs per pass; admit CPU median ${median.toFixed(0)} ms ` +
    `(${cpuMs.map((x) => x.toFixed(0)).join(' / ')}), ${((1000 * median) / total).toFixed(3)} µs per sample; ` +
    `${(medianBytes / total).toFixed(1)} B allocated per sample (median); ` +
    `load average ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}\n`,
);
