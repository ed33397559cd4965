/**
 * SLO definitions: a zod 4 schema, a YAML text loader and the five built-in templates.
 *
 * An SLO is `{ name, sli, objective, window }` (the SRE workbook, chapter 2 "Implementing SLOs": an SLI is the
 * ratio of good events to valid events, an SLO is a target for that ratio over a compliance window):
 *
 * ```yaml
 * slos:
 *   - name: migration-availability
 *     objective: 0.999
 *     window: 30d
 *     sli:
 *       type: ratio                      # good/total events from counters
 *       good: { metric: dwcp_v3_migration_success_total }
 *       bad:  { metric: dwcp_v3_migration_failures_total }   # total = good + bad when `total` is omitted
 *   - name: migration-latency-p99
 *     objective: 0.99
 *     window: 30d
 *     sli:
 *       type: threshold                  # a step is good when `statistic op threshold` holds
 *       metric: dwcp_v3_migration_latency_seconds
 *       statistic: p99
 *       op: '<'
 *       threshold: 0.5
 * ```
 *
 * Metric names are checked against the catalog (`src/catalog/`), label matchers against the metric's labels.
 * Pure: parses text, never reads files (the caller does the I/O).
 */
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { findMetric, getMetric } from '../../catalog/index.ts';
import { parseDuration } from '../../cli/duration.ts';
import { ConfigError } from '../../errors.ts';

/** SLO files larger than this are refused (bytes of UTF-16 text, i.e. characters). */
export const MAX_SLO_TEXT_LENGTH = 1_000_000;
/** At most this many SLOs per file. */
export const MAX_SLOS = 1000;
/** Longest accepted SLO window (one year). */
export const MAX_SLO_WINDOW_MS = 366 * 86_400_000;

/** Equality label matchers: every listed label must have exactly this value. */
export type LabelMatchers = Readonly<Record<string, string>>;

/** A counter series selection: catalog metric name plus equality matchers on its labels. */
export interface EventSelector {
  readonly metric: string;
  readonly matchers: LabelMatchers;
}

/**
 * Ratio SLI (events): exactly two of `good`, `bad`, `total`; the third follows from total = good + bad.
 * Compliance is good / total over the window.
 */
export interface RatioSli {
  readonly type: 'ratio';
  readonly good?: EventSelector;
  readonly bad?: EventSelector;
  readonly total?: EventSelector;
}

export const THRESHOLD_OPS = ['<', '<=', '>', '>='] as const;
export type ThresholdOp = (typeof THRESHOLD_OPS)[number];

/** `value` for gauges; `mean` or a quantile for histograms (p999 = 0.999 quantile). */
export const THRESHOLD_STATISTICS = ['value', 'mean', 'p50', 'p90', 'p95', 'p99', 'p999'] as const;
export type ThresholdStatistic = (typeof THRESHOLD_STATISTICS)[number];

/**
 * Threshold SLI (time-based): per evaluation step the statistic of the metric is compared with `threshold`
 * (in the metric's base unit: seconds, bytes per second, ...); a step is good when `value op threshold` holds.
 * Compliance is good time / measured time.
 */
export interface ThresholdSli {
  readonly type: 'threshold';
  readonly metric: string;
  readonly matchers: LabelMatchers;
  readonly statistic: ThresholdStatistic;
  readonly op: ThresholdOp;
  readonly threshold: number;
}

export type Sli = RatioSli | ThresholdSli;

/** A validated SLO. `objective` is in (0, 1); `windowMs` is the rolling compliance window in milliseconds. */
export interface Slo {
  readonly name: string;
  readonly description?: string;
  readonly sli: Sli;
  readonly objective: number;
  readonly windowMs: number;
  /** Where the target comes from (templates cite the seed/inventory). */
  readonly source?: string;
}

const labelName = z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'must be a valid Prometheus label name');
const matchersSchema = z.record(labelName, z.string()).default({});
const selectorSchema = z.strictObject({ metric: z.string().min(1), matchers: matchersSchema });

const windowSchema = z
  .union([z.string(), z.number()], {
    error: (iss) => (iss.input === undefined ? 'is required (a duration such as "30d")' : 'must be a duration text such as "30d" or milliseconds'),
  })
  .transform((v, ctx) => {
  let ms: number;
  if (typeof v === 'number') {
    ms = v;
  } else {
    try {
      ms = parseDuration(v);
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: (e as Error).message });
      return z.NEVER;
    }
  }
  if (!Number.isFinite(ms) || ms <= 0 || ms > MAX_SLO_WINDOW_MS) {
    ctx.addIssue({ code: 'custom', message: `window must be > 0 and at most 366d, got ${String(v)}` });
    return z.NEVER;
  }
  return ms;
});

