/**
 * The LogQL subset the monitor answers, as a syntax tree: a stream selector, a pipeline of line filters
 * (`|= != |~ !~`), `| json`, `| logfmt`, label filters and `| line_format` (field references only), and the range aggregations `count_over_time` and `rate`.
 * `formatQuery` writes a tree back as LogQL text (parse ∘ format is the identity on trees).
 * @see https://grafana.com/docs/loki/latest/query/log_queries/
 * @see https://grafana.com/docs/loki/latest/query/metric_queries/
 */

/** Label matcher operators. */
export type MatchOp = '=' | '!=' | '=~' | '!~';

/** `name op "value"`. */
export interface Matcher {
  readonly name: string;
  readonly op: MatchOp;
  readonly value: string;
}

/** Line filter operators: contains, does not contain, matches, does not match. */
export type LineFilterOp = '|=' | '!=' | '|~' | '!~';

/** Numeric comparison operators of label filters. */
export type CompareOp = '==' | '!=' | '>' | '>=' | '<' | '<=';

/** One pipeline stage. */
export type Stage =
  | { readonly kind: 'line'; readonly op: LineFilterOp; readonly value: string }
  | { readonly kind: 'json' }
  | { readonly kind: 'logfmt' }
  /** `| line_format "<template>"`: the line becomes the template (./line-template.ts) applied to the labels. */
  | { readonly kind: 'line_format'; readonly template: string }
  | { readonly kind: 'label'; readonly matcher: Matcher }
  | { readonly kind: 'compare'; readonly name: string; readonly op: CompareOp; readonly value: number };

/** A log query: selector and pipeline. */
export interface LogQuery {
  readonly kind: 'log';
  readonly selector: readonly Matcher[];
  readonly pipeline: readonly Stage[];
}

/** A range aggregation over a log query; `rangeMs` the range in brackets. */
export interface MetricQuery {
  readonly kind: 'metric';
  readonly fn: 'count_over_time' | 'rate';
  readonly query: LogQuery;
  readonly rangeMs: number;
  /**
   * `sum by (labels) (...)`: the series summed per value of these labels ([] for a plain `sum(...)`, all series
   * into one); undefined without `sum`.
   */
  readonly sumBy?: readonly string[];
}

export type Query = LogQuery | MetricQuery;

/** A string as a LogQL double-quoted literal. */
export function quote(s: string): string {
  return JSON.stringify(s);
}

function formatMatcher(m: Matcher): string {
  return `${m.name}${m.op}${quote(m.value)}`;
}

function formatStage(s: Stage): string {
  switch (s.kind) {
    case 'line':
      return `${s.op} ${quote(s.value)}`;
    case 'json':
      return '| json';
    case 'logfmt':
      return '| logfmt';
    case 'line_format':
      return `| line_format ${quote(s.template)}`;
    case 'label':
      return `| ${formatMatcher(s.matcher)}`;
    case 'compare':
      return `| ${s.name} ${s.op} ${String(s.value)}`;
  }
}

/** LogQL text of a log query. */
export function formatLogQuery(q: LogQuery): string {
  return [`{${q.selector.map(formatMatcher).join(', ')}}`, ...q.pipeline.map(formatStage)].join(' ');
}

/** LogQL text of a query (ranges written in whole milliseconds). */
export function formatQuery(q: Query): string {
  if (q.kind === 'log') return formatLogQuery(q);
  const inner = `${q.fn}(${formatLogQuery(q.query)} [${q.rangeMs}ms])`;
  return q.sumBy === undefined ? inner : `sum by (${q.sumBy.join(', ')}) (${inner})`;
}
