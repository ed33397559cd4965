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
import { formatMatcher, type CompiledMatcher } from '../matchers.ts';
import type { SeriesWindow, WindowSeries } from './series-window.ts';
import { rulesOf, type AlertRule, type Condition, type RuleSet } from './types.ts';

/** An alert of a rule. Times are Unix ms. Annotations are expanded when the alert fires (with that value). */
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
  /** Firing alerts after this evaluation. */
  readonly firingCount: number;
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

/** An alert as the engine keeps it between evaluations (mutable; snapshots are handed out). */
interface Live {
  readonly labels: Labels;
  readonly fingerprint: string;
  readonly activeAtMs: number;
  firedAtMs: number | null;
  value: number;
  annotations: Readonly<Record<string, string>>;
  seenAt: number;
}

interface RuleState {
  readonly rule: AlertRule;
  alerts: Map<string, Live>;
  /** Alert labels and fingerprint per element label set (series label objects are stable between evaluations). */
  identity: WeakMap<Labels, { labels: Labels; fingerprint: string }>;
  lastEvaluationMs: number | null;
  lastError: string | null;
}

const TEMPLATE = /\{\{\s*(.*?)\s*\}\}/g;

/** Expands `{{ $value }}` and `{{ $labels.name }}` (a missing label is the empty string). */
export function expandTemplate(text: string, labels: Labels, value: number): string {
  return text.replace(TEMPLATE, (_, ref: string) =>
    ref === '$value' ? formatValue(value) : (labels[ref.slice('$labels.'.length)] ?? ''),
  );
}

const matcherKeys = new WeakMap<readonly CompiledMatcher[], string>();
/** A text key of a compiled matcher list (cached per list: lists are per selector and immutable). */
function matcherKey(ms: readonly CompiledMatcher[]): string {
  let k = matcherKeys.get(ms);
  if (k === undefined) {
    k = ms
      .map((m) => formatMatcher(m.matcher))
      .sort()
      .join(',');
    matcherKeys.set(ms, k);
  }
  return k;
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

function snapshot(rule: AlertRule, a: Live): RuleAlert {
  return {
    rule: rule.name,
    group: rule.group,
    severity: rule.severity,
    fingerprint: a.fingerprint,
    labels: a.labels,
    annotations: a.annotations,
    value: a.value,
    activeAtMs: a.activeAtMs,
    state: a.firedAtMs === null ? 'pending' : 'firing',
    firedAtMs: a.firedAtMs,
  };
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
      next.push(
        kept
          ? { ...kept, rule }
          : { rule, alerts: new Map(), identity: new WeakMap(), lastEvaluationMs: null, lastError: null },
      );
    }
    this.states = next;
    const gone: (RuleAlert & { resolvedAtMs: number })[] = [];
    for (const s of old.values())
      for (const a of s.alerts.values())
        if (a.firedAtMs !== null) gone.push({ ...snapshot(s.rule, a), resolvedAtMs: nowMs });
    return gone;
  }

  /** The rules loaded now. */
  rules(): AlertRule[] {
    return this.states.map((s) => s.rule);
  }

  private identity(st: RuleState, el: Element): { labels: Labels; fingerprint: string } {
    let id = st.identity.get(el.labels);
    if (id === undefined) {
      const labels = sortedLabels({
        ...el.labels,
        ...st.rule.labels,
        alertname: st.rule.name,
        severity: st.rule.severity,
      });
      id = { labels, fingerprint: labelsFingerprint(labels) };
      st.identity.set(el.labels, id);
    }
    return id;
  }

  /**
   * Evaluates every rule at `nowMs` over `window` and the open `anomalies`. Rules that select the same metric
   * with the same matchers share one selection per evaluation.
   */
  evaluate(
    window: Pick<SeriesWindow, 'select'>,
    anomalies: readonly Anomaly[],
    nowMs: number,
  ): EvaluationResult {
    const fired: RuleAlert[] = [];
    const resolved: (RuleAlert & { resolvedAtMs: number })[] = [];
    let firingCount = 0;
    let truncated = 0;
    const selections = new Map<string, WindowSeries[]>();
    const shared: Pick<SeriesWindow, 'select'> = {
      select(metric, ms) {
        const key = `${metric}\u0000${matcherKey(ms)}`;
        let got = selections.get(key);
        if (got === undefined) {
          got = window.select(metric, ms);
          selections.set(key, got);
        }
        return got;
      },
    };
    const inputs = { window: shared, anomalies, nowMs, stalenessMs: this.stalenessMs };
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
      let kept = 0;
      for (const el of active) {
        const { labels, fingerprint } = this.identity(st, el);
        let a = st.alerts.get(fingerprint);
        if (a === undefined) {
          if (st.alerts.size >= this.maxAlerts) {
            truncated++;
            continue;
          }
          a = {
            labels,
            fingerprint,
            activeAtMs: nowMs,
            firedAtMs: null,
            value: el.value,
            annotations: {},
            seenAt: nowMs,
          };
          st.alerts.set(fingerprint, a);
        } else if (a.seenAt === nowMs) continue;
        a.value = el.value;
        a.seenAt = nowMs;
        kept++;
        if (a.firedAtMs === null && nowMs - a.activeAtMs >= st.rule.forMs) {
          a.firedAtMs = nowMs;
          const annotations: Record<string, string> = {};
          for (const [k, t] of Object.entries(st.rule.annotations))
            annotations[k] = expandTemplate(t, labels, el.value);
          a.annotations = annotations;
          fired.push(snapshot(st.rule, a));
        }
        if (a.firedAtMs !== null) firingCount++;
      }
      if (kept < st.alerts.size) {
        for (const [fp, a] of st.alerts) {
          if (a.seenAt === nowMs) continue;
          if (a.firedAtMs !== null) resolved.push({ ...snapshot(st.rule, a), resolvedAtMs: nowMs });
          st.alerts.delete(fp);
        }
      }
    }
    return { fired, resolved, firingCount, truncated };
  }

  /** Listing of every rule with its alert counts. */
  status(): RuleStatus[] {
    return this.states.map((s) => {
      let pending = 0;
      let firing = 0;
      for (const a of s.alerts.values())
        if (a.firedAtMs !== null) firing++;
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