type IssueCtx = { addIssue: (issue: { code: 'custom'; message: string; path?: PropertyKey[] }) => void };

/** Checks a metric name and its matchers against the catalog; adds issues under `path`. */
function checkMetric(
  metric: string,
  matchers: LabelMatchers,
  allowed: readonly string[],
  path: PropertyKey[],
  ctx: IssueCtx,
): string | undefined {
  const def = findMetric(metric);
  if (!def) {
    ctx.addIssue({ code: 'custom', path: [...path, 'metric'], message: `unknown metric "${metric}" (not in the catalog)` });
    return undefined;
  }
  if (!allowed.includes(def.type)) {
    ctx.addIssue({
      code: 'custom',
      path: [...path, 'metric'],
      message: `metric "${metric}" is a ${def.type}; this SLI needs a ${allowed.join(' or ')}`,
    });
  }
  for (const label of Object.keys(matchers)) {
    if (!def.labels.includes(label)) {
      ctx.addIssue({
        code: 'custom',
        path: [...path, 'matchers', label],
        message: `metric "${metric}" has no label "${label}" (labels: ${def.labels.join(', ') || 'none'})`,
      });
    }
  }
  return def.type;
}

const ratioSchema = z
  .strictObject({
    type: z.literal('ratio'),
    good: selectorSchema.optional(),
    bad: selectorSchema.optional(),
    total: selectorSchema.optional(),
  })
  .superRefine((v, ctx) => {
    const given = (['good', 'bad', 'total'] as const).filter((k) => v[k] !== undefined);
    if (given.length !== 2) {
      ctx.addIssue({ code: 'custom', message: `a ratio SLI needs exactly two of good, bad, total; got ${given.join(', ') || 'none'}` });
    }
    for (const k of given) {
      const sel = v[k]!;
      checkMetric(sel.metric, sel.matchers, ['counter'], [k], ctx);
    }
  });

const thresholdSchema = z
  .strictObject({
    type: z.literal('threshold'),
    metric: z.string().min(1),
    matchers: matchersSchema,
    statistic: z.enum(THRESHOLD_STATISTICS).default('value'),
    op: z.enum(THRESHOLD_OPS),
    threshold: z.number().refine(Number.isFinite, 'must be a finite number'),
  })
  .superRefine((v, ctx) => {
    const type = checkMetric(v.metric, v.matchers, ['gauge', 'histogram'], [], ctx);
    if (type === 'gauge' && v.statistic !== 'value') {
      ctx.addIssue({ code: 'custom', path: ['statistic'], message: `gauge "${v.metric}" only supports statistic "value"` });
    }
    if (type === 'histogram' && v.statistic === 'value') {
      ctx.addIssue({ code: 'custom', path: ['statistic'], message: `histogram "${v.metric}" needs statistic mean or a quantile (p50..p999)` });
    }
  });

/** zod schema of one SLO as written in YAML (window as duration text or milliseconds). */
export const sloSchema = z
  .strictObject({
    name: z
      .string()
      .min(1)
      .max(128)
      .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, 'must start with a letter or digit and contain only letters, digits, _ . -'),
    description: z.string().max(1000).optional(),
    sli: z.discriminatedUnion('type', [ratioSchema, thresholdSchema]),
    objective: z
      .number()
      .refine((x) => Number.isFinite(x) && x > 0 && x < 1, 'must be a ratio strictly between 0 and 1 (e.g. 0.999)'),
    window: windowSchema,
    source: z.string().max(500).optional(),
  })
  .transform(({ window, ...rest }) => ({ ...rest, windowMs: window }));

/** zod schema of an SLO file: `{ slos: [...] }` with unique names. */
export const sloFileSchema = z
  .strictObject({ slos: z.array(sloSchema).min(1).max(MAX_SLOS) })
  .superRefine((v, ctx) => {
    const seen = new Set<string>();
    v.slos.forEach((s, i) => {
      if (seen.has(s.name)) ctx.addIssue({ code: 'custom', path: ['slos', i, 'name'], message: `duplicate SLO name "${s.name}"` });
      seen.add(s.name);
    });
  });

function pathText(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : (out ? '.' : '') + String(p);
  return out || '(root)';
}

function toSlo(s: z.infer<typeof sloSchema>): Slo {
  return s;
}

/**
 * Validates parsed SLO data (`{ slos: [...] }`).
 * @param source name used in error messages (a file path)
 * @throws ConfigError listing every bad field by path, e.g. `slos[0].sli.good.metric: unknown metric "x"`,
 *   `slos[1].objective: must be a ratio strictly between 0 and 1`, `slos[2].window: Invalid input`.
 */
