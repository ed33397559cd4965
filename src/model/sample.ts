/** Samples and series identity. No I/O. */

/** A label set. Keys follow Prometheus label name rules; `__name__` is never stored here. */
export type Labels = Readonly<Record<string, string>>;

/** One sample of one series: metric name, labels, value, timestamp in Unix milliseconds. */
export interface Sample {
  readonly name: string;
  readonly labels: Labels;
  readonly value: number;
  readonly timestampMs: number;
}

/**
 * Canonical series key: `name{a="x",b="y"}` with labels sorted by name and values escaped as in the
 * exposition format. Two samples belong to the same series exactly when their keys are equal.
 */
export function seriesKey(name: string, labels: Labels): string {
  const names = Object.keys(labels).sort();
  if (names.length === 0) return name;
  let out = name + '{';
  for (let i = 0; i < names.length; i++) {
    const k = names[i]!;
    if (i > 0) out += ',';
    out += k + '="' + escapeLabelValue(labels[k]!) + '"';
  }
  return out + '}';
}

/** Escapes a label value as the text exposition format does (backslash, double quote, newline). */
export function escapeLabelValue(v: string): string {
  if (!/[\\"\n]/.test(v)) return v;
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
