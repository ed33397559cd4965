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
 * A gauge threshold SLI may add a gate `when: { metric, matchers }` (see {@link ThresholdSli.when}).
 * Pure: parses text, never reads files (the caller does the I/O).
 */
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { findMetric, getMetric } from '../../catalog/index.ts';
import { parseDuration } from '../../model/duration.ts';
import { positionText, yamlLocator, type YamlLocate } from '../../model/yaml-locator.ts';
import { ConfigError } from '../../errors.ts';

/** SLO files larger than this are refused (bytes of UTF-16 text, i.e. characters). */
export const MAX_SLO_TEXT_LENGTH = 1_000_000;
/** At most this many SLOs per file. */
export const MAX_SLOS = 1000;
/** Longest accepted SLO window (one year). */
export const MAX_SLO_WINDOW_MS = 366 * 86_400_000;

/** Equality label matchers: every listed label must have exactly this value. */
export type LabelMatchers = Readonly<Record<string, string>>;

/** A series selection: catalog metric name plus equality matchers on its labels. */
export interface EventSelector {
  readonly metric: string;
  readonly matchers: LabelMatchers;
}

/** A series selection for a gate ({@link ThresholdSli.when}); same shape as {@link EventSelector}. */
export type SeriesSelector = EventSelector;

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

/** φ of each quantile statistic (histogram_quantile's first argument). */
export const STATISTIC_QUANTILE: Readonly<Partial<Record<ThresholdStatistic, number>>> = {
  p50: 0.5,
  p90: 0.9,
  p95: 0.95,
  p99: 0.99,
  p999: 0.999,
};

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
  /**
   * Optional gate (gauge SLIs only): a gauge of the same nodes, e.g. `dwcp_v3_current_mode{mode="datacenter"}`.
   * A sample of the SLI metric counts only when a gate series of the same node (`node`, else `node_id`, else
   * `instance`) has a non-zero value at the same timestamp (same scrape) — PromQL `metric and on(node) (gate
   * != 0)`. Used to scope an SLI to the nodes currently in one DWCP mode when the metric has no `mode` label.
   */
  readonly when?: SeriesSelector;
}

export type Sli = RatioSli | ThresholdSli;

/** A validated SLO. `objective` is in (0, 1); `windowMs` is the rolling compliance window in milliseconds. */
export interface Slo {
  readonly name: string;
  readonly description?: string;
  readonly sli: Sli;
  readonly objective: number;
  readonly windowMs: number;
  /** Where the target comes from (templates cite the specification or original file). */
  readonly source?: string;
}

const labelName = z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'must be a valid Prometheus label name');
const matchersSchema = z.record(labelName, z.string()).default({});
const selectorSchema = z.strictObject({ metric: z.string().min(1), matchers: matchersSchema });

const windowSchema = z
  .union([z.string(), z.number()], {
    error: (iss) =>
      iss.input === undefined
        ? 'is required (a duration such as "30d")'
        : 'must be a duration text such as "30d" or milliseconds',
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
    ctx.addIssue({
      code: 'custom',
      path: [...path, 'metric'],
      message: `unknown metric "${metric}" (not in the catalog)`,
    });
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
      ctx.addIssue({
        code: 'custom',
        message: `a ratio SLI needs exactly two of good, bad, total; got ${given.join(', ') || 'none'}`,
      });
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
    when: selectorSchema.optional(),
  })
  .superRefine((v, ctx) => {
    const type = checkMetric(v.metric, v.matchers, ['gauge', 'histogram'], [], ctx);
    if (v.when !== undefined) {
      checkMetric(v.when.metric, v.when.matchers, ['gauge'], ['when'], ctx);
      if (type === 'histogram')
        ctx.addIssue({
          code: 'custom',
          path: ['when'],
          message: `a gate (when) is only supported for gauge SLIs; "${v.metric}" is a histogram`,
        });
    }
    if (type === 'gauge' && v.statistic !== 'value') {
      ctx.addIssue({
        code: 'custom',
        path: ['statistic'],
        message: `gauge "${v.metric}" only supports statistic "value"`,
      });
    }
    if (type === 'histogram' && v.statistic === 'value') {
      ctx.addIssue({
        code: 'custom',
        path: ['statistic'],
        message: `histogram "${v.metric}" needs statistic mean or a quantile (p50..p999)`,
      });
    }
  });

