/**
 * Tallies of what each surface of the monitor showed during a soak: anomalies by severity and by metric,
 * notifications, SLO states and burn-rate alerts, region statuses, capacity recommendations and rollout
 * decisions. Each read of a surface is one evaluation; a false signal on a healthy cluster is a non-healthy
 * outcome of an evaluation. Pure: the runner feeds it what the providers returned. Bounded: per-key maps are
 * keyed by finite vocabularies or capped at {@link MAX_KEYS} keys (the rest counted under `(other)`).
 */
import type { Anomaly } from '../../model/anomaly.ts';
import { SEVERITIES, type Severity } from '../../model/dwcp.ts';
import type { CapacityProvider } from '../../monitor/capacity-provider.ts';
import type { InsightsProvider, RolloutResult } from '../../monitor/rollout-provider.ts';

/** What GET /api/slo returns (the provider's result). */
type SloOverview = Awaited<ReturnType<InsightsProvider['slo']>>;
/** What GET /api/regions/health returns. */
type RegionsOverview = Awaited<ReturnType<InsightsProvider['regions']>>;
/** What GET /api/capacity returns. */
type CapacityOverview = Awaited<ReturnType<CapacityProvider['capacity']>>;
/** A rollout decision. */
type RolloutDecision = RolloutResult['decision'];

/** Distinct keys kept per breakdown map. */
export const MAX_KEYS = 200;
/** Examples kept per surface. */
export const MAX_EXAMPLES = 20;

/** A count per key, bounded (see the module comment). */
export type Breakdown = Record<string, number>;

function bump(map: Breakdown, key: string, n = 1): void {
  const k = key in map || Object.keys(map).length < MAX_KEYS ? key : '(other)';
  map[k] = (map[k] ?? 0) + n;
}

function example<T>(list: T[], x: T): void {
  if (list.length < MAX_EXAMPLES) list.push(x);
}

/** One anomaly as the report lists it. */
export interface AnomalyExample {
  readonly metric: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly kind: string;
  readonly severity: Severity;
  readonly deviation: number;
  readonly observed: number;
  readonly lower: number;
  readonly upper: number;
  /** Seconds since the cold start. */
  readonly atS: number;
  readonly detector: string;
}

/** Everything the surfaces showed; counts of evaluations unless said otherwise. */
export interface SurfaceTally {
  readonly anomalies: {
    readonly bySeverity: Record<Severity, number>;
    /** Count per `metric` (and `kind`). */
    readonly byMetric: Breakdown;
    readonly examples: AnomalyExample[];
  };
  readonly notifications: {
    /** Webhook payloads the anomaly sink queued. */
    payloads: number;
    /** Firing alerts in them. */
    firingAlerts: number;
  };
  readonly slo: {
    evaluations: number;
    readonly byStatus: Breakdown;
    /** Evaluations with the page burn-rate alert firing / the ticket one. */
    pageBurn: number;
    ticketBurn: number;
    /** Per SLO: evaluations in state `violated`. */
    readonly violatedBySlo: Breakdown;
    readonly pageBySlo: Breakdown;
    readonly examples: {
      atS: number;
      slo: string;
      status: string;
      compliance: number | null;
      page: boolean;
      ticket: boolean;
      coverage: number;
    }[];
  };
  readonly regions: {
    evaluations: number;
    readonly byStatus: Breakdown;
    readonly notHealthyByRegion: Breakdown;
    /** Status per region at the last read (`not-scored` when the region had no score). */
    last: Record<string, string>;
    readonly examples: {
      atS: number;
      region: string;
      status: string;
      score: number | null;
      factors: unknown;
    }[];
  };
  readonly capacity: {
    evaluations: number;
    /** Per plan outcome: the recommendation action, or `insufficient-data` / `invalid-data`. */
    readonly byOutcome: Breakdown;
    /** Series (node/resource) with a scale-out recommendation, counted per evaluation. */
    readonly scaleOutBySeries: Breakdown;
    readonly examples: {
      atS: number;
      node: string;
      resource: string;
      action: string;
      growthPctPerDay: number;
      message: string;
    }[];
  };
  readonly rollout: {
    evaluations: number;
    readonly byDecision: Breakdown;
    readonly examples: { atS: number; decision: RolloutDecision; summary: string }[];
  };
}

