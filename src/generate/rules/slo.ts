/**
 * SLO alerts with multiwindow, multi-burn-rate conditions, as in the Google SRE Workbook, chapter 5 "Alerting on
 * SLOs" (https://sre.google/workbook/alerting-on-slos/, "6: Multiwindow, multi-burn-rate alerts"): a page when
 * 2 % of a 30-day error budget burns in 1 hour (burn rate 14.4, checked over 1h and 5m) or 5 % in 6 hours (6x,
 * 6h and 30m); a ticket when 10 % burns in 1 day (3x, 1d and 2h) or 10 % in 3 days (1x, 3d and 6h). The short
 * window (1/12 of the long one) makes the alert reset quickly once the burn stops.
 *
 * Each row also needs enough events in its long window that a single bad event cannot exceed the row's threshold
 * on its own: `dwcp:slo_<id>:events_increase<long> >= N` (recorded `sum by (region) (increase(total[long]))`) with N the smallest count for which 1 / N ≤ factor × (1 − objective)
 * (70 for 14.4x at 99.9 %; `minBurnEvents` of the monitor's own burn evaluation, so both judge alike). Without it
 * one failed migration among the few dozen of a cold start or a quiet hour reads as a burn of 20x and pages — the
 * failure mode of the workbook's section "Low-traffic services and error budget alerting".
 *
 * SLOs: migration availability 99.9 % (the original production SLA), migration duration 99 % within 256 s
 * (the histogram bucket just under the DWCP v1 5-minute migration SLA), component error rate 99 % (the < 1 %
 * error-rate SLA quoted everywhere).
 * @see https://sre.google/workbook/alerting-on-slos/ ("Low-traffic services and error budget alerting")
 * @see NovaCron inventory 6.1 (availability 99.9 %, error rate < 1 %); seed 001 (5-minute migration SLA)
 */
import { minBurnEvents } from '../../analysis/slo/burn-rate.ts';
import { getMetric } from '../../catalog/index.ts';
import type { Call, Duration, Expr, VectorSelector } from '../promql/ast.ts';
import { add, and, div, eq, gt, gte, increase, mul, num, or, rate, sub, sumBy } from '../promql/build.ts';
import { bucketRef, countRef, metricRef, recordedRef } from '../promql/metric.ts';
import { FIXTURE_TARGET } from './fixtures.ts';
import type { AlertRule, InputSeries, RecordingRule, RuleGroup } from './types.ts';

const WORKBOOK = 'Google SRE Workbook ch. 5 "Alerting on SLOs", multiwindow multi-burn-rate alerts';

/** One row of the workbook's burn-rate table. */
export interface BurnWindow {
  readonly long: Duration;
  readonly short: Duration;
  /** Burn rate: multiple of the error budget rate (budget = 1 - objective). */
  readonly factor: number;
  readonly action: 'page' | 'ticket';
}

/** The workbook's recommended windows for a 30-day SLO (share of budget: 2 %, 5 %, 10 %, 10 %). */
export const BURN_WINDOWS: readonly BurnWindow[] = [
  { long: '1h', short: '5m', factor: 14.4, action: 'page' },
  { long: '6h', short: '30m', factor: 6, action: 'page' },
  { long: '1d', short: '2h', factor: 3, action: 'ticket' },
  { long: '3d', short: '6h', factor: 1, action: 'ticket' },
];

/** A range function over a counter: `rate` (events per second) or `increase` (events in the window). */
export type CounterOver = (selector: VectorSelector, w: Duration) => Call;

/** An SLO: objective, and the bad / total event rates over a window. */
export interface SloDef {
  /** Short id used in recording-rule and alert names. */
  readonly id: string;
  readonly title: string;
  /** 0..1, e.g. 0.999. */
  readonly objective: number;
  readonly bad: (w: Duration) => Expr;
  /** Valid events per second over `w` (`over` = rate, the default), or valid events in `w` (`over` = increase). */
  readonly total: (w: Duration, over?: CounterOver) => Expr;
  readonly component: string;
  readonly source: string;
  /** Input series for a bad-event ratio v (for the promtool tests). */
  readonly fixture: (v: number) => InputSeries[];
}

const R = ['region'];
const m = getMetric;
const fx = (labels: Record<string, string>) =>
  Object.entries({ ...FIXTURE_TARGET, ...labels }).map(([k, v]) => eq(k, v));
const counter = (series: VectorSelector, perMinute: number): InputSeries => ({
  series,
  shape: 'counter',
  value: perMinute,
});
const N = 600; // events per minute in fixtures

