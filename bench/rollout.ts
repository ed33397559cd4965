/**
 * Rollout decision benchmark, two tables with known ground truth, each decided GO / CAUTION / NO-GO. Reports
 * per scenario the share of each decision, the false GO rate on regressions ≥ 10 % and the false NO-GO rate on
 * equal-or-better canaries. Goals (issue): false GO = 0 on regressions ≥ 10 %, false NO-GO ≤ 5 % on
 * equal-or-better.
 * 1. Distributions: v1 (baseline) / v3 (canary) samples drawn directly from distributions, 5 metrics.
 * 2. Simulator: SimNodes (injected clock, 1 s ticks, rollout 50 %, v1DurationFactor 1 so that v1 = v3 unless a
 *    v3_regression fault of magnitude m makes v3 migrations m times as long) are scraped every `--scrape` s;
 *    their histograms become samples exactly as the monitor builds them (rollout-inputs.ts), and the decision
 *    is made with the same calls as src/monitor/rollout-provider.ts (mirrored: it exports no store-free
 *    function).
 *
 * Run: `npx tsx bench/rollout.ts [--trials 200] [--seed 20240601] [--sim-seeds 30] [--sim-seconds 60]
 * [--scrape 5] [--only dist|sim]`. Deterministic for given options.
 */
import { decideRollout } from '../src/analysis/canary/decision.ts';
import type { DecisionResult, SlaCheck } from '../src/analysis/canary/decision.ts';
import { judgeCanary } from '../src/analysis/canary/judge.ts';
import type { MetricSamples, MetricSpec } from '../src/analysis/canary/judge.ts';
import { sortedFinite } from '../src/analysis/canary/percentile.ts';
import { quantileSorted } from '../src/math/quantile.ts';
import { Prng } from '../src/sim/prng.ts';
import { compareVersions } from '../src/analysis/canary/comparison.ts';
import { getMetric } from '../src/catalog/index.ts';
import { buildSlaChecks, buildVersionSamples, ROLLOUT_METRIC_SPECS } from '../src/monitor/rollout-inputs.ts';
import type { HistogramSeries } from '../src/monitor/rollout-inputs.ts';
import type { SeriesPoints } from '../src/store/types.ts';
import { linkProfile, SimNode, type LinkClass } from '../src/sim/node.ts';

type Truth = 'better' | 'equal' | 'minor' | 'regression';
type MetricName = 'throughput' | 'latency' | 'cpu' | 'memory' | 'compression';
const ALL: readonly MetricName[] = ['throughput', 'latency', 'cpu', 'memory', 'compression'];

interface Scenario {
  readonly name: string;
  readonly truth: Truth;
  /** Fractional change of v3, + = worse, applied to `affected` metrics. */
  readonly change: number;
  readonly affected: readonly MetricName[];
  readonly n: number;
  readonly noisy: boolean;
}

const SCENARIOS: readonly Scenario[] = [
  { name: 'better 10 %', truth: 'better', change: -0.1, affected: ALL, n: 500, noisy: false },
  { name: 'equal', truth: 'equal', change: 0, affected: ALL, n: 500, noisy: false },
  { name: 'worse 5 %', truth: 'minor', change: 0.05, affected: ALL, n: 500, noisy: false },
  { name: 'worse 10 %', truth: 'regression', change: 0.1, affected: ALL, n: 500, noisy: false },
  { name: 'worse 20 %', truth: 'regression', change: 0.2, affected: ALL, n: 500, noisy: false },
  { name: 'worse 10 % latency only', truth: 'regression', change: 0.1, affected: ['latency'], n: 500, noisy: false },
  { name: 'worse 10 % throughput only', truth: 'regression', change: 0.1, affected: ['throughput'], n: 500, noisy: false },
  { name: 'worse 10 % memory only', truth: 'regression', change: 0.1, affected: ['memory'], n: 500, noisy: false },
  { name: 'noisy equal', truth: 'equal', change: 0, affected: ALL, n: 500, noisy: true },
  { name: 'noisy better 10 %', truth: 'better', change: -0.1, affected: ALL, n: 500, noisy: true },
  { name: 'noisy worse 10 % latency only', truth: 'regression', change: 0.1, affected: ['latency'], n: 500, noisy: true },
  { name: 'small (n=12) equal', truth: 'equal', change: 0, affected: ALL, n: 12, noisy: false },
  { name: 'small (n=12) worse 20 %', truth: 'regression', change: 0.2, affected: ALL, n: 12, noisy: false },
  { name: 'large (n=2000) equal', truth: 'equal', change: 0, affected: ALL, n: 2000, noisy: false },
  { name: 'large (n=2000) worse 10 % cpu only', truth: 'regression', change: 0.1, affected: ['cpu'], n: 2000, noisy: false },
];

