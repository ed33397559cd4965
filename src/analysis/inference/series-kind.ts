/**
 * What a series the catalog does not know measures, from Prometheus naming conventions and the family's type
 * (`# TYPE`), or from the operator's per-pattern rules (configuration `detection.series`). Pure.
 *
 * Built-in conventions (first match wins; the operator's rules come before them):
 * - not analysed: `_info`, `_created` and timestamp series (`_timestamp_seconds`, `_time_seconds`,
 *   `_start_time_seconds`, `boot_time_seconds`, `_timestamp`), histogram buckets, the synthetic `scrape_*`
 *   series, an exporter's instrumentation of itself (`node_scrape_collector_*`, `promhttp_*`), and
 *   `node_cpu_seconds_total{mode="idle"}` (the complement of the busy modes: a drop in idle is a rise in another
 *   mode);
 * - `generic` whatever their suffix: Go runtime internals (`go_*`: allocator and GC bookkeeping of the exporting
 *   process) and clock discipline (`node_timex_*`, `node_time_zone_*`: offsets and errors in seconds are not
 *   latencies, the frequency adjustment is not a utilisation);
 * - counters (`counter`, or untyped names ending in `_total`), analysed as their per-second rate:
 *   `_seconds_total` → `utilization` (seconds of work per second: a busy share, e.g. CPU time per mode);
 *   `_bytes_total` → `bandwidth` (bytes/s); names with error/errs/fail/drop/reject/timeout/retrans → `error_rate`;
 *   other counters → `generic`;
 * - gauges: `_bytes_per_second` → `bandwidth`; `_ratio` (0..1) and `_percent`/`_percentage` (0..100) →
 *   `utilization`; other `_seconds` → `latency`; everything else → `generic`;
 * - histograms and summaries: the mean per interval (Δ`_sum` / Δ`_count`), `_seconds` → `latency`, otherwise
 *   `generic`; summary quantiles as gauges (`_seconds` → `latency`).
 * Derived ratios of two gauges of one scrape ({@link DERIVED_RATIOS}): memory in use
 * (1 − `node_memory_MemAvailable_bytes` / `node_memory_MemTotal_bytes`) and filesystem space in use
 * (1 − `node_filesystem_avail_bytes` / `node_filesystem_size_bytes`), both `utilization` in 0..1.
 * Kind `generic` is stored and charted but, like catalog metrics of that kind, not analysed by the live monitor
 * unless a rule gives the series another kind.
 * Bad direction ({@link namingDirection}; detectors judge only that side): error-like names (errors, failures,
 * drops, rejects, timeouts, retransmits) up; names of quantities where more is better (`throughput`, `goodput`,
 * `_bytes_per_second` and other `_per_second` gauges, `hit`, `success`, `efficiency`, `accuracy`, `availability`)
 * down — a drop is lost work or quality, a rise more of it; otherwise the kind's (latency and utilisation such as
 * `_seconds_total` busy time or `_ratio`/`_percent` up, `_bytes_total` traffic both). A rule's `direction` sets it; a rule without one gives its
 * kind's.
 * @see https://prometheus.io/docs/practices/naming/ (suffixes, base units, `_total`, `_info`, `_timestamp`)
 * @see https://github.com/OpenObservability/OpenMetrics/blob/main/specification/OpenMetrics.md (`_created`)
 */
import { KIND_BAD_DIRECTION, UNIT_RANGES } from '../../catalog/impact.ts';
import type { PhysicalRange } from '../../catalog/types.ts';
import { METRIC_KINDS, type Direction, type MetricKind } from '../../model/anomaly.ts';
import type { SeriesKindRule } from '../../model/detection-settings.ts';

/** Family type from the text format (`untyped` when the target sent no `# TYPE`). */
export type FamilyType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

/** How a sample becomes a detection input. */
export type SeriesTransform = 'value' | 'rate' | 'mean';

/** The outcome for one series: analysed as `kind` through `transform`, or not analysed (null). */
export interface SeriesInference {
  readonly kind: MetricKind;
  readonly transform: SeriesTransform;
  /** The direction of change that harms (see the module comment). */
  readonly direction: Direction;
  /** Which rule or convention decided, for logs and docs. */
  readonly reason: string;
}

/** A ratio of two gauges of the same scrape with the same labels: `1 − numerator / denominator`. */
export interface DerivedRatio {
  /** Name of the derived series (the `metric` of its anomalies). */
  readonly name: string;
  readonly numerator: string;
  readonly denominator: string;
  readonly kind: MetricKind;
}

