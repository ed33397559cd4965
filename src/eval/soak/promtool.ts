/**
 * Evaluates Prometheus rule files over recorded series with the real `promtool test rules` (Prometheus' own rule
 * manager and PromQL engine: recording rules, `for`, alert state), and reads back which alerts fired, how often
 * and when first. promtool evaluates every group at the test's `evaluation_interval` from time 0 over the
 * `input_series` and writes the `ALERTS` series to its storage; two PromQL checks at the end of the run with an
 * empty expectation make promtool print what they return:
 * - `count_over_time(ALERTS{alertstate="firing"}[run])`: rule evaluations each alert (label set) was firing;
 * - `min_over_time(timestamp(ALERTS{alertstate="firing"})[run:interval])`: when it first fired (s from 0).
 * - optionally, per window `[endS - rangeS, endS]`: `count_over_time(ALERTS{alertstate="firing"}[rangeS])` at
 *   `endS`, the alerts firing at some evaluation in that window (to attribute alerts to faults).
 * promtool exits 0 when every check is empty (nothing fired), 1 with a `got:` list per non-empty check otherwise.
 * @see https://prometheus.io/docs/prometheus/latest/configuration/unit_testing_rules/
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ConfigError } from '../../errors.ts';
import type { PromInputSeries } from './prom-recorder.ts';

/** One alert (label set) that fired. */
export interface FiredAlert {
  readonly labels: Readonly<Record<string, string>>;
  /** Rule evaluations it was firing (each `evaluationIntervalSeconds` long). */
  readonly firingEvaluations: number;
  /** Seconds from the start of the recorded series to its first firing evaluation. */
  readonly firstFiringS: number;
}

/** What to evaluate. */
export interface PromtoolRun {
  readonly promtool: string;
  /** Absolute paths of the rule files. */
  readonly ruleFiles: readonly string[];
  /** Directory for the test file (the caller creates and removes it). */
  readonly dir: string;
  readonly series: readonly PromInputSeries[];
  /** Interval between the recorded values, s. */
  readonly scrapeIntervalSeconds: number;
  /** Rule evaluation interval, s (the generated `evaluation_interval`). */
  readonly evaluationIntervalSeconds: number;
  /** Values per series. */
  readonly points: number;
  /** Windows to list the firing alerts of (end and length, s; inside the recorded series). */
  readonly windows?: readonly { readonly endS: number; readonly rangeS: number }[];
  /** Timeout of the promtool process, ms (default 10 min). */
  readonly timeoutMs?: number;
}

/** Alerts that fired: over the whole run, and per requested window (label sets without `alertstate`). */
export interface PromtoolAlerts {
  readonly fired: FiredAlert[];
  /** Per requested window, in order: the alerts firing at some evaluation in it. */
  readonly windows: Readonly<Record<string, string>>[][];
}

const COUNT_EXPR = 'count_over_time(ALERTS{alertstate="firing"}[RANGE])';
const FIRST_EXPR = 'min_over_time(timestamp(ALERTS{alertstate="firing"})[RANGE:STEP])';

/**
 * Parses the `got:` list of promtool's failure message of a PromQL check: `{a="x", b="y"} 4E+00, {...} 1.2E+01`.
 * Returns one entry per sample (label set keyed by its text). Label values are unescaped (\\, \", \n).
 */
