/**
 * The HTTP API contract of alerting: incidents with their member signals and ranked root-cause candidates,
 * silences, acknowledgements, alert rules and delivery health. zod schemas validate request bodies (the server)
 * and describe responses (checked in the route tests); the types are inferred from them (server and web page).
 * @see https://prometheus.io/docs/alerting/latest/alertmanager/ for the vocabulary (silences, matchers,
 *   inhibition, startsAt/endsAt)
 */
import { z } from 'zod';
import { ALERT_SEVERITIES, type AlertSeverity } from '../model/alerting-settings.ts';
import { FileProblemSchema } from './api-error.ts';
import { LabelsSchema, listOf, successOf } from './common.ts';

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
export const SilenceSchema = z.strictObject({
  id: z.string(),
  matchers: listOf(matcherSchema),
  startsAtMs: z.number(),
  endsAtMs: z.number(),
  createdBy: z.string(),
  comment: z.string(),
  createdAtMs: z.number(),
  /** `pending` before startsAt, `active` in [startsAt, endsAt), `expired` after. */
  state: z.enum(['pending', 'active', 'expired']),
});
export type Silence = z.infer<typeof SilenceSchema>;

/** Body of POST /api/incidents/{id}/acknowledge. */
export const acknowledgeInputSchema = z.strictObject({
  by: z.string().trim().min(1, 'by is required').max(128),
  comment: z.string().max(2000).default(''),
});
export type AcknowledgeInput = z.output<typeof acknowledgeInputSchema>;

const alertSeverity = z.enum(ALERT_SEVERITIES);

/** Who acknowledged an incident and when (Unix ms). */
export const AcknowledgementSchema = z.strictObject({
  by: z.string(),
  atMs: z.number(),
  comment: z.string(),
});
export type Acknowledgement = z.infer<typeof AcknowledgementSchema>;

/** Where a signal came from: an anomaly of the detection engine, or an alert of a rule. */
export type SignalSource = 'anomaly' | 'rule';

/** One member signal of an incident. Times are Unix ms. */
export const IncidentSignalSchema = z.strictObject({
  /** `anomaly:<id>` or `rule:<alertname>:<fingerprint>`. */
  key: z.string(),
  source: z.enum(['anomaly', 'rule']),
  /** Metric name (anomalies) or alert name (rules). */
  name: z.string(),
  /** DWCP component (amst, hde, pba, ass, acp, itp) or `system`. */
  component: z.string(),
  node: z.string().nullable(),
  region: z.string().nullable(),
  severity: alertSeverity,
  labels: LabelsSchema,
  summary: z.string(),
  startedAtMs: z.number(),
  resolvedAtMs: z.number().nullable(),
  /** Why the signal resolved (`Anomaly.resolution`, e.g. `back inside the band for 3 samples`); absent while active. */
  resolution: z.string().optional(),
});
export type IncidentSignal = z.infer<typeof IncidentSignalSchema>;

/** A root-cause candidate: a member signal with its score (0..1) and why it ranks where it does. */
export const RootCauseCandidateSchema = z.strictObject({
  signalKey: z.string(),
  name: z.string(),
  component: z.string(),
  node: z.string().nullable(),
  score: z.number().min(0).max(1),
  reasons: listOf(z.string()),
});
export type RootCauseCandidate = z.infer<typeof RootCauseCandidateSchema>;

/** An incident: correlated signals on one node (or one region), paged once. */
export const IncidentSchema = z.strictObject({
  id: z.string(),
  status: z.enum(['firing', 'resolved']),
  severity: alertSeverity,
  title: z.string(),
  node: z.string().nullable(),
  region: z.string().nullable(),
  /** Components of the member signals, upstream first. */
  components: listOf(z.string()),
  /** Labels of the incident's alert (what silences and Alertmanager routes match). */
  labels: LabelsSchema,
  startedAtMs: z.number(),
  updatedAtMs: z.number(),
  resolvedAtMs: z.number().nullable(),
  rootCause: listOf(RootCauseCandidateSchema),
  signals: listOf(IncidentSignalSchema),
  /** Member signals left out because of the per-incident limit. */
  droppedSignals: z.number().int().min(0),
  acknowledgement: AcknowledgementSchema.nullable(),
  /** Names of receivers a firing notification was handed to (built-in delivery) or `alertmanager`. */
  notifiedReceivers: listOf(z.string()),
});
export type Incident = z.infer<typeof IncidentSchema>;

