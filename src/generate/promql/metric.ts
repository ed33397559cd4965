/**
 * Catalog-checked selectors: the only way generated rules and dashboards can name a series. A selector takes
 * its metric from `src/catalog/` (`metricRef(getMetric('dwcp_...'))`), so no query can name a metric nothing
 * emits (the original's main failure, inventory 1.7), and every label matcher is checked against the metric's
 * catalog labels plus the labels the scrape target adds.
 */
import type { MetricDef } from '../../catalog/types.ts';
import { InvalidInputError } from '../../errors.ts';
import type { Expr, Matcher, VectorSelector } from './ast.ts';
import { outputLabels } from './labels.ts';

/**
 * Labels the scrape target adds to every series: `job` and `instance` (Prometheus, jobs_instances docs) plus
 * `region` and `node` set in the generated scrape config / by the monitor's scraper.
 */
export const TARGET_LABELS = ['job', 'instance', 'region', 'node'] as const;

function selector(name: string, labels: readonly string[], matchers: readonly Matcher[]): VectorSelector {
  for (const m of matchers) {
    if (!labels.includes(m.label)) {
      throw new InvalidInputError(
        `label "${m.label}" is not a label of ${name} (known: ${labels.join(', ')})`,
      );
    }
  }
  return { kind: 'selector', name, matchers, labels };
}

/**
 * Selector of a gauge or counter (or a histogram's conventional name is refused: use the helpers below).
 * @throws InvalidInputError when the metric is a histogram or a matcher names a label the metric lacks.
 */
export function metricRef(m: MetricDef, ...matchers: Matcher[]): VectorSelector {
  if (m.type === 'histogram')
    throw new InvalidInputError(`${m.name} is a histogram: use bucketRef, sumRef or countRef`);
  return selector(m.name, [...m.labels, ...TARGET_LABELS], matchers);
}

function histogramPart(
  m: MetricDef,
  suffix: '_bucket' | '_sum' | '_count',
  matchers: readonly Matcher[],
): VectorSelector {
  if (m.type !== 'histogram')
    throw new InvalidInputError(`${m.name} is a ${m.type}, not a histogram: no ${suffix} series`);
  const labels =
    suffix === '_bucket' ? [...m.labels, ...TARGET_LABELS, 'le'] : [...m.labels, ...TARGET_LABELS];
  return selector(m.name + suffix, labels, matchers);
}

/** `<histogram>_bucket` selector (carries `le`). @throws InvalidInputError for non-histograms or unknown labels. */
export function bucketRef(m: MetricDef, ...matchers: Matcher[]): VectorSelector {
  return histogramPart(m, '_bucket', matchers);
}
/** `<histogram>_sum` selector. @throws InvalidInputError for non-histograms or unknown labels. */
export function sumRef(m: MetricDef, ...matchers: Matcher[]): VectorSelector {
  return histogramPart(m, '_sum', matchers);
}
/** `<histogram>_count` selector. @throws InvalidInputError for non-histograms or unknown labels. */
export function countRef(m: MetricDef, ...matchers: Matcher[]): VectorSelector {
  return histogramPart(m, '_count', matchers);
}

/** A recording rule as a selector source: its name and the expression it records. */
export interface RecordedSeries {
  readonly record: string;
  readonly expr: Expr;
}

/**
 * Selector of a recording rule's output series; its labels are those the recorded expression keeps
 * (`outputLabels`). @throws InvalidInputError when a matcher names a label the recorded series lacks.
 */
export function recordedRef(rule: RecordedSeries, ...matchers: Matcher[]): VectorSelector {
  return selector(rule.record, [...outputLabels(rule.expr)], matchers);
}

/**
 * {@link recordedRef} of the rule named `record` among `rules` (a rule file's recording rules).
 * @throws InvalidInputError when no rule records `record`, or a matcher names a label the series lacks.
 */
export function recordedRefByName(
  rules: readonly RecordedSeries[],
  record: string,
  ...matchers: Matcher[]
): VectorSelector {
  const rule = rules.find((r) => r.record === record);
  if (!rule) throw new InvalidInputError(`recording rule ${record} is not defined`);
  return recordedRef(rule, ...matchers);
}

/**
 * Prometheus' synthetic `ALERTS` series (one per pending or firing alert of the loaded rules, with the alert's
 * labels). Its labels: alertname, alertstate and the labels our generated alerts carry.
 */
export function alertsRef(...matchers: Matcher[]): VectorSelector {
  return selector(
    'ALERTS',
    ['alertname', 'alertstate', 'severity', 'escalation', 'component', 'cluster', ...TARGET_LABELS],
    matchers,
  );
}
