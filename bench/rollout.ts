/**
 * Rollout decision benchmark under continuous monitoring: runs with known ground truth, each looked at every 15 s
 * (the monitor's recomputation period) for up to `--minutes` simulated minutes per stage, decided by the same code
 * as GET /api/rollout (`computeRolloutStatus` of src/monitor/rollout-status.ts: the mixture-SPRT confidence
 * sequences of the stage since its start). Per scenario and stage: share of runs that reached GO / NO-GO within the
 * horizon, any false GO (truth a regression ≥ 10 %), any false NO-GO (truth equal or better), 95 % Clopper-Pearson
 * intervals on the rates, and the time-to-decision distribution (p50 / p95 of the decided runs).
 *
 * Goals: false GO 0 % on regressions ≥ 10 %; false NO-GO ≤ 2 %; GO on ≥ 90 % of equal-or-better runs within 10
 * simulated minutes per stage.
 *
 * 1. `stream`: synthetic per-second migration streams (VM sizes 2/8/32 GiB uniform, 4 migrations/s per node,
 *    per-node link speed drawn once, per-migration jitter `--jitter`, default 3 % as the simulator), with the
 *    duration histograms and the guest-memory counters, the same observation structure as the simulator at a
 *    fraction of the cost, so many more runs (type-I error under continuous monitoring near the boundary).
 * 2. `sim`: SimNodes (injected clock, 1 s ticks, `v1DurationFactor` 1 so that v1 = v3 unless a `v3_regression`
 *    fault of magnitude m makes v3 migrations m times as long; the default design's 1.3 is its own scenario),
 *    scraped every `--scrape` s into stored-series stand-ins. "node canary": every node on v1 for `--baseline`
 *    minutes, then half the nodes at 100 % (v3 only) and half at 0 % (v1 only), which also fills the node-level
 *    throughput / CPU / memory figures.
 *
 * Run: `npx tsx bench/rollout.ts [--seeds 100] [--stream-runs 400] [--seed 20240601] [--minutes 10] [--scrape 5]
 * [--nodes 6] [--stages 10,25,50] [--margin 7.5] [--jitter 0.03] [--judge per-gib|duration] [--baseline 10] [--only stream|sim]
 * [--scenarios a,b]`. `--judge duration` hides the guest-memory counters from the decision, which then judges
 * duration per migration (what an agent without those counters gets). Deterministic for given options. The
 * default scrape of 5 s (the monitor scrapes every 1 s) gives the same cumulative sums at every look and 5 times
 * fewer series points to build.
 */
import { getMetric, type MetricName } from '../src/catalog/index.ts';
import { incompleteBeta } from '../src/math/beta.ts';
import { quantileSorted } from '../src/math/quantile.ts';
import type { HistogramSeries } from '../src/monitor/rollout-inputs.ts';
import {
  computeRolloutStatus,
  type RolloutReadSeries,
  type RolloutResult,
} from '../src/monitor/rollout-status.ts';
import { linkProfile, type LinkClass } from '../src/sim/link-model.ts';
import { SimNode } from '../src/sim/node.ts';
import { Prng } from '../src/sim/prng.ts';
import type { SeriesPoints } from '../src/store/types.ts';

type Truth = 'better' | 'equal' | 'minor' | 'regression';

interface Outcome {
  /** First look at which every judged metric had been shown non-inferior (the evidence alone, before the SLA checks). */
  readonly evidenceAfterMs: number | null;
  readonly goAfterMs: number | null;
  readonly noGoAfterMs: number | null;
  readonly firstAfterMs: number | null;
  readonly final: RolloutResult;
}

// ---------- options ----------

