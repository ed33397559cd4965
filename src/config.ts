/**
 * The monitor's configuration (`dwcp-monitor serve --config monitor.yaml`): a zod 4 schema with defaults,
 * durations written as text ('1s', '6h'), and errors that name the path of the bad field.
 * Length (about 450 lines): one job, the schema of the whole file; the larger sections (storage among them) live in
 * ./config/*.ts.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError } from './errors.ts';
import { COMPONENTS } from './model/dwcp.ts';
import { METRIC_KINDS } from './model/anomaly.ts';
import {
  DEFAULT_DETECTION_SETTINGS as DETECTION,
  LIVE_DETECTOR_CHOICES,
} from './model/detection-settings.ts';
import {
  DEFAULT_CAPACITY_EVIDENCE as CAPACITY,
  DEFAULT_MODE_LATENCY as MODE_LATENCY,
  DEFAULT_REGION_WARMUP as REGION,
  DEFAULT_SLO_EVIDENCE as SLO,
} from './model/insight-settings.ts';
import { redactUrlCredentials } from './model/redact.ts';
import { positionText, yamlLocator, type YamlLocate } from './model/yaml-locator.ts';
import { alertingSectionSchema } from './config/alerting-section.ts';
import { authSectionSchema } from './config/auth-section.ts';
import { tenantMapping, tenantsSectionSchema } from './config/tenants-section.ts';
import {
  anyHttpUrl,
  duration,
  httpUrl,
  labelName,
  positiveDuration,
  regex,
  window,
} from './config/fields.ts';
import { logsSectionSchema, tracesSectionSchema } from './config/telemetry-sections.ts';
import { defaultRetentionMs, storageSectionSchema } from './config/storage-section.ts';

export { alertingSectionSchema, defaultRetentionMs };
import { DEFAULT_SCRAPE_LIMITS } from './model/scrape-limits.ts';
import { checkHttpAuth, httpAuthFields } from './config/http-auth-fields.ts';

/** One `detection.series` rule: family-name pattern (and label patterns) → kind (and bad direction), or `ignore`. */
const seriesRuleSchema = z.strictObject({
  match: regex,
  labels: z.record(labelName, regex).optional(),
  kind: z.enum([...METRIC_KINDS, 'ignore']),
  /** The direction of change that harms on such series: up, down or both (default: the kind's). */
  direction: z.enum(['up', 'down', 'both']).optional(),
});

/** Per-target scrape limits (Prometheus' sample_limit, label_limit, label_*_length_limit); 0 = no limit. */
const scrapeLimitFields = {
  sampleLimit: z.number().int().min(0).max(100_000_000),
  labelLimit: z.number().int().min(0).max(1_000_000),
  labelNameLengthLimit: z.number().int().min(0).max(1_000_000),
  labelValueLengthLimit: z.number().int().min(0).max(100_000_000),
};

const targetSchema = z
  .strictObject({
    id: z.string().min(1).max(128),
    url: httpUrl,
    labels: z.record(labelName, z.string()).default({}),
    /** This target's limits (each defaults to the `limits` section). */
    limits: z.strictObject(scrapeLimitFields).partial().optional(),
    /** Prometheus' honor_labels: exposed labels win over target labels (a Pushgateway's pushed `job`/`instance`). */
    honorLabels: z.boolean().default(false),
    /** Credentials sent with each scrape (basic auth or a bearer token, inline or in a file read at each scrape). */
    ...httpAuthFields,
  })
  .superRefine(checkHttpAuth);

/** `scrape.shards`: shard `index` (0-based) of `count` replicas sharing the targets. */
const scrapeShardsSchema = z
  .strictObject({
    count: z.number().int().min(1).max(1000).default(1),
    index: z.number().int().min(0).default(0),
  })
  .refine((s) => s.index < s.count, {
    message: 'index must be less than count (shards are numbered 0..count-1)',
    path: ['index'],
  })
  .default({ count: 1, index: 0 });

/** Defaults of the `limits` section (see src/ingest/scrape-limits.ts for why these). */
const LIMITS_DEFAULTS = {
  ...DEFAULT_SCRAPE_LIMITS,
  maxSampleAge: 3_600_000,
  maxSampleAhead: 600_000,
  redirects: 'same-host' as const,
  promqlSeriesMax: 10_000,
};

/**
 * The `limits` section: default per-target scrape limits, the accepted sample time window around arrival
 * (older or further ahead samples are rejected as `too_old` / `too_far_ahead`), the scrape redirect policy, and
 * the series bound of the Prometheus query API.
 * The series budget is `detection.maxSeries`, shared fairly between targets.
 */
