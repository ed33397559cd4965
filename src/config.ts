/**
 * The monitor's configuration (`dwcp-monitor serve --config monitor.yaml`): a zod 4 schema with defaults,
 * durations written as text ('1s', '6h'), and errors that name the path of the bad field.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { MAX_TIMER_MS, parseDuration } from './model/duration.ts';
import { ConfigError } from './errors.ts';
import {
  ALERT_SEVERITIES,
  DEFAULT_INCIDENT_SETTINGS,
  DEFAULT_OUTBOX_SETTINGS,
  PAGERDUTY_EVENTS_URL,
  type AlertingSettings,
  type HttpAuthSettings,
} from './model/alerting-settings.ts';
import { COMPONENTS, SEVERITIES } from './model/dwcp.ts';
import { METRIC_KINDS } from './model/anomaly.ts';
import { DEFAULT_DETECTION_SETTINGS as DETECTION, LIVE_DETECTOR_CHOICES } from './model/detection-settings.ts';
import {
  DEFAULT_CAPACITY_EVIDENCE as CAPACITY,
  DEFAULT_MODE_LATENCY as MODE_LATENCY,
  DEFAULT_REGION_WARMUP as REGION,
  DEFAULT_SLO_EVIDENCE as SLO,
} from './model/insight-settings.ts';
import { redactUrlCredentials, urlHasCredentials } from './model/redact.ts';
import { positionText, yamlLocator, type YamlLocate } from './model/yaml-locator.ts';
import { DEFAULT_SCRAPE_LIMITS } from './model/scrape-limits.ts';

/** Defaults of the `traces` section: 7 days, 10 million spans, 8 MiB bodies. */
const TRACE_DEFAULTS = { enabled: true, retention: 7 * 86_400_000, maxSpans: 10_000_000, maxBodyBytes: 8 * 1024 * 1024 };

const PII_RULE_NAMES = ['email', 'ipv4', 'ipv6', 'card', 'bearer', 'api_key', 'secret_pair'] as const;

/** Defaults of the `logs` section: retention 1 d debug, 7 d info, 14 d warn, 30 d error and fatal; 10 million entries; 8 MiB bodies; PII masked. */
const LOG_DEFAULTS = {
  enabled: true,
  retention: { debug: 86_400_000, info: 7 * 86_400_000, warn: 14 * 86_400_000, error: 30 * 86_400_000, fatal: 30 * 86_400_000 },
  maxEntries: 10_000_000,
  maxBodyBytes: 8 * 1024 * 1024,
  pii: { enabled: true, maskIp: true, disabledRules: [] as (typeof PII_RULE_NAMES)[number][], extraRules: [] as { name: string; pattern: string; flags?: string; group?: number; replacement?: string }[] },
};

/**
 * A duration written as text ('1s', '6h') or a number of milliseconds, checked to lie in [0, max]: a negative,
 * non-finite or too large value is an issue on the field's own path (so the error names the key).
 */
function boundedDuration(max: number, what: string) {
  return z.union([z.string(), z.number()]).transform((v, ctx) => {
    let ms: number;
    if (typeof v === 'number') ms = v;
    else {
      try {
        ms = parseDuration(v);
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: (e as Error).message });
        return z.NEVER;
      }
    }
    if (!Number.isFinite(ms) || ms < 0) {
      ctx.addIssue({ code: 'custom', message: `must be a duration of 0 or more, got ${String(v).slice(0, 40)}` });
      return z.NEVER;
    }
    if (ms > max) {
      ctx.addIssue({ code: 'custom', message: `must be at most ${what}, got ${ms} ms` });
      return z.NEVER;
    }
    return ms;
  });
}

/**
 * A duration used as a timer delay or timeout: 0 to 2^31 − 1 ms (about 24.8 days), the most Node's timers hold
 * (longer delays would fire after 1 ms).
 */
