/**
 * The typed syntax tree of the PromQL subset this monitor evaluates (docs/promql-api.md): vector selectors,
 * range functions over a matrix selector, the five basic aggregations, number literals and arithmetic between a
 * vector and a scalar.
 * @see https://prometheus.io/docs/prometheus/latest/querying/basics/
 */

/** A label matcher; `regex` is the fully anchored pattern of `=~` and `!~`. */
export interface LabelMatcher {
  readonly name: string;
  readonly op: '=' | '!=' | '=~' | '!~';
  readonly value: string;
  readonly regex?: RegExp;
}

/** A vector selector: the metric name (required by this monitor) and the other matchers. */
export interface Selector {
  readonly metric: string;
  readonly matchers: readonly LabelMatcher[];
}

/** Functions of a range vector this monitor evaluates. */
export const RANGE_FUNCTIONS = [
  'rate',
  'irate',
  'increase',
  'avg_over_time',
  'min_over_time',
  'max_over_time',
  'sum_over_time',
  'count_over_time',
  'last_over_time',
] as const;
export type RangeFunction = (typeof RANGE_FUNCTIONS)[number];

/** Aggregation operators this monitor evaluates. */
export const AGGREGATION_OPS = ['sum', 'avg', 'min', 'max', 'count'] as const;
export type AggregationOp = (typeof AGGREGATION_OPS)[number];

/** Arithmetic operators between a vector and a scalar (or two scalars). */
export type ArithmeticOp = '+' | '-' | '*' | '/' | '%' | '^';

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
  | {
      readonly kind: 'aggregate';
      readonly op: AggregationOp;
      /** `by` keeps only these labels; `without` drops them (and the metric name); undefined: no labels. */
      readonly grouping: { readonly mode: 'by' | 'without'; readonly labels: readonly string[] } | undefined;
      readonly expr: PromExpr;
    }
  | { readonly kind: 'binary'; readonly op: ArithmeticOp; readonly lhs: PromExpr; readonly rhs: PromExpr }
  | { readonly kind: 'negate'; readonly expr: PromExpr };
