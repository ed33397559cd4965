/**
 * Builds Alertmanager webhook payloads from anomalies (pure: no clock, no I/O).
 * Format: https://prometheus.io/docs/alerting/latest/configuration/#webhook_config (payload version "4").
 * Fingerprints are computed as Prometheus' `model.LabelSet.Fingerprint()`: FNV-1a 64 over the label names and
 * values sorted by name, each followed by the separator byte 0xff, printed as 16 lowercase hex digits.
 */
import { InvalidInputError } from '../errors.ts';
import type { Anomaly } from '../model/anomaly.ts';
import { anomalySummary } from '../model/anomaly-summary.ts';

/** The alert name of every anomaly alert. */
export const ANOMALY_ALERT_NAME = 'DWCPAnomalyDetected';
/** Go's zero time, which Alertmanager sends as `endsAt` of firing alerts. */
export const ZERO_TIME = '0001-01-01T00:00:00Z';

/** One alert of a webhook payload. Times are RFC3339. */
export interface WebhookAlert {
  readonly status: 'firing' | 'resolved';
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly generatorURL: string;
  readonly fingerprint: string;
}

/** Alertmanager webhook payload, version 4. */
export interface AlertmanagerWebhookPayload {
  readonly version: '4';
  readonly groupKey: string;
  /** Alerts left out because of `maxAlerts`. */
  readonly truncatedAlerts: number;
  /** `firing` when at least one alert fires, else `resolved`. */
  readonly status: 'firing' | 'resolved';
  readonly receiver: string;
  readonly groupLabels: Readonly<Record<string, string>>;
  readonly commonLabels: Readonly<Record<string, string>>;
  readonly commonAnnotations: Readonly<Record<string, string>>;
  readonly externalURL: string;
  readonly alerts: readonly WebhookAlert[];
}

/** Options of {@link buildAlertmanagerPayload}. */
export interface PayloadOptions {
  /** Receiver name (Alertmanager's `receiver`). */
  readonly receiver: string;
  /** Base URL of the monitor's web page, e.g. `http://127.0.0.1:9500`; no trailing slash needed. */
  readonly externalURL: string;
  /** Labels the group is keyed by (default `['alertname']`); only labels common to all alerts are used. */
  readonly groupBy?: readonly string[];
  /** At most this many alerts (firing first); 0 = no limit (Alertmanager's `max_alerts`). Default 0. */
  readonly maxAlerts?: number;
}

const encoder = new TextEncoder();
const TWO32 = 4294967296;

/**
 * Prometheus' label-set fingerprint (FNV-1a 64, names sorted, 0xff after each name and value), computed on two
 * 32-bit halves (the 64-bit prime is 2^40 + 0x1b3, so h × prime = h × 0x1b3 + (h << 40)).
 * @returns 16 lowercase hex digits
 */
export function labelsFingerprint(labels: Readonly<Record<string, string>>): string {
  let hi = 0xcbf29ce4;
  let lo = 0x84222325;
  const add = (b: number): void => {
    lo = (lo ^ b) >>> 0;
    const t = lo * 0x1b3;
    const carry = Math.floor(t / TWO32);
    const newLo = t - carry * TWO32;
    hi = (Math.imul(hi, 0x1b3) + carry + (lo << 8)) >>> 0;
    lo = newLo;
  };
  for (const name of Object.keys(labels).sort()) {
    for (const b of encoder.encode(name)) add(b);
    add(0xff);
    for (const b of encoder.encode(labels[name]!)) add(b);
    add(0xff);
  }
  return hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');
}

/** Formats a number for annotations: up to 4 significant decimals, no exponent for ordinary magnitudes. */
export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v !== 0 && (Math.abs(v) >= 1e9 || Math.abs(v) < 1e-4)) return v.toExponential(3);
  return String(Number(v.toFixed(4)));
}

function sortedRecord(entries: Iterable<[string, string]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) out[k] = v;
  return out;
}

/**
 * Labels of an anomaly's alert: the series labels, then `alertname`, `severity`, `component` and `metric`
 * (these four override series labels of the same name). Sorted by name.
 */
export function alertLabels(a: Anomaly): Record<string, string> {
  return sortedRecord(
    Object.entries({
      ...a.labels,
      alertname: ANOMALY_ALERT_NAME,
      severity: a.severity,
      component: a.component,
      metric: a.metric,
    }),
  );
}

/**
 * Annotations: `summary` (one line, `anomalySummary`; a target-down anomaly names its target) and `description`
 * (observed vs band, deviation, confidence, detector; "no value band" when the detector measured no deviation).
 */