const duration = boundedDuration(MAX_TIMER_MS, `${MAX_TIMER_MS} ms (about 24.8 days, the longest timer delay)`);
/** An interval or timeout that must not be 0 (a 0 ms interval would spin). */
const positiveDuration = duration.pipe(z.number().min(1, 'must be at least 1ms'));
/** Largest window (retention, evidence spans): 100 years. */
const MAX_WINDOW_MS = 100 * 31_536_000_000;
/** A time span compared with timestamps (retention, evidence), never a timer delay: 0 to 100 years. */
const window = boundedDuration(MAX_WINDOW_MS, '100y');

/** Sample layout of `storage.type: sqlite` when the configuration does not name one. */
const DEFAULT_SQLITE_LAYOUT: 'rows' | 'chunks' = 'chunks';

/**
 * Raw-sample retention when `storage.retention` is not set: 48 h for the chunks layout (which keeps rollups
 * for 31 days and a year besides), 6 h for the rows layout (one row per sample, no rollups).
 */
export function defaultRetentionMs(layout: 'rows' | 'chunks'): number {
  return layout === 'chunks' ? 48 * 3_600_000 : 6 * 3_600_000;
}

const labelName = z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'must be a valid Prometheus label name');

/** An http(s) URL without user-info: credentials go into their own fields, never into a URL (the message does not echo it). */
const httpUrl = z
  .url({ protocol: /^https?$/ })
  .refine((u) => !urlHasCredentials(u), {
    message: 'must not contain credentials (user:password@); use basicAuth or bearerToken (or passwordFile / bearerTokenFile) instead',
  });

