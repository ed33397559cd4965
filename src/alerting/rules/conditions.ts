/**
 * Evaluates one rule condition at one time over the recent samples and the open anomalies. Pure.
 *
 * A condition yields its active elements (a label set and a value each) and its universe (every label set it
 * looked at, active or not), so that NOT has something to take the complement of:
 * - threshold: the latest sample of each selected series compared with the value (series whose latest sample
 *   is older than the staleness limit are left out, as Prometheus' 5-minute lookback does);
 * - rate_of_change: the series' change over the window (rate / delta / relative) compared with the value;
 * - absence: each selected series without a sample in the window; when no series is known at all, one element
 *   with the selector's equality matchers as labels (as Prometheus' `absent()`);
 * - anomaly: each open anomaly of at least the minimum severity on a matching series;
 * - all: the elements of the first positive part whose `on` labels also appear among the elements of every other
 *   positive part and do not appear among those of any `not` part (Prometheus' `and on(...)` / `unless on(...)`);
 * - any: the union of the parts (first wins per label set);
 * - not: the universe of the part minus its active elements, compared on the `on` labels; with `on: []` one
 *   element `{}` exactly when the part has no active element.
 * @see https://prometheus.io/docs/prometheus/latest/querying/operators/#logical-set-binary-operators
 */
import type { Anomaly } from '../../model/anomaly.ts';
import { severityRank } from '../../model/dwcp.ts';
import type { Labels } from '../../model/sample.ts';
import { compileMatchers, matchesAll, type CompiledMatcher } from '../matchers.ts';
import type { SeriesWindow } from './series-window.ts';
import type { ComparisonOp, Condition, Selector } from './types.ts';

/** One active element: a label set and its value. */
export interface Element {
  readonly labels: Labels;
  readonly value: number;
}

/** The outcome of one condition. */
export interface ConditionResult {
  readonly active: readonly Element[];
  readonly universe: readonly Element[];
}

/** What a condition reads. */
export interface ConditionInputs {
  readonly window: Pick<SeriesWindow, 'select'>;
  readonly anomalies: readonly Anomaly[];
  readonly nowMs: number;
  /** Latest samples older than this are stale (not compared), ms. */
  readonly stalenessMs: number;
}

/** Compiled matchers, cached per selector (or condition) object: a rule set is immutable. */
const compiled = new WeakMap<object, CompiledMatcher[]>();
export function matchersOf(owner: object, ms: Selector['matchers']): CompiledMatcher[] {
  let c = compiled.get(owner);
  if (c === undefined) {
    c = compileMatchers(ms);
    compiled.set(owner, c);
  }
  return c;
}

/** `a op b`. */
export function compare(a: number, op: ComparisonOp, b: number): boolean {
  switch (op) {
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '==':
      return a === b;
    case '!=':
      return a !== b;
  }
}

function projectKey(labels: Labels, on: readonly string[]): string {
  let k = '';
  for (const n of on) k += `${n}\u0000${labels[n] ?? ''}\u0001`;
  return k;
}

function labelsKey(labels: Labels): string {
  return projectKey(labels, Object.keys(labels).sort());
}

const NONE: readonly Element[] = Object.freeze([]);

