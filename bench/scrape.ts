/**
 * `npm run bench:scrape`: the monitor's CPU per scrape of one simulated node, stage by stage, as ms per node body
 * and as ratios against raw-decode anchors measured in the same run. A cluster of `--nodes` simulated nodes
 * (the nodes `dwcp-monitor simulate` starts for the same seed, each ticked once per simulated second) renders
 * its bodies in both formats; then, for every node body of every round:
 *   (a) the text format 0.0.4 parsed (`parseExposition`),
 *   (b) the OpenMetrics body parsed as the scraper parses it (with exemplars),
 *   (c) the rest of the scrape after parsing: target labels, the per-target limits, and the pipeline of `serve`
 *       (series tracker: order, time window, the fair share of the series budget; the default store, chunked
 *       SQLite in a temp file, appending; detection with the default settings), split into its stages.
 * Anchors: `split('\n')` of the text body, and `JSON.parse` of a JSON array of its lines (about the same size).
 * Every target is registered with the series budget (as `serve` does), so each gets the share it gets in the
 * 30-node probe. Timing only (nothing asserted); bodies are rendered outside the timed sections.
 *
 * Options: `--nodes 30` (cluster size), `--rounds 20` (simulated seconds measured after 3 warm-up rounds),
 * `--cycle-only` (run only the scrape cycles, for `node --cpu-prof --import tsx bench/scrape.ts --cycle-only`),
 * `--no-series-cache` (parse every line in full and label every sample anew, as before the series-text cache),
 * `--cpu-time` (time the stages in process CPU time instead of wall-clock time).
 * JSON (median ms per body by stage) to bench/results/scrape.json.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseExposition } from '../src/ingest/exposition.ts';
import { parseOpenMetrics } from '../src/ingest/openmetrics.ts';
import { applyTargetLabels, TargetLabelMemo } from '../src/ingest/relabel.ts';
import { DEFAULT_SERIES_TEXT_CACHE_ENTRIES } from '../src/ingest/scraper.ts';
import { SeriesTextCachePool } from '../src/ingest/series-text-cache.ts';
import { checkScrapeLimits } from '../src/ingest/scrape-limits.ts';
import { labelScraped } from '../src/ingest/scrape-labels.ts';
import { SCRAPE_SUCCESS } from '../src/ingest/scrape-outcome.ts';
import { DEFAULT_DETECTION_SETTINGS } from '../src/model/detection-settings.ts';
import type { Labels, Sample } from '../src/model/sample.ts';
import { DEFAULT_SCRAPE_LIMITS } from '../src/model/scrape-limits.ts';
import type { TargetStatus } from '../src/model/status.ts';
import { buildPipeline } from '../src/monitor/build-pipeline.ts';
import { renderOpenMetrics } from '../src/sdk/openmetrics.ts';
import { openChunkedSqliteStore } from '../src/store/tsdb/open.ts';
import { simulatedCluster } from './sim-cluster.ts';

const HELP = `Usage: npm run bench:scrape -- [--nodes 30] [--rounds 20] [--cycle-only] [--no-series-cache] [--cpu-time]

Milliseconds of CPU per simulated node body for each stage of a scrape (text parse, OpenMetrics parse, target
labels + limits, series tracker, store append, detection), with ratios against split('\\n') and JSON.parse of
bodies of the same size measured in the same run.`;

const { values: args } = parseArgs({
  options: {
    nodes: { type: 'string', default: '30' },
    rounds: { type: 'string', default: '20' },
    'cycle-only': { type: 'boolean', default: false },
    'no-series-cache': { type: 'boolean', default: false },
    'cpu-time': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  console.log(HELP);
  process.exit(0);
}
const NODES = Number(args.nodes);
const ROUNDS = Number(args.rounds);
if (!Number.isInteger(NODES) || NODES < 1 || !Number.isInteger(ROUNDS) || ROUNDS < 1)
  throw new Error('--nodes and --rounds must be positive integers');
const WARMUP = 3;
const START_MS = 1_700_000_000_000;

const { specs, sims } = simulatedCluster(NODES, START_MS);

const dir = mkdtempSync(join(tmpdir(), 'dwcp-bench-scrape-'));
const store = await openChunkedSqliteStore({
  path: join(dir, 'samples.db'),
  walDir: join(dir, 'wal'),
  retentionMs: 48 * 3_600_000,
});
let clock = START_MS;
const { pipeline } = buildPipeline({
  detection: DEFAULT_DETECTION_SETTINGS,
  store,
  sink: { handle: () => Promise.resolve() },
  clock: () => clock,
});
// As the scraper keeps them: label sets by series text per target, and each target's labelled label sets.
const seriesCaches = new SeriesTextCachePool(args['no-series-cache'] ? 0 : DEFAULT_SERIES_TEXT_CACHE_ENTRIES);
const labelMemos = specs.map(() => new TargetLabelMemo());
const targets: TargetStatus[] = specs.map((s) => {
  const labels: Labels = {
    job: 'dwcp',
    instance: `127.0.0.1:${9100 + s.index}`,
    node_id: s.id,
    region: s.region,
  };
  pipeline.tracker.budget.register(s.id);
  return {
    id: s.id,
    url: `http://${labels['instance']}/metrics`,
    labels,
    health: 'up',
    lastScrapeMs: null,
    lastScrapeDurationMs: 5,
    lastError: null,
    samplesLastScrape: 0,
  };
});

type Stage = 'split' | 'json' | 'text' | 'om' | 'labels' | 'track' | 'store' | 'detect';
/** Milliseconds per stage summed over the bodies of each measured round (one simulated second of the cluster). */
const rounds: Record<Stage, number>[] = [];
let ms: Record<Stage, number> = {
  split: 0,
  json: 0,
  text: 0,
  om: 0,
  labels: 0,
  track: 0,
  store: 0,
  detect: 0,
};
let bodies = 0;
let lines = 0;
let bytes = 0;
let samplesPerBody = 0;
let admittedPerBody = 0;
let exemplars = 0;
let sink = 0;
/** Wall-clock ms, or with `--cpu-time` the process' CPU ms (user + system; less sensitive to a loaded machine). */
const now = args['cpu-time']
  ? (): number => {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1000;
    }
  : (): number => performance.now();
