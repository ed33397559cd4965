/**
 * The typed syntax tree of the PromQL subset this monitor evaluates (docs/promql-api.md): vector selectors (with
 * or without a metric name, with `offset`), range functions over a matrix selector, the five basic aggregations,
 * a few instant-vector functions, number literals, and binary operators (arithmetic, comparison with `bool`, set
 * operators) with Prometheus' vector matching (`on`, `ignoring`, `group_left`, `group_right`).
 * @see https://prometheus.io/docs/prometheus/latest/querying/basics/
 * @see https://prometheus.io/docs/prometheus/latest/querying/operators/
 */

/** A label matcher; `regex` is the fully anchored pattern of `=~` and `!~`. */
export interface LabelMatcher {
  readonly name: string;
  readonly op: '=' | '!=' | '=~' | '!~';
  readonly value: string;
  readonly regex?: RegExp;
}

/**
 * A vector selector: the metric name when the query gives one (`name{…}` or `{__name__="name"}`), else undefined
 * (`{job="x"}`, `{__name__=~"dwcp_.*"}`: the other matchers, `__name__` ones included, choose the metrics), and
 * `offsetMs`, the `offset` modifier (ms; 0 without one; negative looks ahead).
 */
export interface Selector {
  readonly metric: string | undefined;
  readonly matchers: readonly LabelMatcher[];
  readonly offsetMs: number;
}

/** Functions of a range vector this monitor evaluates. */
export const RANGE_FUNCTIONS = [
  'rate',
  'irate',
  'increase',
  'delta',
  'changes',
  'resets',
  'avg_over_time',
  'min_over_time',
  'max_over_time',
  'sum_over_time',
  'count_over_time',
  'last_over_time',
] as const;
export type RangeFunction = (typeof RANGE_FUNCTIONS)[number];

/** Functions of instant vectors (and scalars) this monitor evaluates, with their argument kinds in order. */
export const INSTANT_FUNCTIONS = {
  abs: ['vector'],
  clamp_min: ['vector', 'scalar'],
  clamp_max: ['vector', 'scalar'],
  histogram_quantile: ['scalar', 'vector'],
} as const;
export type InstantFunction = keyof typeof INSTANT_FUNCTIONS;

/** Aggregation operators this monitor evaluates. */
export const AGGREGATION_OPS = ['sum', 'avg', 'min', 'max', 'count'] as const;
export type AggregationOp = (typeof AGGREGATION_OPS)[number];

/** Arithmetic operators. */
export type ArithmeticOp = '+' | '-' | '*' | '/' | '%' | '^';
/** Comparison operators (filters, or 0/1 with `bool`). */
export type ComparisonOp = '==' | '!=' | '>' | '<' | '>=' | '<=';
/** Set operators (between two vectors only). */
export type SetOp = 'and' | 'or' | 'unless';
export type BinaryOp = ArithmeticOp | ComparisonOp | SetOp;

/**
 * Vector matching of a binary operator between two vectors: match on the `labels` (`on`) or on every label but
 * them and the metric name (`ignoring`, the default with no labels); `card` one-to-one, many-to-one (`group_left`)
 * or one-to-many (`group_right`), `include` the "one" side's labels copied onto the result; set operators are
 * many-to-many.
 */
export interface VectorMatching {
  readonly card: 'one-to-one' | 'many-to-one' | 'one-to-many' | 'many-to-many';
  readonly on: boolean;
  readonly labels: readonly string[];
  readonly include: readonly string[];
}

/** One node of the subset's syntax tree. */
export type PromExpr =
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'selector'; readonly selector: Selector }
  | {
      readonly kind: 'range-call';
      readonly fn: RangeFunction;
      readonly selector: Selector;
      /** Range of the matrix selector, ms (> 0). */
      readonly rangeMs: number;
    }
  | { readonly kind: 'call'; readonly fn: InstantFunction; readonly args: readonly PromExpr[] }
  | {
      readonly kind: 'aggregate';
      readonly op: AggregationOp;
      /** `by` keeps only these labels; `without` drops them (and the metric name); undefined: no labels. */
      readonly grouping: { readonly mode: 'by' | 'without'; readonly labels: readonly string[] } | undefined;
      readonly expr: PromExpr;
    }
  | {
      readonly kind: 'binary';
      readonly op: BinaryOp;
      readonly lhs: PromExpr;
      readonly rhs: PromExpr;
      /** `bool`: a comparison gives 0 or 1 instead of filtering. */
      readonly bool: boolean;
      /** Matching between two vectors (undefined when a side is a scalar). */
      readonly matching: VectorMatching | undefined;
    }
  | { readonly kind: 'negate'; readonly expr: PromExpr };

/** Whether `e` evaluates to a scalar (numbers and arithmetic of numbers). */
export function isScalar(e: PromExpr): boolean {
  if (e.kind === 'number') return true;
  if (e.kind === 'negate') return isScalar(e.expr);
  if (e.kind === 'binary') return isScalar(e.lhs) && isScalar(e.rhs);
  return false;
}
