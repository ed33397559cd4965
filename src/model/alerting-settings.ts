/**
 * The alerting settings (configuration `alerting.*`) as plain data: severities, receiver kinds and their default
 * escalation, correlation and delivery timings, and the shape of the parsed section. The configuration schema
 * (src/config.ts) validates the section into {@link AlertingSettings} and takes its defaults from here; the
 * alerting service (src/alerting/) reads the settings.
 * @see https://prometheus.io/docs/alerting/latest/configuration/ (receiver, group_wait, group_interval,
 *   repeat_interval vocabulary); seed 002 escalation policies; seed 003 (5-minute deduplication)
 */
import type { Severity } from './dwcp.ts';
import type { HttpAuthSettings } from './http-auth.ts';

/** Severities of alert rules and incidents (Alertmanager / Prometheus convention). */
export const ALERT_SEVERITIES = ['info', 'warning', 'critical'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

/** Receiver kinds of the built-in delivery. */
export const RECEIVER_TYPES = ['webhook', 'slack', 'pagerduty', 'email'] as const;
export type ReceiverType = (typeof RECEIVER_TYPES)[number];

/** Delay (ms) per severity after which a receiver is notified; null = never. */
export type Escalation = Readonly<Record<AlertSeverity, number | null>>;

/**
 * The default escalation of each receiver type: PagerDuty pages critical at once, warning after 10 minutes and
 * never info; Slack gets every severity at once; webhook and e-mail receivers critical and warning at once.
 */
export const DEFAULT_ESCALATION: Readonly<Record<ReceiverType, Escalation>> = Object.freeze({
  pagerduty: { critical: 0, warning: 10 * 60_000, info: null },
  slack: { critical: 0, warning: 0, info: 0 },
  webhook: { critical: 0, warning: 0, info: null },
  email: { critical: 0, warning: 0, info: null },
});

/** PagerDuty Events API v2 endpoint. */
export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';

/** Correlation and notification timings (`alerting.incidents`), ms, and the bound on stored incidents. */
export interface IncidentSettings {
  /** A signal joins an incident on its node whose members all resolved at most this long ago. */
  readonly reopenWindow: number;
  /** Signals of the same metric or alert on several nodes of a region this close together form one incident. */
  readonly regionWindow: number;
  /**
   * A signal unrelated to every component of an active incident on its node joins it only when it starts at most
   * this long from the incident's first signal (one cascade); otherwise it opens a new incident.
   */
  readonly cascadeWindow: number;
  /** Nothing is sent before this long after the incident reached its severity. */
  readonly groupWait: number;
  /** An open incident that gained nodes or components is notified again this long after the last notification. */
  readonly groupInterval: number;
  /** A firing notification equal to one sent to the same receiver within this window is not sent. */
  readonly dedupWindow: number;
  /** A firing, unacknowledged incident is notified again after this long. */
  readonly repeatInterval: number;
  /** Severity of an incident member per anomaly severity (default: critical → critical, others → warning). */
  readonly anomalySeverity: Readonly<Partial<Record<Severity, AlertSeverity>>>;
  /** Limit on stored incidents (the oldest resolved ones are removed). */
  readonly maxStored: number;
}

/** Defaults of {@link IncidentSettings}: group wait 3 s, dedup 5 min, repeat 4 h (Alertmanager's default). */
export const DEFAULT_INCIDENT_SETTINGS: IncidentSettings = Object.freeze({
  reopenWindow: 5_000,
  regionWindow: 5_000,
  cascadeWindow: 5_000,
  groupWait: 3_000,
  groupInterval: 30_000,
  dedupWindow: 5 * 60_000,
  repeatInterval: 4 * 3_600_000,
  anomalySeverity: {},
  maxStored: 10_000,
});

/** The durable outbox (`alerting.outbox`): durations in ms. */
export interface OutboxSettings {
  /** Notifications older than this are dropped (counted): must exceed the longest receiver outage. */
  readonly maxAge: number;
  readonly maxRows: number;
  readonly initialBackoff: number;
  readonly maxBackoff: number;
}

/** Defaults of {@link OutboxSettings}: 24 h, 10,000 rows, backoff 1 s .. 5 min. */
export const DEFAULT_OUTBOX_SETTINGS: OutboxSettings = Object.freeze({
  maxAge: 24 * 3_600_000,
  maxRows: 10_000,
  initialBackoff: 1_000,
  maxBackoff: 5 * 60_000,
});

interface ReceiverCommon {
  readonly name: string;
  /** Request timeout, ms. */
  readonly timeout: number;
}

/** One receiver of the built-in delivery. */
export type ReceiverSettings =
  | (ReceiverCommon &
      HttpAuthSettings & {
        readonly type: 'webhook';
        readonly url: string;
        readonly headers: Readonly<Record<string, string>>;
      })
  | (ReceiverCommon & { readonly type: 'slack'; readonly url: string })
  | (ReceiverCommon & {
      readonly type: 'pagerduty';
      readonly url: string;
      /** The integration's routing key, or `routingKeyEnv`: the environment variable holding it. */
      readonly routingKey?: string | undefined;
      readonly routingKeyEnv?: string | undefined;
    })
  | (ReceiverCommon & {
      readonly type: 'email';
      readonly from: string;
      readonly to: readonly string[];
      readonly smtp: {
        readonly host: string;
        readonly port: number;
        /** TLS from the start (port 465); otherwise STARTTLS when the server offers it. */
        readonly secure: boolean;
        readonly requireTLS: boolean;
        readonly user?: string | undefined;
        readonly passwordEnv?: string | undefined;
      };
    });

/** The parsed `alerting` section (durations in ms). */
export interface AlertingSettings {
  /** Base URL of the web page, used in links of notifications. */
  readonly externalUrl?: string | undefined;
  /** Webhook receivers in the short form (each one is a `type: webhook` receiver). */
  readonly webhooks: readonly (HttpAuthSettings & {
    readonly name: string;
    readonly url: string;
    readonly timeout: number;
  })[];
  readonly receivers: readonly ReceiverSettings[];
  /** Per receiver: delay before each severity is sent, or `never` (defaults by receiver type). */
  readonly escalation: readonly {
    readonly receiver: string;
    readonly critical?: number | 'never' | undefined;
    readonly warning?: number | 'never' | undefined;
    readonly info?: number | 'never' | undefined;
  }[];
  /** When set, incidents go to Alertmanager (API v2) and the built-in receivers are not used. */
  readonly alertmanager?:
    { readonly urls: readonly string[]; readonly resendDelay: number; readonly timeout: number } | undefined;
  readonly rules: { readonly files: readonly string[]; readonly interval: number };
  readonly incidents: IncidentSettings;
  readonly outbox: OutboxSettings;
}