export function parseSloDefinitions(raw: unknown, source = 'SLO definitions'): Slo[] {
  const res = sloFileSchema.safeParse(raw);
  if (!res.success) {
    const msgs = res.error.issues.map((i) => `${pathText(i.path)}: ${i.message}`);
    throw new ConfigError(`${source}: ${msgs.join('; ')}`);
  }
  return res.data.slos.map(toSlo);
}

/**
 * Parses YAML text (the `yaml` package, YAML 1.2) and validates it with {@link parseSloDefinitions}.
 * @throws ConfigError for text over {@link MAX_SLO_TEXT_LENGTH}, invalid YAML, or invalid definitions.
 */
export function parseSloYaml(text: string, source = 'SLO definitions'): Slo[] {
  if (text.length > MAX_SLO_TEXT_LENGTH) throw new ConfigError(`${source}: longer than ${MAX_SLO_TEXT_LENGTH} characters`);
  let raw: unknown;
  try {
    raw = parseYaml(text, { maxAliasCount: 100 });
  } catch (e) {
    throw new ConfigError(`${source}: invalid YAML: ${(e as Error).message}`, { cause: e });
  }
  return parseSloDefinitions(raw, source);
}

/**
 * The five built-in SLOs of the issue, validated through the same schema at module load. Thresholds come from
 * the original's documents; the objectives of the three threshold SLOs (0.99 of evaluation steps) and the 30-day
 * window are our choice: the seeds state thresholds only, and 30 days is the window the SRE workbook's
 * burn-rate factors assume.
 */
export const SLO_TEMPLATES: readonly Slo[] = parseSloDefinitions(
  {
    slos: [
      {
        name: 'migration-time',
        description: 'Mean VM migration time per step <= 5 min (300 s).',
        sli: { type: 'threshold', metric: getMetric('dwcp_v3_migration_duration_seconds').name, statistic: 'mean', op: '<=', threshold: 300 },
        objective: 0.99,
        window: '30d',
        source: 'seed 001 panel "Average Migration Time vs 5-minute SLA target" and alert DWCPSLAViolation (mean > 300 s); inventory 2.1, 7.3',
      },
      {
        name: 'error-rate',
        description: 'Component errors < 1 % of operations (success ratio >= 99 %).',
        sli: {
          type: 'ratio',
          bad: { metric: getMetric('dwcp_v3_component_errors_total').name },
          total: { metric: getMetric('dwcp_v3_component_operations_total').name },
        },
        objective: 0.99,
        window: '30d',
        source: 'seed 002 "Error Rate Panel ... with 1% threshold"; inventory 6.1 (Phase-6: <1% errors), 7.3',
      },
      {
        name: 'availability',
        description: 'Migrations succeeding >= 99.9 %.',
        sli: {
          type: 'ratio',
          good: { metric: getMetric('dwcp_v3_migration_success_total').name },
          bad: { metric: getMetric('dwcp_v3_migration_failures_total').name },
        },
        objective: 0.999,
        window: '30d',
        source: 'inventory 6.1/7.3: availability 99.9 % (prometheus-alerts-production.yml SLAAvailabilityViolation < 0.999); seed 003 "Pre-built SLA templates"',
      },
      {
        name: 'latency-p99',
        description: 'P99 migration latency < 500 ms per step.',
        sli: { type: 'threshold', metric: getMetric('dwcp_v3_migration_latency_seconds').name, statistic: 'p99', op: '<', threshold: 0.5 },
        objective: 0.99,
        window: '30d',
        source: 'seed 002 DWCPv3LatencyP99Critical "P99 >500ms"; inventory 7.3',
      },
      {
        name: 'throughput',
        description: 'Throughput >= 2.4 GB/s (2.4e9 B/s) per step.',
        sli: { type: 'threshold', metric: getMetric('dwcp_v3_throughput_bytes_per_second').name, statistic: 'value', op: '>=', threshold: 2.4e9 },
        objective: 0.99,
        window: '30d',
        source: 'seed 002 "Throughput Panel: Real-time GB/s with 2.4 GB/s target"; inventory 7.3',
      },
    ],
  },
  'built-in SLO templates',
);

/**
 * The built-in template with this name (`migration-time`, `error-rate`, `availability`, `latency-p99`,
 * `throughput`), or undefined.
 */
export function sloTemplate(name: string): Slo | undefined {
  return SLO_TEMPLATES.find((s) => s.name === name);
}