/** A new, empty tally. */
export function emptyTally(): SurfaceTally {
  return {
    anomalies: {
      bySeverity: Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>,
      byMetric: {},
      examples: [],
    },
    notifications: { payloads: 0, firingAlerts: 0 },
    slo: {
      evaluations: 0,
      byStatus: {},
      pageBurn: 0,
      ticketBurn: 0,
      violatedBySlo: {},
      pageBySlo: {},
      examples: [],
    },
    regions: { evaluations: 0, byStatus: {}, notHealthyByRegion: {}, last: {}, examples: [] },
    capacity: { evaluations: 0, byOutcome: {}, scaleOutBySeries: {}, examples: [] },
    rollout: { evaluations: 0, byDecision: {}, examples: [] },
  };
}

const secondsSince = (startMs: number, tMs: number): number => Math.round((tMs - startMs) / 1000);

/** Counts an opened anomaly. */
export function tallyAnomaly(t: SurfaceTally, a: Omit<Anomaly, 'id'>, startMs: number): void {
  t.anomalies.bySeverity[a.severity]++;
  bump(t.anomalies.byMetric, `${a.metric} (${a.kind})`);
  example(t.anomalies.examples, {
    metric: a.metric,
    labels: a.labels,
    kind: a.kind,
    severity: a.severity,
    deviation: a.deviation,
    observed: a.observed,
    lower: a.lower,
    upper: a.upper,
    atS: secondsSince(startMs, a.startedAtMs),
    detector: a.detector,
  });
}

/** Counts one read of GET /api/slo. */
export function tallySlo(t: SurfaceTally, o: SloOverview, nowMs: number, startMs: number): void {
  for (const s of o.slos) {
    t.slo.evaluations++;
    const status = s.report === null ? 'not-evaluated' : s.report.status;
    bump(t.slo.byStatus, status);
    const page = s.report?.alerts.page === true;
    const ticket = s.report?.alerts.ticket === true;
    if (page) {
      t.slo.pageBurn++;
      bump(t.slo.pageBySlo, s.name);
    }
    if (ticket) t.slo.ticketBurn++;
    if (status === 'violated') bump(t.slo.violatedBySlo, s.name);
    if (status === 'violated' || page || ticket)
      example(t.slo.examples, {
        atS: secondsSince(startMs, nowMs),
        slo: s.name,
        status,
        compliance: s.report?.compliance ?? null,
        page,
        ticket,
        coverage: s.report?.coverage ?? 0,
      });
  }
}

/** Counts one read of GET /api/regions/health. */
export function tallyRegions(t: SurfaceTally, o: RegionsOverview, nowMs: number, startMs: number): void {
  t.regions.last = {};
  for (const r of o.regions.slice(0, MAX_KEYS)) t.regions.last[r.region] = r.status ?? 'not-scored';
  for (const r of o.regions) {
    t.regions.evaluations++;
    const status = r.status ?? 'not-scored';
    bump(t.regions.byStatus, status);
    if (r.status === 'degraded' || r.status === 'unhealthy') {
      bump(t.regions.notHealthyByRegion, r.region);
      example(t.regions.examples, {
        atS: secondsSince(startMs, nowMs),
        region: r.region,
        status,
        score: r.score,
        factors: r.factors,
      });
    }
  }
}

/** Whether a recommendation action advises adding capacity. */
export function isScaleOut(action: string): boolean {
  return action.startsWith('scale-out');
}

/** Counts one read of GET /api/capacity. */
export function tallyCapacity(t: SurfaceTally, o: CapacityOverview, nowMs: number, startMs: number): void {
  for (const n of o.nodes) {
    t.capacity.evaluations++;
    const p = n.plan;
    const outcome = p.status === 'ok' ? p.recommendation.action : p.status;
    bump(t.capacity.byOutcome, outcome);
    if (p.status === 'ok' && isScaleOut(p.recommendation.action)) {
      bump(t.capacity.scaleOutBySeries, `${n.node}/${n.resource}`);
      example(t.capacity.examples, {
        atS: secondsSince(startMs, nowMs),
        node: n.node,
        resource: n.resource,
        action: p.recommendation.action,
        growthPctPerDay: p.growthPctPerDay,
        message: p.recommendation.message,
      });
    }
  }
}

/** Counts one read of GET /api/rollout. */
export function tallyRollout(
  t: SurfaceTally,
  decision: RolloutDecision,
  summary: string,
  nowMs: number,
  startMs: number,
): void {
  t.rollout.evaluations++;
  bump(t.rollout.byDecision, decision);
  if (decision === 'NO-GO')
    example(t.rollout.examples, { atS: secondsSince(startMs, nowMs), decision, summary });
}
