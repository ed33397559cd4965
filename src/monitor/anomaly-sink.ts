/**
 * Where detection outcomes go: the anomaly store, the monitor's self-metrics, the live feed and the webhook
 * senders (one Alertmanager-format notification per batch with its firing and resolved alerts). Keeps the
 * open anomalies by series key so a resolution can be stored and notified; bounded by `maxOpen`.
 */
import { buildAlertmanagerPayload } from '../alerting/alertmanager-payload.ts';
import { getMetric } from '../catalog/index.ts';
import type { CatalogMetrics } from '../catalog/registry.ts';
import { toApiAnomaly } from '../contract/anomalies.ts';
import type { LiveEvent } from '../contract/live.ts';
import type { Anomaly } from '../model/anomaly.ts';
import type { AnomalyStore } from '../store/types.ts';
import type { DetectionOutcome } from './detection-engine.ts';

/** Something that accepts webhook notifications (the retrying sender). */
export interface NotificationQueue {
  readonly receiver: string;
  enqueue(payload: unknown): void;
  /** Notifications waiting for delivery. */
  readonly queueLength: number;
}

/** Dependencies of the sink. */
export interface AnomalySinkDeps {
  readonly store: AnomalyStore;
  readonly metrics: CatalogMetrics;
  readonly publish: (e: LiveEvent) => void;
  readonly senders: readonly NotificationQueue[];
  readonly externalUrl: string;
  /** Bound on remembered open anomalies (normally the detection engine's series limit). */
  readonly maxOpen: number;
  readonly onError: (err: unknown) => void;
  /** Receives the anomalies of each outcome that opened (stored, with ids) and resolved (alerting's incidents). */
  readonly onAnomalies?: (opened: readonly Anomaly[], resolved: readonly Anomaly[]) => void;
}

/** Stores, counts, publishes and notifies detection outcomes. */
export class AnomalySink {
  private readonly open = new Map<string, Anomaly>();
  private readonly detected;
  private readonly confidence;

  constructor(private readonly deps: AnomalySinkDeps) {
    this.detected = deps.metrics.counter(getMetric('dwcp_anomalies_detected_total').name);
    this.confidence = deps.metrics.gauge(getMetric('dwcp_anomaly_confidence').name);
  }

  /** Notifications waiting for delivery, over every sender. */
  get queueLength(): number {
    return this.deps.senders.reduce((n, s) => n + s.queueLength, 0);
  }

  /** Open (unresolved) anomalies known to this process. */
  openAnomalies(): Anomaly[] {
    return [...this.open.values()];
  }

  /**
   * Handles one outcome. Store failures are reported to `onError` and the rest of the outcome still goes out
   * (an anomaly that could not be stored is still notified, with id 0).
   */
  async handle(outcome: DetectionOutcome): Promise<void> {
    const firing: Anomaly[] = [];
    const resolved: Anomaly[] = [];
    for (const o of outcome.opened) {
      let stored: Anomaly;
      try {
        stored = await this.deps.store.insert(o.anomaly);
      } catch (e) {
        this.deps.onError(e);
        stored = { ...o.anomaly, id: 0 };
      }
      if (this.open.size < this.deps.maxOpen || this.open.has(o.key)) this.open.set(o.key, stored);
      this.detected.inc({
        metric_name: stored.metric,
        severity: stored.severity,
        model_type: stored.detector,
      });
      this.confidence.set({ metric_name: stored.metric, model_type: stored.detector }, stored.confidence);
      this.deps.publish({ type: 'anomaly', anomaly: toApiAnomaly(stored) });
      firing.push(stored);
    }
    for (const r of outcome.resolved) {
      const a = this.open.get(r.key);
      if (!a) continue;
      this.open.delete(r.key);
      if (a.id > 0) {
        try {
          await this.deps.store.resolve(a.id, r.resolvedAtMs, r.reason);
        } catch (e) {
          this.deps.onError(e);
        }
      }
      this.deps.publish({
        type: 'anomaly_resolved',
        id: a.id,
        resolvedAtMs: r.resolvedAtMs,
        ...(r.reason !== undefined ? { resolution: r.reason } : {}),
      });
      resolved.push({
        ...a,
        resolvedAtMs: r.resolvedAtMs,
        ...(r.reason !== undefined ? { resolution: r.reason } : {}),
      });
    }
    if (firing.length + resolved.length === 0) return;
    this.deps.onAnomalies?.(firing, resolved);
    for (const sender of this.deps.senders) {
      sender.enqueue(
        buildAlertmanagerPayload(firing, resolved, {
          receiver: sender.receiver,
          externalURL: this.deps.externalUrl,
        }),
      );
    }
  }
}