/** The built-in derived ratios (see the module comment). */
export const DERIVED_RATIOS: readonly DerivedRatio[] = Object.freeze([
  {
    name: 'node_memory_used_ratio',
    numerator: 'node_memory_MemAvailable_bytes',
    denominator: 'node_memory_MemTotal_bytes',
    kind: 'utilization',
  },
  {
    name: 'node_filesystem_used_ratio',
    numerator: 'node_filesystem_avail_bytes',
    denominator: 'node_filesystem_size_bytes',
    kind: 'utilization',
  },
]);

/** A rule with its expressions compiled. */
export interface CompiledRule {
  readonly name: RegExp;
  readonly labels: readonly (readonly [string, RegExp])[];
  readonly kind: MetricKind | 'ignore';
  /** The rule's bad direction, if it sets one. */
  readonly direction?: Direction;
  readonly source: string;
}

/**
 * Compiles operator rules (anchored regular expressions).
 * @throws SyntaxError naming the rule for an invalid expression; RangeError for an unknown kind or direction.
 */
export function compileRules(rules: readonly SeriesKindRule[], source = 'detection.series'): CompiledRule[] {
  return rules.map((r, i) => {
    const where = `${source}[${i}]`;
    if (r.kind !== 'ignore' && !(METRIC_KINDS as readonly string[]).includes(r.kind))
      throw new RangeError(`${where}: unknown kind ${String(r.kind)}`);
    if (r.direction !== undefined && !DIRECTIONS.includes(r.direction))
      throw new RangeError(`${where}: unknown direction ${String(r.direction)}`);
    const re = (p: string, what: string): RegExp => {
      try {
        return new RegExp(`^(?:${p})$`);
      } catch (e) {
        throw new SyntaxError(`${where}.${what}: ${(e as Error).message}`);
      }
    };
    return {
      name: re(r.match, 'match'),
      labels: Object.entries(r.labels ?? {}).map(([k, v]) => [k, re(v, `labels.${k}`)] as const),
      kind: r.kind,
      ...(r.direction !== undefined ? { direction: r.direction } : {}),
      source: `${where} (${r.match})`,
    };
  });
}

/** The built-in exclusions that depend on labels (checked before every other rule). */
const BUILTIN_LABEL_RULES: readonly CompiledRule[] = compileRules(
  [{ match: 'node_cpu_seconds_total', labels: { mode: 'idle' }, kind: 'ignore' }],
  'built-in',
);

const DIRECTIONS: readonly string[] = ['up', 'down', 'both'];
const TIMESTAMP = /(_timestamp_seconds|_time_seconds|_start_time_seconds|boot_time_seconds|_timestamp)$/;
const ERRORS = /(error|errs|fail|drop|reject|timeout|retrans)/;
/** Names of quantities where more is better: work delivered per second, hits, successes, efficiency, accuracy. */
const MORE_IS_BETTER =
  /(^|_)(hits?|success(es|ful)?|efficiency|accuracy|availability|throughput|goodput)(_|$)|_per_second$/;
/** The synthetic scrape series and exporters' instrumentation of themselves. */
const SELF = /^(scrape_|node_scrape_collector_|promhttp_)/;
/** Runtime internals and clock discipline: stored, charted, `generic` whatever their suffix. */
const INTERNALS = /^(go_|node_timex_|node_time_zone_)/;

function matches(r: CompiledRule, family: string, labels: Readonly<Record<string, string>>): boolean {
  return r.name.test(family) && r.labels.every(([k, re]) => re.test(labels[k] ?? ''));
}

/** The family of a sample name and its role: histogram/summary parts keep their family name. */
export function familyOf(
  sampleName: string,
  type: FamilyType | undefined,
): { family: string; part: 'value' | 'sum' | 'count' | 'bucket' } {
  if (type === 'histogram' || type === 'summary' || type === undefined || type === 'untyped') {
    for (const [suffix, part] of [
      ['_bucket', 'bucket'],
      ['_sum', 'sum'],
      ['_count', 'count'],
    ] as const) {
      if (sampleName.endsWith(suffix) && (type === 'histogram' || type === 'summary'))
        return { family: sampleName.slice(0, -suffix.length), part };
    }
  }
  return { family: sampleName, part: 'value' };
}

/** Kind by naming alone for a family analysed as `transform` (see the module comment). */
function conventionKind(family: string, transform: SeriesTransform): { kind: MetricKind; reason: string } {
  if (transform === 'rate') {
    if (family.endsWith('_seconds_total'))
      return { kind: 'utilization', reason: '_seconds_total: busy share (rate)' };
    if (family.endsWith('_bytes_total')) return { kind: 'bandwidth', reason: '_bytes_total: bytes/s (rate)' };
    if (ERRORS.test(family)) return { kind: 'error_rate', reason: 'error-like counter (rate)' };
    return { kind: 'generic', reason: 'counter (rate)' };
  }
  if (transform === 'mean')
    return family.endsWith('_seconds')
      ? { kind: 'latency', reason: '_seconds histogram/summary (mean)' }
      : { kind: 'generic', reason: 'histogram/summary (mean)' };
  if (family.endsWith('_bytes_per_second')) return { kind: 'bandwidth', reason: '_bytes_per_second' };
  if (family.endsWith('_ratio') || family.endsWith('_percent') || family.endsWith('_percentage'))
    return { kind: 'utilization', reason: '_ratio/_percent' };
  if (family.endsWith('_seconds')) return { kind: 'latency', reason: '_seconds' };
  return { kind: 'generic', reason: 'gauge' };
}

