/** Reading metric and label names out of Prometheus text exposition (for comparing two exporters). */

/** Family name → sorted label names (union over its series), from the sample lines of `text`. */
export function labelNamesByMetric(text: string): Map<string, string[]> {
  const out = new Map<string, Set<string>>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([^}]*)\})?\s/.exec(line);
    if (!m) continue;
    const labels = new Set<string>();
    for (const l of (m[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="/g)) labels.add(l[1]!);
    const set = out.get(m[1]!) ?? new Set<string>();
    for (const l of labels) set.add(l);
    out.set(m[1]!, set);
  }
  return new Map([...out].map(([k, v]) => [k, [...v].sort()]));
}
