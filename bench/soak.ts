/**
 * `npm run bench:soak`: a simulated cluster with no faults, from a cold start, through the shipped monitor
 * pipeline and every surface an operator sees (src/eval/soak/run.ts), plus the generated Prometheus rules run by
 * the real promtool over the series a Prometheus with the generated configuration would have scraped
 * (bench/soak-rules.ts). Prints every surface's false signals with units and the goals (src/eval/soak/goals.ts),
 * then the faulted counterpart (one fault of each kind: what found it) and the DWCP scenario numbers of the last
 * `npm run bench:detect` if bench/results/detect.json exists. JSON to bench/results/soak.json.
 * Options: see {@link USAGE} (`--help`). Durations under 30 simulated minutes run, with a note that the SLO
 * surfaces give no verdict before 30 min of measured time and that the goals are stated for >= 30 min.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  faultAlertWindows,
  faultFindings,
  faultSchedule,
  type AlertWindow,
  type FaultFinding,
} from '../src/eval/soak/faulted.ts';
import { soakGoals, surfaceRows, type GoalCheck, type SurfaceRow } from '../src/eval/soak/goals.ts';
import type { FiredAlert, PromtoolAlerts } from '../src/eval/soak/promtool.ts';
import { runSoak, type SoakResult } from '../src/eval/soak/run.ts';
import type { SoakOptions } from '../src/eval/soak/options.ts';
import { DEFAULT_CAPACITY_WINDOW_MS } from '../src/server/routes/capacity.ts';
import { DEFAULT_REGIONS_WINDOW_MS } from '../src/server/routes/regions.ts';
import { DEFAULT_ROLLOUT_WINDOW_MS } from '../src/server/routes/rollout.ts';
import { DEFAULT_SLO_WINDOW_MS } from '../src/server/routes/slo.ts';
import { DEFAULT_MIN_OBSERVED_MS } from '../src/analysis/slo/budget.ts';
import { InvalidInputError } from '../src/errors.ts';
import { findBinary } from '../test/helpers/binaries.ts';
import { evaluateRules, generateRules, type GeneratedRules } from './soak-rules.ts';
import { markdownTable as table } from './table.ts';

/** The API's default windows (what the web page reads). */
export const API_WINDOWS = {
  rolloutMs: DEFAULT_ROLLOUT_WINDOW_MS,
  sloMs: DEFAULT_SLO_WINDOW_MS,
  regionsMs: DEFAULT_REGIONS_WINDOW_MS,
  capacityMs: DEFAULT_CAPACITY_WINDOW_MS,
} as const;

/** Shortest soak whose verdicts count: the SLO surfaces need 30 min of measured time before `met`/`violated`. */
const VERDICT_SECONDS = DEFAULT_MIN_OBSERVED_MS / 1000;

/** The `--help` text. */
export const USAGE = `Usage: npm run bench:soak -- [options]

Runs a simulated DWCP cluster with no faults from a cold start through the monitor and every surface an
operator sees (anomalies, notifications, SLO burns and reads, capacity advice, region status, rollout,
generated Prometheus rules on promtool), then a faulted counterpart of the same cluster. Prints the false
signals per surface against the goals; JSON to bench/results/soak.json. Progress goes to stderr.

Options (times are simulated seconds):
  --duration <s>      simulated time from the cold start, 60..172800 (default 3600). Verdicts need
                      >= ${VERDICT_SECONDS} s: shorter runs work but SLO reads stay insufficient-data.
  --nodes <n>         nodes of the simulated cluster, 1..50 (default 6)
  --seed <n>          simulator seed, 0..4294967295 (default 1)
  --day-seconds <s>   period of the simulated daily seasonality, 60..86400 (default 1800)
  --skip <list>       comma-separated: faulted (no faulted counterpart), prometheus (no promtool rules),
                      host (no modelled node_exporter beside each node; with it, its series outside the
                      catalog are soaked too, after their 10-minute warm-up)
  --help              this text

A 30-minute run with 6 nodes takes about 40 minutes of wall time on one core; run it with nice.`;

const wallStart = performance.now();

function progress(msg: string): void {
  process.stderr.write(`[bench:soak ${((performance.now() - wallStart) / 1000).toFixed(0)} s] ${msg}\n`);
}

