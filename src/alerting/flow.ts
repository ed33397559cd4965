/**
 * The alerting flow without I/O: anomalies and rule alerts come in as signals, the correlator groups them into
 * incidents, and each step resolves quiet incidents and asks the delivery policy which notifications are due.
 * The service (`service.ts`) runs it on the wall clock with persistence and delivery; the evaluator runs it in
 * virtual time over the labelled DWCP scenarios, so both measure the same code.
 */
import type { Acknowledgement, Incident } from '../contract/alerting.ts';
import type { Anomaly } from '../model/anomaly.ts';
import {
  DeliveryPolicy,
  type NotificationIntent,
  type PolicyOptions,
  type ReceiverPolicy,
  type ReceiverState,
} from './delivery/policy.ts';
import type { ActiveSilence } from './delivery/silences.ts';
import { Correlator, type CorrelatorOptions } from './incidents/correlator.ts';
import {
  DEFAULT_ANOMALY_SEVERITY,
  signalOfAnomaly,
  signalOfRuleAlert,
  type AnomalySeverityMap,
} from './incidents/signals.ts';
import type { RuleAlert } from './rules/engine.ts';

/** Options of {@link IncidentFlow}. */
export interface IncidentFlowOptions {
  readonly correlation: CorrelatorOptions;
  readonly receivers: readonly ReceiverPolicy[];
  readonly policy?: PolicyOptions;
  readonly anomalySeverity?: AnomalySeverityMap;
}

/** What one step produced. */
export interface FlowStep {
  /** Notifications due now, in incident order. */
  readonly intents: readonly NotificationIntent[];
  /** Incidents that changed since the previous step (new members, resolutions, severity, acknowledgements). */
  readonly changed: readonly Incident[];
}

/** Signals → incidents → due notifications (see the module comment). */
export class IncidentFlow {
  readonly correlator: Correlator;
  readonly policy: DeliveryPolicy;
  private readonly severityMap: AnomalySeverityMap;
  /** Anomaly id (or series key + start for unstored ones) → signal key, for resolutions. */
  private readonly anomalyKeys = new Map<string, string>();
  private dirty = new Set<string>();
  /** Incidents resolved but whose resolved notifications have not been decided yet. */
  private resolving = new Set<string>();

  constructor(opts: IncidentFlowOptions) {
    this.correlator = new Correlator(opts.correlation);
    this.policy = new DeliveryPolicy(opts.receivers, opts.policy);
    this.severityMap = opts.anomalySeverity ?? DEFAULT_ANOMALY_SEVERITY;
  }

  private anomalyRef(a: Anomaly): string {
    return a.id > 0 ? String(a.id) : `${a.seriesKey}@${a.startedAtMs}`;
  }

  /** Anomalies that opened and resolved (as the anomaly sink hands them over). */
  anomalies(opened: readonly Anomaly[], resolved: readonly Anomaly[], nowMs: number): void {
    for (const a of opened) {
      const s = signalOfAnomaly(a, this.severityMap);
      this.anomalyKeys.set(this.anomalyRef(a), s.key);
      this.dirty.add(this.correlator.addSignal(s, nowMs));
    }
    for (const a of resolved) {
      const ref = this.anomalyRef(a);
      const key = this.anomalyKeys.get(ref);
      if (key === undefined) continue;
      this.anomalyKeys.delete(ref);
      const id = this.correlator.resolveSignal(key, a.resolvedAtMs ?? nowMs, nowMs, a.resolution);
      if (id !== null) this.dirty.add(id);
    }
    this.boundKeys();
  }

  /** Rule alerts that started and stopped firing. */
  ruleAlerts(
    fired: readonly RuleAlert[],
    resolved: readonly (RuleAlert & { readonly resolvedAtMs: number })[],
    nowMs: number,
  ): void {
    for (const a of fired) this.dirty.add(this.correlator.addSignal(signalOfRuleAlert(a), nowMs));
    for (const a of resolved) {
      const id = this.correlator.resolveSignal(signalOfRuleAlert(a).key, a.resolvedAtMs, nowMs);
      if (id !== null) this.dirty.add(id);
    }
  }

  /** Keeps the anomaly-key map bounded (entries of anomalies that never resolve are dropped oldest first). */
  private boundKeys(): void {
    const max = 100_000;
    while (this.anomalyKeys.size > max) this.anomalyKeys.delete(this.anomalyKeys.keys().next().value!);
  }

  /** Resolves quiet incidents and decides the notifications due at `nowMs`. */
  step(nowMs: number, silences: readonly ActiveSilence[]): FlowStep {
    for (const id of this.correlator.tick(nowMs)) {
      this.dirty.add(id);
      this.resolving.add(id);
    }
    const open = this.correlator.openIncidents();
    const resolving = [...this.resolving]
      .map((id) => this.correlator.get(id))
      .filter((i): i is Incident => i !== undefined);
    const intents = this.policy.decide([...open, ...resolving], silences, nowMs, (id) =>
      this.correlator.severitySince(id),
    );
    for (const n of intents) {
      if (n.kind === 'firing') {
        this.correlator.markNotified(n.incidentId, n.receiver);
      }
      this.dirty.add(n.incidentId);
    }
    for (const i of resolving) this.policy.forget(i.id);
    this.resolving.clear();
    const changed = [...this.dirty]
      .map((id) => this.correlator.get(id))
      .filter((i): i is Incident => i !== undefined);
    this.dirty = new Set();
    return { intents, changed };
  }

  /** Acknowledges an incident. @throws NotFoundError for an unknown id. */
  acknowledge(id: string, ack: Acknowledgement): Incident {
    this.dirty.add(id);
    return this.correlator.acknowledge(id, ack);
  }

  /** Undoes an acknowledgement. @throws NotFoundError for an unknown id. */
  unacknowledge(id: string, nowMs: number): Incident {
    this.dirty.add(id);
    return this.correlator.unacknowledge(id, nowMs);
  }

  /** Restores incidents and their delivery state saved before a restart. */
  restore(
    saved: readonly { readonly incident: Incident; readonly delivery: readonly ReceiverState[] }[],
    nowMs: number,
  ): void {
    this.correlator.restore(
      saved.map((s) => s.incident),
      nowMs,
    );
    for (const s of saved)
      if (s.incident.status === 'firing') this.policy.importState(s.incident.id, s.delivery);
  }
}