function opt(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? undefined : process.argv[i + 1];
}
function num(name: string, fallback: number): number {
  const v = opt(name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} needs a positive number`);
  return n;
}
const SEEDS = Math.floor(num('seeds', 100));
const STREAM_RUNS = Math.floor(num('stream-runs', 400));
const SEED = Math.floor(num('seed', 20240601));
const MINUTES = num('minutes', 10);
const SCRAPE_S = Math.floor(num('scrape', 5));
const NODES = Math.floor(num('nodes', 6));
const STAGES = (opt('stages') ?? '10,25,50').split(',').map(Number);
const ONLY = opt('only');
const PICK = opt('scenarios')?.split(',');
const MARGIN = num('margin', 7.5);
const JITTER = num('jitter', 0.03);
const JUDGE = opt('judge') ?? 'per-gib';
/** Node canary: minutes every node runs v1 before half of them switch to v3 (0: no baseline before the stage). */
const BASELINE_S = Math.round(60 * Number(opt('baseline') ?? 10));
if (!(BASELINE_S >= 0)) throw new Error('--baseline takes minutes >= 0');
if (JUDGE !== 'per-gib' && JUDGE !== 'duration') throw new Error('--judge takes per-gib or duration');
if (ONLY !== undefined && ONLY !== 'stream' && ONLY !== 'sim') throw new Error('--only takes stream or sim');
if (STAGES.some((s) => !(s > 0 && s < 100))) throw new Error('--stages takes percentages in (0, 100)');
const HORIZON_MS = MINUTES * 60_000;
const T0 = Date.UTC(2026, 0, 1);

// ---------- statistics of the table ----------

/** 95 % Clopper-Pearson interval of k successes in n (bisection on the regularized incomplete beta). */
function clopperPearson(k: number, n: number): [number, number] {
  const inv = (a: number, b: number, p: number): number => {
    let lo = 0;
    let hi = 1;
    for (let i = 0; i < 100; i++) {
      const mid = (lo + hi) / 2;
      if (incompleteBeta(a, b, mid) < p) lo = mid;
      else hi = mid;
    }
    return (lo + hi) / 2;
  };
  return [k === 0 ? 0 : inv(k, n - k + 1, 0.025), k === n ? 1 : inv(k + 1, n - k, 0.975)];
}
const pc = (x: number): string => `${(100 * x).toFixed(1)}`;
function rate(k: number, n: number): string {
  const [lo, hi] = clopperPearson(k, n);
  return `${pc(k / n)} % [${pc(lo)}, ${pc(hi)}]`;
}
function minutes(ms: readonly number[], q: number): string {
  if (ms.length === 0) return '–';
  const s = [...ms].sort((a, b) => a - b);
  return (quantileSorted(s, q) / 60_000).toFixed(1);
}

interface Row {
  readonly scenario: string;
  readonly truth: Truth;
  readonly stage: number;
  readonly outcomes: readonly Outcome[];
}

function table(title: string, rows: readonly Row[], notes: readonly string[]): string[] {
  const header = [
    'scenario',
    'truth',
    'stage',
    'runs',
    `evidence ≤ ${MINUTES} min`,
    `GO ≤ ${MINUTES} min`,
    `NO-GO ≤ ${MINUTES} min`,
    'false GO',
    'false NO-GO',
    'decided',
    't50 min',
    't95 min',
  ];
  const lines = rows.map((r) => {
    const n = r.outcomes.length;
    const evidence = r.outcomes.filter(
      (o) => o.evidenceAfterMs !== null && o.evidenceAfterMs <= HORIZON_MS,
    ).length;
    const go = r.outcomes.filter((o) => o.goAfterMs !== null && o.goAfterMs <= HORIZON_MS).length;
    const nogo = r.outcomes.filter((o) => o.noGoAfterMs !== null && o.noGoAfterMs <= HORIZON_MS).length;
    const anyGo = r.outcomes.filter((o) => o.goAfterMs !== null).length;
    const anyNoGo = r.outcomes.filter((o) => o.noGoAfterMs !== null).length;
    const times = r.outcomes.map((o) => o.firstAfterMs).filter((t): t is number => t !== null);
    return [
      r.scenario,
      r.truth,
      `${r.stage} %`,
      String(n),
      rate(evidence, n),
      rate(go, n),
      rate(nogo, n),
      r.truth === 'regression' ? rate(anyGo, n) : '',
      r.truth === 'better' || r.truth === 'equal' ? rate(anyNoGo, n) : '',
      `${pc(times.length / n)} %`,
      minutes(times, 0.5),
      minutes(times, 0.95),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (cells: readonly string[]): string =>
    '| ' + cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ') + ' |';
  const agg = (truths: readonly Truth[], pick: (o: Outcome) => boolean): string => {
    const os = rows.filter((r) => truths.includes(r.truth)).flatMap((r) => r.outcomes);
    return os.length === 0 ? 'n/a' : rate(os.filter(pick).length, os.length);
  };
  return [
    title,
    '',
    fmt(header),
    '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|',
    ...lines.map(fmt),
    '',
    `pooled false GO on regressions >= 10 %: ${agg(['regression'], (o) => o.goAfterMs !== null)} (goal 0 %)`,
    `pooled false NO-GO on equal-or-better: ${agg(['equal', 'better'], (o) => o.noGoAfterMs !== null)} (goal <= 2 %)`,
    `pooled GO within ${MINUTES} min on equal-or-better: ${agg(['equal', 'better'], (o) => o.goAfterMs !== null && o.goAfterMs <= HORIZON_MS)} (goal >= 90 %)`,
    'rates with 95 % Clopper-Pearson intervals; evidence: every judged metric shown non-inferior at some look (the statistical evidence for GO, before the SLA checks); t50/t95: time to the first GO or NO-GO over the decided runs, minutes of evidence.',
    ...notes,
  ];
}

function outcomeOf(s: RolloutResult): Outcome {
  const e = s.evidence;
  const after = (t: number | null): number | null => (t === null ? null : t - e.startMs);
  const firsts = e.metrics.map((m) => m.firstNonInferiorMs);
  const evidenceAt =
    firsts.length > 0 && firsts.every((t) => t !== null) ? Math.max(...(firsts as number[])) : null;
  return {
    evidenceAfterMs: after(evidenceAt),
    goAfterMs: after(e.firstGoAtMs),
    noGoAfterMs: after(e.firstNoGoAtMs),
    firstAfterMs: e.firstDecision?.afterMs ?? null,
    final: s,
  };
}

// ---------- stored-series stand-ins ----------

/** One growing SeriesPoints per (sample name, labels), as the store would return them. */
class SeriesBook {
  private readonly series = new Map<
    string,
    { name: string; labels: Record<string, string>; t: number[]; v: number[] }
  >();

  push(sample: string, labels: Record<string, string>, tMs: number, value: number): void {
    let key = sample;
    for (const k in labels) key += `,${k}=${labels[k]}`;
    let s = this.series.get(key);
    if (!s) this.series.set(key, (s = { name: sample, labels, t: [], v: [] }));
    s.t.push(tMs);
    s.v.push(value);
  }

  points(sample: string, match: Record<string, string> = {}): SeriesPoints[] {
    const out: SeriesPoints[] = [];
    let id = 0;
    for (const [key, s] of this.series) {
      if (s.name !== sample || Object.entries(match).some(([k, v]) => s.labels[k] !== v)) continue;
      out.push({ series: { id: id++, key, name: s.name, labels: s.labels }, timestampsMs: s.t, values: s.v });
    }
    return out;
  }

  histogram(name: string, match: Record<string, string> = {}): HistogramSeries {
    return { sum: this.points(`${name}_sum`, match), count: this.points(`${name}_count`, match) };
  }
}

const n = (name: MetricName): string => getMetric(name).name;

/** The series the provider reads, from a book. */
function readSeries(b: SeriesBook): RolloutReadSeries {
  return {
    v1Migration: b.histogram(n('dwcp_migration_duration_seconds'), { dwcp_enabled: 'true' }),
    v3Migration: b.histogram(n('dwcp_v3_migration_duration_seconds')),
    // --judge duration leaves the memory counters out: the evidence then judges duration per migration.
    v1MigrationMemory:
      JUDGE === 'duration' ? [] : b.points(n('dwcp_migration_memory_bytes_total'), { dwcp_enabled: 'true' }),
    v3MigrationMemory: JUDGE === 'duration' ? [] : b.points(n('dwcp_v3_migration_memory_bytes_total')),
    v1Compression: b.histogram(n('dwcp_hde_compression_ratio')),
    v3Compression: b.points(n('dwcp_v3_compression_ratio')),
    slaCompliance: b.points(n('dwcp_v3_sla_compliance')),
    rolloutProgress: b.points(n('dwcp_v3_rollout_progress_percent')),
    v3Enabled: b.points(n('dwcp_system_config_enabled'), { feature: 'v3_enabled' }),
    utilization: b.points(n('dwcp_v3_resource_utilization_percent')),
    throughputTx: b.points(n('dwcp_v3_throughput_bytes_per_second'), { direction: 'tx' }),
    hdeOriginal: b.points(n('dwcp_hde_bytes_original_total')),
    hdeCompressed: b.points(n('dwcp_hde_bytes_compressed_total')),
    v1Cpu: b.points(n('dwcp_migration_cpu_seconds_total'), { dwcp_enabled: 'true' }),
    v3Cpu: b.points(n('dwcp_v3_migration_cpu_seconds_total')),
    v1HostMemory: b.histogram(n('dwcp_migration_host_memory_peak_bytes'), { dwcp_enabled: 'true' }),
    v3HostMemory: b.histogram(n('dwcp_v3_migration_host_memory_peak_bytes')),
    v1Sent: b.points(n('dwcp_migration_sent_bytes_total'), { dwcp_enabled: 'true' }),
    v3Sent: b.points(n('dwcp_v3_migration_sent_bytes_total')),
  };
}

/** Decides like GET /api/rollout?window=<horizon> at the end of the run (the path inside gives every look). */
function decide(b: SeriesBook, endMs: number): RolloutResult {
  return computeRolloutStatus(
    readSeries(b),
    { startMs: endMs - HORIZON_MS, endMs },
    T0,
    { maxPoints: Number.MAX_SAFE_INTEGER, sequential: { marginPercent: MARGIN } },
    [],
    [],
  );
}

// ---------- 1. synthetic streams ----------

const VM_GIB = [2, 8, 32];

/** One run: `NODES` nodes, per second Poisson(4·share) v3 and Poisson(4·(1−share)) v1 migrations; v3 × factor. */
function streamRun(rng: Prng, stage: number, factor: number): Outcome {
  const b = new SeriesBook();
  const share = stage / 100;
  const speed = Array.from({ length: NODES }, () => 1 + rng.uniform(0, 3)); // GiB/s per node
  const cum = Array.from({ length: NODES }, () => ({
    s1: 0,
    c1: 0,
    b1: 0,
    s3: 0,
    c3: 0,
    b3: 0,
    r1: 0,
    k1: 0,
  }));
  const jitter = (): number => Math.max(0.05, 1 + rng.gaussian(0, JITTER));
  const seconds = HORIZON_MS / 1000;
  for (let sec = 0; sec <= seconds; sec++) {
    const t = T0 + sec * 1000;
    for (let i = 0; i < NODES; i++) {
      const c = cum[i]!;
      const labels = { node: `n${i}` };
      if (sec > 0) {
        for (let k = rng.poisson(4 * share); k > 0; k--) {
          const gib = VM_GIB[rng.int(0, 2)]!;
          c.s3 += (gib / speed[i]!) * factor * jitter();
          c.c3++;
          c.b3 += gib * 2 ** 30;
        }
        for (let k = rng.poisson(4 * (1 - share)); k > 0; k--) {
          const gib = VM_GIB[rng.int(0, 2)]!;
          c.s1 += (gib / speed[i]!) * jitter();
          c.c1++;
          c.b1 += gib * 2 ** 30;
        }
        for (let k = 0; k < 2; k++) {
          c.r1 += 3 * (1 + rng.gaussian(0, 0.03));
          c.k1++;
        }
      }
      if (sec % SCRAPE_S !== 0) continue;
      b.push(`${n('dwcp_migration_duration_seconds')}_sum`, { ...labels, dwcp_enabled: 'true' }, t, c.s1);
      b.push(`${n('dwcp_migration_duration_seconds')}_count`, { ...labels, dwcp_enabled: 'true' }, t, c.c1);
      b.push(`${n('dwcp_v3_migration_duration_seconds')}_sum`, labels, t, c.s3);
      b.push(`${n('dwcp_v3_migration_duration_seconds')}_count`, labels, t, c.c3);
      b.push(n('dwcp_migration_memory_bytes_total'), { ...labels, dwcp_enabled: 'true' }, t, c.b1);
      b.push(n('dwcp_v3_migration_memory_bytes_total'), labels, t, c.b3);
      b.push(`${n('dwcp_hde_compression_ratio')}_sum`, labels, t, c.r1);
      b.push(`${n('dwcp_hde_compression_ratio')}_count`, labels, t, c.k1);
      b.push(n('dwcp_v3_compression_ratio'), labels, t, 3 * (1 + rng.gaussian(0, 0.03)));
      b.push(n('dwcp_v3_rollout_progress_percent'), labels, t, stage);
    }
  }
  return outcomeOf(decide(b, T0 + HORIZON_MS));
}

interface StreamScenario {
  readonly name: string;
  readonly truth: Truth;
  readonly factor: number;
}
const STREAM_SCENARIOS: readonly StreamScenario[] = [
  { name: 'better 10 %', truth: 'better', factor: 0.9 },
  { name: 'equal', truth: 'equal', factor: 1 },
  { name: 'worse 5 %', truth: 'minor', factor: 1.05 },
  { name: 'worse 10 %', truth: 'regression', factor: 1.1 },
  { name: 'worse 20 %', truth: 'regression', factor: 1.2 },
];

function streamTable(): string[] {
  const rows: Row[] = [];
  const start = process.hrtime.bigint();
  for (const s of STREAM_SCENARIOS.filter((x) => PICK === undefined || PICK.includes(x.name))) {
    for (const stage of STAGES) {
      const rng = new Prng(SEED + stage * 7919 + Math.round(s.factor * 1000));
      const outcomes: Outcome[] = [];
      for (let k = 0; k < STREAM_RUNS; k++) outcomes.push(streamRun(rng, stage, s.factor));
      rows.push({ scenario: s.name, truth: s.truth, stage, outcomes });
    }
  }
  const sec = Number(process.hrtime.bigint() - start) / 1e9;
  return table(
    `## Synthetic migration streams (${STREAM_RUNS} runs per row, ${NODES} nodes, 4 migrations/s per node, VM sizes 2/8/32 GiB, per-migration jitter ${100 * JITTER} %, judged ${JUDGE === 'duration' ? 'duration per migration' : 'migration time per GiB'}, scrape ${SCRAPE_S} s, looks every 15 s, horizon ${MINUTES} min)`,
    rows,
    [`time: ${rows.length * STREAM_RUNS} runs in ${sec.toFixed(1)} s`],
  );
}