function int(name: string, v: string | undefined, lo: number, hi: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < lo || n > hi)
    throw new InvalidInputError(`--${name} must be an integer in ${lo}..${hi}, got ${v}`);
  return n;
}

/**
 * Runs one soak and, when `rules` is given, evaluates the generated rules on it (with the alert windows
 * `windowsOf` gives for the finished run).
 */
async function soakWithRules(
  label: string,
  opts: SoakOptions,
  rules: GeneratedRules | null,
  promtool: string | undefined,
  windowsOf: (run: SoakResult) => AlertWindow[] = () => [],
): Promise<{ run: SoakResult; prom: PromtoolAlerts | null }> {
  const total = opts.durationSeconds ?? 3600;
  const every = Math.max(60, Math.round(total / 20));
  const started = performance.now();
  const run = await runSoak({ ...opts, ...(rules ? { prometheus: rules.soakPrometheus } : {}) }, (s) => {
    if (s === 0 || s % every !== 0) return;
    const wallS = (performance.now() - started) / 1000;
    progress(
      `${label}: ${s}/${total} s simulated (${((100 * s) / total).toFixed(0)} %), about ${(((wallS / s) * (total - s)) / 60).toFixed(1)} min left`,
    );
  });
  if (!rules || !run.prometheus || !promtool) return { run, prom: null };
  progress(`${label}: promtool over ${run.prometheus.size} series x ${run.prometheus.points} scrapes`);
  const t0 = performance.now();
  const prom = evaluateRules(rules, run.prometheus, promtool, windowsOf(run));
  progress(
    `${label}: promtool took ${((performance.now() - t0) / 1000).toFixed(1)} s, ${prom.fired.length} alerts fired`,
  );
  return { run, prom };
}

/** Where an alert is: its instance, node, region or cluster labels. */
function alertPlace(l: Readonly<Record<string, string>>): string {
  return ['instance', 'node', 'node_id', 'region', 'cluster']
    .filter((k) => l[k] !== undefined)
    .map((k) => `${k}=${l[k]}`)
    .join(' ');
}

const f2 = (v: number): string => (Number.isFinite(v) ? v.toFixed(2) : String(v));

function surfaceTable(rows: readonly SurfaceRow[], r: SoakResult): string {
  return table(
    `Healthy soak: ${r.options.nodes} nodes, ${r.options.durationSeconds / 60} simulated minutes from a cold start (day = ${r.options.daySeconds / 60} min), ${r.analysedSeries} analysed series, ${f2(r.seriesHours)} series-hours`,
    ['surface', 'signal', 'count', 'unit'],
    rows.map((x) => [x.surface, x.signal, String(x.count), x.unit]),
    'Every count is a false signal on a healthy cluster except CAUTION and "not scored". Reads: SLO/regions/rollout every 15 s (the insights export), capacity every 30 s (the web page).',
  );
}

function goalTable(goals: readonly GoalCheck[]): string {
  return table(
    'Goals',
    ['goal', 'measured', 'limit', 'unit', 'met'],
    goals.map((g) => [g.goal, f2(g.measured), String(g.limit), g.unit, g.met ? 'yes' : 'NO']),
  );
}

function sources(r: SoakResult, prom: readonly FiredAlert[] | null): string {
  const t = r.tally;
  const lines = ['## What raised false signals', ''];
  const list = (title: string, m: Readonly<Record<string, number>>) => {
    const e = Object.entries(m).sort((a, b) => b[1] - a[1]);
    if (e.length > 0) lines.push(`- ${title}: ${e.map(([k, v]) => `${k} ×${v}`).join(', ')}`);
  };
  list('anomalies by metric', t.anomalies.byMetric);
  list('SLO violated (reads)', t.slo.violatedBySlo);
  list('SLO page burn (reads)', t.slo.pageBySlo);
  list('regions degraded/unhealthy (reads)', t.regions.notHealthyByRegion);
  list('capacity scale-out (reads)', t.capacity.scaleOutBySeries);
  for (const x of t.regions.examples.slice(0, 3))
    lines.push(
      `- e.g. region ${x.region} ${x.status} at ${x.atS} s: score ${f2(x.score ?? Number.NaN)}, factors ${JSON.stringify(x.factors)}`,
    );
  for (const x of t.capacity.examples.slice(0, 3))
    lines.push(
      `- e.g. capacity ${x.node}/${x.resource} at ${x.atS} s: ${x.action}, growth ${f2(x.growthPctPerDay)} %/day — ${x.message}`,
    );
  for (const x of t.anomalies.examples.slice(0, 5))
    lines.push(
      `- e.g. anomaly ${x.metric} ${JSON.stringify(x.labels)} at ${x.atS} s: ${x.severity}, ${f2(x.deviation)} σ, observed ${x.observed} band [${f2(x.lower)}, ${f2(x.upper)}] (${x.detector})`,
    );
  for (const a of prom ?? [])
    lines.push(
      `- rule alert ${a.labels.alertname} (${a.labels.severity}) ${alertPlace(a.labels)}: first at ${a.firstFiringS} s, ${a.firingEvaluations} firing evaluations`,
    );
  if (lines.length === 2) lines.push('- nothing');
  return lines.join('\n') + '\n';
}