/** The last text and OpenMetrics bodies of the first node, for the hot-loop figures. */
let lastText = '';
let lastOm = '';

try {
  for (let round = 0; round < WARMUP + ROUNDS; round++) {
    clock = START_MS + round * 1000;
    const measured = round >= WARMUP;
    ms = { split: 0, json: 0, text: 0, om: 0, labels: 0, track: 0, store: 0, detect: 0 };
    if (measured) rounds.push(ms);
    for (let n = 0; n < sims.length; n++) {
      const sim = sims[n]!;
      sim.tick(clock);
      const om = await renderOpenMetrics(sim.registry);
      const target = targets[n]!;
      if (n === 0) lastOm = om;
      if (!args['cycle-only']) {
        const text = await sim.registry.metrics();
        if (n === 0) lastText = text;
        const json = JSON.stringify(text.split('\n'));
        let t = now();
        sink += text.split('\n').length;
        const tSplit = now() - t;
        t = now();
        sink += (JSON.parse(json) as string[]).length;
        const tJson = now() - t;
        t = now();
        sink += parseExposition(text, { defaultTimestampMs: clock }).samples.length;
        const tText = now() - t;
        if (measured) {
          ms.split += tSplit;
          ms.json += tJson;
          ms.text += tText;
          lines += sink > 0 ? text.split('\n').length : 0;
          bytes += Buffer.byteLength(text);
        }
      }
      // The scrape cycle after the body arrived, as the scraper and `serve` run it.
      let t = now();
      const seriesCache = seriesCaches.maxEntries > 0 ? { seriesCache: seriesCaches.get(target.id) } : {};
      const parsed = parseOpenMetrics(om, {
        defaultTimestampMs: clock,
        maxBytes: 10 * 1024 * 1024,
        ...seriesCache,
      });
      const tOm = now() - t;
      t = now();
      // As the scraper does (one pass, labelled sets checked once per series), or the earlier separate passes.
      let batch: Sample[];
      if (args['no-series-cache']) {
        const labelled = applyTargetLabels(parsed.samples, target.labels, false);
        batch = checkScrapeLimits(labelled, DEFAULT_SCRAPE_LIMITS) === null ? labelled : [];
      } else {
        const got = labelScraped(
          parsed.samples,
          target.labels,
          false,
          labelMemos[n]!,
          DEFAULT_SCRAPE_LIMITS,
          true,
        );
        batch = Array.isArray(got) ? got : [];
      }
      const tLabels = now() - t;
      t = now();
      const step = await pipeline.ingest({
        target,
        samples: batch,
        outcome: SCRAPE_SUCCESS,
        types: new Map([...parsed.families].map(([k, f]) => [k, f.type])),
      });
      const tIngest = now() - t;
      if (measured) {
        bodies++;
        ms.om += tOm;
        ms.labels += tLabels;
        ms.track += step.trackMs;
        ms.detect += step.detectMs;
        ms.store += tIngest - step.trackMs - step.detectMs;
        samplesPerBody += parsed.samples.length;
        admittedPerBody += step.admitted;
        exemplars += parsed.exemplars.length;
      }
    }
  }
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}

