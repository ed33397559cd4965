/**
 * `npm run bench:forecast`: backtest of the forecasting models on real NAB series (realAWSCloudwatch
 * ec2_cpu_utilization_*, ec2_network_in_*, rds_cpu_utilization_*; 5-minute samples, ~14 days each).
 *
 * Rolling origin (Hyndman & Athanasopoulos, FPP3 §5.10 "time series cross-validation"): each series is put on a
 * 5-minute grid (resample.ts; NAB timestamps drift a little), the first origin is after 7 days (2 016 samples),
 * the models are fitted on everything before the origin (expanding window), forecast H = 288 steps (1 day),
 * and the origin slides by 1 day while a full day of actuals remains (7 origins per 14-day series).
 *
 * Models: naive (last value; the in-run anchor), seasonal naive (value one day earlier, m = 288), OLS trend on
 * the real timestamps (linear.ts), additive Holt-Winters with m = 288 (holt-winters.ts).
 * Intervals: naive σ√h and seasonal naive σ√(k+1) from their own in-sample residuals (FPP3 §5.5, Table 5.2),
 * OLS t-intervals, Holt-Winters ETS(A,A,A) analytic variance.
 *
 * Metrics: MASE = mean |error| / in-sample MAE of the one-step naive forecast on the training part (Hyndman &
 * Koehler 2006), averaged over origins and then files — the headline, because CPU series near 0 % make MAPE
 * explode; sMAPE = mean 200|e|/(|y| + |ŷ|); MAPE = mean 100|e|/|y| over y ≠ 0 (median over files);
 * coverage = share of actuals inside the 80 %/95 % intervals (pooled). Ratios in the table are MASE / naive MASE
 * (lower is better). Progress to stderr, tables to stdout, JSON to bench/results/forecast.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { planCapacity } from '../src/analysis/forecast/capacity.ts';
import { fitHoltWinters, forecastHoltWinters } from '../src/analysis/forecast/holt-winters.ts';
import { fitLinear, predictLinear } from '../src/analysis/forecast/linear.ts';
import { normalQuantile } from '../src/math/normal.ts';
import { resampleFixedStep } from '../src/analysis/forecast/resample.ts';
import type { NabDataFile } from '../src/eval/nab-data.ts';
import { loadNabCorpus } from '../src/eval/nab-data.ts';
import { renderTable } from './table.ts';

const STEP_MS = 5 * 60_000;
const SEASON = 288;
const FIRST_ORIGIN = 7 * SEASON;
const H = SEASON;
const SHORT_H = 12;
const FILES = /^realAWSCloudwatch\/(ec2_cpu_utilization_|ec2_network_in_|rds_cpu_utilization_)/;
const LEVELS = [0.8, 0.95] as const;

interface Interval {
  readonly mean: number;
  readonly lower: readonly number[];
  readonly upper: readonly number[];
}
/** A fitted model: forecast h ≥ 1 steps after the training end with intervals at LEVELS. */
type Forecaster = (h: number) => Interval;
interface Model {
  readonly name: string;
  fit(train: Float64Array, trainTimesMs: Float64Array): Forecaster;
}

const Z = LEVELS.map((l) => normalQuantile(0.5 + l / 2));

function residualSigma(train: Float64Array, lag: number): number {
  let s = 0;
  let c = 0;
  for (let t = lag; t < train.length; t++) {
    const e = train[t]! - train[t - lag]!;
    s += e * e;
    c++;
  }
  return Math.sqrt(s / Math.max(1, c - 1));
}

const MODELS: readonly Model[] = [
  {
    name: 'naive (last value)',
    fit(train) {
      const last = train[train.length - 1]!;
      const sigma = residualSigma(train, 1);
      return (h) => ({
        mean: last,
        lower: Z.map((z) => last - z * sigma * Math.sqrt(h)),
        upper: Z.map((z) => last + z * sigma * Math.sqrt(h)),
      });
    },
  },
  {
    name: 'seasonal naive (1 day)',
    fit(train) {
      const sigma = residualSigma(train, SEASON);
      const n = train.length;
      return (h) => {
        const k = Math.floor((h - 1) / SEASON);
        const mean = train[n - SEASON * (k + 1) + h - 1]!;
        const sd = sigma * Math.sqrt(k + 1);
        return { mean, lower: Z.map((z) => mean - z * sd), upper: Z.map((z) => mean + z * sd) };
      };
    },
  },
  {
    name: 'linear (OLS, t-interval)',
    fit(train, times) {
      const fit = fitLinear(times, train);
      const lastMs = times[times.length - 1]!;
      return (h) => {
        const ps = LEVELS.map((l) => predictLinear(fit, lastMs + h * STEP_MS, l));
        return { mean: ps[0]!.mean, lower: ps.map((p) => p.lower), upper: ps.map((p) => p.upper) };
      };
    },
  },
  {
    name: 'holt-winters (m=288)',
    fit(train) {
      const fit = fitHoltWinters(train, { seasonLength: SEASON });
      return (h) => {
        const ps = LEVELS.map((l) => forecastHoltWinters(fit, h, l));
        return { mean: ps[0]!.mean, lower: ps.map((p) => p.lower), upper: ps.map((p) => p.upper) };
      };
    },
  },
];