const SPECS: Readonly<Record<MetricName, MetricSpec>> = {
  throughput: { name: 'throughput', badDirection: 'decrease', unit: 'Mbps' },
  latency: { name: 'latency', badDirection: 'increase', unit: 's', guard: { statistic: 'p99', max: 0.5 } },
  cpu: { name: 'cpu', badDirection: 'increase', unit: '%' },
  memory: { name: 'memory', badDirection: 'increase', unit: 'MB' },
  compression: { name: 'compression', badDirection: 'decrease', unit: 'x' },
};

/** One version's samples. `factor[m]` multiplies metric m (worse = ×(1 + c) for up-bad, ×(1 − c) for down-bad). */
function generate(rng: Prng, n: number, noisy: boolean, change: Readonly<Record<MetricName, number>>): Record<MetricName | 'errors', number[]> {
  const k = noisy ? 3 : 1;
  const out: Record<MetricName | 'errors', number[]> = { throughput: [], latency: [], cpu: [], memory: [], compression: [], errors: [] };
  for (let i = 0; i < n; i++) {
    out.throughput.push(Math.max(1, rng.gaussian(1000, 80 * k)) * (1 - change.throughput));
    out.latency.push(0.03 * Math.exp(rng.gaussian(0, noisy ? 0.6 : 0.25)) * (1 + change.latency));
    out.cpu.push(Math.max(0.5, rng.gaussian(40, 4 * k)) * (1 + change.cpu));
    out.memory.push(Math.max(64, rng.gaussian(2048, 100 * k)) * (1 + change.memory));
    out.compression.push(Math.max(0.5, rng.gaussian(4, 0.3 * k)) * (1 - change.compression));
    out.errors.push(Math.abs(rng.gaussian(0.002, 0.001)));
  }
  return out;
}

function sla(v3: Record<MetricName | 'errors', number[]>): SlaCheck[] {
  const p95 = quantileSorted(sortedFinite(v3.latency, 'latency'), 0.95);
  const err = v3.errors.reduce((a, b) => a + b, 0) / v3.errors.length;
  return [
    { name: 'latency p95 <= 100 ms', compliance: p95 <= 0.1, detail: `p95 ${(p95 * 1000).toFixed(1)} ms` },
    { name: 'error rate < 1 %', compliance: err < 0.01, critical: true, detail: `${(err * 100).toFixed(3)} %` },
  ];
}