// ---------- 2. simulator ----------

interface SimScenario {
  readonly name: string;
  readonly truth: Truth;
  /** v3_regression magnitude (true v3/v1 duration ratio with v1DurationFactor 1); 1 = no fault. */
  readonly v3Factor: number;
  /** v1 duration factor of the nodes (1 = equal versions; 1.3 = the simulator's default design). */
  readonly v1Factor: number;
  readonly links: 'internet' | 'mixed';
  /**
   * A node canary: every node runs v1 only (0 %) for `--baseline` minutes (the previous stage), then half the nodes
   * switch to v3 only (100 %) while the others stay on v1, instead of every node at the stage percentage.
   */
  readonly nodeCanary?: boolean;
  /** Run at these stages only (default: every `--stages`). */
  readonly stages?: readonly number[];
}

const AT_25 = [25];
const SIM_SCENARIOS: readonly SimScenario[] = [
  { name: 'better 10 %', truth: 'better', v3Factor: 0.9, v1Factor: 1, links: 'internet' },
  { name: 'equal', truth: 'equal', v3Factor: 1, v1Factor: 1, links: 'internet' },
  { name: 'worse 10 %', truth: 'regression', v3Factor: 1.1, v1Factor: 1, links: 'internet' },
  { name: 'worse 20 %', truth: 'regression', v3Factor: 1.2, v1Factor: 1, links: 'internet' },
  { name: 'worse 5 %', truth: 'minor', v3Factor: 1.05, v1Factor: 1, links: 'internet', stages: AT_25 },
  {
    name: 'default design (v1 1.3x slower)',
    truth: 'better',
    v3Factor: 1,
    v1Factor: 1.3,
    links: 'mixed',
    stages: AT_25,
  },
  { name: 'mixed links equal', truth: 'equal', v3Factor: 1, v1Factor: 1, links: 'mixed', stages: AT_25 },
  {
    name: 'mixed links worse 10 %',
    truth: 'regression',
    v3Factor: 1.1,
    v1Factor: 1,
    links: 'mixed',
    stages: AT_25,
  },
  {
    name: 'node canary equal',
    truth: 'equal',
    v3Factor: 1,
    v1Factor: 1,
    links: 'internet',
    nodeCanary: true,
    stages: [50],
  },
  {
    name: 'node canary better 10 %',
    truth: 'better',
    v3Factor: 0.9,
    v1Factor: 1,
    links: 'internet',
    nodeCanary: true,
    stages: [50],
  },
  {
    name: 'node canary worse 10 %',
    truth: 'regression',
    v3Factor: 1.1,
    v1Factor: 1,
    links: 'internet',
    nodeCanary: true,
    stages: [50],
  },
  {
    name: 'mixed links node canary equal',
    truth: 'equal',
    v3Factor: 1,
    v1Factor: 1,
    links: 'mixed',
    nodeCanary: true,
    stages: [50],
  },
];