/** Error sums for one (model, file, horizon range). */
class Acc {
  maseSum = 0;
  origins = 0;
  smape = 0;
  smapeN = 0;
  ape = 0;
  apeN = 0;
  inside = LEVELS.map(() => 0);
  n = 0;
  addOrigin(absErrSum: number, count: number, scale: number): void {
    this.maseSum += absErrSum / count / scale;
    this.origins++;
  }
  add(y: number, f: Interval): void {
    const e = Math.abs(y - f.mean);
    const den = Math.abs(y) + Math.abs(f.mean);
    if (den > 0) {
      this.smape += (200 * e) / den;
      this.smapeN++;
    }
    if (y !== 0) {
      this.ape += (100 * e) / Math.abs(y);
      this.apeN++;
    }
    LEVELS.forEach((_, i) => {
      if (y >= f.lower[i]! && y <= f.upper[i]!) this.inside[i] = this.inside[i]! + 1;
    });
    this.n++;
  }
  get mase(): number {
    return this.maseSum / this.origins;
  }
}

function progress(msg: string): void {
  process.stderr.write(`[bench:forecast] ${msg}\n`);
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const k = s.length >> 1;
  return s.length % 2 ? s[k]! : (s[k - 1]! + s[k]!) / 2;
}

function evaluateFile(
  f: NabDataFile,
  accs: Map<string, { short: Acc; day: Acc }>,
  fitMs: Map<string, number>,
): number {
  const grid = resampleFixedStep(f.timestampsMs, f.values, { stepMs: STEP_MS });
  const y = grid.values;
  const times = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) times[i] = grid.startMs + i * STEP_MS;
  let origins = 0;
  for (let o = FIRST_ORIGIN; o + H <= y.length; o += SEASON) {
    origins++;
    const train = y.subarray(0, o);
    let scale = 0;
    for (let t = 1; t < o; t++) scale += Math.abs(train[t]! - train[t - 1]!);
    scale /= o - 1;
    if (!(scale > 0)) scale = Number.EPSILON;
    for (const m of MODELS) {
      const t0 = performance.now();
      const fc = m.fit(train, times.subarray(0, o));
      fitMs.set(m.name, (fitMs.get(m.name) ?? 0) + performance.now() - t0);
      const a = accs.get(m.name)!;
      let absShort = 0;
      let absDay = 0;
      for (let h = 1; h <= H; h++) {
        const p = fc(h);
        const actual = y[o + h - 1]!;
        const e = Math.abs(actual - p.mean);
        a.day.add(actual, p);
        absDay += e;
        if (h <= SHORT_H) {
          a.short.add(actual, p);
          absShort += e;
        }
      }
      a.day.addOrigin(absDay, H, scale);
      a.short.addOrigin(absShort, SHORT_H, scale);
    }
  }
  return origins;
}

interface Summary {
  readonly mase: number;
  readonly smape: number;
  readonly mapeMedian: number;
  readonly coverage80: number;
  readonly coverage95: number;
}

function summarise(perFile: readonly Acc[]): Summary {
  const inside = LEVELS.map((_, i) => perFile.reduce((s, a) => s + a.inside[i]!, 0));
  const n = perFile.reduce((s, a) => s + a.n, 0);
  return {
    mase: perFile.reduce((s, a) => s + a.mase, 0) / perFile.length,
    smape: perFile.reduce((s, a) => s + a.smape, 0) / perFile.reduce((s, a) => s + a.smapeN, 0),
    mapeMedian: median(perFile.map((a) => a.ape / Math.max(1, a.apeN))),
    coverage80: inside[0]! / n,
    coverage95: inside[1]! / n,
  };
}

