/**
 * One periodic insights cycle (rollout status, SLOs, regional health at one evaluation time, as `exportInsights`
 * computes them every 15 s), per provider call: store reads, points read, CPU and bytes allocated. A healthy
 * simulated cluster is scraped every second into the chunked SQLite store (as `serve` stores it) up to
 * `--warmup` seconds, then `--rounds` cycles of 15 s more data each; in every cycle the providers of every
 * variant run at the same time, in alternating order, and their results must be identical.
 *
 * Variants: `full` (every call reads and derives its whole window), `kept` (the providers as `serve` builds them:
 * the SLO provider keeps its settled SLI steps, src/monitor/slo-incremental.ts, and the regions and rollout calls the
 * points they read, src/monitor/kept-window-points.ts), `rollout-full` (as `kept` but the rollout call reads its
 * whole window). A variant added to `VARIANTS` is
 * compared call by call with the others (its results must be identical). With `--against <dir>` (another checkout of
 * the tree, e.g. a copy of main with its `node_modules`), the variant `against` is that tree's provider with default
 * options over the same store, its series looked up through that tree's series catalog (over the same database):
 * before → after pairs in one process on the same data.
 *
 * Bytes allocated over a call are counted with the collections inside it (bench/heap-allocated.ts; before, calls
 * with a collection the gc observer had seen were left out and those it had not yet seen under-counted). Run:
 * `node --max-semi-space-size=256 --expose-gc --import tsx bench/insights-cycle.ts [--nodes 12] [--warmup 600]
 * [--rounds 8] [--variants kept,full] [--against <dir>]`.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_INSIGHTS_EXPORT } from '../src/monitor/insights-exporter.ts';
import {
  createInsightsProvider,
  type InsightsOptions,
  type InsightsProvider,
} from '../src/monitor/rollout-provider.ts';
import { openChunkedSqliteStore } from '../src/store/tsdb/open.ts';
import type { SampleStore } from '../src/store/types.ts';
import { healthyCluster } from '../test/helpers/healthy-cluster.ts';
import { measureCall } from './heap-allocated.ts';

const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '12' },
    warmup: { type: 'string', default: '600' },
    rounds: { type: 'string', default: '8' },
    variants: { type: 'string', default: 'kept' },
    against: { type: 'string', default: '' },
  },
});
const nodes = Number(values.nodes);
const warmup = Number(values.warmup);
const rounds = Number(values.rounds);
/** Provider options per variant name. */
const VARIANTS: Readonly<Record<string, InsightsOptions>> = {
  full: { sloKeepSteps: false, regionKeepPoints: false, rolloutKeepPoints: false, rolloutKeepPaths: false },
  kept: {},
  'rollout-full': { rolloutKeepPoints: false },
};
const variants = values.variants.split(',');
type CreateProvider = (store: SampleStore, options?: InsightsOptions) => InsightsProvider;
const create = new Map<string, CreateProvider>(variants.map((v) => [v, createInsightsProvider]));
/** The other tree's series catalog class (its `findSeries` serves the `against` variant's lookups). */
type CatalogClass = new (
  db: unknown,
  dialect: 'sqlite',
) => {
  findSeries: SampleStore['findSeries'];
  keysFrom(keyOfId: (id: number) => string | undefined): void;
};
let AgainstCatalog: CatalogClass | undefined;
if (values.against !== '') {
  const other = (await import(join(values.against, 'src/monitor/rollout-provider.ts'))) as {
    createInsightsProvider: CreateProvider;
  };
  variants.unshift('against');
  create.set('against', other.createInsightsProvider);
  AgainstCatalog = (
    (await import(join(values.against, 'src/store/tsdb/series-catalog.ts'))) as {
      TsdbSeriesCatalog: CatalogClass;
    }
  ).TsdbSeriesCatalog;
}
for (const v of variants)
  if (v !== 'against' && !(v in VARIANTS))
    throw new Error(`unknown variant ${v} (known: ${Object.keys(VARIANTS).join(', ')})`);
const CALLS = ['rollout', 'slo', 'regions'] as const;
type Call = (typeof CALLS)[number];