const SCRAPED: readonly MetricName[] = [
  'dwcp_migration_duration_seconds',
  'dwcp_v3_migration_duration_seconds',
  'dwcp_migration_memory_bytes_total',
  'dwcp_v3_migration_memory_bytes_total',
  'dwcp_hde_compression_ratio',
  'dwcp_v3_compression_ratio',
  'dwcp_v3_sla_compliance',
  'dwcp_v3_rollout_progress_percent',
  'dwcp_system_config_enabled',
  'dwcp_v3_resource_utilization_percent',
  'dwcp_v3_throughput_bytes_per_second',
  'dwcp_hde_bytes_original_total',
  'dwcp_hde_bytes_compressed_total',
  'dwcp_migration_cpu_seconds_total',
  'dwcp_v3_migration_cpu_seconds_total',
  'dwcp_migration_host_memory_peak_bytes',
  'dwcp_v3_migration_host_memory_peak_bytes',
  'dwcp_migration_sent_bytes_total',
  'dwcp_v3_migration_sent_bytes_total',
];
const LINKS: Readonly<Record<SimScenario['links'], readonly LinkClass[]>> = {
  internet: ['internet'],
  mixed: ['datacenter', 'internet', 'hybrid'],
};

/** Reads the scraped metrics of `node` at `tMs` (as a scrape would, with the target label `node`). */
async function scrape(b: SeriesBook, node: SimNode, tMs: number): Promise<void> {
  for (const name of SCRAPED) {
    const metric = node.registry.getSingleMetric(n(name));
    if (!metric) throw new Error(`${name} not registered`);
    for (const row of (await metric.get()).values) {
      const sample = (row as { metricName?: string }).metricName ?? n(name);
      if (sample.endsWith('_bucket')) continue;
      const labels: Record<string, string> = { node: node.id };
      for (const [k, v] of Object.entries(row.labels)) labels[k] = String(v);
      b.push(sample, labels, tMs, row.value);
    }
  }
}