/** The three SLOs (availability, migration duration, error rate) with their sources. */
export const SLOS: readonly SloDef[] = [
  {
    id: 'availability',
    title: 'migration availability',
    objective: 0.999,
    bad: (w) => sumBy(R, rate(metricRef(m('dwcp_v3_migration_failures_total')), w)),
    total: (w, over = rate) =>
      add(
        sumBy(R, over(metricRef(m('dwcp_v3_migration_success_total')), w)),
        sumBy(R, over(metricRef(m('dwcp_v3_migration_failures_total')), w)),
      ),
    component: 'migration',
    source:
      'original production SLA (availability 99.9 %); failures / (successes + failures) of DWCP v3 migrations',
    fixture: (v) => [
      counter(
        metricRef(m('dwcp_v3_migration_failures_total'), ...fx({ node_id: 'node-1', mode: 'datacenter' })),
        v * N,
      ),
      counter(
        metricRef(m('dwcp_v3_migration_success_total'), ...fx({ node_id: 'node-1', mode: 'datacenter' })),
        (1 - v) * N,
      ),
    ],
  },
  {
    id: 'migration_duration',
    title: 'migration duration',
    objective: 0.99,
    bad: (w) =>
      sub(
        sumBy(R, rate(countRef(m('dwcp_v3_migration_duration_seconds')), w)),
        sumBy(R, rate(bucketRef(m('dwcp_v3_migration_duration_seconds'), eq('le', '256')), w)),
      ),
    total: (w, over = rate) => sumBy(R, over(countRef(m('dwcp_v3_migration_duration_seconds')), w)),
    component: 'migration',
    source:
      'DWCP v1 migration SLA (mean < 5 min); SLI: share of v3 migrations slower than 256 s (bucket bound below 300 s)',
    fixture: (v) => [
      counter(
        countRef(m('dwcp_v3_migration_duration_seconds'), ...fx({ node_id: 'node-1', mode: 'internet' })),
        N,
      ),
      counter(
        bucketRef(
          m('dwcp_v3_migration_duration_seconds'),
          ...fx({ node_id: 'node-1', mode: 'internet', le: '256' }),
        ),
        (1 - v) * N,
      ),
    ],
  },
  {
    id: 'error_rate',
    title: 'component error rate',
    objective: 0.99,
    bad: (w) => sumBy(R, rate(metricRef(m('dwcp_v3_component_errors_total')), w)),
    total: (w, over = rate) => sumBy(R, over(metricRef(m('dwcp_v3_component_operations_total')), w)),
    component: 'system',
    source: 'original production SLA (error rate < 1 %); component errors / component operations',
    fixture: (v) => [
      counter(
        metricRef(
          m('dwcp_v3_component_errors_total'),
          ...fx({ node_id: 'node-1', component: 'hde', error_type: 'timeout' }),
        ),
        v * N,
      ),
      counter(
        metricRef(
          m('dwcp_v3_component_operations_total'),
          ...fx({ node_id: 'node-1', component: 'hde', operation_type: 'compress' }),
        ),
        N,
      ),
    ],
  },
];

/** Every window an SLO needs recorded (long and short windows of all rows). */
export function sloWindows(): Duration[] {
  const out: Duration[] = [];
  for (const w of BURN_WINDOWS) for (const d of [w.short, w.long]) if (!out.includes(d)) out.push(d);
  return out;
}

/** Recording rule name of an SLO's bad-event ratio over a window, e.g. `dwcp:slo_availability:error_ratio_rate1h`. */
export function sloRecordName(slo: SloDef, w: Duration): string {
  return `dwcp:slo_${slo.id}:error_ratio_rate${w}`;
}

/** Recording rule name of an SLO's valid events in a window, e.g. `dwcp:slo_availability:events_increase1h`. */
export function sloEventsRecordName(slo: SloDef, w: Duration): string {
  return `dwcp:slo_${slo.id}:events_increase${w}`;
}

/**
 * Recording rules: the bad-event ratio of each SLO over each window, and its valid events over each long window
 * (the evidence gate of the burn alerts).
 */
export function sloRecordingRules(slo: SloDef): RecordingRule[] {
  const ratios = sloWindows().map<RecordingRule>((w) => ({
    kind: 'record',
    record: sloRecordName(slo, w),
    expr: div(slo.bad(w), slo.total(w)),
    source: `${WORKBOOK}; ${slo.source}`,
  }));
  const longWindows = [...new Set(BURN_WINDOWS.map((w) => w.long))];
  const events = longWindows.map<RecordingRule>((w) => ({
    kind: 'record',
    record: sloEventsRecordName(slo, w),
    expr: slo.total(w, increase),
    source: `${WORKBOOK}, low-traffic services; ${slo.source}`,
  }));
  return [...ratios, ...events];
}