/** A rule as listed by GET /api/alerting/rules. */
export const RuleStatusSchema = z.strictObject({
  group: z.string(),
  name: z.string(),
  severity: alertSeverity,
  forMs: z.number(),
  /** Condition type at the top: threshold, rate_of_change, absence, anomaly, all, any, not. */
  condition: z.string(),
  labels: LabelsSchema,
  annotations: LabelsSchema,
  /** Alerts of this rule now: pending (waiting for `for`) and firing. */
  pending: z.number().int().min(0),
  firing: z.number().int().min(0),
  lastEvaluationMs: z.number().nullable(),
  lastError: z.string().nullable(),
});
export type RuleStatus = z.infer<typeof RuleStatusSchema>;

/** One problem of a rule file, with its place (1-based line and column; null when the file as a whole is bad). */
export type RuleFileProblem = z.infer<typeof FileProblemSchema>;

/** The rule files loaded now and the outcome of the last reload. */
export const RulesOverviewSchema = z.strictObject({
  files: listOf(z.string()),
  loadedAtMs: z.number().nullable(),
  rules: listOf(RuleStatusSchema),
  lastReload: z
    .strictObject({ atMs: z.number(), ok: z.boolean(), problems: listOf(FileProblemSchema) })
    .nullable(),
});
export type RulesOverview = z.infer<typeof RulesOverviewSchema>;

/** Delivery health of one receiver. */
export const ReceiverHealthSchema = z.strictObject({
  receiver: z.string(),
  type: z.enum(['webhook', 'slack', 'pagerduty', 'email', 'alertmanager']),
  /** Notifications waiting in the outbox (0 for Alertmanager, which is re-sent from state). */
  pending: z.number().int().min(0),
  delivered: z.number().int().min(0),
  failedAttempts: z.number().int().min(0),
  dropped: z.number().int().min(0),
  /** Consecutive failed attempts since the last success. */
  consecutiveFailures: z.number().int().min(0),
  lastError: z.string().nullable(),
  lastSuccessMs: z.number().nullable(),
  /** Age of the oldest waiting notification, ms (0 when none). */
  oldestPendingMs: z.number().min(0),
  /** false when the last attempts failed (consecutive failures >= the threshold) or notifications are stuck. */
  healthy: z.boolean(),
});
export type ReceiverHealth = z.infer<typeof ReceiverHealthSchema>;

/** Body data of GET /api/alerting/health: the web page shows a banner when `healthy` is false. */
export const DeliveryHealthSchema = z.strictObject({
  mode: z.enum(['alertmanager', 'builtin', 'none']),
  healthy: z.boolean(),
  receivers: listOf(ReceiverHealthSchema),
});
export type DeliveryHealth = z.infer<typeof DeliveryHealthSchema>;

/** Envelope of every successful alerting API response. */
export interface AlertingResponse<T> {
  readonly status: 'success';
  readonly data: T;
}

/** Response bodies of the alerting routes (src/server/response-check.ts). */
export const IncidentsResponseSchema = successOf(listOf(IncidentSchema));
export const IncidentResponseSchema = successOf(IncidentSchema);
export const SilencesResponseSchema = successOf(listOf(SilenceSchema));
export const SilenceResponseSchema = successOf(SilenceSchema);
export const RulesOverviewResponseSchema = successOf(RulesOverviewSchema);
export const DeliveryHealthResponseSchema = successOf(DeliveryHealthSchema);
