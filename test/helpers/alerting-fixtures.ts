/** Incident and signal builders shared by the alerting tests. */
import type { AlertSeverity, Incident, IncidentSignal } from '../../src/contract/alerting.ts';

export const T0 = Date.UTC(2026, 0, 1);

/** A signal on `node` of `component` started at T0 + `atS` seconds. */
export function sig(
  key: string,
  node: string | null,
  component: string,
  atS: number,
  opts: Partial<IncidentSignal> = {},
): IncidentSignal {
  return {
    key,
    source: 'anomaly',
    name: opts.name ?? `metric_${component}`,
    component,
    node,
    region: opts.region ?? (node ? `region-of-${node}` : null),
    severity: (opts.severity ?? 'warning') as AlertSeverity,
    labels: opts.labels ?? (node ? { node } : {}),
    summary: `${key} summary`,
    startedAtMs: T0 + atS * 1000,
    resolvedAtMs: null,
    ...opts,
  };
}

/** A firing incident with the given labels and severity (for policy and payload tests). */
export function incident(id: string, severity: AlertSeverity, over: Partial<Incident> = {}): Incident {
  return {
    id,
    status: 'firing',
    severity,
    title: `metric_amst (amst) and 1 more signal on node-1`,
    node: 'node-1',
    region: 'eu-west',
    components: ['amst', 'acp'],
    labels: {
      alertname: 'DWCPIncident',
      component: 'amst',
      incident: id,
      node: 'node-1',
      region: 'eu-west',
      root_cause: 'metric_amst',
      severity,
    },
    startedAtMs: T0,
    updatedAtMs: T0,
    resolvedAtMs: null,
    rootCause: [
      {
        signalKey: 's1',
        name: 'metric_amst',
        component: 'amst',
        node: 'node-1',
        score: 0.9,
        reasons: ['earliest signal'],
      },
    ],
    signals: [sig('s1', 'node-1', 'amst', 0), sig('s2', 'node-1', 'acp', 1)],
    droppedSignals: 0,
    acknowledgement: null,
    notifiedReceivers: [],
    ...over,
  };
}
