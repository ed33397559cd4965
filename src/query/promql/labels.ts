/** Label sets of PromQL results: matching, a canonical key, and the order Prometheus lists series in. */
import type { LabelMatcher } from './ast.ts';

/** A series' labels, the metric name under `__name__`. */
export type PromLabels = Readonly<Record<string, string>>;

/** Whether `labels` satisfy `m` (a missing label reads as ""; as in Prometheus). */
export function matches(labels: PromLabels, m: LabelMatcher): boolean {
  const v = labels[m.name] ?? '';
  switch (m.op) {
    case '=':
      return v === m.value;
    case '!=':
      return v !== m.value;
    case '=~':
      return m.regex!.test(v);
    case '!~':
      return !m.regex!.test(v);
  }
}

/** Whether `labels` satisfy every matcher. */
export function matchesAll(labels: PromLabels, matchers: readonly LabelMatcher[]): boolean {
  return matchers.every((m) => matches(labels, m));
}

/** Canonical key of a label set (names sorted). */
export function labelsKey(labels: PromLabels): string {
  return JSON.stringify(
    Object.keys(labels)
      .sort()
      .map((k) => [k, labels[k]]),
  );
}

/** `labels` without `__name__`. */
export function dropName(labels: PromLabels): PromLabels {
  if (!('__name__' in labels)) return labels;
  const rest: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels)) if (k !== '__name__') rest[k] = v;
  return rest;
}

/** Compares label sets as Prometheus sorts result series: by name, then value, label by label. */
export function compareLabels(a: PromLabels, b: PromLabels): number {
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  for (let i = 0; i < Math.min(ka.length, kb.length); i++) {
    const na = ka[i]!;
    const nb = kb[i]!;
    if (na !== nb) return na < nb ? -1 : 1;
    const va = a[na]!;
    const vb = b[nb]!;
    if (va !== vb) return va < vb ? -1 : 1;
  }
  return ka.length - kb.length;
}