function leaf(
  c: Exclude<Condition, { type: 'all' | 'any' | 'not' }>,
  x: ConditionInputs,
  needUniverse: boolean,
): ConditionResult {
  const active: Element[] = [];
  const universe: Element[] = [];
  if (c.type === 'anomaly') {
    const ms = matchersOf(c, c.matchers);
    const min = severityRank(c.minSeverity);
    for (const a of x.anomalies) {
      if (a.resolvedAtMs !== null || severityRank(a.severity) < min) continue;
      if (c.metric !== null && a.metric !== c.metric) continue;
      if (c.component !== null && a.component !== c.component) continue;
      if (!matchesAll(ms, a.labels)) continue;
      active.push({ labels: a.labels, value: a.observed });
    }
    return { active, universe: active };
  }
  const ms = matchersOf(c.selector, c.selector.matchers);
  let any = false;
  for (const s of x.window.select(c.selector.metric, ms)) {
    any = true;
    if (c.type === 'absence') {
      const age = x.nowMs - s.lastTs;
      if (age > c.windowMs) active.push({ labels: s.labels, value: age / 1000 });
      else if (needUniverse) universe.push({ labels: s.labels, value: age / 1000 });
      continue;
    }
    if (x.nowMs - s.lastTs > x.stalenessMs) continue;
    const v = c.type === 'threshold' ? s.lastValue : s.change(c.fn, c.windowMs, x.nowMs);
    if (v === undefined) continue;
    if (compare(v, c.op, c.value)) active.push({ labels: s.labels, value: v });
    else if (needUniverse) universe.push({ labels: s.labels, value: v });
  }
  if (needUniverse) universe.push(...active);
  if (c.type === 'absence' && !any) {
    const labels: Record<string, string> = {};
    for (const m of c.selector.matchers) if (!m.isRegex && m.isEqual) labels[m.name] = m.value;
    const e = { labels, value: Infinity };
    return { active: [e], universe: [e] };
  }
  return { active, universe: needUniverse ? universe : NONE };
}

function keys(es: readonly Element[], on: readonly string[]): Set<string> {
  return new Set(es.map((e) => projectKey(e.labels, on)));
}

function dedupe(es: readonly Element[]): Element[] {
  const seen = new Set<string>();
  return es.filter((e) => {
    const k = labelsKey(e.labels);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/**
 * Evaluates `c` at `x.nowMs` (see the module comment). The universe is computed only when `needUniverse`
 * (a NOT above needs it); otherwise it is empty.
 */
export function evaluateCondition(c: Condition, x: ConditionInputs, needUniverse = false): ConditionResult {
  switch (c.type) {
    case 'any': {
      const parts = c.conditions.map((p) => evaluateCondition(p, x, needUniverse));
      return {
        active: dedupe(parts.flatMap((p) => p.active)),
        universe: dedupe(parts.flatMap((p) => p.universe)),
      };
    }
    case 'not': {
      const inner = evaluateCondition(c.condition, x, true);
      if (c.on.length === 0) {
        const e = { labels: {}, value: inner.active.length === 0 ? 1 : 0 };
        return { active: inner.active.length === 0 ? [e] : [], universe: [e] };
      }
      const on = keys(inner.active, c.on);
      const rest = dedupe(inner.universe.filter((e) => !on.has(projectKey(e.labels, c.on))));
      return { active: rest, universe: dedupe(inner.universe) };
    }
    case 'all': {
      const positive = c.conditions.filter((p) => p.type !== 'not');
      const negative = c.conditions.filter((p): p is Extract<Condition, { type: 'not' }> => p.type === 'not');
      const base = evaluateCondition(positive[0] ?? negative[0]!, x, needUniverse);
      let active = base.active;
      let universe = base.universe;
      for (const p of positive.slice(1)) {
        const r = evaluateCondition(p, x, needUniverse);
        const a = keys(r.active, c.on);
        const u = keys(r.universe, c.on);
        active = active.filter((e) => a.has(projectKey(e.labels, c.on)));
        universe = universe.filter((e) => u.has(projectKey(e.labels, c.on)));
      }
      for (const p of positive.length === 0 ? negative.slice(1) : negative) {
        const r = evaluateCondition(p.condition, x, false);
        const a = keys(r.active, c.on);
        active = active.filter((e) => !a.has(projectKey(e.labels, c.on)));
      }
      return { active, universe };
    }
    default:
      return leaf(c, x, needUniverse);
  }
}

/** Every selector of a condition tree with the window it is read over (0: latest sample only). */
export function selectorsOf(c: Condition): { selector: Selector; windowMs: number }[] {
  switch (c.type) {
    case 'all':
    case 'any':
      return c.conditions.flatMap(selectorsOf);
    case 'not':
      return selectorsOf(c.condition);
    case 'anomaly':
      return [];
    case 'threshold':
      return [{ selector: c.selector, windowMs: 0 }];
    default:
      return [{ selector: c.selector, windowMs: c.windowMs }];
  }
}
