/**
 * Alerting's self-metrics (src/alerting/metrics.ts) on the monitor's catalog metrics: deliveries, failed
 * attempts, drops and the outbox per receiver (`dwcp_monitor_alerts_*`, `dwcp_monitor_alert_queue_length`,
 * `dwcp_monitor_notification_*`), suppressed notifications, incidents and rule evaluation.
 * @throws InvalidInputError when `metrics` lacks one of them (not created from the monitor group).
 */
import type { AlertingMetrics } from '../alerting/metrics.ts';
import { getMetric, type MetricName } from '../catalog/index.ts';
import type { CatalogMetrics } from '../catalog/registry.ts';

/** The implementation on `metrics` (see the module comment). */
export function catalogAlertingMetrics(metrics: CatalogMetrics): AlertingMetrics {
  const counter = (n: MetricName) => metrics.counter(getMetric(n).name);
  const gauge = (n: MetricName) => metrics.gauge(getMetric(n).name);
  const sent = counter('dwcp_monitor_alerts_sent_total');
  const failed = counter('dwcp_monitor_alerts_failed_total');
  const dropped = counter('dwcp_monitor_alerts_dropped_total');
  const queue = gauge('dwcp_monitor_alert_queue_length');
  const oldest = gauge('dwcp_monitor_notification_oldest_pending_seconds');
  const healthy = gauge('dwcp_monitor_notification_delivery_healthy');
  const suppressed = counter('dwcp_monitor_notifications_suppressed_total');
  const open = gauge('dwcp_monitor_incidents_open');
  const opened = counter('dwcp_monitor_incidents_opened_total');
  const evaluation = metrics.histogram(getMetric('dwcp_monitor_rule_evaluation_duration_seconds').name);
  const loaded = gauge('dwcp_monitor_rules_loaded');
  const reloads = counter('dwcp_monitor_rule_reloads_total');
  return {
    delivered: (receiver) => sent.inc({ receiver }),
    failed: (receiver) => failed.inc({ receiver }),
    dropped: (receiver, reason) => dropped.inc({ receiver, reason }),
    pending(receiver, count, ageSeconds) {
      queue.set({ receiver }, count);
      oldest.set({ receiver }, ageSeconds);
    },
    healthy: (receiver, ok) => healthy.set({ receiver }, ok ? 1 : 0),
    openIncidents: (n) => open.set(n),
    incidentOpened: (severity) => opened.inc({ severity }),
    suppressed: (reason, n) => suppressed.inc({ reason }, n),
    ruleEvaluation: (seconds) => evaluation.observe(seconds),
    rulesLoaded: (n) => loaded.set(n),
    rulesReload: (ok) => reloads.inc({ result: ok ? 'success' : 'failure' }),
  };
}
