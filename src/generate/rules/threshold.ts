/**
 * Threshold-alert builder: an alert is written once as (measured quantity, direction, threshold, unit) and
 * the builder derives from that single threshold
 *
 * - the expression `measure > threshold` (or `<`, `>=`, `<=`; or `measure > threshold * scale` for a threshold
 *   relative to another series),
 * - the summary and description text, whose templates receive the threshold formatted in its unit
 *   (`5 %`, `500 ms`, `2.0 GB/s`, `3x`) and its raw value,
 * - the promtool test values: one that must fire (just beyond the threshold) and one that must stay silent
 *   (just inside it), by a margin policy (relative, absolute, or the grid of values the measured quantity can
 *   take).
 *
 * `stateAlert` does the same for alerts on an encoded state (`health == 0`): expression and firing value come
 * from the state, the silent value is the neighbouring state.
 * @see https://prometheus.io/docs/prometheus/latest/configuration/alerting_rules/
 * @see https://prometheus.io/docs/prometheus/latest/configuration/unit_testing_rules/
 */
import { InvalidInputError } from '../../errors.ts';
import type { Duration, Expr } from '../promql/ast.ts';
import { eqOp, gt, gte, lt, lte, mul, num } from '../promql/build.ts';
import type { AlertRule, AlertSeverity, Escalation, InputSeries, RunbookHints } from './types.ts';

/** Which side of the threshold fires: `above` is `>`, `below` is `<`, `at_least` is `>=`, `at_most` is `<=`. */
export type ThresholdDirection = 'above' | 'below' | 'at_least' | 'at_most';

/**
 * How a threshold is written in alert text: `ratio` (0..1, written as percent: 0.05 -> `5 %`), `percent`
 * (0..100: `50 %`), `seconds` (`500 ms` below 1 s, else `300 s`), `times` (a factor: `3x`), `bytes_per_second`
 * (`2.0 GB/s`, GB = 1e9 bytes) and `number` (as is: counts, rates, points).
 */
export type ThresholdUnit = 'ratio' | 'percent' | 'seconds' | 'times' | 'bytes_per_second' | 'number';

/**
 * How the promtool test values are placed around the threshold:
 * - `relative`: threshold x (1 ± r), rounded to 12 significant digits (default r = 0.01);
 * - `absolute`: threshold ± d, rounded to 12 significant digits;
 * - `grid`: the measured quantity only takes multiples of `step` (whole series, counts, a fixture's
 *   resolution): firing is the nearest multiple that meets the condition, silent the nearest that does not.
 */
export type TestMargin =
  { readonly relative: number } | { readonly absolute: number } | { readonly grid: number };

/** Default margin: 1 % beyond / inside the threshold. */
export const DEFAULT_MARGIN: TestMargin = { relative: 0.01 };

/** A text template: gets the threshold formatted in its unit and its raw value. */
export type ThresholdText = (formatted: string, value: number) => string;

/** Fields every built alert shares with `AlertRule`. */
interface AlertBase {
  readonly name: string;
  readonly component: string;
  readonly severity: AlertSeverity;
  readonly escalation: Escalation;
  /** Pending duration before firing. */
  readonly for: Duration;
  readonly source: string;
  readonly runbook: RunbookHints;
  readonly labels?: Readonly<Record<string, string>>;
  /** Input series that make the measured quantity equal v (promtool tests). */
  readonly fixture: (v: number) => readonly InputSeries[];
}

/** A threshold alert written once. */
export interface ThresholdAlertSpec extends AlertBase {
  /** The measured quantity compared with the threshold. */
  readonly measure: Expr;
  readonly direction: ThresholdDirection;
  readonly threshold: number;
  readonly unit: ThresholdUnit;
  /** When set, the expression compares `measure` with `threshold * scale` (e.g. twice another quantile). */
  readonly scale?: Expr;
  readonly summary: ThresholdText;
  readonly description: ThresholdText;
  readonly margin?: TestMargin;
}

/** An alert on an encoded state (`measure == state`), e.g. health 0 (down). */
export interface StateAlertSpec extends AlertBase {
  readonly measure: Expr;
  readonly state: number;
  /** A neighbouring state the alert must not fire on (the promtool silent case). */
  readonly otherState: number;
  readonly summary: string;
  readonly description: string;
}

const round12 = (x: number): number => Number(x.toPrecision(12));

/** The threshold as alert text in its unit (see {@link ThresholdUnit}). */
export function formatThreshold(value: number, unit: ThresholdUnit): string {
  switch (unit) {
    case 'ratio':
      return `${round12(value * 100)} %`;
    case 'percent':
      return `${value} %`;
    case 'seconds':
      return value < 1 ? `${round12(value * 1000)} ms` : `${value} s`;
    case 'times':
      return `${value}x`;
    case 'bytes_per_second':
      return `${(value / 1e9).toFixed(1)} GB/s`;
    case 'number':
      return `${value}`;
  }
}

/** Whether `v` meets the alert condition. */
export function meets(v: number, direction: ThresholdDirection, threshold: number): boolean {
  switch (direction) {
    case 'above':
      return v > threshold;
    case 'below':
      return v < threshold;
    case 'at_least':
      return v >= threshold;
    case 'at_most':
      return v <= threshold;
  }
}

/** +1 when firing values lie above the threshold, -1 when below. */
function sign(direction: ThresholdDirection): 1 | -1 {
  return direction === 'above' || direction === 'at_least' ? 1 : -1;
}

