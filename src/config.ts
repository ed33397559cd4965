/**
 * The monitor's configuration (`dwcp-monitor serve --config monitor.yaml`): a zod 4 schema with defaults,
 * durations written as text ('1s', '6h'), and errors that name the path of the bad field.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { parseDuration } from './model/duration.ts';
import { ConfigError } from './errors.ts';
import { COMPONENTS } from './model/dwcp.ts';
import { METRIC_KINDS } from './model/anomaly.ts';
import { DEFAULT_DETECTION_SETTINGS as DETECTION, LIVE_DETECTOR_CHOICES } from './model/detection-settings.ts';

const duration = z
  .union([z.string(), z.number()])
  .transform((v, ctx) => {
    if (typeof v === 'number') return v;
    try {
      return parseDuration(v);
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: (e as Error).message });
      return z.NEVER;
    }
  });

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

const targetSchema = z.strictObject({
  id: z.string().min(1).max(128),
  url: z.url({ protocol: /^https?$/ }),
  labels: z.record(labelName, z.string()).default({}),
});

const webhookSchema = z.strictObject({
  name: z.string().min(1).default('webhook'),
  url: z.url({ protocol: /^https?$/ }),
  /** Notifications older than this are dropped (must exceed the longest receiver outage to survive). */
  maxAge: duration.default(15 * 60_000),
  timeout: duration.default(5_000),
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
    .strictObject({ host: z.string().default('127.0.0.1'), port: z.number().int().min(0).max(65535).default(9500) })
    .default({ host: '127.0.0.1', port: 9500 }),
  storage: z
    .discriminatedUnion('type', [
      z.strictObject({
        type: z.literal('sqlite'),
        path: z.string().default('./data/dwcp-monitor.db'),
        /** Raw samples kept; default {@link defaultRetentionMs} of the layout. */
        retention: duration.optional(),
        /** `chunks`: head + WAL + compressed chunks and rollups (docs/storage.md); `rows`: one row per sample. */
        layout: z.enum(['rows', 'chunks']).default(DEFAULT_SQLITE_LAYOUT),
        /** WAL directory of the chunks layout (default: the database path + `.wal`). */
        walDir: z.string().min(1).optional(),
      }),
      z.strictObject({
        type: z.literal('postgres'),
        url: z.string().min(1),
        retention: duration.optional(),
        layout: z.enum(['rows', 'chunks']).default('rows'),
        /** WAL directory of the chunks layout on the monitor's local disk. */
        walDir: z.string().min(1).default('./data/dwcp-monitor.wal'),
      }),
    ])
    .transform((s) => ({ ...s, retention: s.retention ?? defaultRetentionMs(s.layout) }))
    .default({ type: 'sqlite', path: './data/dwcp-monitor.db', retention: defaultRetentionMs(DEFAULT_SQLITE_LAYOUT), layout: DEFAULT_SQLITE_LAYOUT }),
  scrape: z
    .strictObject({ interval: duration.default(1000), timeout: duration.default(1000) })
    .default({ interval: 1000, timeout: 1000 }),
  targets: z.array(targetSchema).max(1000).default([]),
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
       * DWCP tuning; `statistical`: the single z-score detector of issue 2.
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
  alerting: z
    .strictObject({ externalUrl: z.string().optional(), webhooks: z.array(webhookSchema).max(20).default([]) })
    .default({ webhooks: [] }),
  profiling: profilingSchema.default(PROFILING_DEFAULTS),
  reports: reportsSchema.default(REPORTS_DEFAULTS),
});

/** Parsed configuration with defaults applied; durations are in milliseconds. */
export type MonitorConfig = z.infer<typeof monitorConfigSchema>;
export type TargetConfig = z.infer<typeof targetSchema>;

/**
 * Validates a configuration object (e.g. parsed YAML).
 * @throws ConfigError naming the path and problem of every bad field.
 */
export function parseMonitorConfig(raw: unknown): MonitorConfig {
  const res = monitorConfigSchema.safeParse(raw ?? {});
  if (!res.success) {
    const problems = res.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ConfigError(`invalid monitor configuration:\n  ${problems.join('\n  ')}`);
  }
  return res.data;
}

/**
 * Reads and validates a YAML configuration file.
 * @throws ConfigError when the file cannot be read, is not YAML, or fails validation.
 */
export function loadMonitorConfig(path: string): MonitorConfig {
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
  return parseMonitorConfig(raw);
}