const limitsSchema = z.strictObject({
  sampleLimit: scrapeLimitFields.sampleLimit.default(LIMITS_DEFAULTS.sampleLimit),
  labelLimit: scrapeLimitFields.labelLimit.default(LIMITS_DEFAULTS.labelLimit),
  labelNameLengthLimit: scrapeLimitFields.labelNameLengthLimit.default(LIMITS_DEFAULTS.labelNameLengthLimit),
  labelValueLengthLimit: scrapeLimitFields.labelValueLengthLimit.default(
    LIMITS_DEFAULTS.labelValueLengthLimit,
  ),
  maxSampleAge: duration.pipe(z.number().int().min(1000)).default(LIMITS_DEFAULTS.maxSampleAge),
  maxSampleAhead: duration.pipe(z.number().int().min(0)).default(LIMITS_DEFAULTS.maxSampleAhead),
  /** `same-host` (default): follow redirects only to the target URL's host and port; `none`; `any`. */
  redirects: z.enum(['none', 'same-host', 'any']).default(LIMITS_DEFAULTS.redirects),
  /** Series one Prometheus query API selection, result or series/labels answer may have (docs/promql-api.md). */
  promqlSeriesMax: z.number().int().min(1).max(1_000_000).default(LIMITS_DEFAULTS.promqlSeriesMax),
});

/** Latency scoring of one DWCP mode in the regional health score (`health.modes.<mode>`). */
const modeLatencySchema = (d: { baselineMs: number; zeroScoreMs: number }) =>
  z
    .strictObject({
      /** Latency at or below which the latency factor is 100. */
      latencyBaseline: duration.default(d.baselineMs),
      /** Latency at or above which the latency factor is 0 (linear in between). */
      latencyZeroScore: duration.pipe(z.number().positive()).default(d.zeroScoreMs),
    })
    .refine((m) => m.latencyZeroScore > m.latencyBaseline, {
      message: 'latencyZeroScore must be greater than latencyBaseline',
    })
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
  .refine((v) => v.file === undefined || v.definitions === undefined, {
    message: 'give either file or definitions, not both',
  });

const SLO_DEFAULTS = {
  step: 10_000,
  minObserved: SLO.minObservedMs,
  minWindowCoverage: SLO.minWindowCoverage,
  alpha: SLO.alpha,
};

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
  const p = (m: { baselineMs: number; zeroScoreMs: number }) => ({
    latencyBaseline: m.baselineMs,
    latencyZeroScore: m.zeroScoreMs,
  });
  return {
    datacenter: p(MODE_LATENCY.datacenter),
    internet: p(MODE_LATENCY.internet),
    hybrid: p(MODE_LATENCY.hybrid),
  };
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
  maxBytes: z
    .number()
    .int()
    .min(1024)
    .default(256 * 1024 * 1024),
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
const PROFILING_DEFAULTS = {
  enabled: true,
  maxProfiles: 500,
  maxBytes: 256 * 1024 * 1024,
  continuous: { enabled: false, interval: 10 * 60_000, cpuSeconds: 10, targets: false },
};

