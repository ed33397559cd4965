/**
 * The rule engine: evaluates every rule of the loaded set at a given time and keeps each alert's state as
 * Prometheus does: an active element becomes a pending alert, which fires once it has been active for the rule's
 * `for` (at once when `for` is 0); an alert whose element is gone is resolved (a pending one is just dropped).
 * Replacing the rule set keeps the state of rules that are still there (same group, name and `for`). Pure: time
 * comes in with each call; bounded per rule.
 * @see https://prometheus.io/docs/prometheus/latest/configuration/alerting_rules/
 */
import type { AlertSeverity, RuleStatus } from '../../contract/alerting.ts';
import type { Anomaly } from '../../model/anomaly.ts';
import type { Labels } from '../../model/sample.ts';
import { formatValue, labelsFingerprint } from '../alertmanager-payload.ts';
import { evaluateCondition, type Element } from './conditions.ts';
import type { SeriesWindow } from './series-window.ts';
import { rulesOf, type AlertRule, type Condition, type RuleSet } from './types.ts';

/** An alert of a rule. Times are Unix ms. */
export interface RuleAlert {
  readonly rule: string;
  readonly group: string;
  readonly severity: AlertSeverity;
  readonly fingerprint: string;
  /** Element labels, rule labels, `alertname` and `severity`, sorted by name. */
  readonly labels: Labels;
  readonly annotations: Readonly<Record<string, string>>;
  readonly value: number;
  readonly activeAtMs: number;
  readonly state: 'pending' | 'firing';
  readonly firedAtMs: number | null;
}

/** What one evaluation changed. */
export interface EvaluationResult {
  /** Alerts that started firing now. */
  readonly fired: readonly RuleAlert[];
  /** Alerts that stopped firing now (with the resolution time). */
  readonly resolved: readonly (RuleAlert & { readonly resolvedAtMs: number })[];
  /** Every firing alert after this evaluation. */
  readonly firing: readonly RuleAlert[];
  /** Elements left out because a rule reached `maxAlertsPerRule`. */
  readonly truncated: number;
}

/** Options of {@link RuleEngine}. */
export interface RuleEngineOptions {
  /** Alerts (pending + firing) per rule at most (default 5000). */
  readonly maxAlertsPerRule?: number;
  /** Latest samples older than this are not compared (default 5 min, Prometheus' lookback). */
  readonly stalenessMs?: number;
}

interface RuleState {
  readonly rule: AlertRule;
  alerts: Map<string, RuleAlert>;
  lastEvaluationMs: number | null;
  lastError: string | null;
}

const TEMPLATE = /\{\{\s*(.*?)\s*\}\}/g;

/** Expands `{{ $value }}` and `{{ $labels.name }}` (a missing label is the empty string). */
export function expandTemplate(text: string, labels: Labels, value: number): string {
  return text.replace(TEMPLATE, (_, ref: string) => (ref === '$value' ? formatValue(value) : (labels[ref.slice('$labels.'.length)] ?? '')));
}

function ruleId(r: AlertRule): string {
  return `${r.group}\u0000${r.name}\u0000${JSON.stringify(r.labels)}\u0000${r.forMs}\u0000${JSON.stringify(r.condition)}`;
}

function sortedLabels(l: Record<string, string>): Labels {
  const out: Record<string, string> = {};
  for (const k of Object.keys(l).sort()) out[k] = l[k]!;
  return out;
}

/** The top condition type of a rule (for listings). */
export function conditionType(c: Condition): string {
  return c.type;
}

/** Runs a rule set over time (see the module comment). */
export class RuleEngine {
  private states: RuleState[] = [];
  private readonly maxAlerts: number;
  private readonly stalenessMs: number;

  constructor(opts: RuleEngineOptions = {}) {
    this.maxAlerts = opts.maxAlertsPerRule ?? 5000;
    this.stalenessMs = opts.stalenessMs ?? 5 * 60_000;
  }

  /** Number of rules loaded. */
  get size(): number {
    return this.states.length;
  }