function faultTable(findings: readonly FaultFinding[]): string {
  return table(
    'Faulted counterpart: one fault of each kind (150 s each), same cluster and seed',
    [
      'fault',
      'node',
      'window s',
      'monitor found',
      'delay s',
      'rule alerts for its node/region: firing during it or ≤ 5 min after, not just before',
    ],
    findings.map((f) => [
      f.kind,
      `${f.node} (${f.region})`,
      `${f.startS}-${f.endS}`,
      f.monitorFound ? 'yes' : 'no',
      f.monitorDelayS === null ? 'n/a' : f2(f.monitorDelayS),
      f.promAlerts.join(', ') || 'none',
    ]),
  );
}

/** The live detector's DWCP scenario row of the last bench:detect, if any. */
function dwcpFromDetect(): { source: string; row: unknown } | null {
  const file = path.join('bench', 'results', 'detect.json');
  if (!existsSync(file)) return null;
  const d = JSON.parse(readFileSync(file, 'utf8')) as { dwcp?: { detector: string }[] };
  const row = d.dwcp?.[0];
  return row ? { source: file, row } : null;
}

async function main(): Promise<void> {
  const { values: a } = parseArgs({
    options: {
      duration: { type: 'string', default: '3600' },
      nodes: { type: 'string', default: '6' },
      seed: { type: 'string', default: '1' },
      'day-seconds': { type: 'string', default: '1800' },
      skip: { type: 'string', default: '' },
      help: { type: 'boolean', default: false },
    },
  });
  if (a.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const unknownSkip = a
    .skip!.split(',')
    .filter((x) => x !== '' && x !== 'faulted' && x !== 'prometheus' && x !== 'host');
  if (unknownSkip.length > 0)
    throw new InvalidInputError(
      `--skip takes faulted, prometheus and/or host, got ${unknownSkip.join(', ')}`,
    );
  const skip = new Set(a.skip!.split(',').filter(Boolean));
  const base: SoakOptions = {
    durationSeconds: int('duration', a.duration, 60, 2 * 86_400),
    nodes: int('nodes', a.nodes, 1, 50),
    seed: int('seed', a.seed, 0, 2 ** 32 - 1),
    daySeconds: int('day-seconds', a['day-seconds'], 60, 86_400),
    windows: API_WINDOWS,
    hostExporters: !skip.has('host'),
  };
  const promtool = findBinary('promtool');
  if (!skip.has('prometheus') && !promtool)
    throw new Error('promtool not found (apt-get install prometheus), or pass --skip prometheus');
  const rules = skip.has('prometheus') ? null : generateRules();
  const t0 = performance.now();
  const short = base.durationSeconds! < VERDICT_SECONDS;
  if (short)
    progress(
      `note: ${base.durationSeconds} s is shorter than the ${VERDICT_SECONDS} s the SLO verdicts need; SLO reads stay insufficient-data and the goals are stated for >= ${VERDICT_SECONDS} s`,
    );
  try {
    progress(`healthy soak: ${base.nodes} nodes, ${base.durationSeconds} s`);
    const healthy = await soakWithRules('healthy', base, rules, promtool);
    const figures = {
      tally: healthy.run.tally,
      seriesHours: healthy.run.seriesHours,
      promAlerts: healthy.prom?.fired ?? null,
    };
    const rows = surfaceRows(figures);
    const goals = soakGoals(figures);

    let findings: FaultFinding[] = [];
    let faulted: { run: SoakResult; prom: PromtoolAlerts | null } | null = null;
    if (!skip.has('faulted')) {
      const faults = faultSchedule(base.nodes!, base.durationSeconds!, Math.floor(base.durationSeconds! / 2));
      progress(`faulted counterpart: ${faults.length} faults`);
      faulted = await soakWithRules('faulted', { ...base, faults }, rules, promtool, (r) =>
        faultAlertWindows(r.labels, r.startMs, r.options.durationSeconds),
      );
      const instances = Object.fromEntries(
        Array.from({ length: base.nodes! }, (_, i) => [`node-${i + 1}`, `127.0.0.1:${9100 + i}`]),
      );
      findings = faultFindings(
        faulted.run.labels,
        faulted.run.evaluation!,
        faulted.prom?.windows ?? null,
        instances,
        faulted.run.startMs,
      );
    }

    const out: string[] = [
      surfaceTable(rows, healthy.run),
      goalTable(goals),
      sources(healthy.run, healthy.prom?.fired ?? null),
    ];
    if (short)
      out.unshift(
        `Note: ${base.durationSeconds} simulated seconds is shorter than the ${VERDICT_SECONDS} s the SLO verdicts need (SLO reads stay insufficient-data); the goals are stated for >= ${VERDICT_SECONDS} s.\n`,
      );
    if (faulted) {
      out.push(faultTable(findings));
      const tt = faulted.run.evaluation!.totals;
      out.push(
        `Monitor on the faulted run: ${tt.detectedFaults}/${tt.faults} faults found, ${tt.detections} anomalies (${tt.falsePositiveDetections} outside every fault window), delay p50 ${f2((tt.delayP50Ms ?? Number.NaN) / 1000)} s, p95 ${f2((tt.delayP95Ms ?? Number.NaN) / 1000)} s.\n`,
      );
    }
    const detect = dwcpFromDetect();
    out.push(
      detect
        ? `DWCP labelled scenarios from the last bench:detect (${detect.source}): ${JSON.stringify(detect.row, (k, v: unknown) => (k === 'perScenario' ? undefined : v))}\n`
        : 'DWCP labelled scenarios: no bench/results/detect.json (run `npm run bench:detect`).\n',
    );
    out.push(
      `Wall time ${((performance.now() - t0) / 1000).toFixed(0)} s; healthy run: sim ${(healthy.run.timing.simMs / 1000).toFixed(0)} s, read ${(healthy.run.timing.readMs / 1000).toFixed(0)} s, pipeline ${(healthy.run.timing.pipelineMs / 1000).toFixed(0)} s, insights ${(healthy.run.timing.insightsMs / 1000).toFixed(0)} s, capacity ${(healthy.run.timing.capacityMs / 1000).toFixed(0)} s.\n`,
    );
    process.stdout.write(out.join('\n'));

    const dir = path.join('bench', 'results');
    mkdirSync(dir, { recursive: true });
    const json = {
      generatedAt: new Date().toISOString(),
      options: healthy.run.options,
      healthy: {
        analysedSeries: healthy.run.analysedSeries,
        seriesHours: healthy.run.seriesHours,
        samplesIngested: healthy.run.samplesIngested,
        rows,
        goals,
        tally: healthy.run.tally,
        prometheus:
          healthy.prom === null
            ? null
            : { series: healthy.run.prometheus?.size ?? 0, alerts: healthy.prom.fired },
        errors: healthy.run.errors,
        timing: healthy.run.timing,
      },
      faulted:
        faulted === null
          ? null
          : {
              findings,
              totals: faulted.run.evaluation!.totals,
              prometheusAlerts: faulted.prom?.fired ?? null,
            },
      dwcpFromDetect: detect,
    };
    writeFileSync(path.join(dir, 'soak.json'), JSON.stringify(json, null, 2) + '\n');
    progress(`wrote ${path.join(dir, 'soak.json')}`);
  } finally {
    rules?.remove();
  }
}

await main().catch((e: unknown) => {
  const badArgs =
    e instanceof InvalidInputError || String((e as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS');
  if (!badArgs) throw e;
  process.stderr.write(`bench:soak: ${(e as Error).message} (see --help)\n`);
  process.exitCode = 2;
});