/** Error budget of an SLO: 1 - objective, rounded to 12 significant digits (0.001 for 99.9 %). */
export function errorBudget(slo: SloDef): number {
  return Number((1 - slo.objective).toPrecision(12));
}

function burnCondition(slo: SloDef, rules: readonly RecordingRule[], rows: readonly BurnWindow[]): Expr {
  const budget = errorBudget(slo);
  const ref = (w: Duration) => recordedRef(rules.find((r) => r.record === sloRecordName(slo, w))!);
  const events = (w: Duration) => recordedRef(rules.find((r) => r.record === sloEventsRecordName(slo, w))!);
  const terms = rows.map((row) =>
    and(
      and(
        gt(ref(row.long), mul(num(row.factor), num(budget))),
        gt(ref(row.short), mul(num(row.factor), num(budget))),
      ),
      gte(events(row.long), num(minBurnEvents(row.factor, slo.objective))),
    ),
  );
  return terms.slice(1).reduce<Expr>((acc, t) => or(acc, t), terms[0]!);
}

function pct(x: number): string {
  return `${Number((x * 100).toFixed(3))} %`;
}

/** The page (fast burn) and ticket (slow burn) alerts of one SLO. */
export function sloAlerts(slo: SloDef, rules: readonly RecordingRule[]): AlertRule[] {
  const budget = errorBudget(slo);
  const name = slo.id
    .split('_')
    .map((p) => p[0]!.toUpperCase() + p.slice(1))
    .join('');
  const page = BURN_WINDOWS.filter((w) => w.action === 'page');
  const ticket = BURN_WINDOWS.filter((w) => w.action === 'ticket');
  const minFactor = (rows: readonly BurnWindow[]) => Math.min(...rows.map((r) => r.factor));
  const hints = {
    causes: [
      'an ongoing incident that the symptom alerts of the same component describe',
      'a regression in the current v3 rollout stage',
    ],
    actions: [
      `Check the bad-event ratio per window: \`${sloRecordName(slo, '5m')}\` and \`${sloRecordName(slo, '1h')}\``,
      'Find the region and component that contribute most, then follow their alerts',
    ],
  };
  const rowText = (rows: readonly BurnWindow[]) =>
    rows.map((r) => `${r.factor}x over ${r.long} and ${r.short}`).join(', or ');
  // promtool values 1 % above and below the lowest burn factor of the rows (bad ratio = factor × budget).
  const burnTest = (rows: readonly BurnWindow[]) => ({
    series: slo.fixture,
    firing: minFactor(rows) * budget * 1.01,
    silent: minFactor(rows) * budget * 0.99,
  });
  return [
    {
      kind: 'alert',
      name: `DWCPSLO${name}BudgetBurnFast`,
      component: slo.component,
      severity: 'critical',
      escalation: 'immediate',
      for: '2m',
      expr: burnCondition(slo, rules, page),
      summary: `Fast error-budget burn of the ${slo.title} SLO in {{ $labels.region }}`,
      description: `The ${slo.title} SLO (${pct(slo.objective)}) in region {{ $labels.region }} burns its 30-day error budget at ${rowText(page)}: at this rate the budget is gone within days.`,
      source: `${WORKBOOK} (page rows); ${slo.source}`,
      test: burnTest(page),
      runbook: hints,
    },
    {
      kind: 'alert',
      name: `DWCPSLO${name}BudgetBurnSlow`,
      component: slo.component,
      severity: 'warning',
      escalation: 'low',
      for: '15m',
      expr: burnCondition(slo, rules, ticket),
      summary: `Slow error-budget burn of the ${slo.title} SLO in {{ $labels.region }}`,
      description: `The ${slo.title} SLO (${pct(slo.objective)}) in region {{ $labels.region }} burns its error budget at ${rowText(ticket)}: the budget will not last the 30-day window.`,
      source: `${WORKBOOK} (ticket rows); ${slo.source}`,
      test: burnTest(ticket),
      runbook: hints,
    },
  ];
}

/** Recording and alert groups of all SLOs. */
export function sloGroups(): RuleGroup[] {
  const recording = SLOS.flatMap(sloRecordingRules);
  return [
    { name: 'dwcp_slo_recording', file: 'dwcp-slo-recording.yml', interval: '30s', rules: recording },
    {
      name: 'dwcp_slo_alerts',
      file: 'dwcp-slo-alerts.yml',
      interval: '1m',
      rules: SLOS.flatMap((s) => sloAlerts(s, recording)),
    },
  ];
}
