/**
 * Alert and recording rules as data. Each rule keeps its source (specification or original file) and each alert
 * carries what its generated promtool unit test needs: input series as a function of the measured value, a
 * value that must fire and one just inside the threshold that must stay silent (`tests.ts`).
 */
import type { Duration, Expr, VectorSelector } from '../promql/ast.ts';

/** Alert severity label (Alertmanager routes on it). */
export type AlertSeverity = 'critical' | 'warning' | 'info';

/**
 * Escalation label ("Escalation Policies" of the Phase 6 production spec, seed 002): `immediate` pages at once, `high` pages after 10 minutes
 * unresolved, `low` notifies Slack only.
 */
export type Escalation = 'immediate' | 'high' | 'low';

/** One input series of a generated promtool test: a selector with `=` matchers only, and its shape. */
export interface InputSeries {
  readonly series: VectorSelector;
  /** `gauge`: constant `value`; `counter`: starts at 0 and grows by `value` per minute. */
  readonly shape: 'gauge' | 'counter';
  readonly value: number;
}

/** What the generated promtool test of an alert needs. */
export interface AlertTest {
  /** Input series that make the alert's measured quantity equal `v`. */
  readonly series: (v: number) => readonly InputSeries[];
  /** Value at (just beyond) the threshold: the alert must fire after its `for`. */
  readonly firing: number;
  /** Value just inside the threshold: the alert must stay silent. */
  readonly silent: number;
}

/** Runbook hints specific to one alert (the runbook renderer adds the component's generic steps). */
export interface RunbookHints {
  /** Likely causes, most likely first. */
  readonly causes: readonly string[];
  /** Concrete first actions for this alert. */
  readonly actions: readonly string[];
}

/** An alerting rule. */
export interface AlertRule {
  readonly kind: 'alert';
  readonly name: string;
  readonly expr: Expr;
  /** Pending duration before firing (`0s` = at once). */
  readonly for: Duration;
  readonly severity: AlertSeverity;
  readonly escalation: Escalation;
  /** Component or area label (amst, hde, pba, ass, acp, itp, migration, system, sla, rollout, monitor, federation). */
  readonly component: string;
  /** One line, may use `{{ $labels.x }}` templates. */
  readonly summary: string;
  readonly description: string;
  /** Where the rule comes from (specification or original file) and what we changed; rendered as a comment. */
  readonly source: string;
  readonly test: AlertTest;
  readonly runbook: RunbookHints;
  /** Extra static labels (e.g. `sla: "true"`). */
  readonly labels?: Readonly<Record<string, string>>;
}

/** A recording rule (`level:metric:operations` naming, https://prometheus.io/docs/practices/rules/). */
export interface RecordingRule {
  readonly kind: 'record';
  readonly record: string;
  readonly expr: Expr;
  readonly source: string;
}

/** A rule group: one evaluation interval, rendered into one file. */
export interface RuleGroup {
  readonly name: string;
  /** File name under prometheus/rules/ (several groups may share a file). */
  readonly file: string;
  readonly interval: Duration;
  readonly rules: readonly (AlertRule | RecordingRule)[];
}