function gridValues(
  threshold: number,
  direction: ThresholdDirection,
  step: number,
): { firing: number; silent: number } {
  const k0 = Math.round(threshold / step);
  const candidates = Array.from({ length: 7 }, (_, i) => (k0 - 3 + i) * step);
  const s = sign(direction);
  // Nearest to the threshold on each side: firing values grow away from it in the firing direction.
  const firing = candidates.filter((v) => meets(v, direction, threshold)).sort((a, b) => s * (a - b))[0];
  const silent = candidates.filter((v) => !meets(v, direction, threshold)).sort((a, b) => s * (b - a))[0];
  if (firing === undefined || silent === undefined)
    throw new InvalidInputError(`no grid values of step ${step} around threshold ${threshold}`);
  return { firing, silent };
}

/**
 * The promtool firing and silent values for a threshold, by margin policy (see {@link TestMargin}).
 * @throws InvalidInputError when the margin is not positive or the values do not straddle the threshold.
 */
export function testValues(
  threshold: number,
  direction: ThresholdDirection,
  margin: TestMargin = DEFAULT_MARGIN,
): { firing: number; silent: number } {
  const s = sign(direction);
  let out: { firing: number; silent: number };
  if ('grid' in margin) {
    if (!(margin.grid > 0)) throw new InvalidInputError(`grid step must be > 0, got ${margin.grid}`);
    out = gridValues(threshold, direction, margin.grid);
  } else if ('absolute' in margin) {
    if (!(margin.absolute > 0))
      throw new InvalidInputError(`absolute margin must be > 0, got ${margin.absolute}`);
    out = {
      firing: round12(threshold + s * margin.absolute),
      silent: round12(threshold - s * margin.absolute),
    };
  } else {
    if (!(margin.relative > 0 && margin.relative < 1) || threshold === 0)
      throw new InvalidInputError(
        `relative margin needs 0 < r < 1 and a non-zero threshold (threshold ${threshold})`,
      );
    const f = Math.abs(threshold) * margin.relative;
    out = { firing: round12(threshold + s * f), silent: round12(threshold - s * f) };
  }
  if (!meets(out.firing, direction, threshold) || meets(out.silent, direction, threshold))
    throw new InvalidInputError(
      `test values ${out.firing}/${out.silent} do not straddle threshold ${threshold}`,
    );
  return out;
}

function compare(direction: ThresholdDirection, lhs: Expr, rhs: Expr): Expr {
  switch (direction) {
    case 'above':
      return gt(lhs, rhs);
    case 'below':
      return lt(lhs, rhs);
    case 'at_least':
      return gte(lhs, rhs);
    case 'at_most':
      return lte(lhs, rhs);
  }
}

const NOT_A_NUMBER = 'NaN';
const MARK = '\u0000threshold\u0000';

/** What a builder derives for an alert: expression, texts and the promtool firing/silent values. */
interface Derived {
  readonly expr: Expr;
  readonly summary: string;
  readonly description: string;
  readonly firing: number;
  readonly silent: number;
}

/** The alert rule of `spec` with the derived parts (fields in the order the rule files are written). */
function alertRule(spec: AlertBase, d: Derived): AlertRule {
  return {
    kind: 'alert',
    name: spec.name,
    component: spec.component,
    severity: spec.severity,
    escalation: spec.escalation,
    for: spec.for,
    ...(spec.labels ? { labels: spec.labels } : {}),
    expr: d.expr,
    summary: d.summary,
    description: d.description,
    source: spec.source,
    test: { series: spec.fixture, firing: d.firing, silent: d.silent },
    runbook: spec.runbook,
  };
}

/**
 * Builds a threshold alert: expression, summary, description and promtool values from one threshold.
 * The summary or the description must mention the threshold (through either template argument), unless the
 * threshold is 0 and the direction `above` ("any event": the text says so in words).
 * @throws InvalidInputError when neither text mentions the threshold or the test values cannot be placed.
 */
export function thresholdAlert(spec: ThresholdAlertSpec): AlertRule {
  const t = spec.threshold;
  const formatted = formatThreshold(t, spec.unit);
  const mentions = [spec.summary, spec.description].some((f) => {
    const probe = f(MARK, Number.NaN);
    return probe.includes(MARK) || probe.includes(NOT_A_NUMBER);
  });
  if (!mentions && !(t === 0 && spec.direction === 'above'))
    throw new InvalidInputError(`${spec.name}: neither summary nor description mentions the threshold`);
  const rhs = spec.scale ? mul(num(t), spec.scale) : num(t);
  const { firing, silent } = testValues(t, spec.direction, spec.margin);
  return alertRule(spec, {
    expr: compare(spec.direction, spec.measure, rhs),
    summary: spec.summary(formatted, t),
    description: spec.description(formatted, t),
    firing,
    silent,
  });
}

/**
 * Builds a state alert: `measure == state`, firing at `state`, silent at `otherState`.
 * @throws InvalidInputError when the two states are equal.
 */
export function stateAlert(spec: StateAlertSpec): AlertRule {
  if (spec.state === spec.otherState)
    throw new InvalidInputError(`${spec.name}: the silent state must differ from the alerting state`);
  return alertRule(spec, {
    expr: eqOp(spec.measure, num(spec.state)),
    summary: spec.summary,
    description: spec.description,
    firing: spec.state,
    silent: spec.otherState,
  });
}
