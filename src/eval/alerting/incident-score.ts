/**
 * Scores incidents against ground-truth fault labels (pure): which faults each incident covers, incidents per
 * fault, faults wrongly merged with another, faults paged (a firing notification of an incident covering the
 * fault) and the fault-to-notification delay.
 *
 * Definitions:
 * - a signal COVERS a fault when it matches the fault as `evaluateDetections` matches a detection (metric in the
 *   fault's metrics, same node, started in [fault start, fault end + grace]); an incident covers every fault
 *   one of its signals covers;
 * - incidents per fault = incidents covering at least one fault / faults; `falseIncidents` = incidents covering
 *   none (they are counted apart, with their severity);
 * - a fault is MERGED when an incident covering it also covers another fault;
 * - a fault is PAGED when a firing notification of an incident covering it was handed over at or after the
 *   fault started; its delay is the first such notification time - fault start.
 */
import { evaluateDetections, type EvaluateOptions } from '../../analysis/anomaly/evaluate.ts';
import { nearestRank } from '../../math/quantile.ts';
import type { Incident } from '../../contract/alerting.ts';
import type { FaultLabel } from '../../model/anomaly.ts';

/** A firing notification as the evaluator saw it. */
export interface NotificationRecord {
  readonly incidentId: string;
  readonly receiver: string;
  readonly kind: 'firing' | 'resolved' | 'acknowledged';
  readonly atMs: number;
}

/** One fault's outcome. */
export interface FaultIncidentResult {
  readonly fault: FaultLabel;
  /** Incidents covering the fault. */
  readonly incidents: readonly string[];
  readonly merged: boolean;
  readonly paged: boolean;
  readonly notificationDelayMs: number | null;
  /** Whether the top root-cause candidate of a covering incident is a signal that covers this fault. */
  readonly rootCauseOnFault: boolean;
}

/** Scores of one run. */
export interface IncidentScore {
  readonly faults: readonly FaultIncidentResult[];
  /** Incidents covering at least one fault. */
  readonly faultIncidents: number;
  /** Incidents covering no fault, by severity. */
  readonly falseIncidents: { readonly info: number; readonly warning: number; readonly critical: number };
  /** Firing notifications handed over (all receivers). */
  readonly firingNotifications: number;
  /** Firing notifications of incidents covering no fault. */
  readonly falseFiringNotifications: number;
}

function covers(
  signal: Incident['signals'][number],
  fault: FaultLabel,
  opts?: Partial<EvaluateOptions>,
): boolean {
  const ev = evaluateDetections(
    [fault],
    [
      {
        metric: signal.name,
        labels: signal.labels,
        startedAtMs: signal.startedAtMs,
        detectedAtMs: signal.startedAtMs,
      },
    ],
    opts,
  );
  return ev.faults[0]!.detected;
}

/** Scores `incidents` and `notifications` of one run against `labels` (see the module comment). */
export function scoreIncidents(
  labels: readonly FaultLabel[],
  incidents: readonly Incident[],
  notifications: readonly NotificationRecord[],
  opts?: Partial<EvaluateOptions>,
): IncidentScore {
  const covered = new Map<string, Set<number>>();
  for (const i of incidents) {
    const set = new Set<number>();
    labels.forEach((f, fi) => {
      if (i.signals.some((s) => covers(s, f, opts))) set.add(fi);
    });
    covered.set(i.id, set);
  }
  const firing = notifications.filter((n) => n.kind === 'firing');
  const faults = labels.map((fault, fi): FaultIncidentResult => {
    const mine = incidents.filter((i) => covered.get(i.id)!.has(fi));
    const merged = mine.some((i) => covered.get(i.id)!.size > 1);
    const times = firing
      .filter((n) => mine.some((i) => i.id === n.incidentId) && n.atMs >= fault.startMs)
      .map((n) => n.atMs);
    const first = times.length > 0 ? Math.min(...times) : null;
    const rootCauseOnFault = mine.some((i) => {
      const top = i.rootCause[0];
      const s = top ? i.signals.find((x) => x.key === top.signalKey) : undefined;
      return s !== undefined && covers(s, fault, opts);
    });
    return {
      fault,
      incidents: mine.map((i) => i.id),
      merged,
      paged: first !== null,
      notificationDelayMs: first === null ? null : first - fault.startMs,
      rootCauseOnFault,
    };
  });
  const falseIncidents = { info: 0, warning: 0, critical: 0 };
  const falseIds = new Set<string>();
  for (const i of incidents) {
    if (covered.get(i.id)!.size === 0) {
      falseIncidents[i.severity]++;
      falseIds.add(i.id);
    }
  }
  return {
    faults,
    faultIncidents: incidents.filter((i) => covered.get(i.id)!.size > 0).length,
    falseIncidents,
    firingNotifications: firing.length,
    falseFiringNotifications: firing.filter((n) => falseIds.has(n.incidentId)).length,
  };
}

/** Pooled numbers over runs. */
export interface IncidentAggregate {
  readonly runs: number;
  readonly faults: number;
  /** Sum over faults of the incidents covering it / faults. */
  readonly incidentsPerFault: number | null;
  readonly mergedFaults: number;
  readonly pagedFaults: number;
  readonly faultsWithIncident: number;
  readonly rootCauseOnFault: number;
  readonly falseIncidents: number;
  readonly falsePagingIncidents: number;
  readonly firingNotifications: number;
  readonly falseFiringNotifications: number;
  readonly notificationDelayP50Ms: number | null;
  readonly notificationDelayP95Ms: number | null;
}

/** Pools scores (delays pooled before nearest-rank percentiles). */
export function aggregateIncidentScores(scores: readonly IncidentScore[]): IncidentAggregate {
  const faults = scores.flatMap((s) => s.faults);
  const delays = faults
    .map((f) => f.notificationDelayMs)
    .filter((d): d is number => d !== null)
    .sort((a, b) => a - b);
  return {
    runs: scores.length,
    faults: faults.length,
    incidentsPerFault:
      faults.length === 0 ? null : faults.reduce((n, f) => n + f.incidents.length, 0) / faults.length,
    mergedFaults: faults.filter((f) => f.merged).length,
    pagedFaults: faults.filter((f) => f.paged).length,
    faultsWithIncident: faults.filter((f) => f.incidents.length > 0).length,
    rootCauseOnFault: faults.filter((f) => f.rootCauseOnFault).length,
    falseIncidents: scores.reduce(
      (n, s) => n + s.falseIncidents.info + s.falseIncidents.warning + s.falseIncidents.critical,
      0,
    ),
    falsePagingIncidents: scores.reduce(
      (n, s) => n + s.falseIncidents.warning + s.falseIncidents.critical,
      0,
    ),
    firingNotifications: scores.reduce((n, s) => n + s.firingNotifications, 0),
    falseFiringNotifications: scores.reduce((n, s) => n + s.falseFiringNotifications, 0),
    notificationDelayP50Ms: nearestRank(delays, 0.5),
    notificationDelayP95Ms: nearestRank(delays, 0.95),
  };
}
