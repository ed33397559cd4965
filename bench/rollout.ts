/**
 * Rollout decision benchmark: simulated v1 (baseline) / v3 (canary) sample sets with known ground truth, judged
 * with the Mann-Whitney canary judge and decided GO / CAUTION / NO-GO. Reports per scenario the share of each
 * decision, the false GO rate on regressions ≥ 10 % and the false NO-GO rate on equal-or-better canaries.
 * Goals (issue): false GO = 0 on regressions ≥ 10 %, false NO-GO ≤ 5 % on equal-or-better.
 *
 * Run: `npx tsx bench/rollout.ts [--trials 200] [--seed 20240601]`. Deterministic for a given seed.
 */
import { decideRollout } from '../src/analysis/canary/decision.ts';
import type { DecisionResult, SlaCheck } from '../src/analysis/canary/decision.ts';
import { judgeCanary } from '../src/analysis/canary/judge.ts';
import type { MetricSamples, MetricSpec } from '../src/analysis/canary/judge.ts';
import { quantileSorted, sortedFinite } from '../src/analysis/canary/percentile.ts';
import { Prng } from '../src/sim/prng.ts';

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

function main(): void {
  const trials = Math.floor(arg('trials', 200));
  const seed = Math.floor(arg('seed', 20240601));
  const rng = new Prng(seed);
  const rows: string[][] = [];
  const examples: string[] = [];
  let falseGoWorst = 0;
  let falseNoGoWorst = 0;
  let decisions = 0;
  const start = process.hrtime.bigint();
  for (const s of SCENARIOS) {
    const count = { GO: 0, CAUTION: 0, 'NO-GO': 0 };
    let example: DecisionResult | null = null;
    for (let t = 0; t < trials; t++) {
      const r = runTrial(rng, s);
      count[r.decision]++;
      decisions++;
      if (t === 0) example = r;
    }
    const share = (k: keyof typeof count): string => `${((100 * count[k]) / trials).toFixed(1)} %`;
    const falseGo = s.truth === 'regression' ? count.GO / trials : null;
    const falseNoGo = s.truth === 'equal' || s.truth === 'better' ? count['NO-GO'] / trials : null;
    if (falseGo !== null) falseGoWorst = Math.max(falseGoWorst, falseGo);
    if (falseNoGo !== null) falseNoGoWorst = Math.max(falseNoGoWorst, falseNoGo);
    rows.push([
      s.name,
      s.truth,
      String(s.n),
      share('GO'),
      share('CAUTION'),
      share('NO-GO'),
      falseGo === null ? '' : `${(falseGo * 100).toFixed(1)} %`,
      falseNoGo === null ? '' : `${(falseNoGo * 100).toFixed(1)} %`,
    ]);
    if (example !== null) examples.push(`- ${s.name}: ${example.summary}`);
  }
  const elapsedMs = Number(process.hrtime.bigint() - start) / 1e6;
  const header = ['scenario', 'truth', 'n/version', 'GO', 'CAUTION', 'NO-GO', 'false GO', 'false NO-GO'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]): string => '| ' + cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ') + ' |';
  const out = [
    `## Rollout decisions (${trials} trials per scenario, seed ${seed}, 5 metrics, judge tolerance 25 %, confidence 98 %)`,
    '',
    line(header),
    '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|',
    ...rows.map(line),
    '',
    `worst false GO rate on regressions >= 10 %: ${(falseGoWorst * 100).toFixed(1)} % (goal 0 %) — ${falseGoWorst === 0 ? 'met' : 'NOT met'}`,
    `worst false NO-GO rate on equal-or-better: ${(falseNoGoWorst * 100).toFixed(1)} % (goal <= 5 %) — ${falseNoGoWorst <= 0.05 ? 'met' : 'NOT met'}`,
    `time: ${decisions} decisions in ${(elapsedMs / 1000).toFixed(1)} s (${(elapsedMs / decisions).toFixed(2)} ms per decision incl. sample generation)`,
    '',
    'first trial of each scenario:',
    ...examples,
  ];
  process.stdout.write(out.join('\n') + '\n');
}

main();