  /**
   * Replaces the rules. Rules whose group, name, labels, `for` and condition are unchanged keep their alerts;
   * alerts of removed or changed rules are returned as resolved at `nowMs` (firing ones only).
   */
  setRules(set: RuleSet, nowMs: number): (RuleAlert & { resolvedAtMs: number })[] {
    const old = new Map(this.states.map((s) => [ruleId(s.rule), s]));
    const next: RuleState[] = [];
    for (const rule of rulesOf(set)) {
      const id = ruleId(rule);
      const kept = old.get(id);
      old.delete(id);
      next.push(kept ? { ...kept, rule } : { rule, alerts: new Map(), lastEvaluationMs: null, lastError: null });
    }
    this.states = next;
    const gone: (RuleAlert & { resolvedAtMs: number })[] = [];
    for (const s of old.values()) for (const a of s.alerts.values()) if (a.state === 'firing') gone.push({ ...a, resolvedAtMs: nowMs });
    return gone;
  }

  /** The rules loaded now. */
  rules(): AlertRule[] {
    return this.states.map((s) => s.rule);
  }

  /** Evaluates every rule at `nowMs` over `window` and the open `anomalies`. */
  evaluate(window: Pick<SeriesWindow, 'series'>, anomalies: readonly Anomaly[], nowMs: number): EvaluationResult {
    const fired: RuleAlert[] = [];
    const resolved: (RuleAlert & { resolvedAtMs: number })[] = [];
    const firing: RuleAlert[] = [];
    let truncated = 0;
    const inputs = { window, anomalies, nowMs, stalenessMs: this.stalenessMs };
    for (const st of this.states) {
      let active: readonly Element[];
      try {
        active = evaluateCondition(st.rule.condition, inputs).active;
        st.lastError = null;
      } catch (e) {
        st.lastError = (e as Error).message;
        continue;
      }
      st.lastEvaluationMs = nowMs;
      const next = new Map<string, RuleAlert>();
      for (const el of active) {
        if (next.size >= this.maxAlerts) {
          truncated++;
          continue;
        }
        const labels = sortedLabels({ ...el.labels, ...st.rule.labels, alertname: st.rule.name, severity: st.rule.severity });
        const fp = labelsFingerprint(labels);
        if (next.has(fp)) continue;
        const prev = st.alerts.get(fp);
        const activeAtMs = prev?.activeAtMs ?? nowMs;
        const due = nowMs - activeAtMs >= st.rule.forMs;
        const annotations: Record<string, string> = {};
        for (const [k, t] of Object.entries(st.rule.annotations)) annotations[k] = expandTemplate(t, labels, el.value);
        const alert: RuleAlert = {
          rule: st.rule.name,
          group: st.rule.group,
          severity: st.rule.severity,
          fingerprint: fp,
          labels,
          annotations,
          value: el.value,
          activeAtMs,
          state: due ? 'firing' : 'pending',
          firedAtMs: prev?.firedAtMs ?? (due ? nowMs : null),
        };
        if (due && prev?.state !== 'firing') fired.push(alert);
        if (due) firing.push(alert);
        next.set(fp, alert);
      }
      for (const [fp, a] of st.alerts) if (!next.has(fp) && a.state === 'firing') resolved.push({ ...a, resolvedAtMs: nowMs });
      st.alerts = next;
    }
    return { fired, resolved, firing, truncated };
  }

  /** Listing of every rule with its alert counts. */
  status(): RuleStatus[] {
    return this.states.map((s) => {
      let pending = 0;
      let firing = 0;
      for (const a of s.alerts.values()) if (a.state === 'firing') firing++;
      else pending++;
      return {
        group: s.rule.group,
        name: s.rule.name,
        severity: s.rule.severity,
        forMs: s.rule.forMs,
        condition: conditionType(s.rule.condition),
        labels: s.rule.labels,
        annotations: s.rule.annotations,
        pending,
        firing,
        lastEvaluationMs: s.lastEvaluationMs,
        lastError: s.lastError,
      };
    });
  }
}
