/**
 * The faulted counterpart of a healthy soak: the same cluster with one fault of each simulator kind, one after
 * the other on rotating nodes (each `FAULT_SECONDS` long, `GAP_SECONDS` apart, the first after the detectors'
 * warm-up), and per fault what found it: the monitor's anomalies (scored with `evaluateDetections`: the first
 * matching detection and its delay) and the alerts of the generated Prometheus rules for the fault's node (or its
 * region) that were firing while it was active or within `PROM_GRACE_SECONDS` after, but not in the window of the
 * same length just before it (alerts a healthy cluster already had are not credited to the fault). Pure.
 */
import type { Evaluation } from '../../analysis/anomaly/evaluate.ts';
import { FAULT_KINDS, type FaultKind, type FaultLabel } from '../../model/anomaly.ts';
import { DEFAULT_MAGNITUDE } from '../../sim/faults.ts';
import type { SoakOptions } from './options.ts';

/** Length of each fault, s. */
export const FAULT_SECONDS = 150;
/** Quiet time between two faults, s. */
export const GAP_SECONDS = 60;
/** Prometheus alerts first firing this long after a fault ended still count for it (the longest `for` is 15 m). */
export const PROM_GRACE_SECONDS = 300;

/** The order the faults are injected in (node_down last: it resets the node's counters). */
const ORDER: readonly FaultKind[] = [
  'latency_spike',
  'throughput_drop',
  'compression_degradation',
  'consensus_timeouts',
  'byzantine_events',
  'memory_leak',
  'v3_regression',
  'node_down',
];

/**
 * One fault of each kind (as many as fit), the first at `firstAtSeconds`, on nodes 0, 1, 2, ... in turn.
 * @returns the faults in the shape of `SoakOptions.faults`
 */
export function faultSchedule(
  nodes: number,
  durationSeconds: number,
  firstAtSeconds: number,
): NonNullable<SoakOptions['faults']> {
  const out: NonNullable<SoakOptions['faults']> = [];
  let at = firstAtSeconds;
  for (const [i, kind] of ORDER.entries()) {
    if (at + FAULT_SECONDS > durationSeconds) break;
    out.push({
      kind,
      node: i % nodes,
      startMs: at * 1000,
      durationMs: FAULT_SECONDS * 1000,
      magnitude: DEFAULT_MAGNITUDE[kind],
    });
    at += FAULT_SECONDS + GAP_SECONDS;
  }
  return out;
}

/** What found one fault. */
export interface FaultFinding {
  readonly kind: FaultKind;
  readonly node: string;
  readonly region: string;
  /** Seconds since the cold start. */
  readonly startS: number;
  readonly endS: number;
  /** Whether an anomaly of the monitor matched it, and how long after its start the first was detected (s). */
  readonly monitorFound: boolean;
  readonly monitorDelayS: number | null;
  /** Generated-rule alerts for its node or region firing during it (or the grace after) and not just before it. */
  readonly promAlerts: readonly string[];
}

/** A window of rule evaluations to list the firing alerts of: its end and length, s since the cold start. */
export interface AlertWindow {
  readonly endS: number;
  readonly rangeS: number;
}

/**
 * Two windows per fault, in fault order: the fault (plus `PROM_GRACE_SECONDS`, cut at `runSeconds`) and the
 * window of the same length just before it.
 */
export function faultAlertWindows(
  labels: readonly FaultLabel[],
  startMs: number,
  runSeconds: number,
): AlertWindow[] {
  return labels.flatMap((l) => {
    const startS = (l.startMs - startMs) / 1000;
    const endS = Math.min(runSeconds, (l.endMs - startMs) / 1000 + PROM_GRACE_SECONDS);
    const rangeS = endS - startS;
    return [
      { endS, rangeS },
      { endS: startS - 1, rangeS },
    ];
  });
}

/**
 * Per fault, what found it (see the module comment). `windowAlerts` are the firing alerts of the windows of
 * {@link faultAlertWindows} (null: the rules were not evaluated); `instances` maps node ids to `instance` labels;
 * `startMs` is the soak's start (Unix ms).
 */
export function faultFindings(
  labels: readonly FaultLabel[],
  evaluation: Evaluation,
  windowAlerts: readonly (readonly Readonly<Record<string, string>>[])[] | null,
  instances: Readonly<Record<string, string>>,
  startMs: number,
): FaultFinding[] {
  return labels.map((l, i) => {
    const f = evaluation.faults[i]!;
    const mine = (a: Readonly<Record<string, string>>): boolean =>
      a.node === l.node ||
      a.node_id === l.node ||
      (a.instance !== undefined && a.instance === instances[l.node]) ||
      (a.instance === undefined && a.node === undefined && (a.region === l.region || a.cluster === l.region));
    const key = (a: Readonly<Record<string, string>>): string => JSON.stringify(Object.entries(a).sort());
    const during = (windowAlerts?.[2 * i] ?? []).filter(mine);
    const before = new Set((windowAlerts?.[2 * i + 1] ?? []).filter(mine).map(key));
    const names = during.filter((a) => !before.has(key(a))).map((a) => a.alertname ?? '?');
    return {
      kind: l.kind,
      node: l.node,
      region: l.region,
      startS: (l.startMs - startMs) / 1000,
      endS: (l.endMs - startMs) / 1000,
      monitorFound: f.detected,
      monitorDelayS: f.firstDetectionDelayMs === null ? null : f.firstDetectionDelayMs / 1000,
      promAlerts: [...new Set(names)].sort(),
    };
  });
}

/** Every fault kind has a place in the schedule (checked at load). */
if (ORDER.length !== FAULT_KINDS.length || !FAULT_KINDS.every((k) => ORDER.includes(k)))
  throw new Error('faulted soak: ORDER must list every fault kind once');