function runTrial(rng: Prng, s: Scenario): DecisionResult {
  const none: Record<MetricName, number> = { throughput: 0, latency: 0, cpu: 0, memory: 0, compression: 0 };
  const change = { ...none };
  for (const m of s.affected) change[m] = s.change;
  const v1 = generate(rng, s.n, s.noisy, none);
  const v3 = generate(rng, s.n, s.noisy, change);
  const metrics: MetricSamples[] = ALL.map((m) => ({ spec: SPECS[m], baseline: v1[m], canary: v3[m] }));
  const judgements = judgeCanary(metrics);
  return decideRollout({ sla: sla(v3), judgements });
}

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} needs a positive number`);
  return v;
}

interface Tally {
  readonly rows: string[][];
  readonly examples: string[];
  falseGoWorst: number;
  falseNoGoWorst: number;
}

/** Adds one scenario's row (decision shares, false GO on regressions, false NO-GO on equal-or-better). */
function tally(t: Tally, name: string, truth: Truth, n: string, results: readonly DecisionResult[]): void {
  const count = { GO: 0, CAUTION: 0, 'NO-GO': 0 };
  for (const r of results) count[r.decision]++;
  const total = results.length;
  const share = (k: keyof typeof count): string => `${((100 * count[k]) / total).toFixed(1)} %`;
  const falseGo = truth === 'regression' ? count.GO / total : null;
  const falseNoGo = truth === 'equal' || truth === 'better' ? count['NO-GO'] / total : null;
  if (falseGo !== null) t.falseGoWorst = Math.max(t.falseGoWorst, falseGo);
  if (falseNoGo !== null) t.falseNoGoWorst = Math.max(t.falseNoGoWorst, falseNoGo);
  t.rows.push([
    name,
    truth,
    n,
    share('GO'),
    share('CAUTION'),
    share('NO-GO'),
    falseGo === null ? '' : `${(falseGo * 100).toFixed(1)} %`,
    falseNoGo === null ? '' : `${(falseNoGo * 100).toFixed(1)} %`,
  ]);
  if (results[0] !== undefined) t.examples.push(`- ${name}: ${results[0].summary}`);
}

function render(title: string, nHeader: string, t: Tally, notes: readonly string[]): string[] {
  const header = ['scenario', 'truth', nHeader, 'GO', 'CAUTION', 'NO-GO', 'false GO', 'false NO-GO'];
  const widths = header.map((h, i) => Math.max(h.length, ...t.rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]): string => '| ' + cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ') + ' |';
  return [
    title,
    '',
    line(header),
    '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|',
    ...t.rows.map(line),
    '',
    `worst false GO rate on regressions >= 10 %: ${(t.falseGoWorst * 100).toFixed(1)} % (goal 0 %) — ${t.falseGoWorst === 0 ? 'met' : 'NOT met'}`,
    `worst false NO-GO rate on equal-or-better: ${(t.falseNoGoWorst * 100).toFixed(1)} % (goal <= 5 %) — ${t.falseNoGoWorst <= 0.05 ? 'met' : 'NOT met'}`,
    ...notes,
    '',
    'first trial of each scenario:',
    ...t.examples,
  ];
}

function distributionTable(trials: number, seed: number): string[] {
  const rng = new Prng(seed);
  const t: Tally = { rows: [], examples: [], falseGoWorst: 0, falseNoGoWorst: 0 };
  let decisions = 0;
  const start = process.hrtime.bigint();
  for (const s of SCENARIOS) {
    const results: DecisionResult[] = [];
    for (let i = 0; i < trials; i++) results.push(runTrial(rng, s));
    decisions += trials;
    tally(t, s.name, s.truth, String(s.n), results);
  }
  const elapsedMs = Number(process.hrtime.bigint() - start) / 1e6;
  return render(
    `## Rollout decisions (${trials} trials per scenario, seed ${seed}, 5 metrics, judge tolerance 25 %, confidence 98 %)`,
    'n/version',
    t,
    [`time: ${decisions} decisions in ${(elapsedMs / 1000).toFixed(1)} s (${(elapsedMs / decisions).toFixed(2)} ms per decision incl. sample generation)`],
  );
}

// ---- Table 2: simulator-driven ----

interface SimScenario {
  readonly name: string;
  readonly truth: Truth;
  /** True v3/v1 migration-duration ratio (v3_regression magnitude over the whole run; 1 = no fault). */
  readonly v3Factor: number;
  /** Link classes of the nodes stepped together. */
  readonly links: readonly LinkClass[];
}

const CALM: readonly LinkClass[] = ['datacenter', 'datacenter', 'datacenter'];
/** "Noisy": the node has no variance knob, so noise comes from heterogeneous links (durations 1 s .. minutes). */
const MIXED: readonly LinkClass[] = ['datacenter', 'internet', 'hybrid'];
const SIM_SCENARIOS: readonly SimScenario[] = [
  { name: 'better 10 %', truth: 'better', v3Factor: 0.9, links: CALM },
  { name: 'equal', truth: 'equal', v3Factor: 1, links: CALM },
  { name: 'worse 5 %', truth: 'minor', v3Factor: 1.05, links: CALM },
  { name: 'worse 10 %', truth: 'regression', v3Factor: 1.1, links: CALM },
  { name: 'worse 20 %', truth: 'regression', v3Factor: 1.2, links: CALM },
  { name: 'noisy (mixed links) equal', truth: 'equal', v3Factor: 1, links: MIXED },
  { name: 'noisy (mixed links) worse 10 %', truth: 'regression', v3Factor: 1.1, links: MIXED },
];