/** zod schema of one SLO as written in YAML (window as duration text or milliseconds). */
export const sloSchema = z
  .strictObject({
    name: z
      .string()
      .min(1)
      .max(128)
      .regex(
        /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/,
        'must start with a letter or digit and contain only letters, digits, _ . -',
      ),
    description: z.string().max(1000).optional(),
    sli: z.discriminatedUnion('type', [ratioSchema, thresholdSchema]),
    objective: z
      .number()
      .refine(
        (x) => Number.isFinite(x) && x > 0 && x < 1,
        'must be a ratio strictly between 0 and 1 (e.g. 0.999)',
      ),
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
      if (seen.has(s.name))
        ctx.addIssue({
          code: 'custom',
          path: ['slos', i, 'name'],
          message: `duplicate SLO name "${s.name}"`,
        });
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
 * @param locate where a path of `raw` is in the source text (see model/yaml-locator.ts); adds
 *   ` (line L, column C)` to each message when it knows the position
 * @throws ConfigError listing every bad field by path, e.g. `slos[0].sli.good.metric: unknown metric "x"`,
 *   `slos[1].objective (line 9, column 16): must be a ratio strictly between 0 and 1`.
 */
export function parseSloDefinitions(raw: unknown, source = 'SLO definitions', locate?: YamlLocate): Slo[] {
  const res = sloFileSchema.safeParse(raw);
  if (!res.success) {
    const msgs = res.error.issues.map(
      (i) => `${pathText(i.path)}${positionText(locate?.(i.path))}: ${i.message}`,
    );
    throw new ConfigError(`${source}: ${msgs.join('; ')}`);
  }
  return res.data.slos.map(toSlo);
}

/**
 * Validates an inline list of SLOs (the `slo.definitions` list of the monitor's configuration) as an SLO file's
 * `slos`.
 * @param prefix the list's path in its document, for messages and positions (e.g. `['slo', 'definitions']`)
 * @throws ConfigError as {@link parseSloDefinitions}, paths starting with `prefix`.
 */
export function parseSloList(
  list: unknown,
  source: string,
  prefix: readonly PropertyKey[],
  locate?: YamlLocate,
): Slo[] {
  const res = sloFileSchema.safeParse({ slos: list });
  if (!res.success) {
    const msgs = res.error.issues.map((i) => {
      const path = [...prefix, ...i.path.slice(1)];
      return `${pathText(path)}${positionText(locate?.(path))}: ${i.message}`;
    });
    throw new ConfigError(`${source}: ${msgs.join('; ')}`);
  }
  return res.data.slos.map(toSlo);
}

/**
 * Parses YAML text (the `yaml` package, YAML 1.2) and validates it with {@link parseSloDefinitions}; messages
 * carry the line and column of each bad field.
 * @throws ConfigError for text over {@link MAX_SLO_TEXT_LENGTH}, invalid YAML, or invalid definitions.
 */
export function parseSloYaml(text: string, source = 'SLO definitions'): Slo[] {
  if (text.length > MAX_SLO_TEXT_LENGTH)
    throw new ConfigError(`${source}: longer than ${MAX_SLO_TEXT_LENGTH} characters`);
  let raw: unknown;
  try {
    raw = parseYaml(text, { maxAliasCount: 100 });
  } catch (e) {
    throw new ConfigError(`${source}: invalid YAML: ${(e as Error).message}`, { cause: e });
  }
  return parseSloDefinitions(raw, source, yamlLocator(text));
}

/** Gate of the throughput templates: nodes whose current DWCP mode is `mode` (1 active, 0 other modes). */
const inMode = (mode: 'datacenter' | 'internet' | 'hybrid') => ({
  metric: getMetric('dwcp_v3_current_mode').name,
  matchers: { mode },
});

/**
 * The built-in SLOs of the issue, validated through the same schema at module load: the five of the issue, with
 * throughput split per DWCP mode (internet links run at ~12.5 MB/s by design, so one 2.4 GB/s target averaged
 * over all nodes always read violated). `dwcp_v3_throughput_bytes_per_second` has no `mode` label (labels
 * component, direction, transport), so the throughput SLIs are scoped with a gate on `dwcp_v3_current_mode`.
 * Thresholds come from the original's documents or, where they give none, from the simulator's SLA; the
 * objectives of the threshold SLOs (0.99 of evaluation steps) and the 30-day window are our choice: the seeds
 * state thresholds only, and 30 days is the window the SRE workbook's burn-rate factors assume.
 */
export const SLO_TEMPLATES: readonly Slo[] = parseSloDefinitions(
  {
    slos: [
      {
        name: 'migration-time',
        description: 'Mean VM migration time per step <= 5 min (300 s).',
        sli: {
          type: 'threshold',
          metric: getMetric('dwcp_v3_migration_duration_seconds').name,
          statistic: 'mean',
          op: '<=',
          threshold: 300,
        },
        objective: 0.99,
        window: '30d',
        source:
          'DWCP v1 metrics spec panel "Average Migration Time vs 5-minute SLA target" and alert DWCPSLAViolation (mean > 300 s); original dwcp-alerts.yml',
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
        source:
          'Phase 6 production monitoring spec "Error Rate Panel ... with 1% threshold"; original sla_monitor.go (Phase 6: <1% errors)',
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
        source:
          'original prometheus-alerts-production.yml SLAAvailabilityViolation (availability < 0.999); multi-region monitoring spec "Pre-built SLA templates"',
      },
      {
        name: 'latency-p99',
        description: 'P99 migration latency < 500 ms per step.',
        sli: {
          type: 'threshold',
          metric: getMetric('dwcp_v3_migration_latency_seconds').name,
          statistic: 'p99',
          op: '<',
          threshold: 0.5,
        },
        objective: 0.99,
        window: '30d',
        source: 'Phase 6 production monitoring spec DWCPv3LatencyP99Critical "P99 >500ms"',
      },
      {
        name: 'throughput-datacenter',
        description: 'Throughput of nodes in datacenter mode >= 2.4 GB/s (2.4e9 B/s) per step.',
        sli: {
          type: 'threshold',
          metric: getMetric('dwcp_v3_throughput_bytes_per_second').name,
          statistic: 'value',
          op: '>=',
          threshold: 2.4e9,
          when: inMode('datacenter'),
        },
        objective: 0.99,
        window: '30d',
        source:
          'Phase 6 production monitoring spec "Throughput Panel: Real-time GB/s with 2.4 GB/s target" (datacenter throughput target 2.4 GB/s)',
      },
      {
        name: 'throughput-internet',
        description: 'Throughput of nodes in internet mode >= 100 Mbit/s (12.5e6 B/s) per step.',
        sli: {
          type: 'threshold',
          metric: getMetric('dwcp_v3_throughput_bytes_per_second').name,
          statistic: 'value',
          op: '>=',
          threshold: 12.5e6,
          when: inMode('internet'),
        },
        objective: 0.99,
        window: '30d',
        source:
          'original mode_detector.go and real-time-performance.json: internet mode "100–900 Mbps"; lower end 100 Mbit/s = 12.5e6 B/s, as the simulator SLA src/sim/mode-params.ts MODE_PARAMS.internet.sla',
      },
      {
        name: 'throughput-hybrid',
        description: 'Throughput of nodes in hybrid mode >= 800 Mbit/s (1e8 B/s) per step.',
        sli: {
          type: 'threshold',
          metric: getMetric('dwcp_v3_throughput_bytes_per_second').name,
          statistic: 'value',
          op: '>=',
          threshold: 1e8,
          when: inMode('hybrid'),
        },
        objective: 0.99,
        window: '30d',
        source:
          'no specification gives a hybrid target (original mode_detector.go: hybrid = 10–50 ms at >= 1 Gbit/s links); simulator SLA src/sim/mode-params.ts MODE_PARAMS.hybrid.sla = 1e8 B/s',
      },
    ],
  },
  'built-in SLO templates',
);

/** Former template names: `throughput` (one 2.4 GB/s SLO over all modes) is now `throughput-datacenter`. */
const TEMPLATE_ALIASES: Readonly<Record<string, string>> = { throughput: 'throughput-datacenter' };

/**
 * The built-in template with this name (`migration-time`, `error-rate`, `availability`, `latency-p99`,
 * `throughput-datacenter`, `throughput-internet`, `throughput-hybrid`; the former `throughput` resolves to
 * `throughput-datacenter`), or undefined.
 */
export function sloTemplate(name: string): Slo | undefined {
  const resolved = TEMPLATE_ALIASES[name] ?? name;
  return SLO_TEMPLATES.find((s) => s.name === resolved);
}