/** A regular expression (checked by compiling it). */
const regex = z.string().min(1).refine(
  (p) => {
    try {
      new RegExp(p);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'must be a valid regular expression' },
);

/** One `detection.series` rule: family-name pattern (and label patterns) → kind, or `ignore`. */
const seriesRuleSchema = z.strictObject({
  match: regex,
  labels: z.record(labelName, regex).optional(),
  kind: z.enum([...METRIC_KINDS, 'ignore']),
});

/** Per-target scrape limits (Prometheus' sample_limit, label_limit, label_*_length_limit); 0 = no limit. */
const scrapeLimitFields = {
  sampleLimit: z.number().int().min(0).max(100_000_000),
  labelLimit: z.number().int().min(0).max(1_000_000),
  labelNameLengthLimit: z.number().int().min(0).max(1_000_000),
  labelValueLengthLimit: z.number().int().min(0).max(100_000_000),
};

const targetSchema = z.strictObject({
  id: z.string().min(1).max(128),
  url: httpUrl,
  labels: z.record(labelName, z.string()).default({}),
  /** This target's limits (each defaults to the `limits` section). */
  limits: z.strictObject(scrapeLimitFields).partial().optional(),
  /** Prometheus' honor_labels: exposed labels win over target labels (a Pushgateway's pushed `job`/`instance`). */
  honorLabels: z.boolean().default(false),
});

/** Defaults of the `limits` section (see src/ingest/scrape-limits.ts for why these). */
const LIMITS_DEFAULTS = {
  ...DEFAULT_SCRAPE_LIMITS,
  maxSampleAge: 3_600_000,
  maxSampleAhead: 600_000,
  redirects: 'same-host' as const,
};

/**
 * The `limits` section: default per-target scrape limits, the accepted sample time window around arrival
 * (older or further ahead samples are rejected as `too_old` / `too_far_ahead`) and the scrape redirect policy.
 * The series budget is `detection.maxSeries`, shared fairly between targets.
 */
const limitsSchema = z.strictObject({
  sampleLimit: scrapeLimitFields.sampleLimit.default(LIMITS_DEFAULTS.sampleLimit),
  labelLimit: scrapeLimitFields.labelLimit.default(LIMITS_DEFAULTS.labelLimit),
  labelNameLengthLimit: scrapeLimitFields.labelNameLengthLimit.default(LIMITS_DEFAULTS.labelNameLengthLimit),
  labelValueLengthLimit: scrapeLimitFields.labelValueLengthLimit.default(LIMITS_DEFAULTS.labelValueLengthLimit),
  maxSampleAge: duration.pipe(z.number().int().min(1000)).default(LIMITS_DEFAULTS.maxSampleAge),
  maxSampleAhead: duration.pipe(z.number().int().min(0)).default(LIMITS_DEFAULTS.maxSampleAhead),
  /** `same-host` (default): follow redirects only to the target URL's host and port; `none`; `any`. */
  redirects: z.enum(['none', 'same-host', 'any']).default(LIMITS_DEFAULTS.redirects),
});

const receiverName = z.string().regex(/^[a-zA-Z0-9_.-]{1,64}$/, 'must be 1-64 characters of a-z, A-Z, 0-9, _ . -');
const secretText = z.string().min(1).max(4096);
/** Credentials of an HTTP receiver: basic auth or a bearer token, each inline or in a file (read at each request). */
const httpAuthFields = {
  basicAuth: z
    .strictObject({ username: z.string().min(1).max(256), password: secretText.optional(), passwordFile: secretText.optional() })
    .refine((b) => (b.password === undefined) !== (b.passwordFile === undefined), { message: 'give exactly one of password and passwordFile' })
    .optional(),
  bearerToken: secretText.optional(),
  bearerTokenFile: secretText.optional(),
};
/** At most one kind of credentials, and no `Authorization` header besides them. */
function checkHttpAuth(v: HttpAuthSettings & { readonly headers?: Readonly<Record<string, string>> }, ctx: z.RefinementCtx): void {
  const kinds = [v.basicAuth, v.bearerToken, v.bearerTokenFile].filter((x) => x !== undefined).length;
  if (kinds > 1) ctx.addIssue({ code: 'custom', message: 'give at most one of basicAuth, bearerToken and bearerTokenFile' });
  if (kinds > 0 && Object.keys(v.headers ?? {}).some((h) => h.toLowerCase() === 'authorization')) {
    ctx.addIssue({ code: 'custom', path: ['headers'], message: 'an Authorization header cannot be combined with basicAuth or bearerToken' });
  }
}
const receiverCommon = { name: receiverName, timeout: positiveDuration.default(10_000) };
const receiverSchema = z.discriminatedUnion('type', [
  z.strictObject({
    ...receiverCommon,
    type: z.literal('webhook'),
    url: httpUrl,
    headers: z.record(z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'must be an HTTP header name'), z.string().max(4096)).default({}),
    ...httpAuthFields,
  }).superRefine(checkHttpAuth),
  z.strictObject({ ...receiverCommon, type: z.literal('slack'), url: httpUrl }),
  z.strictObject({
    ...receiverCommon,
    type: z.literal('pagerduty'),
    url: httpUrl.default(PAGERDUTY_EVENTS_URL),
    routingKey: z.string().min(1).max(64).optional(),
    routingKeyEnv: z.string().regex(/^[A-Z_][A-Z0-9_]*$/).optional(),
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
      passwordEnv: z.string().regex(/^[A-Z_][A-Z0-9_]*$/).optional(),
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
      .array(z.strictObject({ name: z.string().min(1).default('webhook'), url: httpUrl, timeout: positiveDuration.default(5_000), ...httpAuthFields }).superRefine(checkHttpAuth))
      .max(20)
      .default([]),
    receivers: z.array(receiverSchema).max(50).default([]),
    escalation: z
      .array(z.strictObject({ receiver: receiverName, critical: escalationDelay.optional(), warning: escalationDelay.optional(), info: escalationDelay.optional() }))
      .max(50)
      .default([]),
    alertmanager: z
      .strictObject({ urls: z.array(httpUrl).min(1).max(10), resendDelay: positiveDuration.default(60_000), timeout: positiveDuration.default(10_000) })
      .optional(),
    rules: z.strictObject({ files: z.array(z.string().min(1)).max(100).default([]), interval: positiveDuration.default(5_000) }).default({ files: [], interval: 5_000 }),
    incidents: z
      .strictObject({
        reopenWindow: duration.default(I.reopenWindow),
        regionWindow: duration.default(I.regionWindow),
        unrelatedAfter: duration.default(I.unrelatedAfter),
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
  }) satisfies z.ZodType<AlertingSettings, unknown>;

/** Latency scoring of one DWCP mode in the regional health score (`health.modes.<mode>`). */
const modeLatencySchema = (d: { baselineMs: number; zeroScoreMs: number }) =>
  z
    .strictObject({
      /** Latency at or below which the latency factor is 100. */
      latencyBaseline: duration.default(d.baselineMs),
      /** Latency at or above which the latency factor is 0 (linear in between). */
      latencyZeroScore: duration.pipe(z.number().positive()).default(d.zeroScoreMs),
    })
    .refine((m) => m.latencyZeroScore > m.latencyBaseline, { message: 'latencyZeroScore must be greater than latencyBaseline' })
    .default({ latencyBaseline: d.baselineMs, latencyZeroScore: d.zeroScoreMs });

const sloSchema = z
  .strictObject({
    /**
     * YAML file of SLO definitions (`slos: [...]`, docs/slo.md); a relative path is resolved against the
     * configuration file's directory. Exclusive with `definitions`; neither = the built-in templates.
     */
    file: z.string().min(1).optional(),
    /** Inline SLO definitions: the entries of an SLO file's `slos` list (validated when the monitor starts). */
    definitions: z.array(z.unknown()).min(1).max(1000).optional(),
    /** SLI evaluation step. */
    step: duration.pipe(z.number().int().min(1000).max(3_600_000)).default(10_000),
    /** Measured time before an SLO gets a verdict (met / violated) and a budget. */
    minObserved: window.default(SLO.minObservedMs),
    /** Share of each burn-rate window (long and short) that must be measured before its pair may fire. */
    minWindowCoverage: z.number().min(0).max(1).default(SLO.minWindowCoverage),
    /** Significance level of the binomial tests behind `violated` and a firing burn-rate pair. */
    alpha: z.number().gt(0).max(1).default(SLO.alpha),
  })
  .refine((v) => v.file === undefined || v.definitions === undefined, { message: 'give either file or definitions, not both' });

const SLO_DEFAULTS = { step: 10_000, minObserved: SLO.minObservedMs, minWindowCoverage: SLO.minWindowCoverage, alpha: SLO.alpha };

const healthSchema = z.strictObject({
  /** Each factor's data must span at least this long in the window before a region is scored. */
  warmup: window.default(REGION.warmupMs),
  /** Latency observations needed in the window before the latency factor is scored. */
  minLatencyObservations: z.number().int().min(1).max(1_000_000).default(REGION.minLatencyObservations),
  /** Latency scale per DWCP mode: each region is scored against the modes its latency was measured in. */
  modes: z
    .strictObject({
      datacenter: modeLatencySchema(MODE_LATENCY.datacenter),
      internet: modeLatencySchema(MODE_LATENCY.internet),
      hybrid: modeLatencySchema(MODE_LATENCY.hybrid),
    })
    .default(() => modeDefaults()),
});

function modeDefaults() {
  const p = (m: { baselineMs: number; zeroScoreMs: number }) => ({ latencyBaseline: m.baselineMs, latencyZeroScore: m.zeroScoreMs });
  return { datacenter: p(MODE_LATENCY.datacenter), internet: p(MODE_LATENCY.internet), hybrid: p(MODE_LATENCY.hybrid) };
}

const capacitySchema = z.strictObject({
  /** Span of history (first to last sample) a forecast needs. */
  minHistory: window.pipe(z.number().positive()).default(CAPACITY.minHistoryMs),
  /** Samples a forecast needs. */
  minPoints: z.number().int().min(3).max(1_000_000).default(CAPACITY.minPoints),
});

/** Profiling of the monitor (/debug/pprof, stored profiles) and continuous mode. */
const profilingSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** Profiles kept at most, and their total bytes. */
  maxProfiles: z.number().int().min(1).max(100_000).default(500),
  maxBytes: z.number().int().min(1024).default(256 * 1024 * 1024),
  continuous: z
    .strictObject({
      enabled: z.boolean().default(false),
      /** Time between rounds (1m..24h). */
      interval: duration.pipe(z.number().int().min(60_000).max(86_400_000)).default(10 * 60_000),
      /** Length of each CPU profile in seconds (shorter than the interval). */
      cpuSeconds: z.number().int().min(1).max(60).default(10),
      /** Also profile the scrape targets through their /debug/pprof endpoints. */
      targets: z.boolean().default(false),
    })
    .default({ enabled: false, interval: 10 * 60_000, cpuSeconds: 10, targets: false }),
});
const PROFILING_DEFAULTS = { enabled: true, maxProfiles: 500, maxBytes: 256 * 1024 * 1024, continuous: { enabled: false, interval: 10 * 60_000, cpuSeconds: 10, targets: false } };

/** Reports: the schedule, formats and storage bounds. */
const reportsSchema = z.strictObject({
  enabled: z.boolean().default(true),
  schedule: z
    .strictObject({ hourly: z.boolean().default(true), daily: z.boolean().default(true), weekly: z.boolean().default(true) })
    .default({ hourly: true, daily: true, weekly: true }),
  /** Formats of scheduled reports (pdf needs Chromium at chromiumPath). */
  formats: z.array(z.enum(['html', 'pdf', 'md'])).min(1).max(3).default(['html', 'md']),
  /** Wait after a period ends before its report is generated. */
  delay: duration.pipe(z.number().int().min(0).max(3_600_000)).default(60_000),
  maxReports: z.number().int().min(1).max(100_000).default(1000),
  maxBytes: z.number().int().min(1024).default(512 * 1024 * 1024),
  chromiumPath: z.string().min(1).default('/usr/bin/chromium'),
});
const REPORTS_DEFAULTS = {
  enabled: true,
  schedule: { hourly: true, daily: true, weekly: true },
  formats: ['html' as const, 'md' as const],
  delay: 60_000,
  maxReports: 1000,
  maxBytes: 512 * 1024 * 1024,
  chromiumPath: '/usr/bin/chromium',
};

export const monitorConfigSchema = z.strictObject({
  listen: z
    .strictObject({
      host: z.string().default('127.0.0.1'),
      port: z.number().int().min(0).max(65535).default(9500),
      /**
       * Host names (no port) the API answers to besides loopback names, IP addresses and `host` (against DNS
       * rebinding): the names users and proxies reach the monitor by.
       */
      allowedHosts: z.array(z.string().min(1).max(253)).max(100).default([]),
      /** Origins (`https://grafana.example`) besides the monitor's own that may send writes and open /api/live. */
      allowedOrigins: z.array(z.url({ protocol: /^https?$/ })).max(100).default([]),
    })
    .default({ host: '127.0.0.1', port: 9500, allowedHosts: [], allowedOrigins: [] }),
  storage: z
    .discriminatedUnion('type', [
      z.strictObject({
        type: z.literal('sqlite'),
        path: z.string().default('./data/dwcp-monitor.db'),
        /** Raw samples kept; default {@link defaultRetentionMs} of the layout. */
        retention: window.optional(),
        /** `chunks`: head + WAL + compressed chunks and rollups (docs/storage.md); `rows`: one row per sample. */
        layout: z.enum(['rows', 'chunks']).default(DEFAULT_SQLITE_LAYOUT),
        /** WAL directory of the chunks layout (default: the database path + `.wal`). */
        walDir: z.string().min(1).optional(),
      }),
      z.strictObject({
        type: z.literal('postgres'),
        url: z.string().min(1),
        retention: window.optional(),
        layout: z.enum(['rows', 'chunks']).default('rows'),
        /** WAL directory of the chunks layout on the monitor's local disk. */
        walDir: z.string().min(1).default('./data/dwcp-monitor.wal'),
      }),
    ])
    .transform((s) => ({ ...s, retention: s.retention ?? defaultRetentionMs(s.layout) }))
    .default({ type: 'sqlite', path: './data/dwcp-monitor.db', retention: defaultRetentionMs(DEFAULT_SQLITE_LAYOUT), layout: DEFAULT_SQLITE_LAYOUT }),
  scrape: z
    .strictObject({ interval: positiveDuration.default(1000), timeout: positiveDuration.default(1000) })
    .default({ interval: 1000, timeout: 1000 }),
  targets: z.array(targetSchema).max(1000).default([]),
  /** Per-target scrape limits, the sample time window and scrape redirects (see `limitsSchema`). */
  limits: limitsSchema.default(LIMITS_DEFAULTS),
  /**
   * The Prometheus remote-write receiver (POST /api/v1/write): `maxBodyBytes` bounds the compressed body, four
   * times that the decompressed one. Its samples share the series budget as the source `remote_write`.
   */
  remoteWrite: z
    .strictObject({ enabled: z.boolean().default(true), maxBodyBytes: z.number().int().min(1024).max(256 * 1024 * 1024).default(16 * 1024 * 1024) })
    .default({ enabled: true, maxBodyBytes: 16 * 1024 * 1024 }),
  host: z.strictObject({ enabled: z.boolean().default(true) }).default({ enabled: true }),
  detection: z
    .strictObject({
      enabled: z.boolean().default(true),
      cooldown: duration.default(DETECTION.cooldown),
      minConfidence: z.number().min(0).max(1).default(DETECTION.minConfidence),
      /** Consecutive anomalous samples needed before an anomaly opens (1 = first sample). */
      confirmSamples: z.number().int().min(1).max(10).default(DETECTION.confirmSamples),
      maxSeries: z.number().int().min(1).max(1_000_000).default(DETECTION.maxSeries),
      components: z.array(z.enum(COMPONENTS)).optional(),
      /** How often learned detector state is saved to the store (also saved on shutdown, restored at startup). */
      checkpointInterval: duration.pipe(z.number().int().min(1000)).default(60_000),
      /**
       * `ensemble` (default): the statistical ensemble (seasonal profile + EWMA + relative entropy) with per-kind
       * DWCP tuning; `ensemble-live`: Holt-Winters level + CUSUM trend under the band paging rule (live-tuning.ts);
       * `statistical`: the single z-score detector of issue 2. Why the default: docs/anomaly-detection.md.
       */
      detector: z.enum(LIVE_DETECTOR_CHOICES).default(DETECTION.detector),
      /** Period of the seasonal profile (a day; the simulator can compress it). */
      seasonalPeriod: duration.pipe(z.number().int().min(60_000)).default(DETECTION.seasonalPeriod),
      /** Where GET /api/models/performance reads the last `npm run bench:detect` report. */
      benchmarkReport: z.string().min(1).default('bench/results/detect.json'),
      /** Analyse series outside the catalog, their kind inferred from Prometheus naming and type. */
      inference: z.boolean().default(DETECTION.inference),
      /** Per-pattern kinds (or `ignore`) of series outside the catalog; first match wins, before the naming rules. */
      series: z.array(seriesRuleSchema).max(500).default([]),
      /** How long a series outside the catalog is analysed before it may open an anomaly. */
      inferredWarmup: duration.pipe(z.number().int().min(0)).default(DETECTION.inferredWarmup),
    })
    .default({
      ...DETECTION,
      enabled: true,
      checkpointInterval: 60_000,
      benchmarkReport: 'bench/results/detect.json',
      series: [],
    }),
  anomalies: z.strictObject({ maxStored: z.number().int().min(1).default(10_000) }).default({ maxStored: 10_000 }),
  /**
   * The OTLP trace receiver (POST /v1/traces) and span store. `path`: SQLite file of the spans (default
   * `traces.db` beside the SQLite sample store; with PostgreSQL storage the spans go into the same database).
   */
  traces: z
    .strictObject({
      enabled: z.boolean().default(true),
      path: z.string().min(1).optional(),
      retention: window.default(TRACE_DEFAULTS.retention),
      maxSpans: z.number().int().min(1000).max(1_000_000_000).default(TRACE_DEFAULTS.maxSpans),
      /** Largest POST /v1/traces body (compressed or not), bytes. */
      maxBodyBytes: z.number().int().min(1024).max(256 * 1024 * 1024).default(TRACE_DEFAULTS.maxBodyBytes),
      /**
       * Tail sampling of received traces (off by default: every accepted span is stored). Keeps every trace with
       * an error, slower than `latencyThreshold` or its root operation's recent `latencyQuantile`, or with one of
       * the `attributes` values, and a share of the rest adapted to `spansPerSecond` (docs/traces.md).
       */
      tailSampling: z
        .strictObject({
          enabled: z.boolean().default(false),
          decisionWait: duration.pipe(z.number().min(0).max(600_000)).default(10_000),
          maxTraces: z.number().int().min(1).max(10_000_000).default(50_000),
          maxSpans: z.number().int().min(1).max(100_000_000).default(500_000),
          maxBytes: z.number().int().min(1024).max(64 * 1024 ** 3).default(256 * 1024 * 1024),
          maxSpansPerTrace: z.number().int().min(1).max(1_000_000).default(10_000),
          latencyThreshold: duration.pipe(z.number().positive()).optional(),
          latencyQuantile: z.number().min(0).lt(1).default(0.99),
          attributes: z.array(z.strictObject({ key: z.string().min(1), values: z.array(z.string()).min(1) })).max(100).default([]),
          probability: z.number().gt(0).max(1).default(0.1),
          adaptive: z.boolean().default(true),
          spansPerSecond: z.number().positive().default(500),
          adaptInterval: duration.pipe(z.number().min(1000)).default(10_000),
        })
        .prefault({}),
    })
    .prefault({}),
  /**
   * The log receivers (POST /v1/logs, POST /loki/api/v1/push), PII masking at ingest and the log store. `path`:
   * SQLite file of the logs (default `logs.db` beside the SQLite sample store; with PostgreSQL storage the logs
   * go into the same database). `retention` per level. `pii`: masking on/off, IP addresses on/off, built-in
   * rules switched off by name (email, ipv4, ipv6, card, bearer, api_key, secret_pair), extra rules (regular
   * expression, masked capture group, replacement), and the attribute keys masked whole (`sensitiveKeys`).
   */
  logs: z
    .strictObject({
      enabled: z.boolean().default(true),
      path: z.string().min(1).optional(),
      retention: z
        .strictObject({
          debug: window.default(LOG_DEFAULTS.retention.debug),
          info: window.default(LOG_DEFAULTS.retention.info),
          warn: window.default(LOG_DEFAULTS.retention.warn),
          error: window.default(LOG_DEFAULTS.retention.error),
          fatal: window.default(LOG_DEFAULTS.retention.fatal),
        })
        .refine((r) => Object.values(r).every((v) => v > 0), 'every retention must be > 0')
        .default(LOG_DEFAULTS.retention),
      maxEntries: z.number().int().min(1000).max(1_000_000_000).default(LOG_DEFAULTS.maxEntries),
      /** Largest push body (compressed or not), bytes. */
      maxBodyBytes: z.number().int().min(1024).max(256 * 1024 * 1024).default(LOG_DEFAULTS.maxBodyBytes),
      pii: z
        .strictObject({
          enabled: z.boolean().default(true),
          maskIp: z.boolean().default(true),
          disabledRules: z.array(z.enum(PII_RULE_NAMES)).default([]),
          extraRules: z
            .array(
              z.strictObject({
                name: z.string().regex(/^[a-z][a-z0-9_]*$/),
                pattern: z.string().min(1),
                flags: z.string().regex(/^[imsu]*$/).optional(),
                group: z.number().int().min(0).optional(),
                replacement: z.string().optional(),
              }),
            )
            .max(64)
            .default([]),
          sensitiveKeys: z.string().min(1).optional(),
        })
        .default(LOG_DEFAULTS.pii),
    })
    .default(LOG_DEFAULTS),
  /** Rules, incidents, receivers, escalation, Alertmanager and the outbox (see `alertingSectionSchema`). */
  alerting: alertingSectionSchema.prefault({}),
  /** SLO definitions and the evidence their verdicts and burn-rate alerts need. */
  slo: sloSchema.default(SLO_DEFAULTS),
  /** Regional health: warm-up and the latency scale per DWCP mode. */
  health: healthSchema.default(() => ({ warmup: REGION.warmupMs, minLatencyObservations: REGION.minLatencyObservations, modes: modeDefaults() })),
  /** Capacity planning: history a forecast needs. */
  capacity: capacitySchema.default({ minHistory: CAPACITY.minHistoryMs, minPoints: CAPACITY.minPoints }),
  profiling: profilingSchema.default(PROFILING_DEFAULTS),
  reports: reportsSchema.default(REPORTS_DEFAULTS),
  /**
   * Dashboards (/api/dashboards, /ws/dashboards/{id}). `path`: SQLite file (default `dashboards.db` beside the
   * SQLite sample store; with PostgreSQL storage the same database). `cacheTtl`: how long one evaluated widget
   * query serves every viewer. Until authentication, requests act as user `anonymous` of tenant `tenant`.
   */
  dashboards: z
    .strictObject({
      enabled: z.boolean().default(true),
      path: z.string().min(1).optional(),
      tenant: z.string().min(1).max(128).default('default'),
      maxPerTenant: z.number().int().min(1).max(1_000_000).default(10_000),
      cacheTtl: duration.default(2000),
      maxLiveClients: z.number().int().min(1).max(100_000).default(2000),
    })
    .default({ enabled: true, tenant: 'default', maxPerTenant: 10_000, cacheTtl: 2000, maxLiveClients: 2000 }),
});

/** Parsed configuration with defaults applied; durations are in milliseconds. */
export type MonitorConfig = z.infer<typeof monitorConfigSchema>;
export type TargetConfig = z.infer<typeof targetSchema>;

/**
 * Validates a configuration object (e.g. parsed YAML).
 * @param locate where a path is in the source text; adds ` (line L, column C)` to each message when known
 * @throws ConfigError naming the path (and position) and problem of every bad field.
 */
export function parseMonitorConfig(raw: unknown, locate?: YamlLocate): MonitorConfig {
  const res = monitorConfigSchema.safeParse(raw ?? {});
  if (!res.success) {
    // Messages may quote the bad value (a URL put where a duration belongs): never its credentials.
    const problems = res.error.issues.map((i) => `${i.path.join('.') || '(root)'}${positionText(locate?.(i.path))}: ${redactUrlCredentials(i.message)}`);
    throw new ConfigError(`invalid monitor configuration:\n  ${problems.join('\n  ')}`);
  }
  return res.data;
}

/** A configuration file as read: the validated configuration, where its fields are, and the file's path. */
export interface LoadedMonitorConfig {
  readonly config: MonitorConfig;
  /** Positions of fields in the file (for errors found later, e.g. in inline SLO definitions). */
  readonly locate: YamlLocate;
  readonly path: string;
}

/**
 * Reads and validates a YAML configuration file, keeping the field positions for later checks.
 * @throws ConfigError when the file cannot be read, is not YAML, or fails validation (messages carry the line
 *   and column of each bad field).
 */
export function readMonitorConfig(path: string): LoadedMonitorConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read config file ${path}: ${(e as Error).message}`, { cause: e });
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (e) {
    throw new ConfigError(`config file ${path} is not valid YAML: ${(e as Error).message}`, { cause: e });
  }
  const locate = yamlLocator(text);
  return { config: parseMonitorConfig(raw, locate), locate, path };
}

/**
 * Reads and validates a YAML configuration file.
 * @throws ConfigError when the file cannot be read, is not YAML, or fails validation.
 */
export function loadMonitorConfig(path: string): MonitorConfig {
  return readMonitorConfig(path).config;
}