export function parseGotList(line: string): Map<string, { labels: Record<string, string>; value: number }> {
  const out = new Map<string, { labels: Record<string, string>; value: number }>();
  const sample = /\{((?:[^"}]|"(?:[^"\\]|\\.)*")*)\}\s+([-+0-9.eEInfNa]+)/g;
  const pair = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
  for (const m of line.matchAll(sample)) {
    const labels: Record<string, string> = {};
    for (const p of m[1]!.matchAll(pair))
      labels[p[1]!] = p[2]!.replace(/\\(.)/g, (_x, c: string) => (c === 'n' ? '\n' : c));
    out.set(m[1]!, { labels, value: Number(m[2]) });
  }
  return out;
}

/** The labels of an `ALERTS` sample without `alertstate`. */
function withoutState(labels: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(labels).filter(([k]) => k !== 'alertstate'));
}

/** The `got:` line following the check of `exprText` in promtool's output, or '' when that check passed. */
function gotLineOf(output: string, exprText: string): string {
  const quoted = JSON.stringify(exprText);
  const at = output.indexOf(`expr: ${quoted}`);
  if (at < 0) return '';
  const rest = output.slice(at);
  const m = /\n\s*got:\s*(.*)/.exec(rest);
  return m?.[1] ?? '';
}

/**
 * Runs promtool (see the module comment) and returns the alerts that fired, sorted by alert name.
 * @throws ConfigError when promtool cannot run or fails for another reason than the two checks (bad rule files,
 *   bad input series, timeout).
 */
export function runPromtoolAlerts(r: PromtoolRun): PromtoolAlerts {
  const endS = (r.points - 1) * r.scrapeIntervalSeconds;
  const range = `${endS + r.scrapeIntervalSeconds}s`;
  const countExpr = COUNT_EXPR.replace('RANGE', range);
  const firstExpr = FIRST_EXPR.replace('RANGE', range).replace('STEP', `${r.evaluationIntervalSeconds}s`);
  // The same expression text may serve two windows of equal length: keep each check's text unique by its end.
  const windowChecks = (r.windows ?? []).map((w) => ({
    expr: `${COUNT_EXPR.replace('RANGE', `${w.rangeS}s`)} + 0 * ${w.endS}`,
    endS: w.endS,
  }));
  const test = {
    rule_files: [...r.ruleFiles],
    evaluation_interval: `${r.evaluationIntervalSeconds}s`,
    tests: [
      {
        name: 'soak',
        interval: `${r.scrapeIntervalSeconds}s`,
        input_series: r.series.map((s) => ({ series: s.series, values: s.values })),
        promql_expr_test: [
          { expr: countExpr, eval_time: `${endS}s`, exp_samples: [] },
          { expr: firstExpr, eval_time: `${endS}s`, exp_samples: [] },
          ...windowChecks.map((w) => ({ expr: w.expr, eval_time: `${w.endS}s`, exp_samples: [] })),
        ],
      },
    ],
  };
  const file = join(r.dir, 'soak.test.yml');
  writeFileSync(file, stringify(test, { lineWidth: 0 }));
  const p = spawnSync(r.promtool, ['test', 'rules', file], {
    cwd: r.dir,
    encoding: 'utf8',
    timeout: r.timeoutMs ?? 600_000,
    maxBuffer: 256 * 2 ** 20,
  });
  const output = `${p.stdout ?? ''}\n${p.stderr ?? ''}`;
  if (p.error) throw new ConfigError(`promtool failed to run: ${p.error.message}`, { cause: p.error });
  if (p.status === 0) return { fired: [], windows: windowChecks.map(() => []) };
  const counts = parseGotList(gotLineOf(output, countExpr));
  const firsts = parseGotList(gotLineOf(output, firstExpr));
  if (p.status !== 1 || counts.size === 0)
    throw new ConfigError(`promtool test rules failed (exit ${p.status}):\n${output.slice(0, 4000)}`);
  const fired: FiredAlert[] = [];
  for (const [key, c] of counts) {
    const labels = withoutState(c.labels);
    fired.push({ labels, firingEvaluations: c.value, firstFiringS: firsts.get(key)?.value ?? Number.NaN });
  }
  fired.sort(
    (a, b) =>
      (a.labels.alertname ?? '').localeCompare(b.labels.alertname ?? '') || a.firstFiringS - b.firstFiringS,
  );
  const windows = windowChecks.map((w) =>
    [...parseGotList(gotLineOf(output, w.expr)).values()].map((x) => withoutState(x.labels)),
  );
  return { fired, windows };
}
