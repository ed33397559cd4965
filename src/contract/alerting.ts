/**
 * The HTTP API contract of alerting: incidents with their member signals and ranked root-cause candidates,
 * silences, acknowledgements, alert rules and delivery health. zod schemas validate request bodies (the server)
 * and the inferred types describe responses (the server and the web page).
 * @see https://prometheus.io/docs/alerting/latest/alertmanager/ for the vocabulary (silences, matchers,
 *   inhibition, startsAt/endsAt)
 */
import { z } from 'zod';
import { ALERT_SEVERITIES, type AlertSeverity } from '../model/alerting-settings.ts';

export { ALERT_SEVERITIES, type AlertSeverity };

/** Numeric rank of an alert severity (info 0 < warning 1 < critical 2). */
export function alertSeverityRank(s: AlertSeverity): number {
  return ALERT_SEVERITIES.indexOf(s);
}

/** Label name as Prometheus defines it. */
export const LABEL_NAME_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** One label matcher: `=` equal, `!=` not equal, `=~` regex (fully anchored), `!~` regex does not match. */
export const matcherSchema = z.strictObject({
  name: z.string().regex(LABEL_NAME_RE, 'must be a valid label name'),
  value: z.string().max(1024),
  isRegex: z.boolean().default(false),
  isEqual: z.boolean().default(true),
});
export type Matcher = z.output<typeof matcherSchema>;

/** Body of POST /api/silences (create) and PUT /api/silences/{id} (replace). Times are RFC 3339. */
export const silenceInputSchema = z.strictObject({
  matchers: z.array(matcherSchema).min(1, 'a silence needs at least one matcher').max(32),
  startsAt: z.iso.datetime({ offset: true }).optional(),
  endsAt: z.iso.datetime({ offset: true }),
  createdBy: z.string().trim().min(1, 'createdBy is required').max(128),
  comment: z.string().max(2000).default(''),
});
export type SilenceInput = z.output<typeof silenceInputSchema>;

/** A stored silence. Times are Unix ms. */
export interface Silence {
  readonly id: string;
  readonly matchers: readonly Matcher[];
  readonly startsAtMs: number;
  readonly endsAtMs: number;
  readonly createdBy: string;
  readonly comment: string;
  readonly createdAtMs: number;
  /** `pending` before startsAt, `active` in [startsAt, endsAt), `expired` after. */
  readonly state: 'pending' | 'active' | 'expired';
}

/** Body of POST /api/incidents/{id}/acknowledge. */
export const acknowledgeInputSchema = z.strictObject({
  by: z.string().trim().min(1, 'by is required').max(128),
  comment: z.string().max(2000).default(''),
});
export type AcknowledgeInput = z.output<typeof acknowledgeInputSchema>;

/** Who acknowledged an incident and when (Unix ms). */
export interface Acknowledgement {
  readonly by: string;
  readonly atMs: number;
  readonly comment: string;
}

/** Where a signal came from: an anomaly of the detection engine, or an alert of a rule. */
export type SignalSource = 'anomaly' | 'rule';

/** One member signal of an incident. Times are Unix ms. */
export interface IncidentSignal {
  /** `anomaly:<id>` or `rule:<alertname>:<fingerprint>`. */
  readonly key: string;
  readonly source: SignalSource;
  /** Metric name (anomalies) or alert name (rules). */
  readonly name: string;
  /** DWCP component (amst, hde, pba, ass, acp, itp) or `system`. */
  readonly component: string;
  readonly node: string | null;
  readonly region: string | null;
  readonly severity: AlertSeverity;
  readonly labels: Readonly<Record<string, string>>;
  readonly summary: string;
  readonly startedAtMs: number;
  readonly resolvedAtMs: number | null;
}

/** A root-cause candidate: a member signal with its score (0..1) and why it ranks where it does. */
export interface RootCauseCandidate {
  readonly signalKey: string;
  readonly name: string;
  readonly component: string;
  readonly node: string | null;
  readonly score: number;
  readonly reasons: readonly string[];
}

/** An incident: correlated signals on one node (or one region), paged once. */
export interface Incident {
  readonly id: string;
  readonly status: 'firing' | 'resolved';
  readonly severity: AlertSeverity;
  readonly title: string;
  readonly node: string | null;
  readonly region: string | null;
  /** Components of the member signals, upstream first. */
  readonly components: readonly string[];
  /** Labels of the incident's alert (what silences and Alertmanager routes match). */
  readonly labels: Readonly<Record<string, string>>;
  readonly startedAtMs: number;
  readonly updatedAtMs: number;
  readonly resolvedAtMs: number | null;
  readonly rootCause: readonly RootCauseCandidate[];
  readonly signals: readonly IncidentSignal[];
  /** Member signals left out because of the per-incident limit. */
  readonly droppedSignals: number;
  readonly acknowledgement: Acknowledgement | null;
  /** Names of receivers a firing notification was handed to (built-in delivery) or `alertmanager`. */
  readonly notifiedReceivers: readonly string[];
}

/** A rule as listed by GET /api/alerting/rules. */
export interface RuleStatus {
  readonly group: string;
  readonly name: string;
  readonly severity: AlertSeverity;
  readonly forMs: number;
  /** Condition type at the top: threshold, rate_of_change, absence, anomaly, all, any, not. */
  readonly condition: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  /** Alerts of this rule now: pending (waiting for `for`) and firing. */
  readonly pending: number;
  readonly firing: number;
  readonly lastEvaluationMs: number | null;
  readonly lastError: string | null;
}

/** One problem of a rule file, with its place (1-based line and column; null when the file as a whole is bad). */
export interface RuleFileProblem {
  readonly file: string;
  readonly line: number | null;
  readonly column: number | null;
  readonly path: string;
  readonly message: string;
}

/** The rule files loaded now and the outcome of the last reload. */
export interface RulesOverview {
  readonly files: readonly string[];
  readonly loadedAtMs: number | null;
  readonly rules: readonly RuleStatus[];
  readonly lastReload: { readonly atMs: number; readonly ok: boolean; readonly problems: readonly RuleFileProblem[] } | null;
}

/** Delivery health of one receiver. */
export interface ReceiverHealth {
  readonly receiver: string;
  readonly type: 'webhook' | 'slack' | 'pagerduty' | 'email' | 'alertmanager';
  /** Notifications waiting in the outbox (0 for Alertmanager, which is re-sent from state). */
  readonly pending: number;
  readonly delivered: number;
  readonly failedAttempts: number;
  readonly dropped: number;
  /** Consecutive failed attempts since the last success. */
  readonly consecutiveFailures: number;
  readonly lastError: string | null;
  readonly lastSuccessMs: number | null;
  /** Age of the oldest waiting notification, ms (0 when none). */
  readonly oldestPendingMs: number;
  /** false when the last attempts failed (consecutive failures >= the threshold) or notifications are stuck. */
  readonly healthy: boolean;
}

/** Body data of GET /api/alerting/health: the web page shows a banner when `healthy` is false. */
export interface DeliveryHealth {
  readonly mode: 'alertmanager' | 'builtin' | 'none';
  readonly healthy: boolean;
  readonly receivers: readonly ReceiverHealth[];
}

/** Envelope of every successful alerting API response. */
export interface AlertingResponse<T> {
  readonly status: 'success';
  readonly data: T;
}