/** Reports: the schedule, formats and storage bounds. */
const reportsSchema = z.strictObject({
  enabled: z.boolean().default(true),
  schedule: z
    .strictObject({
      hourly: z.boolean().default(true),
      daily: z.boolean().default(true),
      weekly: z.boolean().default(true),
    })
    .default({ hourly: true, daily: true, weekly: true }),
  /** Formats of scheduled reports (pdf needs Chromium at chromiumPath). */
  formats: z
    .array(z.enum(['html', 'pdf', 'md']))
    .min(1)
    .max(3)
    .default(['html', 'md']),
  /** Wait after a period ends before its report is generated. */
  delay: duration.pipe(z.number().int().min(0).max(3_600_000)).default(60_000),
  maxReports: z.number().int().min(1).max(100_000).default(1000),
  maxBytes: z
    .number()
    .int()
    .min(1024)
    .default(512 * 1024 * 1024),
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
      allowedOrigins: z.array(anyHttpUrl).max(100).default([]),
    })
    .default({ host: '127.0.0.1', port: 9500, allowedHosts: [], allowedOrigins: [] }),
  /** Where samples live and how long raw samples are kept (src/config/storage-section.ts). */
  storage: storageSectionSchema,
  scrape: z
    .strictObject({
      interval: positiveDuration.default(1000),
      timeout: positiveDuration.default(1000),
      /**
       * Scrape sharding across replicas: this replica scrapes the targets whose address hashes (Prometheus'
       * `hashmod` on `__address__`) to `index` of `count`; the others are listed as dropped (`other_shard`).
       */
      shards: scrapeShardsSchema,
    })
    .default({ interval: 1000, timeout: 1000, shards: { count: 1, index: 0 } }),
  targets: z.array(targetSchema).max(1000).default([]),
  /** Per-target scrape limits, the sample time window and scrape redirects (see `limitsSchema`). */
  limits: limitsSchema.default(LIMITS_DEFAULTS),
  /**
   * The Prometheus remote-write receiver (POST /api/v1/write): `maxBodyBytes` bounds the compressed body, four
   * times that the decompressed one. Its samples share the series budget as the source `remote_write`.
   */
  remoteWrite: z
    .strictObject({
      enabled: z.boolean().default(true),
      maxBodyBytes: z
        .number()
        .int()
        .min(1024)
        .max(256 * 1024 * 1024)
        .default(16 * 1024 * 1024),
    })
    .default({ enabled: true, maxBodyBytes: 16 * 1024 * 1024 }),
  host: z.strictObject({ enabled: z.boolean().default(true) }).default({ enabled: true }),
  detection: z
    .strictObject({
      enabled: z.boolean().default(true),
      cooldown: duration.default(DETECTION.cooldown),
      /**
       * An open anomaly resolves when its series is back in the band it opened against, or after this long of
       * normal verdicts outside it ("new level accepted"); 1 min .. 7 d.
       */
      acceptNewLevelAfter: duration
        .pipe(
          z
            .number()
            .int()
            .min(60_000)
            .max(7 * 86_400_000),
        )
        .default(DETECTION.acceptNewLevelAfter),
      minConfidence: z.number().min(0).max(1).default(DETECTION.minConfidence),
      /** Consecutive anomalous samples needed before an anomaly opens (1 = first sample). */
      confirmSamples: z.number().int().min(1).max(10).default(DETECTION.confirmSamples),
      maxSeries: z.number().int().min(1).max(1_000_000).default(DETECTION.maxSeries),
      components: z.array(z.enum(COMPONENTS)).optional(),
      /** How often learned detector state is saved to the store (also saved on shutdown, restored at startup). */
      checkpointInterval: duration.pipe(z.number().int().min(1000)).default(60_000),
      /**
       * `ensemble` (default, also `dwcp-monitor detect`'s): per-kind DWCP tuning of the statistical ensemble on
       * catalog kinds, the live members (Holt-Winters level + CUSUM trend, band rule) on kind generic;
       * `ensemble-live`: the band paging rule on every kind (live-tuning.ts);
       * `statistical`: the single z-score detector. Why the default: docs/anomaly-detection.md.
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
      /**
       * How long the anomalous condition of a series outside the catalog must hold before its anomaly opens
       * (Prometheus' `for:`; 0: as soon as confirmed); at most a day.
       */
      inferredMinDuration: duration
        .pipe(z.number().int().min(0).max(86_400_000))
        .default(DETECTION.inferredMinDuration),
    })
    .default({
      ...DETECTION,
      enabled: true,
      checkpointInterval: 60_000,
      benchmarkReport: 'bench/results/detect.json',
      series: [],
    }),
  anomalies: z
    .strictObject({ maxStored: z.number().int().min(1).default(10_000) })
    .default({ maxStored: 10_000 }),
  traces: tracesSectionSchema,
  logs: logsSectionSchema,
  /** Rules, incidents, receivers, escalation, Alertmanager and the outbox (see `alertingSectionSchema`). */
  alerting: alertingSectionSchema.prefault({}),
  /** SLO definitions and the evidence their verdicts and burn-rate alerts need. */
  slo: sloSchema.default(SLO_DEFAULTS),
  /** Regional health: warm-up and the latency scale per DWCP mode. */
  health: healthSchema.default(() => ({
    warmup: REGION.warmupMs,
    minLatencyObservations: REGION.minLatencyObservations,
    modes: modeDefaults(),
  })),
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
    .default({
      enabled: true,
      tenant: 'default',
      maxPerTenant: 10_000,
      cacheTtl: 2000,
      maxLiveClients: 2000,
    }),
  /** Identity and access: users, roles, API tokens, sessions, the audit log (src/config/auth-section.ts). */
  auth: authSectionSchema,
  /** Tenant isolation: the nodes (and regions) each tenant owns (src/config/tenants-section.ts). */
  tenants: tenantsSectionSchema,
});

/** Parsed configuration with defaults applied; durations are in milliseconds. */
export type MonitorConfig = z.infer<typeof monitorConfigSchema>;

/** Where the monitor's tables live: the SQL storage itself, or the `state` database of `storage.type: victoriametrics`. */
export type SqlLocation =
  { readonly type: 'sqlite'; readonly path: string } | { readonly type: 'postgres'; readonly url: string };

/** The database of the monitor's tables (anomalies, alerting, dashboards, traces, logs, profiles, reports). */
export function sqlLocation(s: MonitorConfig['storage']): SqlLocation {
  if (s.type === 'victoriametrics') return s.state;
  return s.type === 'sqlite' ? { type: 'sqlite', path: s.path } : { type: 'postgres', url: s.url };
}
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
    const problems = res.error.issues.flatMap((i) =>
      i.code === 'unrecognized_keys'
        ? // one line per unknown key, at the key's own line (the mapping's position is its first key's)
          i.keys.map(
            (k) =>
              `${[...i.path, k].join('.')}${positionText(locate?.([...i.path, k], 'key'))}: unknown key (misspelt, or not a setting of this section)`,
          )
        : [
            `${i.path.join('.') || '(root)'}${positionText(locate?.(i.path))}: ${redactUrlCredentials(i.message)}`,
          ],
    );
    throw new ConfigError(`invalid monitor configuration:\n  ${problems.join('\n  ')}`);
  }
  tenantMapping(res.data.tenants, res.data.dashboards.tenant); // throws when the operator tenant is mapped
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
