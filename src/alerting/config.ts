/**
 * The `alerting` section of the monitor's configuration: receivers of the built-in delivery (webhook, Slack,
 * PagerDuty, e-mail), the escalation table, Alertmanager as the router, rule files, correlation and delivery
 * timings, and the outbox. A zod schema built around the caller's duration type (the configuration's text
 * durations such as `10m`), so the section validates with the rest of the file; cross-field checks (unknown
 * receivers in the escalation table, duplicate names) run in the same pass.
 * @see https://prometheus.io/docs/alerting/latest/configuration/ (receiver vocabulary)
 */
import { z } from 'zod';
import { ALERT_SEVERITIES } from '../contract/alerting.ts';
import { SEVERITIES } from '../model/dwcp.ts';
import { DEFAULT_ESCALATION, DEFAULT_POLICY_OPTIONS, type Escalation, type ReceiverPolicy } from './delivery/policy.ts';

/** PagerDuty Events API v2 endpoint. */
export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';

/** A zod type of a duration in ms (the configuration passes its text-duration type). */
export type DurationSchema = z.ZodType<number, string | number>;

/** Builds the schema of the `alerting` section around `duration`. */
export function alertingConfigSchema(duration: DurationSchema) {
  const name = z.string().regex(/^[a-zA-Z0-9_.-]{1,64}$/, 'must be 1-64 characters of a-z, A-Z, 0-9, _ . -');
  const http = z.url({ protocol: /^https?$/ });
  const common = { name, timeout: duration.default(10_000) };
  const headers = z.record(z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'must be an HTTP header name'), z.string().max(4096)).default({});
  const receiver = z.discriminatedUnion('type', [
    z.strictObject({ ...common, type: z.literal('webhook'), url: http, headers }),
    z.strictObject({ ...common, type: z.literal('slack'), url: http }),
    z.strictObject({
      ...common,
      type: z.literal('pagerduty'),
      url: http.default(PAGERDUTY_EVENTS_URL),
      /** The integration's routing key, or `routingKeyEnv`: the environment variable holding it. */
      routingKey: z.string().min(1).max(64).optional(),
      routingKeyEnv: z.string().regex(/^[A-Z_][A-Z0-9_]*$/).optional(),
    }),
    z.strictObject({
      ...common,
      type: z.literal('email'),
      from: z.email(),
      to: z.array(z.email()).min(1).max(50),
      smtp: z.strictObject({
        host: z.string().min(1),
        port: z.number().int().min(1).max(65535).default(587),
        /** TLS from the start (port 465); otherwise STARTTLS when the server offers it. */
        secure: z.boolean().default(false),
        requireTLS: z.boolean().default(false),
        user: z.string().optional(),
        passwordEnv: z.string().regex(/^[A-Z_][A-Z0-9_]*$/).optional(),
      }),
    }),
  ]);
  const delay = z.union([z.literal('never'), duration]);
  const escalation = z.strictObject({ receiver: name, critical: delay.optional(), warning: delay.optional(), info: delay.optional() });
  const anomalySeverity = z.strictObject(Object.fromEntries(SEVERITIES.map((s) => [s, z.enum(ALERT_SEVERITIES).optional()])) as Record<(typeof SEVERITIES)[number], z.ZodOptional<z.ZodEnum<{ info: 'info'; warning: 'warning'; critical: 'critical' }>>>);
  return z
    .strictObject({
      /** Base URL of the web page, used in links of notifications. */
      externalUrl: z.string().optional(),
      /** Webhook receivers in the short form (each one is a `type: webhook` receiver). */
      webhooks: z
        .array(z.strictObject({ name: z.string().min(1).default('webhook'), url: http, timeout: duration.default(5_000) }))
        .max(20)
        .default([]),
      receivers: z.array(receiver).max(50).default([]),
      /** Per receiver: delay before each severity is sent, or `never` (defaults by receiver type). */
      escalation: z.array(escalation).max(50).default([]),
      /** When set, incidents go to Alertmanager (API v2) and the built-in receivers are not used. */
      alertmanager: z
        .strictObject({
          urls: z.array(http).min(1).max(10),
          resendDelay: duration.default(60_000),
          timeout: duration.default(10_000),
        })
        .optional(),
      rules: z.strictObject({ files: z.array(z.string().min(1)).max(100).default([]), interval: duration.default(5_000) }).default({ files: [], interval: 5_000 }),
      incidents: z
        .strictObject({
          reopenWindow: duration.default(5_000),
          regionWindow: duration.default(5_000),
          unrelatedAfter: duration.default(60_000),
          groupWait: duration.default(DEFAULT_POLICY_OPTIONS.groupWaitMs),
          /** An open incident that gained nodes or components is notified again this long after the last notification. */
          groupInterval: duration.default(30_000),
          dedupWindow: duration.default(DEFAULT_POLICY_OPTIONS.dedupWindowMs),
          repeatInterval: duration.default(DEFAULT_POLICY_OPTIONS.repeatIntervalMs),
          anomalySeverity: anomalySeverity.default({}),
          maxStored: z.number().int().min(10).max(1_000_000).default(10_000),
        })
        .default({
          reopenWindow: 5_000,
          regionWindow: 5_000,
          unrelatedAfter: 60_000,
          groupWait: DEFAULT_POLICY_OPTIONS.groupWaitMs,
          groupInterval: 30_000,
          dedupWindow: DEFAULT_POLICY_OPTIONS.dedupWindowMs,
          repeatInterval: DEFAULT_POLICY_OPTIONS.repeatIntervalMs,
          anomalySeverity: {},
          maxStored: 10_000,
        }),
      outbox: z
        .strictObject({
          /** Notifications older than this are dropped (counted): must exceed the longest receiver outage. */
          maxAge: duration.default(24 * 3600_000),
          maxRows: z.number().int().min(10).max(1_000_000).default(10_000),
          initialBackoff: duration.default(1_000),
          maxBackoff: duration.default(5 * 60_000),
        })
        .default({ maxAge: 24 * 3600_000, maxRows: 10_000, initialBackoff: 1_000, maxBackoff: 5 * 60_000 }),
    })
    .superRefine((v, ctx) => {
      const names = new Map<string, number>();
      const all = [...v.receivers.map((r) => r.name), ...v.webhooks.map((w) => w.name)];
      all.forEach((n, i) => {
        if (names.has(n)) ctx.addIssue({ code: 'custom', path: i < v.receivers.length ? ['receivers', i, 'name'] : ['webhooks', i - v.receivers.length, 'name'], message: `duplicate receiver name "${n}"` });
        names.set(n, i);
      });
      v.escalation.forEach((e, i) => {
        if (!names.has(e.receiver)) {
          ctx.addIssue({ code: 'custom', path: ['escalation', i, 'receiver'], message: `unknown receiver "${e.receiver}" (receivers: ${all.join(', ') || 'none'})` });
        }
      });
      v.receivers.forEach((r, i) => {
        if (r.type === 'pagerduty' && (r.routingKey === undefined) === (r.routingKeyEnv === undefined)) {
          ctx.addIssue({ code: 'custom', path: ['receivers', i], message: 'a pagerduty receiver needs exactly one of routingKey and routingKeyEnv' });
        }
      });
    });
}

/** The parsed `alerting` section (durations in ms). */
export type AlertingConfig = z.output<ReturnType<typeof alertingConfigSchema>>;
/** One configured receiver. */
export type ReceiverConfig = AlertingConfig['receivers'][number];

/** Every receiver of the section: `receivers` plus the short-form `webhooks`. */
export function allReceivers(c: AlertingConfig): ReceiverConfig[] {
  return [...c.receivers, ...c.webhooks.map((w): ReceiverConfig => ({ type: 'webhook', name: w.name, url: w.url, timeout: w.timeout, headers: {} }))];
}

/** The delivery policy's view of the receivers: type defaults overridden by the escalation table. */
export function receiverPolicies(c: AlertingConfig): ReceiverPolicy[] {
  return allReceivers(c).map((r) => {
    const base: Record<string, number | null> = { ...DEFAULT_ESCALATION[r.type] };
    const over = c.escalation.find((e) => e.receiver === r.name);
    for (const s of ALERT_SEVERITIES) {
      const d = over?.[s];
      if (d !== undefined) base[s] = d === 'never' ? null : d;
    }
    return { name: r.name, type: r.type, escalation: base as Escalation };
  });
}

