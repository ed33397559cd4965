/**
 * What alerting reports about itself, as a narrow interface (the monitor implements it on its catalog metrics,
 * `src/monitor/alerting-metrics.ts`; the evaluator and tests run without one).
 */

/** Why a notification was dropped without being delivered. */
export type DropReason = 'rejected' | 'expired' | 'outbox_full' | 'unknown_receiver';

/** Alerting's self-metrics. */
export interface AlertingMetrics {
  /** A notification was delivered to `receiver`. */
  delivered(receiver: string): void;
  /** One attempt to `receiver` failed for `reason`. */
  failed(receiver: string, reason: string): void;
  /** A notification for `receiver` was dropped. */
  dropped(receiver: string, reason: DropReason): void;
  /** Notifications waiting for `receiver` and the age of the oldest (seconds; 0 when none). */
  pending(receiver: string, count: number, oldestAgeSeconds: number): void;
  /** Whether delivery to `receiver` works (1) or is failing (0). */
  healthy(receiver: string, ok: boolean): void;
  /** Incidents open now. */
  openIncidents(n: number): void;
  /** An incident opened with this severity. */
  incidentOpened(severity: string): void;
  /** Notifications held back (silenced, deduplicated). */
  suppressed(reason: 'silenced' | 'deduplicated', n: number): void;
  /** One evaluation of every rule took `seconds`. */
  ruleEvaluation(seconds: number): void;
  /** Rules loaded now; a reload ended with `ok`. */
  rulesLoaded(n: number): void;
  rulesReload(ok: boolean): void;
}

/** Metrics that record nothing. */
export const NO_ALERTING_METRICS: AlertingMetrics = Object.freeze({
  delivered: () => undefined,
  failed: () => undefined,
  dropped: () => undefined,
  pending: () => undefined,
  healthy: () => undefined,
  openIncidents: () => undefined,
  incidentOpened: () => undefined,
  suppressed: () => undefined,
  ruleEvaluation: () => undefined,
  rulesLoaded: () => undefined,
  rulesReload: () => undefined,
});