export function alertAnnotations(a: Anomaly): Record<string, string> {
  const sign = a.deviation >= 0 ? '+' : '';
  const band =
    Number.isFinite(a.lower) && Number.isFinite(a.upper)
      ? `observed ${formatValue(a.observed)} outside the expected band [${formatValue(a.lower)}, ${formatValue(a.upper)}] (expected ${formatValue(a.expected)})`
      : `observed ${formatValue(a.observed)}; no value band`;
  const deviation = Number.isFinite(a.deviation)
    ? `deviation ${sign}${formatValue(a.deviation)} sigma`
    : 'deviation not measured';
  return {
    description: `${band}; ${deviation}; confidence ${formatValue(a.confidence)}; detector ${a.detector}${votedBy(a)}; series ${a.seriesKey}`,
    summary: anomalySummary(a),
    ...(a.resolution !== undefined ? { resolution: a.resolution } : {}),
  };
}

/** ` (voted: seasonal 0.62, ewma 0.97)` for ensembles, '' otherwise. */
function votedBy(a: Anomaly): string {
  const voted = a.votes.filter((v) => v.voted);
  return voted.length === 0
    ? ''
    : ` (voted: ${voted.map((v) => `${v.detector} ${formatValue(v.score)}`).join(', ')})`;
}

function common(records: readonly Readonly<Record<string, string>>[]): Record<string, string> {
  const first = records[0];
  if (!first) return {};
  return sortedRecord(Object.entries(first).filter(([k, v]) => records.every((r) => r[k] === v)));
}

function toAlert(a: Anomaly, status: 'firing' | 'resolved', externalURL: string): WebhookAlert {
  if (!Number.isFinite(a.startedAtMs))
    throw new InvalidInputError(`anomaly ${a.id} has no valid startedAtMs`);
  let endsAt = ZERO_TIME;
  if (status === 'resolved') {
    if (a.resolvedAtMs === null || !Number.isFinite(a.resolvedAtMs)) {
      throw new InvalidInputError(`anomaly ${a.id} is passed as resolved but has no resolvedAtMs`);
    }
    endsAt = new Date(a.resolvedAtMs).toISOString();
  }
  const labels = alertLabels(a);
  return {
    status,
    labels,
    annotations: alertAnnotations(a),
    startsAt: new Date(a.startedAtMs).toISOString(),
    endsAt,
    generatorURL: `${externalURL}/?anomaly=${a.id}`,
    fingerprint: labelsFingerprint(labels),
  };
}

/**
 * Builds one webhook notification for a group of anomalies.
 *
 * @param firing active anomalies (their alerts have `endsAt` = {@link ZERO_TIME})
 * @param resolved resolved anomalies (`resolvedAtMs` required; it becomes `endsAt`)
 * @returns the payload; alerts are firing first, then resolved, each in the given order; `groupKey` is
 *   Alertmanager's form `{}:{name="value",...}` over the group labels
 * @throws InvalidInputError when both lists are empty, a resolved anomaly has no `resolvedAtMs`, `maxAlerts`
 *   is negative or not an integer, or `receiver` is empty
 */
export function buildAlertmanagerPayload(
  firing: readonly Anomaly[],
  resolved: readonly Anomaly[],
  opts: PayloadOptions,
): AlertmanagerWebhookPayload {
  if (firing.length + resolved.length === 0)
    throw new InvalidInputError('a notification needs at least one alert');
  if (opts.receiver === '') throw new InvalidInputError('receiver must not be empty');
  const maxAlerts = opts.maxAlerts ?? 0;
  if (!Number.isInteger(maxAlerts) || maxAlerts < 0) {
    throw new InvalidInputError(`maxAlerts must be a non-negative integer, got ${maxAlerts}`);
  }
  const externalURL = opts.externalURL.replace(/\/+$/, '');
  const all = [
    ...firing.map((a) => toAlert(a, 'firing', externalURL)),
    ...resolved.map((a) => toAlert(a, 'resolved', externalURL)),
  ];
  const alerts = maxAlerts > 0 ? all.slice(0, maxAlerts) : all;
  const commonLabels = common(all.map((a) => a.labels));
  const groupBy = opts.groupBy ?? ['alertname'];
  const groupLabels = sortedRecord(
    groupBy.filter((k) => commonLabels[k] !== undefined).map((k): [string, string] => [k, commonLabels[k]!]),
  );
  const groupKey =
    '{}:{' +
    Object.entries(groupLabels)
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join(', ') +
    '}';
  return {
    version: '4',
    groupKey,
    truncatedAlerts: all.length - alerts.length,
    status: firing.length > 0 ? 'firing' : 'resolved',
    receiver: opts.receiver,
    groupLabels,
    commonLabels,
    commonAnnotations: common(all.map((a) => a.annotations)),
    externalURL,
    alerts,
  };
}
