/**
 * Incidents and anomalies of a report period: counts by component × region and by severity, the time spent
 * with at least one open anomaly per component, and the longest incidents. An anomaly's region is its `region`
 * label (targets carry it), `unknown` without one. Pure.
 */
import type { Anomaly } from '../model/anomaly.ts';
import { SEVERITIES, type Severity } from '../model/dwcp.ts';

/** One row of the component × region table. */
export interface BreakdownCell {
  readonly component: string;
  readonly region: string;
  readonly count: number;
}

/** One incident (a stored anomaly) as the report lists it. */
export interface IncidentRow {
  readonly id: number;
  readonly metric: string;
  readonly component: string;
  readonly region: string;
  readonly severity: Severity;
  readonly startedAtMs: number;
  /** Null while open at the end of the period. */
  readonly resolvedAtMs: number | null;
  /** Time open within the period, ms. */
  readonly openMs: number;
}

/** The breakdown. */
export interface AnomalyBreakdown {
  readonly total: number;
  readonly bySeverity: Readonly<Record<Severity, number>>;
  /** Sorted by component, then region. */
  readonly cells: readonly BreakdownCell[];
  readonly components: readonly string[];
  readonly regions: readonly string[];
  /** Longest first, at most `maxIncidents`. */
  readonly incidents: readonly IncidentRow[];
  /** True when the store returned as many anomalies as asked for (there may be more). */
  readonly truncated: boolean;
}

/** Builds the breakdown of anomalies that were open during [fromMs, toMs). */
export function breakdownAnomalies(
  anomalies: readonly Anomaly[],
  fromMs: number,
  toMs: number,
  opts: { maxIncidents?: number; truncated?: boolean } = {},
): AnomalyBreakdown {
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  const cells = new Map<string, BreakdownCell>();
  const incidents: IncidentRow[] = [];
  let total = 0;
  for (const a of anomalies) {
    const end = a.resolvedAtMs ?? toMs;
    if (a.startedAtMs >= toMs || end < fromMs) continue;
    total++;
    bySeverity[a.severity]++;
    const region = a.labels['region'] ?? 'unknown';
    const key = `${a.component}\u0000${region}`;
    const c = cells.get(key);
    cells.set(key, { component: a.component, region, count: (c?.count ?? 0) + 1 });
    incidents.push({
      id: a.id,
      metric: a.metric,
      component: a.component,
      region,
      severity: a.severity,
      startedAtMs: a.startedAtMs,
      resolvedAtMs: a.resolvedAtMs,
      openMs: Math.min(end, toMs) - Math.max(a.startedAtMs, fromMs),
    });
  }
  const sortedCells = [...cells.values()].sort(
    (x, y) => x.component.localeCompare(y.component) || x.region.localeCompare(y.region),
  );
  incidents.sort((x, y) => y.openMs - x.openMs || x.id - y.id);
  return {
    total,
    bySeverity,
    cells: sortedCells,
    components: [...new Set(sortedCells.map((c) => c.component))],
    regions: [...new Set(sortedCells.map((c) => c.region))].sort(),
    incidents: incidents.slice(0, opts.maxIncidents ?? 20),
    truncated: opts.truncated ?? false,
  };
}
