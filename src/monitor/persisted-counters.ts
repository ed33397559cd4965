/**
 * Counters that describe stored state continue across restarts: at start the saved values are added to the
 * registry's counters, and their current values are saved periodically and at shutdown. Which counters: those the
 * catalog marks `persisted`. A kill -9 loses at most one save interval of increments (the counter then reads
 * lower than the stored state, never higher).
 */
import type { Counter, Registry } from 'prom-client';
import { CATALOG } from '../catalog/index.ts';
import type { CounterRow } from '../store/counter-store.ts';

/** Names of the catalog's counters that survive restarts. */
export const PERSISTED_COUNTERS: readonly string[] = CATALOG.filter(
  (m) => m.type === 'counter' && m.persisted === true,
).map((m) => m.name);

function counterOf(registry: Registry, name: string): Counter<string> | undefined {
  const m = registry.getSingleMetric(name);
  return m !== undefined && (m as { type?: unknown }).type === 'counter' ? (m as Counter<string>) : undefined;
}

/**
 * Adds saved values to the registry's persisted counters. Rows of other or unregistered counters are ignored.
 * @returns how many rows were restored
 */
export function restoreCounters(registry: Registry, rows: readonly CounterRow[]): number {
  let restored = 0;
  for (const r of rows) {
    if (!PERSISTED_COUNTERS.includes(r.name) || !(r.value > 0)) continue;
    const c = counterOf(registry, r.name);
    if (!c) continue;
    c.inc({ ...r.labels }, r.value);
    restored++;
  }
  return restored;
}

/** The current values of the registry's persisted counters (series with value 0 left out). */
export async function snapshotCounters(registry: Registry): Promise<CounterRow[]> {
  const rows: CounterRow[] = [];
  for (const name of PERSISTED_COUNTERS) {
    const c = counterOf(registry, name);
    if (!c) continue;
    for (const v of (await c.get()).values) {
      if (v.value > 0)
        rows.push({
          name,
          labels: Object.fromEntries(Object.entries(v.labels).map(([k, x]) => [k, String(x)])),
          value: v.value,
        });
    }
  }
  return rows;
}