const SIM_T0 = Date.UTC(2026, 0, 1);
const V1_MIGRATION = getMetric('dwcp_migration_duration_seconds').name;
const V3_MIGRATION = getMetric('dwcp_v3_migration_duration_seconds').name;
const V1_COMPRESSION = getMetric('dwcp_hde_compression_ratio').name;
const V3_COMPRESSION = getMetric('dwcp_v3_compression_ratio').name;
const SLA = getMetric('dwcp_v3_sla_compliance').name;

/** Stored-series stand-in: one growing SeriesPoints per (sample name, labels), as the store would return them. */
class Scrapes {
  private readonly series = new Map<string, { name: string; labels: Record<string, string>; t: number[]; v: number[] }>();

  /** Reads the metrics the rollout provider reads from `node`'s registry at `tMs` (same data as getMetricsAsJSON). */
  async scrape(node: SimNode, tMs: number): Promise<void> {
    for (const name of [V1_MIGRATION, V3_MIGRATION, V1_COMPRESSION, V3_COMPRESSION, SLA]) {
      const metric = node.registry.getSingleMetric(name);
      if (!metric) throw new Error(`${name} not registered`);
      for (const row of (await metric.get()).values) {
        const sample = (row as { metricName?: string }).metricName ?? name;
        if (sample.endsWith('_bucket')) continue;
        const labels: Record<string, string> = {};
        for (const [k, v] of Object.entries(row.labels)) labels[k] = String(v);
        // The provider reads the v1 histogram with the matcher dwcp_enabled="true".
        if (name === V1_MIGRATION && labels['dwcp_enabled'] !== 'true') continue;
        const key = `${sample}${JSON.stringify(Object.entries(labels).sort())}`;
        let s = this.series.get(key);
        if (!s) this.series.set(key, (s = { name: sample, labels, t: [], v: [] }));
        s.t.push(tMs);
        s.v.push(row.value);
      }
    }
  }

  points(sample: string): SeriesPoints[] {
    const out: SeriesPoints[] = [];
    let id = 0;
    for (const [key, s] of this.series)
      if (s.name === sample) out.push({ series: { id: id++, key, name: s.name, labels: s.labels }, timestampsMs: s.t, values: s.v });
    return out;
  }

  histogram(name: string): HistogramSeries {
    return { sum: this.points(`${name}_sum`), count: this.points(`${name}_count`) };
  }
}

interface SimRun {
  readonly result: DecisionResult;
  readonly v1: number;
  readonly v3: number;
  readonly ratio: number;
}

const medianOf = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : quantileSorted(s, 0.5);
};

