/**
 * The monitor service's own metrics (scrape duration, samples ingested, detector latency, alerts sent/failed),
 * the anomaly-pipeline names of the original NovaCron `monitoring_pipeline.go`, and the rollout, SLO and
 * regional-health gauges the Phase 6 dashboard reads, and the alerting service's (incidents, rules, delivery).
 * @see NovaCron inventory 1.4 (anomaly pipeline)
 */
import { exponentialBuckets } from './buckets.ts';
import type { MetricDef } from './types.ts';

const I2 = 'monitor self-metrics';
const S14 = 'original NovaCron anomaly pipeline (monitoring_pipeline.go)';
const I5 = 'rollout, SLO and regional health exported for the Phase 6 dashboard';
const AL = 'alerting (incidents, rules, durable delivery; docs/alerting.md)';

export const MONITOR_METRICS = [
  { name: 'dwcp_monitor_scrape_duration_seconds', type: 'histogram', help: 'Duration of one scrape (fetch + parse + store) per target.', unit: 'seconds', labels: ['target'], buckets: exponentialBuckets(0.001, 2, 14), group: 'monitor', area: 'monitor', anomalyKind: 'latency', source: I2 },
  { name: 'dwcp_monitor_scrapes_total', type: 'counter', help: 'Scrapes per target by result (success, timeout, http_error, parse_error, body_too_large, connection_error, source_error, sample_limit, label_limit, skipped_overload: the monitor was too busy to serve the scrape in time).', unit: 'count', labels: ['target', 'result'], group: 'monitor', area: 'monitor', anomalyKind: 'generic', source: I2 },
  { name: 'dwcp_monitor_target_up', type: 'gauge', help: 'Whether the last scrape of the target succeeded (1) or not (0).', unit: 'state', labels: ['target'], group: 'monitor', area: 'monitor', anomalyKind: 'generic', source: I2, range: { min: 0, max: 1 } },
  { name: 'dwcp_monitor_samples_ingested_total', type: 'counter', help: 'Samples accepted and stored.', unit: 'count', labels: [], group: 'monitor', area: 'monitor', anomalyKind: 'generic', source: I2 },
  { name: 'dwcp_monitor_samples_rejected_total', type: 'counter', help: 'Samples not stored, by reason (non_finite, duplicate, out_of_order, series_limit, invalid_text, too_old, too_far_ahead).', unit: 'count', labels: ['reason'], group: 'monitor', area: 'monitor', anomalyKind: 'generic', source: I2 },
  { name: 'dwcp_monitor_target_samples_rejected_total', type: 'counter', help: 'Samples not stored per scrape target or push source, by reason (as dwcp_monitor_samples_rejected_total).', unit: 'count', labels: ['target', 'reason'], group: 'monitor', area: 'monitor', anomalyKind: 'generic', source: I2 },
  { name: 'dwcp_monitor_overloaded', type: 'gauge', help: 'Whether the monitor skipped a scrape in the last minute because it was too busy to serve it in time (1) or not (0).', unit: 'state', labels: [], group: 'monitor', area: 'monitor', anomalyKind: 'generic', source: I2, range: { min: 0, max: 1 } },
  { name: 'dwcp_monitor_series', type: 'gauge', help: 'Series currently tracked in memory by the monitor.', unit: 'count', labels: [], group: 'monitor', area: 'monitor', anomalyKind: 'generic', source: I2 },
  { name: 'dwcp_monitor_alerts_sent_total', type: 'counter', help: 'Alert notifications delivered to a receiver.', unit: 'count', labels: ['receiver'], group: 'monitor', area: 'monitor', anomalyKind: 'generic', source: I2 },
  { name: 'dwcp_monitor_alerts_failed_total', type: 'counter', help: 'Failed alert delivery attempts (each retry counts once).', unit: 'count', labels: ['receiver'], group: 'monitor', area: 'monitor', anomalyKind: 'generic', source: I2 },
  { name: 'dwcp_monitor_alerts_dropped_total', type: 'counter', help: 'Alert notifications dropped because the queue was full or they expired.', unit: 'count', labels: ['receiver', 'reason'], group: 'monitor', area: 'monitor', anomalyKind: 'generic', source: I2 },
  { name: 'dwcp_monitor_alert_queue_length', type: 'gauge', help: 'Alert notifications waiting for delivery.', unit: 'count', labels: ['receiver'], group: 'monitor', area: 'monitor', anomalyKind: 'generic', source: I2 },
  { name: 'dwcp_monitor_live_clients', type: 'gauge', help: 'Websocket clients connected to the live feed (GET /api/live).', unit: 'count', labels: [], group: 'monitor', area: 'monitor', anomalyKind: 'generic', source: I2 },
  { name: 'dwcp_monitor_live_messages_dropped_total', type: 'counter', help: 'Live feed messages not sent to a websocket client, by reason (slow_client: its send backlog was over the limit).', unit: 'count', labels: ['reason'], group: 'monitor', area: 'monitor', anomalyKind: 'generic', source: I2 },
  { name: 'dwcp_monitor_otlp_spans_accepted_total', type: 'counter', help: 'Spans received on POST /v1/traces and accepted (stored now, or already stored with the same trace and span id).', unit: 'count', labels: [], group: 'monitor', area: 'monitor', anomalyKind: 'generic', source: I2 },
  { name: 'dwcp_monitor_otlp_spans_rejected_total', type: 'counter', help: 'Spans received on POST /v1/traces and not stored, by reason (invalid_trace_id, invalid_span_id, invalid_parent_span_id, missing_name, invalid_timestamp, future_timestamp, too_old, too_many_spans, malformed_span).', unit: 'count', labels: ['reason'], group: 'monitor', area: 'monitor', anomalyKind: 'generic', source: I2 },
  { name: 'dwcp_monitor_otlp_requests_rejected_total', type: 'counter', help: 'POST /v1/traces requests refused as a whole, by reason (malformed_protobuf, malformed_json, too_large, decompression_failed, unsupported_media_type, unsupported_encoding, no_valid_spans, store_error).', unit: 'count', labels: ['reason'], group: 'monitor', area: 'monitor', anomalyKind: 'generic', source: I2 },
  { name: 'dwcp_anomaly_detection_latency_seconds', type: 'histogram', help: 'Time to run anomaly detection over one scrape batch.', unit: 'seconds', labels: [], buckets: exponentialBuckets(0.00001, 4, 10), group: 'monitor', area: 'monitor', anomalyKind: 'latency', source: S14 },
  { name: 'dwcp_anomalies_detected_total', type: 'counter', help: 'Anomalies detected by metric name, severity and model type.', unit: 'count', labels: ['metric_name', 'severity', 'model_type'], group: 'monitor', area: 'monitor', anomalyKind: 'generic', source: S14 },
  { name: 'dwcp_anomaly_confidence', type: 'gauge', help: 'Confidence (0..1) of the last anomaly per metric name and model type.', unit: 'ratio', labels: ['metric_name', 'model_type'], group: 'monitor', area: 'monitor', anomalyKind: 'generic', source: S14 },
  { name: 'dwcp_metrics_processed_total', type: 'counter', help: 'Samples run through anomaly detection.', unit: 'count', labels: [], group: 'monitor', area: 'monitor', anomalyKind: 'generic', source: S14 },
  { name: 'dwcp_monitor_rollout_decision', type: 'gauge', help: 'Rollout decision of the v1 vs v3 canary analysis: 2 GO, 1 CAUTION, 0 NO-GO.', unit: 'state', labels: [], group: 'monitor', area: 'rollout', anomalyKind: 'generic', source: I5 },
  { name: 'dwcp_monitor_rollout_score', type: 'gauge', help: 'Weighted rollout score behind the decision (0..1; GO >= 0.95, NO-GO < 0.75).', unit: 'ratio', labels: [], group: 'monitor', area: 'rollout', anomalyKind: 'generic', source: I5 },
  { name: 'dwcp_monitor_slo_compliance_ratio', type: 'gauge', help: 'SLO compliance over its window (0..1) per SLO.', unit: 'ratio', labels: ['slo'], group: 'monitor', area: 'rollout', anomalyKind: 'generic', source: I5 },
  { name: 'dwcp_monitor_slo_error_budget_remaining_ratio', type: 'gauge', help: 'Error budget remaining (fraction of the budget; negative when overspent) per SLO.', unit: 'ratio', labels: ['slo'], group: 'monitor', area: 'rollout', anomalyKind: 'generic', source: I5 },
  { name: 'dwcp_monitor_region_health_score', type: 'gauge', help: 'Regional health score 0..100 (healthy >= 80, degraded 60-80).', unit: 'score', labels: ['region'], group: 'monitor', area: 'rollout', anomalyKind: 'generic', source: I5 },
  { name: 'dwcp_monitor_notification_oldest_pending_seconds', type: 'gauge', help: 'Age of the oldest notification waiting in the outbox per receiver (0 when none).', unit: 'seconds', labels: ['receiver'], group: 'monitor', area: 'monitor', anomalyKind: 'generic', source: AL },
  { name: 'dwcp_monitor_notification_delivery_healthy', type: 'gauge', help: 'Whether notification delivery to the receiver works (1) or is failing (0: repeated failed attempts or a notification waiting over a minute).', unit: 'state', labels: ['receiver'], group: 'monitor', area: 'monitor', anomalyKind: 'generic', source: AL },
  { name: 'dwcp_monitor_notifications_suppressed_total', type: 'counter', help: 'Incident notifications held back, by reason (silenced, deduplicated).', unit: 'count', labels: ['reason'], group: 'monitor', area: 'monitor', anomalyKind: 'generic', source: AL },
  { name: 'dwcp_monitor_incidents_open', type: 'gauge', help: 'Incidents open now (correlated anomalies and rule alerts).', unit: 'count', labels: [], group: 'monitor', area: 'monitor', anomalyKind: 'generic', source: AL },
  { name: 'dwcp_monitor_incidents_opened_total', type: 'counter', help: 'Incidents opened, by severity at opening (info, warning, critical).', unit: 'count', labels: ['severity'], group: 'monitor', area: 'monitor', anomalyKind: 'generic', source: AL },
  { name: 'dwcp_monitor_rule_evaluation_duration_seconds', type: 'histogram', help: 'Duration of one evaluation of every alert rule.', unit: 'seconds', labels: [], buckets: exponentialBuckets(0.0001, 4, 8), group: 'monitor', area: 'monitor', anomalyKind: 'generic', source: AL },
  { name: 'dwcp_monitor_rules_loaded', type: 'gauge', help: 'Alert rules loaded now.', unit: 'count', labels: [], group: 'monitor', area: 'monitor', anomalyKind: 'generic', source: AL },
  { name: 'dwcp_monitor_rule_reloads_total', type: 'counter', help: 'Rule file reloads by result (success, failure: the running rules were kept).', unit: 'count', labels: ['result'], group: 'monitor', area: 'monitor', anomalyKind: 'generic', source: AL },
] as const satisfies readonly MetricDef[];

/** Names of the monitor metrics (literal union). */
export type MonitorMetricName = (typeof MONITOR_METRICS)[number]['name'];