/** The median over rounds of a stage's ms per body (robust to load spikes of a shared machine). */
const median = (stage: Stage | readonly Stage[]): number => {
  const v = rounds
    .map((r) => (typeof stage === 'string' ? r[stage] : stage.reduce((a, k) => a + r[k], 0)) / NODES)
    .sort((a, b) => a - b);
  return v.length % 2 === 1 ? v[(v.length - 1) / 2]! : (v[v.length / 2 - 1]! + v[v.length / 2]!) / 2;
};
const splitMs = median('split');
const jsonMs = median('json');
const ratio = (v: number, a: number): string => (a > 0 ? `${(v / a).toFixed(1)}×` : '–');
const row = (name: string, stage: Stage | readonly Stage[]): string => {
  const v = median(stage);
  return `| ${name} | ${v.toFixed(3)} | ${ratio(v, splitMs)} | ${ratio(v, jsonMs)} |`;
};
console.log(
  `\nScrape cost per simulated node body (${NODES}-node cluster, ${ROUNDS} rounds, ${bodies} bodies): ${Math.round(samplesPerBody / bodies)} samples parsed, ${Math.round(admittedPerBody / bodies)} admitted, ${(exemplars / bodies).toFixed(1)} exemplars per body`,
);
if (!args['cycle-only'])
  console.log(`text body: ${Math.round(lines / bodies)} lines, ${(bytes / bodies / 1024).toFixed(1)} KiB`);
console.log(
  '\nMedian over rounds of ms per node body:\n\n| stage | ms per body | × split anchor | × JSON.parse anchor |\n|---|---|---|---|',
);
if (!args['cycle-only']) {
  console.log(row("anchor: text body split('\\n')", 'split'));
  console.log(row('anchor: JSON.parse of the lines (same size)', 'json'));
  console.log(row('(a) text 0.0.4 parse', 'text'));
}
const cycle: readonly Stage[] = ['om', 'labels', 'track', 'store', 'detect'];
console.log(row('(b) OpenMetrics parse (scraper path)', 'om'));
console.log(row('(c1) target labels + limits', 'labels'));
if (args['cpu-time']) {
  // The pipeline times its tracker and detection stages in wall-clock time: only their sum is CPU time here.
  console.log(row('(c2-c4) pipeline: tracker + store append + detection', ['track', 'store', 'detect']));
} else {
  console.log(row('(c2) series tracker (order, window, budget)', 'track'));
  console.log(row('(c3) store append (chunked SQLite)', 'store'));
  console.log(row('(c4) detection', 'detect'));
}
console.log(row('per-scrape total (b + c)', cycle));
if (!args['cycle-only'])
  console.log(
    `\nOpenMetrics / text parse: ${(median('om') / median('text')).toFixed(2)}×; per simulated second for ${NODES} nodes: ${(median(cycle) * NODES).toFixed(0)} ms of CPU`,
  );

if (!args['cycle-only']) {
  // One body parsed over and over (warm caches, no other work in between): the parsers' own cost.
  const json = JSON.stringify(lastText.split('\n'));
  const best = (fn: () => number): number => {
    let b = Infinity;
    for (let r = 0; r < 15; r++) {
      const t = now();
      for (let i = 0; i < 20; i++) sink += fn();
      b = Math.min(b, (now() - t) / 20);
    }
    return b;
  };
  const j = best(() => (JSON.parse(json) as string[]).length);
  const tx = best(() => parseExposition(lastText, { defaultTimestampMs: 0 }).samples.length);
  const o = best(() => parseOpenMetrics(lastOm, { defaultTimestampMs: 0 }).samples.length);
  const hot = new SeriesTextCachePool(DEFAULT_SERIES_TEXT_CACHE_ENTRIES).get('hot');
  const oc = best(() => parseOpenMetrics(lastOm, { defaultTimestampMs: 0, seriesCache: hot }).samples.length);
  console.log(
    `\nHot loop (one node body parsed 20× per try, best of 15 tries): JSON.parse anchor ${j.toFixed(3)} ms, text parse ${tx.toFixed(3)} ms (${(tx / j).toFixed(1)}×), OpenMetrics parse ${o.toFixed(3)} ms (${(o / j).toFixed(1)}×), with the series-text cache ${oc.toFixed(3)} ms (${(oc / j).toFixed(1)}×); OpenMetrics / text ${(o / tx).toFixed(2)}×`,
  );
}
const medians = Object.fromEntries(
  (['split', 'json', 'text', 'om', 'labels', 'track', 'store', 'detect'] as const).map((k) => [k, median(k)]),
);
mkdirSync('bench/results', { recursive: true });
writeFileSync(
  'bench/results/scrape.json',
  JSON.stringify(
    { nodes: NODES, rounds: ROUNDS, msPerBody: medians, cycleMsPerBody: median(cycle) },
    null,
    2,
  ),
);
if (sink === Number.MIN_VALUE) console.log(sink);
