/**
 * The demo report (pure): what the monitor saw and how its anomalies compare with the simulator's ground
 * truth. Precision and recall are computed over anomalies on the simulated cluster only; anomalies on the
 * real host have no ground truth and are reported separately.
 */
import {
  evaluateDetections,
  type EvalDetection,
  type EvaluationScores,
} from '../analysis/anomaly/evaluate.ts';
import type { Incident } from '../contract/alerting.ts';
import { scoreIncidents } from '../eval/alerting/incident-score.ts';
import { nearestRank } from '../math/quantile.ts';
import type { Anomaly, FaultLabel } from '../model/anomaly.ts';
import type { TargetStatus } from '../model/status.ts';
import type { RejectReason } from '../store/types.ts';
import type { FaultCoverage } from './fault-coverage.ts';

/** Shape of the JSON report written by `dwcp-monitor demo --report`. Times are RFC 3339, durations seconds. */
export interface DemoReport {
  readonly generatedAt: string;
  readonly durationSeconds: number;
  readonly ui: string;
  readonly cluster: {
    readonly nodes: number;
    readonly regions: readonly string[];
    readonly rolloutPercent: number;
    readonly seed: number;
  };
  readonly targets: {
    readonly total: number;
    readonly up: number;
    readonly down: number;
    readonly list: readonly { id: string; health: string; lastError: string | null }[];
  };
  readonly series: number;
  readonly samplesIngested: number;
  readonly samplesRejected: Readonly<Partial<Record<RejectReason, number>>>;
  readonly anomalies: {
    readonly total: number;
    readonly onCluster: number;
    readonly onHost: number;
    readonly items: readonly {
      id: number;
      metric: string;
      node: string | null;
      region: string | null;
      severity: string;
      confidence: number;
      observed: number;
      expected: number;
      startedAt: string;
      detectedAt: string;
      /** When it resolved; null while still open at the end of the demo. */
      resolvedAt: string | null;
      /**
       * Why it resolved (`back inside the band for 3 samples`, `new level accepted`, `target answering again`, ...:
       * `Anomaly.resolution`); null while still open.
       */
      resolution: string | null;
      matchedFault: string | null;
    }[];
  };
  readonly faults: readonly {
    kind: string;
    node: string;
    start: string;
    end: string;
    detected: boolean;
    detectionDelaySeconds: number | null;
    /**
     * `detected`, `missed`, or `missed: too few samples (n of m needed)` when the monitor received fewer judgeable
     * samples of the fault's target series inside the window than the detector's confirmation needs (a miss
     * from scrape gaps or failures, not from the detector).
     */
    verdict: string;
    /** Samples of the fault's target series inside the window, as stored (null: not read). */
    samples: Pick<FaultCoverage, 'series' | 'samples' | 'needed'> | null;
    /** The target's scrapes inside the window (null: not read). */
    scrapes: FaultCoverage['scrapes'] | null;
  }[];
  readonly evaluation: EvaluationScores & {
    readonly detectedWithin5s: number;
    /** Missed faults whose window held fewer judgeable samples than the confirmation needs. */
    readonly missedTooFewSamples: number;
    readonly detectionDelaySeconds: {
      readonly p50: number | null;
      readonly p95: number | null;
      readonly max: number | null;
    };
    readonly definitions: string;
  };
  readonly alerts: {
    readonly notificationsDelivered: number;
    readonly firingDelivered: number;
    readonly resolvedDelivered: number;
    readonly duplicatesDelivered: number;
    readonly queueLeft: number;
  };
  readonly incidents: {
    readonly total: number;
    readonly items: readonly {
      id: string;
      severity: string;
      status: string;
      title: string;
      node: string | null;
      region: string | null;
      signals: number;
      rootCause: string | null;
      startedAt: string;
      matchedFaults: readonly string[];
    }[];
    readonly faults: readonly {
      kind: string;
      node: string;
      incidents: number;
      paged: boolean;
      notificationDelaySeconds: number | null;
    }[];
    /** Incidents covering at least one fault / faults. */
    readonly incidentsPerFault: number | null;
    readonly mergedFaults: number;
    readonly pagedFaults: number;
    /** First firing notification received for an incident covering the fault - fault start. */
    readonly notificationDelaySeconds: {
      readonly p50: number | null;
      readonly p95: number | null;
      readonly max: number | null;
    };
    readonly definitions: string;
  };
}

