/**
 * CPU per sample of the chunks store's head append alone (`Head.append`: open-chunk encoding, cuts at 120 samples,
 * memory accounting), on a scrape-like load: `--series` series (default 25,000, about a 12-node probe), one sample
 * each per round at 1 s with a few ms of jitter, values a mix of repeats, decimal gauges and counters. Prints CPU
 * ns per sample (process user + system time over the timed rounds, after `--warmup` rounds) and bytes allocated
 * per sample (bench/heap-allocated.ts; run with `--expose-gc` for a compact heap at the start). `--tree DIR` runs the head of another checkout (for before → after pairs in
 * separate processes).
 *
 * Usage: npx tsx bench/head-append.ts [--series 25000] [--rounds 600] [--warmup 240] [--tree DIR]
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { measureCall } from './heap-allocated.ts';

const { values } = parseArgs({
  options: {
    series: { type: 'string', default: '25000' },
    rounds: { type: 'string', default: '600' },
    warmup: { type: 'string', default: '240' },
    tree: { type: 'string' },
  },
});
const nSeries = Number(values.series);
const rounds = Number(values.rounds);
const warmup = Number(values.warmup);
const root =
  values.tree === undefined ? new URL('..', import.meta.url) : pathToFileURL(path.resolve(values.tree) + '/');
type HeadModule = typeof import('../src/store/tsdb/head.ts');
const { Head } = (await import(new URL('src/store/tsdb/head.ts', root).href)) as HeadModule;

const head = new Head({
  maxSamplesPerChunk: 120,
  maxChunkSpanMs: 2 * 3600_000,
  maxChunkBytes: 4096,
  maxHeadSeries: 1_000_000,
  maxHeadBytes: 1 << 30,
});
const series = Array.from({ length: nSeries }, (_, i) => head.add(i + 1, `s${i}`, -Infinity));
let x = 12345;
const rnd = (): number => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32;
const level = Float64Array.from(series, () => Math.round(rnd() * 1e4) / 100);
let t0 = 1_700_000_000_000;
let cutsSeen = 0;

function round(): void {
  head.nextBatch();
  const cuts: Parameters<typeof head.append>[3] = [];
  t0 += 1000;
  for (let i = 0; i < nSeries; i++) {
    const kind = i % 4; // repeats, decimal gauge, counter, bucket-like step counter
    let v = level[i]!;
    if (kind === 1) v = Math.round((v + rnd() - 0.5) * 100) / 100;
    else if (kind === 2) v += Math.floor(rnd() * 50);
    else if (kind === 3 && rnd() < 0.2) v += 1;
    level[i] = v;
    head.append(series[i]!, t0 + (i % 7) - 3, v, cuts);
  }
  cutsSeen += cuts.length;
}

for (let r = 0; r < warmup; r++) round();
const cost = await measureCall(async () => {
  for (let r = 0; r < rounds; r++) round();
});
const samples = rounds * nSeries;
process.stdout.write(
  `${JSON.stringify({
    tree: values.tree ?? '.',
    series: nSeries,
    rounds,
    cpuNsPerSample: Number(((cost.cpuMs * 1e6) / samples).toFixed(1)),
    bytesPerSample: Number((cost.bytes / samples).toFixed(1)),
    collections: cost.collections,
    cuts: cutsSeen,
  })}\n`,
);
