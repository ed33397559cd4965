/**
 * Where detection outcomes go: the anomaly store, the monitor's self-metrics, the live feed and the webhook
 * senders (one Alertmanager-format notification per batch with its firing and resolved alerts). Keeps the
 * open anomalies by series key so a resolution can be stored and notified; bounded by `maxOpen`.
 *
 * After a restart ({@link AnomalySink.restoreOpen}) the sink takes over the stored open anomalies whose held band
 * came back with the detector states, so the restarted engine's resolution closes the same row; the other open
 * rows are resolved at once with {@link RESTARTED_WITHOUT_STATE}.
 */
import { buildAlertmanagerPayload } from '../alerting/alertmanager-payload.ts';
import { getMetric } from '../catalog/index.ts';
import type { CatalogMetrics } from '../catalog/registry.ts';
import { toApiAnomaly } from '../contract/anomalies.ts';
import type { LiveEvent } from '../contract/live.ts';
import type { Anomaly, AnomalyResolution } from '../model/anomaly.ts';
import type { AnomalyStore } from '../store/types.ts';
import type { DetectionOutcome } from './detection-types.ts';
import { RESTARTED_WITHOUT_STATE } from './detection-restore.ts';

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

/** What {@link AnomalySink.restoreOpen} did. */
export interface RestoreOpenSummary {
  /** Open rows read from the store (at most `maxOpen`). */
  readonly loaded: number;
  /** Rows taken over: the restarted engine holds their band and resolves them. */
  readonly adopted: number;
  /** Rows resolved at once with {@link RESTARTED_WITHOUT_STATE}. */
  readonly resolved: number;
  /** True when reading or resolving failed (reported to `onError`). */
  readonly failed: boolean;
}

/** Stores, counts, publishes and notifies detection outcomes. */
export class AnomalySink {
  private readonly open = new Map<string, Anomaly>();
  /** Keys of `open` whose anomaly was taken over from the store at a restart (not opened by this process). */
  private readonly adopted = new Set<string>();
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
   * Takes over the open anomalies a previous run left in the store (at most `maxOpen`, newest first): the newest
   * row of each series in `heldKeys` (series whose detector state came back with the held band of its open
   * anomaly) stays open and is resolved, with its reason, when the restarted engine resolves that series; every
   * other open row (no state came back, or an older row of the same series) is resolved now, at `nowMs`, with
   * {@link RESTARTED_WITHOUT_STATE}, published and handed to `onAnomalies`. Call once, before the first outcome.
   * Never throws: store failures go to `onError` and the rows stay as they are.
   */
  async restoreOpen(heldKeys: ReadonlySet<string>, nowMs: number): Promise<RestoreOpenSummary> {
    let rows: Anomaly[];
    try {
      rows = await this.deps.store.listOpen(this.deps.maxOpen);
    } catch (e) {
      this.deps.onError(e);
      return { loaded: 0, adopted: 0, resolved: 0, failed: true };
    }
    const resolvedAtMs = Math.floor(nowMs);
    const closed: Anomaly[] = [];
    let failed = false;
    for (const a of rows) {
      if (heldKeys.has(a.seriesKey) && !this.open.has(a.seriesKey) && this.open.size < this.deps.maxOpen) {
        this.open.set(a.seriesKey, a);
        this.adopted.add(a.seriesKey);
        continue;
      }
      try {
        await this.deps.store.resolve(a.id, resolvedAtMs, RESTARTED_WITHOUT_STATE);
      } catch (e) {
        this.deps.onError(e);
        failed = true;
        continue;
      }
      closed.push(this.closed(a, resolvedAtMs, RESTARTED_WITHOUT_STATE));
    }
    this.notify([], closed);
    return { loaded: rows.length, adopted: this.adopted.size, resolved: closed.length, failed };
  }

  /**
   * Handles one outcome. Store failures are reported to `onError` and the rest of the outcome still goes out
   * (an anomaly that could not be stored is still notified, with id 0).
   */
  async handle(outcome: DetectionOutcome): Promise<void> {
    const firing: Anomaly[] = [];
    const resolved: Anomaly[] = [];
    for (const o of outcome.opened) {
      // A row taken over at a restart that the engine no longer holds: closed, not silently replaced.
      if (this.adopted.has(o.key)) {
        await this.resolveOpen(o.key, Math.floor(o.anomaly.detectedAtMs), RESTARTED_WITHOUT_STATE, resolved);
      }
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
      // A release of restored state concerns only a row taken over at the restart (see restoreOpen).
      if (r.reason === RESTARTED_WITHOUT_STATE && !this.adopted.has(r.key)) continue;
      await this.resolveOpen(r.key, r.resolvedAtMs, r.reason, resolved);
    }
    this.notify(firing, resolved);
  }

  /** Resolves the open anomaly of `key`, if any: stored, published, appended to `out`. */
  private async resolveOpen(
    key: string,
    resolvedAtMs: number,
    reason: AnomalyResolution,
    out: Anomaly[],
  ): Promise<void> {
    const a = this.open.get(key);
    if (!a) return;
    this.open.delete(key);
    this.adopted.delete(key);
    if (a.id > 0) {
      try {
        await this.deps.store.resolve(a.id, resolvedAtMs, reason);
      } catch (e) {
        this.deps.onError(e);
      }
    }
    out.push(this.closed(a, resolvedAtMs, reason));
  }

  /** Publishes the resolution of `a` and returns it resolved. */
  private closed(a: Anomaly, resolvedAtMs: number, reason: AnomalyResolution): Anomaly {
    this.deps.publish({ type: 'anomaly_resolved', id: a.id, resolvedAtMs, resolution: reason });
    return { ...a, resolvedAtMs, resolution: reason };
  }

  /** Hands what opened and resolved to alerting and the senders (nothing when both are empty). */
  private notify(firing: readonly Anomaly[], resolved: readonly Anomaly[]): void {
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