/** One alert the demo receiver got. */
export interface ReceivedIncidentAlert {
  readonly incident: string | null;
  readonly status: 'firing' | 'resolved';
  readonly receivedAtMs: number;
}

/** Inputs of {@link buildDemoReport}. */
export interface DemoReportInput {
  readonly startMs: number;
  readonly endMs: number;
  readonly ui: string;
  readonly cluster: DemoReport['cluster'];
  readonly targets: readonly TargetStatus[];
  readonly series: number;
  readonly samplesIngested: number;
  readonly samplesRejected: Readonly<Partial<Record<RejectReason, number>>>;
  readonly anomalies: readonly Anomaly[];
  readonly labels: readonly FaultLabel[];
  readonly alerts: DemoReport['alerts'];
  readonly incidents: readonly Incident[];
  readonly received: readonly ReceivedIncidentAlert[];
  /** Ids of targets without ground truth (the host). */
  readonly hostTargets: ReadonlySet<string>;
  /** What the monitor stored inside each fault's window, in the order of `labels` (src/demo/fault-coverage.ts). */
  readonly coverage?: readonly FaultCoverage[];
}

/** Verdict prefix of a fault missed because its window held too few samples to be judged. */
export const TOO_FEW_SAMPLES = 'missed: too few samples';

/**
 * A fault's verdict: `detected`; `missed: too few samples (n of m needed)` when the monitor received fewer
 * judgeable samples of its target series inside the window than the confirmation needs; otherwise `missed`.
 */
export function faultVerdict(detected: boolean, coverage: FaultCoverage | undefined): string {
  if (detected) return 'detected';
  if (coverage !== undefined && coverage.samples < coverage.needed)
    return `${TOO_FEW_SAMPLES} (${coverage.samples} of ${coverage.needed} needed)`;
  return 'missed';
}

const iso = (ms: number) => new Date(ms).toISOString();
const sec = (ms: number | null) => (ms === null ? null : Math.round(ms) / 1000);

function isHost(a: Anomaly, hostTargets: ReadonlySet<string>): boolean {
  return (
    a.labels.job === 'host' ||
    hostTargets.has(a.labels.instance ?? '') ||
    hostTargets.has(a.labels.target ?? '')
  );
}

function toDetection(a: Anomaly): EvalDetection {
  return { metric: a.metric, labels: a.labels, startedAtMs: a.startedAtMs, detectedAtMs: a.detectedAtMs };
}

