/** Reads metric values back from a prom-client Registry (tests only). */
import type { Registry } from 'prom-client';

export interface ValueRow {
  readonly labels: Record<string, string | number>;
  readonly value: number;
  readonly metricName?: string;
}

/** Every value row of metric `name` (histograms: the _bucket/_sum/_count rows, with metricName). */
export async function valuesOf(registry: Registry, name: string): Promise<ValueRow[]> {
  const all = await registry.getMetricsAsJSON();
  const m = all.find((x) => x.name === name);
  if (!m) throw new Error(`metric ${name} not registered`);
  return m.values as ValueRow[];
}

/** The value of the row whose labels include `match` (and, for histograms, whose metricName is `sample`). */
export async function valueOf(
  registry: Registry,
  name: string,
  match: Record<string, string>,
  sample?: string,
): Promise<number | undefined> {
  const rows = await valuesOf(registry, name);
  const row = rows.find(
    (r) =>
      (sample === undefined || r.metricName === sample) &&
      Object.entries(match).every(([k, v]) => String(r.labels[k]) === v),
  );
  return row?.value;
}