/** Steps the scenario's nodes for `seconds` s, scraping every `scrapeS` s, and decides like the rollout provider. */
async function runSim(s: SimScenario, seed: number, seconds: number, scrapeS: number): Promise<SimRun> {
  const ids = s.links.map((_, i) => `node-${i + 1}`);
  const nodes = s.links.map(
    (link, i) =>
      new SimNode({
        id: ids[i]!,
        region: 'sim',
        profile: linkProfile(link, new Prng(seed * 7 + i)),
        seed: seed * 1000 + i,
        rolloutPercent: 50,
        daySeconds: 86400,
        startMs: SIM_T0,
        faults: s.v3Factor === 1 ? [] : [{ kind: 'v3_regression', node: i, startMs: 0, durationMs: (seconds + 1) * 1000, magnitude: s.v3Factor }],
        peers: ids.filter((x) => x !== ids[i]),
        remoteRegions: [],
        v1DurationFactor: 1,
        warn: () => {},
      }),
  );
  const store = new Scrapes();
  for (let sec = 0; sec <= seconds; sec++) {
    const now = SIM_T0 + sec * 1000;
    for (const n of nodes) n.tick(now);
    if (sec % scrapeS === 0) for (const n of nodes) await store.scrape(n, now);
  }
  // Mirrors createInsightsProvider().rollout(): buildVersionSamples → compareVersions → judgeCanary → decideRollout.
  const rs = {
    v1Migration: store.histogram(V1_MIGRATION),
    v3Migration: store.histogram(V3_MIGRATION),
    v1Compression: store.histogram(V1_COMPRESSION),
    v3Compression: store.points(V3_COMPRESSION),
    slaCompliance: store.points(SLA),
    rolloutProgress: [],
  };
  const { v1, v3 } = buildVersionSamples(rs);
  compareVersions(v1, v3);
  const verdicts = judgeCanary([
    { spec: ROLLOUT_METRIC_SPECS[0]!, baseline: v1.latencySeconds, canary: v3.latencySeconds },
    { spec: ROLLOUT_METRIC_SPECS[1]!, baseline: v1.compressionRatio ?? [], canary: v3.compressionRatio ?? [] },
  ]);
  const result = decideRollout({ sla: buildSlaChecks(rs.slaCompliance), judgements: verdicts });
  return {
    result,
    v1: v1.latencySeconds.length,
    v3: v3.latencySeconds.length,
    ratio: medianOf(v3.latencySeconds) / medianOf(v1.latencySeconds),
  };
}

async function simulatorTable(seeds: number, seed0: number, seconds: number, scrapeS: number): Promise<string[]> {
  const t: Tally = { rows: [], examples: [], falseGoWorst: 0, falseNoGoWorst: 0 };
  const start = process.hrtime.bigint();
  const ratios: string[] = [];
  let runs = 0;
  for (const s of SIM_SCENARIOS) {
    const results: DecisionResult[] = [];
    let v1Min = Infinity;
    let v3Min = Infinity;
    const r: number[] = [];
    for (let k = 0; k < seeds; k++) {
      const run = await runSim(s, seed0 + k, seconds, scrapeS);
      results.push(run.result);
      v1Min = Math.min(v1Min, run.v1);
      v3Min = Math.min(v3Min, run.v3);
      r.push(run.ratio);
      runs++;
    }
    tally(t, s.name, s.truth, `${v1Min}/${v3Min}`, results);
    ratios.push(`${s.name} ${medianOf(r).toFixed(3)} (true ${s.v3Factor})`);
  }
  const elapsedMs = Number(process.hrtime.bigint() - start) / 1e6;
  return render(
    `## Rollout decisions on the simulator (${seeds} seeds per scenario from ${seed0}, 3 SimNodes, rollout 50 %, ${seconds} s of 1 s ticks, scrape every ${scrapeS} s; judged: migration_duration, compression; SLA from dwcp_v3_sla_compliance)`,
    'min samples v1/v3',
    t,
    [
      'noisy = nodes on datacenter + internet + hybrid links (SimNode has no variance knob; heterogeneous links are its noise).',
      `median over seeds of median(v3) / median(v1) per-interval migration means: ${ratios.join('; ')}`,
      `time: ${runs} simulator runs in ${(elapsedMs / 1000).toFixed(1)} s (${(elapsedMs / runs).toFixed(0)} ms per run incl. ticks, scrapes and the decision)`,
    ],
  );
}

function opt(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? undefined : process.argv[i + 1];
}

async function main(): Promise<void> {
  const trials = Math.floor(arg('trials', 200));
  const seed = Math.floor(arg('seed', 20240601));
  const simSeeds = Math.floor(arg('sim-seeds', 30));
  const simSeconds = Math.floor(arg('sim-seconds', 60));
  const scrape = Math.floor(arg('scrape', 5));
  const only = opt('only');
  if (only !== undefined && only !== 'dist' && only !== 'sim') throw new Error('--only takes dist or sim');
  const out: string[] = [];
  if (only !== 'sim') out.push(...distributionTable(trials, seed), '');
  if (only !== 'dist') out.push(...(await simulatorTable(simSeeds, seed, simSeconds, scrape)));
  process.stdout.write(out.join('\n') + '\n');
}

await main();