async function main(): Promise<void> {
  const t0 = performance.now();
  progress('loading corpus');
  const corpus = await loadNabCorpus();
  const files = corpus.files.filter((f) => FILES.test(f.name));
  if (files.length === 0)
    throw new Error('no realAWSCloudwatch ec2_cpu/ec2_network_in/rds_cpu files in the NAB corpus');
  const perFile = new Map<string, Map<string, { short: Acc; day: Acc }>>();
  const fitMs = new Map<string, number>();
  let totalOrigins = 0;
  for (const f of files) {
    const accs = new Map(MODELS.map((m) => [m.name, { short: new Acc(), day: new Acc() }]));
    const origins = evaluateFile(f, accs, fitMs);
    totalOrigins += origins;
    perFile.set(f.name, accs);
    progress(`${f.name}: ${origins} origins`);
  }
  const summaries: Record<
    string,
    { horizon1h: Summary; horizon1d: Summary; fitMsPerOrigin: number; perFileMase1d: Record<string, number> }
  > = {};
  for (const m of MODELS) {
    const accs = [...perFile.values()].map((x) => x.get(m.name)!);
    summaries[m.name] = {
      horizon1h: summarise(accs.map((a) => a.short)),
      horizon1d: summarise(accs.map((a) => a.day)),
      fitMsPerOrigin: (fitMs.get(m.name) ?? 0) / totalOrigins,
      perFileMase1d: Object.fromEntries(
        [...perFile.entries()].map(([name, x]) => [name, x.get(m.name)!.day.mase]),
      ),
    };
  }
  const pct = (v: number): string => (100 * v).toFixed(1) + ' %';
  for (const [key, title] of [
    ['horizon1h', `Forecast accuracy, 1 hour ahead (h = 1..${SHORT_H})`],
    ['horizon1d', `Forecast accuracy, 1 day ahead (h = 1..${H})`],
  ] as const) {
    process.stdout.write(
      renderTable({
        title: `${title}: ${files.length} NAB AWS series, ${totalOrigins} rolling origins`,
        anchor: MODELS[0]!.name,
        rows: MODELS.map((m) => {
          const s = summaries[m.name]![key];
          return {
            name: m.name,
            value: s.mase,
            unit: 'MASE',
            extra: {
              sMAPE: s.smape.toFixed(1) + ' %',
              'MAPE (median file)': s.mapeMedian.toFixed(1) + ' %',
              'cov 80 %': pct(s.coverage80),
              'cov 95 %': pct(s.coverage95),
              'fit ms/origin': summaries[m.name]!.fitMsPerOrigin.toFixed(1),
            },
          };
        }),
        goal: 'MASE ratio < 1.00x beats the naive anchor (lower is better); coverage should be near 80 % / 95 %',
      }) + '\n',
    );
  }
  const fileRows = [...perFile.keys()].map((name) => [
    name.replace('realAWSCloudwatch/', ''),
    ...MODELS.map((m) => summaries[m.name]!.perFileMase1d[name]!.toFixed(2)),
  ]);
  const header = ['file (MASE, 1 day)', ...MODELS.map((m) => m.name)];
  const widths = header.map((h, i) => Math.max(h.length, ...fileRows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string =>
    '| ' + cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ') + ' |';
  process.stdout.write(
    [
      '## Per file',
      '',
      line(header),
      '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|',
      ...fileRows.map(line),
      '',
    ].join('\n') + '\n',
  );

  // The capacity planner on the full CPU series (values are already % utilisation).
  const plans: Record<string, unknown>[] = [];
  const planRows: string[][] = [];
  for (const f of files.filter((x) => /cpu/.test(x.name))) {
    const t = performance.now();
    const plan = planCapacity(
      { timestampsMs: f.timestampsMs, values: f.values },
      { nodes: 10 },
      f.timestampsMs[f.rows - 1]!,
    );
    const ms = performance.now() - t;
    if (plan.status !== 'ok') continue;
    const f90 = plan.forecasts[2]!;
    const d = (v: number | null): string => (v === null ? '>365' : v.toFixed(1));
    planRows.push([
      f.name.replace('realAWSCloudwatch/', ''),
      plan.model,
      plan.currentPct.toFixed(1),
      plan.growthPctPerDay.toFixed(3),
      `${f90.mean.toFixed(0)} [${f90.lower.toFixed(0)}, ${f90.upper.toFixed(0)}]`,
      `${d(plan.warning.expected)} / ${d(plan.warning.conservative)}`,
      plan.recommendation.action,
      ms.toFixed(0),
    ]);
    plans.push({ file: f.name, ms, ...plan });
  }
  const ph = [
    'file',
    'model',
    'now %',
    'growth %/day',
    'F90 % [95 % PI]',
    'days to 80 % exp/cons',
    'action',
    'ms',
  ];
  const pw = ph.map((h, i) => Math.max(h.length, ...planRows.map((r) => r[i]!.length)));
  const pl = (cells: string[]): string => '| ' + cells.map((c, i) => c.padEnd(pw[i]!)).join(' | ') + ' |';
  process.stdout.write(
    [
      '## Capacity planner on the full CPU series (default options, 10 nodes)',
      '',
      pl(ph),
      '|' + pw.map((w) => '-'.repeat(w + 2)).join('|') + '|',
      ...planRows.map(pl),
      '',
    ].join('\n') + '\n',
  );

  const out = {
    generatedBy: 'npm run bench:forecast',
    nabDir: corpus.dir,
    setup: {
      files: files.map((f) => f.name),
      stepMs: STEP_MS,
      seasonLength: SEASON,
      firstOrigin: FIRST_ORIGIN,
      horizonSteps: H,
      shortHorizonSteps: SHORT_H,
      originStep: SEASON,
      totalOrigins,
      levels: LEVELS,
    },
    metrics:
      'MASE (scale: in-sample one-step naive MAE) mean over files; sMAPE pooled; MAPE median over files (y ≠ 0); coverage pooled',
    anchor: MODELS[0]!.name,
    models: summaries,
    capacityPlans: plans,
  };
  const outDir = path.join(process.cwd(), 'bench', 'results');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(path.join(outDir, 'forecast.json'), JSON.stringify(out, null, 2) + '\n');
  progress(`wrote bench/results/forecast.json in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

await main();
