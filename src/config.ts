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

export const monitorConfigSchema = z.strictObject({
  listen: z
    .strictObject({ host: z.string().default('127.0.0.1'), port: z.number().int().min(0).max(65535).default(9500) })
    .default({ host: '127.0.0.1', port: 9500 }),
  storage: z
    .discriminatedUnion('type', [
      z.strictObject({
        type: z.literal('sqlite'),
        path: z.string().default('./data/dwcp-monitor.db'),
        retention: duration.default(6 * 3600_000),
      }),
      z.strictObject({ type: z.literal('postgres'), url: z.string().min(1), retention: duration.default(6 * 3600_000) }),
    ])
    .default({ type: 'sqlite', path: './data/dwcp-monitor.db', retention: 6 * 3600_000 }),
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
