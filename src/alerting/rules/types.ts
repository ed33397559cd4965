/**
 * Alert rules as the engine runs them (parsed and validated from YAML by `parse.ts`): conditions over the
 * monitor's latest samples (threshold, rate of change, absence), over open anomalies, and AND/OR/NOT of those,
 * with a `for` duration, labels, annotations and a severity. Durations in ms. No I/O.
 */
import type { AlertSeverity, Matcher } from '../../contract/alerting.ts';
import type { Severity } from '../../model/dwcp.ts';

/** Comparison operators of threshold and rate-of-change conditions. */
export const COMPARISON_OPS = ['>', '>=', '<', '<=', '==', '!='] as const;
export type ComparisonOp = (typeof COMPARISON_OPS)[number];

/** How a rate-of-change condition turns a window of samples into one number. */
export const CHANGE_FUNCTIONS = ['rate', 'delta', 'relative'] as const;
/**
 * `rate`: per-second increase of a counter over the window, counter resets handled as Prometheus' `rate` does
 * (without its extrapolation); `delta`: last - first value of a gauge in the window; `relative`: (last - first)
 * / |first| (a ratio; 0.5 = +50 %).
 */
export type ChangeFunction = (typeof CHANGE_FUNCTIONS)[number];

/** Series of one metric whose labels satisfy every matcher. */
export interface Selector {
  /** Sample name as exposed (`foo_total`, `foo_sum`, ...); a catalog metric. */
  readonly metric: string;
  readonly matchers: readonly Matcher[];
}

/** A condition of a rule. */
export type Condition =
  | {
      readonly type: 'threshold';
      readonly selector: Selector;
      readonly op: ComparisonOp;
      readonly value: number;
    }
  | {
      readonly type: 'rate_of_change';
      readonly selector: Selector;
      readonly windowMs: number;
      readonly fn: ChangeFunction;
      readonly op: ComparisonOp;
      readonly value: number;
    }
  /** No sample within `windowMs`: per known series, or once for the selector when no series exists at all. */
  | { readonly type: 'absence'; readonly selector: Selector; readonly windowMs: number }
  /** An open anomaly of at least `minSeverity` on a matching series (metric, component and labels). */
  | {
      readonly type: 'anomaly';
      readonly metric: string | null;
      readonly component: string | null;
      readonly minSeverity: Severity;
      readonly matchers: readonly Matcher[];
    }
  | {
      readonly type: 'all' | 'any';
      readonly on: readonly string[];
      readonly conditions: readonly Condition[];
    }
  | { readonly type: 'not'; readonly on: readonly string[]; readonly condition: Condition };

/** One alerting rule. */
export interface AlertRule {
  readonly group: string;
  /** `alert:` name, also the `alertname` label. */
  readonly name: string;
  readonly severity: AlertSeverity;
  /** Active this long before the alert fires (pending until then); 0 = fires at once. */
  readonly forMs: number;
  readonly labels: Readonly<Record<string, string>>;
  /** Templates: `{{ $value }}`, `{{ $labels.name }}`. */
  readonly annotations: Readonly<Record<string, string>>;
  readonly condition: Condition;
}

/** One group of rules (evaluated together). */
export interface RuleGroup {
  readonly name: string;
  readonly file: string;
  readonly rules: readonly AlertRule[];
}

/** Every rule of every loaded file. */
export interface RuleSet {
  readonly files: readonly string[];
  readonly groups: readonly RuleGroup[];
}

/** The rules of a set in group order. */
export function rulesOf(set: RuleSet): AlertRule[] {
  return set.groups.flatMap((g) => g.rules);
}