async function simRun(s: SimScenario, stage: number, seed: number): Promise<Outcome> {
  const ids = Array.from({ length: NODES }, (_, i) => `node-${i + 1}`);
  const links = LINKS[s.links];
  const pre = s.nodeCanary ? BASELINE_S : 0;
  const seconds = pre + HORIZON_MS / 1000;
  const nodes = ids.map(
    (id, i) =>
      new SimNode({
        id,
        region: 'sim',
        profile: linkProfile(links[i % links.length]!, new Prng(seed * 7 + i)),
        seed: seed * 1000 + i,
        rolloutPercent: s.nodeCanary ? 0 : stage,
        daySeconds: 86400,
        startMs: T0,
        faults:
          s.v3Factor === 1
            ? []
            : [
                {
                  kind: 'v3_regression',
                  node: i,
                  startMs: 0,
                  durationMs: (seconds + 1) * 1000,
                  magnitude: s.v3Factor,
                },
              ],
        peers: ids.filter((x) => x !== id),
        remoteRegions: [],
        v1DurationFactor: s.v1Factor,
        warn: () => {},
      }),
  );
  const b = new SeriesBook();
  for (let sec = 0; sec <= seconds; sec++) {
    const now = T0 + sec * 1000;
    if (s.nodeCanary && sec === pre) nodes.forEach((x, i) => i % 2 === 1 && x.setRolloutPercent(100));
    for (const x of nodes) x.tick(now);
    if (sec % SCRAPE_S === 0) for (const x of nodes) await scrape(b, x, now);
  }
  return outcomeOf(decide(b, T0 + seconds * 1000));
}

