/**
 * The `alerting` section of the monitor's configuration: rules, incidents, receivers (with their credentials),
 * escalation, Alertmanager and the outbox. Part of the schema in src/config.ts.
 */
import { z } from 'zod';
import {
  ALERT_SEVERITIES,
  DEFAULT_INCIDENT_SETTINGS,
  DEFAULT_OUTBOX_SETTINGS,
  PAGERDUTY_EVENTS_URL,
  type AlertingSettings,
} from '../model/alerting-settings.ts';
import { SEVERITIES } from '../model/dwcp.ts';
import { duration, httpUrl, positiveDuration, window } from './fields.ts';
import { checkHttpAuth, httpAuthFields } from './http-auth-fields.ts';

const receiverName = z
  .string()
  .regex(/^[a-zA-Z0-9_.-]{1,64}$/, 'must be 1-64 characters of a-z, A-Z, 0-9, _ . -');
const receiverCommon = { name: receiverName, timeout: positiveDuration.default(10_000) };
const receiverSchema = z.discriminatedUnion('type', [
  z
    .strictObject({
      ...receiverCommon,
      type: z.literal('webhook'),
      url: httpUrl,
      headers: z
        .record(z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'must be an HTTP header name'), z.string().max(4096))
        .default({}),
      ...httpAuthFields,
    })
    .superRefine(checkHttpAuth),
  z.strictObject({ ...receiverCommon, type: z.literal('slack'), url: httpUrl }),
  z.strictObject({
    ...receiverCommon,
    type: z.literal('pagerduty'),
    url: httpUrl.default(PAGERDUTY_EVENTS_URL),
    routingKey: z.string().min(1).max(64).optional(),
    routingKeyEnv: z
      .string()
      .regex(/^[A-Z_][A-Z0-9_]*$/)
      .optional(),
  }),
  z.strictObject({
    ...receiverCommon,
    type: z.literal('email'),
    from: z.email(),
    to: z.array(z.email()).min(1).max(50),
    smtp: z.strictObject({
      host: z.string().min(1),
      port: z.number().int().min(1).max(65535).default(587),
      secure: z.boolean().default(false),
      requireTLS: z.boolean().default(false),
      user: z.string().optional(),
      passwordEnv: z
        .string()
        .regex(/^[A-Z_][A-Z0-9_]*$/)
        .optional(),
    }),
  }),
]);
const escalationDelay = z.union([z.literal('never'), duration]);
const alertSeverity = z.enum(ALERT_SEVERITIES);
const I = DEFAULT_INCIDENT_SETTINGS;

/**
 * The `alerting` section (plain data in src/model/alerting-settings.ts, where the fields are described):
 * receivers, escalation, Alertmanager, rule files, incident timings and the outbox. Cross-field checks (duplicate
 * receiver names, unknown receivers in the escalation table, a PagerDuty receiver without exactly one routing
 * key) run in the same pass, so every problem is reported with its path.
 */
export const alertingSectionSchema = z
  .strictObject({
    externalUrl: z.string().optional(),
    webhooks: z
      .array(
        z
          .strictObject({
            name: z.string().min(1).default('webhook'),
            url: httpUrl,
            timeout: positiveDuration.default(5_000),
            ...httpAuthFields,
          })
          .superRefine(checkHttpAuth),
      )
      .max(20)
      .default([]),
    receivers: z.array(receiverSchema).max(50).default([]),
    escalation: z
      .array(
        z.strictObject({
          receiver: receiverName,
          critical: escalationDelay.optional(),
          warning: escalationDelay.optional(),
          info: escalationDelay.optional(),
        }),
      )
      .max(50)
      .default([]),
    alertmanager: z
      .strictObject({
        urls: z.array(httpUrl).min(1).max(10),
        resendDelay: positiveDuration.default(60_000),
        timeout: positiveDuration.default(10_000),
      })
      .optional(),
    rules: z
      .strictObject({
        files: z.array(z.string().min(1)).max(100).default([]),
        interval: positiveDuration.default(5_000),
      })
      .default({ files: [], interval: 5_000 }),
    incidents: z
      .strictObject({
        reopenWindow: duration.default(I.reopenWindow),
        regionWindow: duration.default(I.regionWindow),
        cascadeWindow: duration.default(I.cascadeWindow),
        groupWait: duration.default(I.groupWait),
        groupInterval: duration.default(I.groupInterval),
        dedupWindow: duration.default(I.dedupWindow),
        repeatInterval: duration.default(I.repeatInterval),
        anomalySeverity: z.partialRecord(z.enum(SEVERITIES), alertSeverity).default({}),
        maxStored: z.number().int().min(10).max(1_000_000).default(I.maxStored),
      })
      .default({ ...I }),
    outbox: z
      .strictObject({
        maxAge: window.default(DEFAULT_OUTBOX_SETTINGS.maxAge),
        maxRows: z.number().int().min(10).max(1_000_000).default(DEFAULT_OUTBOX_SETTINGS.maxRows),
        initialBackoff: duration.default(DEFAULT_OUTBOX_SETTINGS.initialBackoff),
        maxBackoff: duration.default(DEFAULT_OUTBOX_SETTINGS.maxBackoff),
      })
      .default({ ...DEFAULT_OUTBOX_SETTINGS }),
  })
  .superRefine((v, ctx) => {
    const names = new Map<string, number>();
    const all = [...v.receivers.map((r) => r.name), ...v.webhooks.map((w) => w.name)];
    all.forEach((n, i) => {
      if (names.has(n))
        ctx.addIssue({
          code: 'custom',
          path:
            i < v.receivers.length ? ['receivers', i, 'name'] : ['webhooks', i - v.receivers.length, 'name'],
          message: `duplicate receiver name "${n}"`,
        });
      names.set(n, i);
    });
    v.escalation.forEach((e, i) => {
      if (!names.has(e.receiver)) {
        ctx.addIssue({
          code: 'custom',
          path: ['escalation', i, 'receiver'],
          message: `unknown receiver "${e.receiver}" (receivers: ${all.join(', ') || 'none'})`,
        });
      }
    });
    v.receivers.forEach((r, i) => {
      if (r.type === 'pagerduty' && (r.routingKey === undefined) === (r.routingKeyEnv === undefined)) {
        ctx.addIssue({
          code: 'custom',
          path: ['receivers', i],
          message: 'a pagerduty receiver needs exactly one of routingKey and routingKeyEnv',
        });
      }
    });
  }) satisfies z.ZodType<AlertingSettings, unknown>;