/**
 * The bad direction of a family outside the catalog analysed as `kind`, from its name (see the module comment):
 * error-like names up, names where more is better down, else the kind's (src/catalog/impact.ts `KIND_BAD_DIRECTION`).
 */
export function namingDirection(family: string, kind: MetricKind): Direction {
  if (ERRORS.test(family)) return 'up';
  if (MORE_IS_BETTER.test(family)) return 'down';
  return KIND_BAD_DIRECTION[kind];
}

/**
 * How the sample `sampleName{labels}` of a family of `type` (undefined when unknown) is analysed, or null when
 * it is not (ignored, a bucket, a timestamp, ...). Histogram and summary `_sum`/`_count` samples return the
 * family's inference with transform `mean`; `rules` come first (see {@link compileRules}).
 */
export function inferSeries(
  sampleName: string,
  type: FamilyType | undefined,
  labels: Readonly<Record<string, string>>,
  rules: readonly CompiledRule[],
): SeriesInference | null {
  const { family, part } = familyOf(sampleName, type);
  if (part === 'bucket') return null;
  const counter =
    type === 'counter' || ((type === undefined || type === 'untyped') && family.endsWith('_total'));
  const transform: SeriesTransform = part !== 'value' ? 'mean' : counter ? 'rate' : 'value';
  for (const r of [...BUILTIN_LABEL_RULES, ...rules]) {
    if (!matches(r, family, labels)) continue;
    return r.kind === 'ignore'
      ? null
      : { kind: r.kind, transform, direction: r.direction ?? KIND_BAD_DIRECTION[r.kind], reason: r.source };
  }
  if (family.endsWith('_info') || family.endsWith('_created') || TIMESTAMP.test(family) || SELF.test(family))
    return null;
  if (INTERNALS.test(family))
    return {
      kind: 'generic',
      transform,
      direction: KIND_BAD_DIRECTION.generic,
      reason: 'runtime or clock internals',
    };
  if (type === 'summary' && part === 'value') {
    // A quantile sample of a summary: a gauge of its unit.
    const kind: MetricKind = family.endsWith('_seconds') ? 'latency' : 'generic';
    return {
      kind,
      transform: 'value',
      direction: namingDirection(family, kind),
      reason: kind === 'latency' ? '_seconds summary quantile' : 'summary quantile',
    };
  }
  const c = conventionKind(family, transform);
  return { kind: c.kind, transform, direction: namingDirection(family, c.kind), reason: c.reason };
}

/**
 * The physical range of a family outside the catalog from its unit suffix (Prometheus base units; src/catalog/impact.ts
 * `UNIT_RANGES`): `_ratio` in [0, 1], `_percent`/`_percentage` in [0, 100], `_seconds`, `_bytes` and
 * `_bytes_per_second` ≥ 0; undefined when the name has no such suffix. Anomaly bands are clamped to it.
 * @see https://prometheus.io/docs/practices/naming/#base-units
 */
export function namingRange(family: string): PhysicalRange | undefined {
  if (family.endsWith('_ratio')) return UNIT_RANGES.ratio;
  if (family.endsWith('_percent') || family.endsWith('_percentage')) return UNIT_RANGES.percent;
  if (family.endsWith('_seconds')) return UNIT_RANGES.seconds;
  if (family.endsWith('_bytes') || family.endsWith('_bytes_per_second')) return UNIT_RANGES.bytes;
  return undefined;
}

/** The derived ratio whose numerator or denominator is `family`, with the role it plays; undefined if none. */
export function ratioRole(
  family: string,
): { ratio: DerivedRatio; role: 'numerator' | 'denominator' } | undefined {
  for (const ratio of DERIVED_RATIOS) {
    if (ratio.numerator === family) return { ratio, role: 'numerator' };
    if (ratio.denominator === family) return { ratio, role: 'denominator' };
  }
  return undefined;
}

/** `1 − numerator / denominator`, or undefined when the denominator is not positive or a value is not finite. */
export function usedShare(numerator: number, denominator: number): number | undefined {
  if (!(denominator > 0) || !Number.isFinite(numerator) || !Number.isFinite(denominator)) return undefined;
  return 1 - numerator / denominator;
}
