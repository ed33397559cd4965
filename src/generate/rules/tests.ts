/**
 * Generates promtool rule unit tests (https://prometheus.io/docs/prometheus/latest/configuration/unit_testing_rules/)
 * for every alert: a firing case (input series at the firing value; no alert one interval before `for` has
 * elapsed, the alert firing with its labels and annotations once the rate windows are full and `for` has
 * elapsed) and a silent case (input series just inside the threshold; no alert at the same time).
 * Series are sampled every minute and the rules evaluated every minute (`evaluation_interval: 1m`).
 */
import { stringify } from 'yaml';
import { InvalidInputError } from '../../errors.ts';
import type { Expr } from '../promql/ast.ts';
import { durationSeconds } from '../promql/build.ts';
import { outputLabels, selectorsOf } from '../promql/labels.ts';
import { printExpr } from '../promql/print.ts';
import { alertAnnotations, alertLabels, expandAnnotation } from './render.ts';
import type { AlertRule, InputSeries } from './types.ts';

/** Minutes of margin after the windows are full and `for` has elapsed before the firing check. */
const MARGIN_MINUTES = 3;

/** Longest range (matrix selector or subquery) in an expression, in seconds; 0 when there is none. */
export function longestRangeSeconds(e: Expr): number {
  switch (e.kind) {
    case 'matrix':
      return durationSeconds(e.range);
    case 'subquery':
      return Math.max(durationSeconds(e.range), longestRangeSeconds(e.expr));
    case 'paren':
      return longestRangeSeconds(e.expr);
    case 'call':
      return Math.max(0, ...e.args.map(longestRangeSeconds));
    case 'aggregation':
      return longestRangeSeconds(e.expr);
    case 'binary':
      return Math.max(longestRangeSeconds(e.lhs), longestRangeSeconds(e.rhs));
    default:
      return 0;
  }
}

/** Labels of a fixture series (its `=` matchers). @throws InvalidInputError on other matcher types. */
export function seriesLabels(s: InputSeries): Record<string, string> {
  const out: Record<string, string> = {};
  for (const mt of s.series.matchers) {
    if (mt.op !== '=')
      throw new InvalidInputError(`fixture series ${s.series.name} must use = matchers only`);
    out[mt.label] = mt.value;
  }
  return out;
}

/** promtool `values` text for a series over `minutes` + 1 samples. */
export function seriesValues(s: InputSeries, minutes: number): string {
  const step = s.shape === 'gauge' ? 0 : s.value;
  const start = s.shape === 'gauge' ? s.value : 0;
  return `${start}+${step}x${minutes}`;
}

/**
 * The labels the alert fires with for these input series: the expression's output label names that the series
 * carry, with the series' values, plus the rule's static labels and `alertname` is implied by promtool.
 * @throws InvalidInputError when two series disagree on an output label.
 */
export function expectedAlertLabels(
  alert: AlertRule,
  series: readonly InputSeries[],
): Record<string, string> {
  const names = outputLabels(alert.expr);
  const out: Record<string, string> = {};
  for (const s of series) {
    for (const [k, v] of Object.entries(seriesLabels(s))) {
      if (!names.has(k)) continue;
      if (out[k] !== undefined && out[k] !== v)
        throw new InvalidInputError(`${alert.name}: fixture series disagree on output label ${k}`);
      out[k] = v;
    }
  }
  return { ...out, ...alertLabels(alert) };
}

/**
 * Timing of an alert's test, in minutes: `before` (one interval before `for` can have elapsed: no alert),
 * `fire` (rate windows full + `for` + margin: alert firing), `end` (last sample), and `exact` for alerts on
 * plain series without ranges or recorded series, whose condition holds from the first sample: the alert must
 * fire exactly when `for` has elapsed (rounded up to the 1-minute evaluation).
 */
export function testTiming(alert: AlertRule): { before: number; fire: number; end: number; exact?: number } {
  const forMin = Math.ceil(durationSeconds(alert.for) / 60);
  const windowMin = Math.ceil(longestRangeSeconds(alert.expr) / 60);
  const fire = windowMin + forMin + MARGIN_MINUTES;
  const base = { before: Math.max(0, forMin - 1), fire, end: fire + 2 };
  const recorded = selectorsOf(alert.expr).some((n) => n.includes(':'));
  return windowMin === 0 && !recorded && forMin > 0 ? { ...base, exact: forMin } : base;
}

function inputSeries(series: readonly InputSeries[], minutes: number) {
  return series.map((s) => ({ series: printExpr(s.series), values: seriesValues(s, minutes) }));
}

/** One promtool test group object (as YAML-ready data) per case of one alert. */
export function alertTestCases(alert: AlertRule, runbookBaseUrl: string): Record<string, unknown>[] {
  const t = testTiming(alert);
  const firing = alert.test.series(alert.test.firing);
  const silent = alert.test.series(alert.test.silent);
  const labels = expectedAlertLabels(alert, firing);
  const annotations = Object.fromEntries(
    Object.entries(alertAnnotations(alert, runbookBaseUrl)).map(([k, v]) => [k, expandAnnotation(v, labels)]),
  );
  return [
    {
      name: `${alert.name} fires at ${alert.test.firing} after ${alert.for}`,
      interval: '1m',
      input_series: inputSeries(firing, t.end),
      alert_rule_test: [
        { eval_time: `${t.before}m`, alertname: alert.name, exp_alerts: [] },
        ...(t.exact !== undefined
          ? [
              {
                eval_time: `${t.exact}m`,
                alertname: alert.name,
                exp_alerts: [{ exp_labels: labels, exp_annotations: annotations }],
              },
            ]
          : []),
        {
          eval_time: `${t.fire}m`,
          alertname: alert.name,
          exp_alerts: [{ exp_labels: labels, exp_annotations: annotations }],
        },
      ],
    },
    {
      name: `${alert.name} stays silent at ${alert.test.silent}`,
      interval: '1m',
      input_series: inputSeries(silent, t.end),
      alert_rule_test: [{ eval_time: `${t.fire}m`, alertname: alert.name, exp_alerts: [] }],
    },
  ];
}

/**
 * Text of a promtool test file for `alerts`, loading `ruleFiles` (paths relative to the test file).
 */
export function renderRuleTests(
  alerts: readonly AlertRule[],
  ruleFiles: readonly string[],
  runbookBaseUrl: string,
): string {
  const doc = {
    rule_files: [...ruleFiles],
    evaluation_interval: '1m',
    tests: alerts.flatMap((a) => alertTestCases(a, runbookBaseUrl)),
  };
  return (
    '# Generated by `dwcp-monitor generate`: promtool test rules for every alert (fires at its threshold, silent just inside).\n' +
    stringify(doc, { lineWidth: 0 })
  );
}