async function simTable(): Promise<string[]> {
  const rows: Row[] = [];
  const figures: string[] = [];
  const start = process.hrtime.bigint();
  let runs = 0;
  for (const s of SIM_SCENARIOS.filter((x) => PICK === undefined || PICK.includes(x.name))) {
    for (const stage of s.stages ?? STAGES) {
      const outcomes: Outcome[] = [];
      for (let k = 0; k < SEEDS; k++) {
        outcomes.push(await simRun(s, stage, SEED + k));
        runs++;
      }
      rows.push({ scenario: s.name, truth: s.truth, stage, outcomes });
      const c = outcomes[0]!.final.comparison;
      const f = (v: number | null): string => (v === null ? 'null' : `${v.toFixed(1)} %`);
      figures.push(
        `- ${s.name} @ ${stage} % (first seed): throughput ${f(c.throughputImprovementPercent)}, CPU ${f(c.cpuImprovementPercent)}, memory ${f(c.memoryImprovementPercent)}, bandwidth saved ${f(c.bandwidthSavedPercent)}, speedup ${c.migrationSpeedup?.toFixed(3) ?? 'null'}` +
          `; evidence ${outcomes[0]!.final.evidence.metrics.map((m) => `${m.metric} ${m.state} ${f(m.degradationPercent)} [${f(m.lowerPercent)}, ${f(m.upperPercent)}]`).join(', ')}` +
          (outcomes[0]!.final.figures.notes.length > 0 ? ` — ${outcomes[0]!.final.figures.notes[0]}` : ''),
      );
      process.stderr.write(`sim ${s.name} @ ${stage} %: ${outcomes.length} runs\n`);
    }
  }
  const sec = Number(process.hrtime.bigint() - start) / 1e9;
  return table(
    `## Simulator (judged ${JUDGE === 'duration' ? 'duration per migration' : 'migration time per GiB'}, ${SEEDS} seeds per row from ${SEED}, ${NODES} SimNodes, 1 s ticks, scrape every ${SCRAPE_S} s, looks every 15 s, horizon ${MINUTES} min per stage)`,
    rows,
    [
      'internet = every node on an internet link (the cheapest node to simulate: 4-16 streams instead of 128); mixed = datacenter + internet + hybrid nodes.',
      'Live comparison figures and stage evidence of the first run of each row:',
      ...figures,
      `time: ${runs} simulator runs in ${sec.toFixed(0)} s`,
    ],
  );
}

const out: string[] = [];
if (ONLY !== 'sim') out.push(...streamTable(), '');
if (ONLY !== 'stream') out.push(...(await simTable()));
process.stdout.write(out.join('\n') + '\n');