/** Builds the report. Faults that start after `endMs - 5 s` are still listed but may be undetected. */
export function buildDemoReport(input: DemoReportInput): DemoReport {
  const cluster = input.anomalies.filter((a) => !isHost(a, input.hostTargets));
  const ev = evaluateDetections(input.labels, cluster.map(toDetection));
  const delays = ev.faults.map((f) => f.firstDetectionDelayMs).filter((d): d is number => d !== null);
  const items = input.anomalies.map((a) => {
    let matchedFault: string | null = null;
    if (!isHost(a, input.hostTargets)) {
      const one = evaluateDetections(input.labels, [toDetection(a)]);
      const hit = one.faults.find((f) => f.detected);
      if (hit) matchedFault = `${hit.label.kind}@${hit.label.node}`;
    }
    return {
      id: a.id,
      metric: a.metric,
      node: a.labels.node ?? a.labels.node_id ?? null,
      region: a.labels.region ?? null,
      severity: a.severity,
      confidence: a.confidence,
      observed: a.observed,
      expected: a.expected,
      startedAt: iso(a.startedAtMs),
      detectedAt: iso(a.detectedAtMs),
      resolvedAt: a.resolvedAtMs === null ? null : iso(a.resolvedAtMs),
      resolution: a.resolution ?? null,
      matchedFault,
    };
  });
  const up = input.targets.filter((t) => t.health === 'up').length;
  const faults = ev.faults.map((f, i) => {
    const c = input.coverage?.[i];
    return {
      kind: f.label.kind,
      node: f.label.node,
      start: iso(f.label.startMs),
      end: iso(f.label.endMs),
      detected: f.detected,
      detectionDelaySeconds: sec(f.firstDetectionDelayMs),
      verdict: faultVerdict(f.detected, c),
      samples: c ? { series: c.series, samples: c.samples, needed: c.needed } : null,
      scrapes: c ? c.scrapes : null,
    };
  });
  return {
    generatedAt: iso(input.endMs),
    durationSeconds: Math.round(input.endMs - input.startMs) / 1000,
    ui: input.ui,
    cluster: input.cluster,
    targets: {
      total: input.targets.length,
      up,
      down: input.targets.length - up,
      list: input.targets.map((t) => ({ id: t.id, health: t.health, lastError: t.lastError })),
    },
    series: input.series,
    samplesIngested: input.samplesIngested,
    samplesRejected: input.samplesRejected,
    anomalies: {
      total: input.anomalies.length,
      onCluster: cluster.length,
      onHost: input.anomalies.length - cluster.length,
      items,
    },
    faults,
    evaluation: {
      faults: ev.totals.faults,
      detectedFaults: ev.totals.detectedFaults,
      detectedWithin5s: delays.filter((d) => d <= 5000).length,
      missedTooFewSamples: faults.filter((f) => f.verdict.startsWith(TOO_FEW_SAMPLES)).length,
      detections: ev.totals.detections,
      matchedDetections: ev.totals.matchedDetections,
      falsePositiveDetections: ev.totals.falsePositiveDetections,
      precision: ev.totals.precision,
      recall: ev.totals.recall,
      f1: ev.totals.f1,
      detectionDelaySeconds: {
        p50: sec(ev.totals.delayP50Ms),
        p95: sec(ev.totals.delayP95Ms),
        max: delays.length ? sec(Math.max(...delays)) : null,
      },
      definitions:
        "precision = anomalies on the simulated cluster that match an injected fault (metric in the fault's metrics, same node, " +
        'started within [fault start, fault end + 10 s]) / all anomalies on the simulated cluster; recall = faults with at least one ' +
        'matching anomaly / faults; delay = detection time - fault start. Host anomalies have no ground truth and are excluded. ' +
        "Per fault, samples = points of the fault's target series inside [start, end) the detector could judge, as stored " +
        '(gauge samples, counter samples with an earlier one, histogram means of at least 3 observations); scrapes = the ' +
        "target's scrapes in the window (received: stored `up` samples, failed: up = 0, lateOrSkipped: expected at the " +
        'scrape interval - received); a missed fault with samples < needed (the confirmation) is "missed: too few samples".',
    },
    alerts: input.alerts,
    incidents: incidentSection(input),
  };
}

function incidentSection(input: DemoReportInput): DemoReport['incidents'] {
  const notifications = input.received
    .filter((r): r is ReceivedIncidentAlert & { incident: string } => r.incident !== null)
    .map((r) => ({ incidentId: r.incident, receiver: 'demo', kind: r.status, atMs: r.receivedAtMs }));
  const score = scoreIncidents(input.labels, input.incidents, notifications);
  const delays = score.faults
    .map((f) => f.notificationDelayMs)
    .filter((d): d is number => d !== null)
    .sort((a, b) => a - b);
  const matched = new Map<string, string[]>();
  for (const f of score.faults)
    for (const id of f.incidents)
      matched.set(id, [...(matched.get(id) ?? []), `${f.fault.kind}@${f.fault.node}`]);
  return {
    total: input.incidents.length,
    items: input.incidents.map((i) => ({
      id: i.id,
      severity: i.severity,
      status: i.status,
      title: i.title,
      node: i.node,
      region: i.region,
      signals: i.signals.length + i.droppedSignals,
      rootCause: i.rootCause[0]?.name ?? null,
      startedAt: iso(i.startedAtMs),
      matchedFaults: matched.get(i.id) ?? [],
    })),
    faults: score.faults.map((f) => ({
      kind: f.fault.kind,
      node: f.fault.node,
      incidents: f.incidents.length,
      paged: f.paged,
      notificationDelaySeconds: sec(f.notificationDelayMs),
    })),
    incidentsPerFault:
      score.faults.length === 0
        ? null
        : score.faults.reduce((n, f) => n + f.incidents.length, 0) / score.faults.length,
    mergedFaults: score.faults.filter((f) => f.merged).length,
    pagedFaults: score.faults.filter((f) => f.paged).length,
    notificationDelaySeconds: {
      p50: sec(nearestRank(delays, 0.5)),
      p95: sec(nearestRank(delays, 0.95)),
      max: delays.length ? sec(delays.at(-1)!) : null,
    },
    definitions:
      'an incident covers a fault when one of its signals matches the fault as an anomaly does for precision/recall; a fault is paged when ' +
      'the receiver got a firing notification of an incident covering it; merged = an incident covering it also covers another fault.',
  };
}