interface Tally {
  cpuMs: number[];
  bytes: number[];
  reads: number;
  points: number;
  collections: number;
}

const dir = mkdtempSync(join(tmpdir(), 'insights-cycle-'));
const opened = await openChunkedSqliteStore({ path: join(dir, 'db.sqlite'), walDir: join(dir, 'wal') });
try {
  const cluster = healthyCluster(opened.samples, { nodes, maxSeconds: warmup + 15 * rounds + 1 });
  let now = await cluster.advanceTo(warmup);
  let reads = 0;
  let points = 0;
  const counted = Object.create(opened) as SampleStore;
  counted.readPoints = async (...a) => {
    const r = await opened.readPoints(...a);
    reads++;
    for (const p of r) points += p.timestampsMs.length;
    return r;
  };
  // The `against` variant looks series up through its own tree's catalog over the same database, with the keys of
  // the series the head holds taken from the head as this tree's catalog does.
  const againstStore = Object.create(counted) as SampleStore;
  if (AgainstCatalog !== undefined) {
    const inner = opened.samples as unknown as { catalog: { keyOfId(id: number): string | undefined } };
    const catalog = new AgainstCatalog(opened.samples.database, 'sqlite');
    catalog.keysFrom((id) => inner.catalog.keyOfId(id));
    againstStore.findSeries = (...a) => catalog.findSeries(...a);
  }
  const providers = new Map<string, InsightsProvider>(
    variants.map((v) => [v, create.get(v)!(v === 'against' ? againstStore : counted, VARIANTS[v] ?? {})]),
  );
  const tally = new Map<string, Tally>();
  for (const v of variants)
    for (const c of CALLS)
      tally.set(`${v} ${c}`, { cpuMs: [], bytes: [], reads: 0, points: 0, collections: 0 });
  const run = (p: InsightsProvider, c: Call, nowMs: number): Promise<unknown> => {
    const o = DEFAULT_INSIGHTS_EXPORT;
    if (c === 'rollout') return p.rollout(o.rolloutWindowMs, nowMs);
    if (c === 'slo') return p.slo(o.sloWindowMs, nowMs);
    return p.regions(o.regionWindowMs, nowMs);
  };
  for (let round = 0; round < rounds; round++) {
    now = await cluster.advanceTo(warmup + 15 * (round + 1));
    const order = round % 2 === 0 ? variants : [...variants].reverse();
    const results = new Map<string, string>();
    for (const v of order) {
      const out: unknown[] = [];
      for (const c of CALLS) {
        const t = tally.get(`${v} ${c}`)!;
        reads = 0;
        points = 0;
        const cost = await measureCall(() => run(providers.get(v)!, c, now));
        out.push(cost.result);
        // The first round warms caches kept between calls; the tally is of the rounds after it.
        if (round === 0) continue;
        t.cpuMs.push(cost.cpuMs);
        t.bytes.push(cost.bytes);
        t.collections += cost.collections;
        t.reads += reads;
        t.points += points;
      }
      results.set(v, JSON.stringify(out));
    }
    for (const v of variants) assert.equal(results.get(v), results.get(variants[0]!), `${v} differs`);
  }
  const median = (a: number[]): number => [...a].sort((x, y) => x - y)[a.length >> 1] ?? Number.NaN;
  const n = rounds - 1;
  console.log(
    `${nodes} nodes, ${warmup} s stored before, ${rounds} cycles of 15 s (the first not counted); results identical`,
  );
  console.log(
    '| variant | call | store reads per cycle | points read per cycle | CPU ms median (all) | kB allocated median |',
  );
  console.log('|---|---|---|---|---|---|');
  for (const [k, t] of tally) {
    const [v, c] = k.split(' ');
    console.log(
      `| ${v} | ${c} | ${(t.reads / n).toFixed(1)} | ${Math.round(t.points / n)} | ${median(t.cpuMs).toFixed(1)} (${t.cpuMs.map((x) => x.toFixed(0)).join(' ')}) | ${(median(t.bytes) / 1024).toFixed(0)} (${t.collections} collections) |`,
    );
  }
} finally {
  await opened.close();
  rmSync(dir, { recursive: true, force: true });
}
