/**
 * A small typed PromQL syntax tree: the generated rules and dashboards build expressions from these nodes
 * (never by string concatenation) and `printExpr` (`print.ts`) renders them. Grammar and operator set follow
 * the PromQL reference (https://prometheus.io/docs/prometheus/latest/querying/basics/ and
 * https://prometheus.io/docs/prometheus/latest/querying/operators/), limited to what Prometheus 2.42 supports.
 */

/**
 * A PromQL duration such as `5m`, `1h30m`, or a Grafana interval variable (`$__rate_interval`, `$interval`)
 * that Grafana replaces before the query reaches Prometheus.
 */
export type Duration = `${number}${'ms' | 's' | 'm' | 'h' | 'd' | 'w'}` | `$${string}`;

/** Label matcher operators: equality, inequality, regex match, regex non-match. */
export type MatchOp = '=' | '!=' | '=~' | '!~';

/** One label matcher, e.g. `mode="datacenter"`. */
export interface Matcher {
  readonly label: string;
  readonly op: MatchOp;
  readonly value: string;
}

/**
 * An instant vector selector. `name` is a catalog metric name (plus `_bucket`/`_sum`/`_count` for histograms)
 * or a recording-rule name; `labels` are the label names its series can carry (checked by the constructors in
 * `metric.ts`, used by `outputLabels`).
 */
export interface VectorSelector {
  readonly kind: 'selector';
  readonly name: string;
  readonly matchers: readonly Matcher[];
  readonly labels: readonly string[];
}

/** `selector[range]`. */
export interface MatrixSelector {
  readonly kind: 'matrix';
  readonly selector: VectorSelector;
  readonly range: Duration;
}

/** `expr[range:step]` (step optional). */
export interface Subquery {
  readonly kind: 'subquery';
  readonly expr: Expr;
  readonly range: Duration;
  readonly step?: Duration;
}

/** PromQL functions the generator uses (all exist in Prometheus 2.42). */
export type FunctionName =
  | 'rate'
  | 'irate'
  | 'increase'
  | 'delta'
  | 'deriv'
  | 'changes'
  | 'resets'
  | 'histogram_quantile'
  | 'avg_over_time'
  | 'min_over_time'
  | 'max_over_time'
  | 'sum_over_time'
  | 'count_over_time'
  | 'absent'
  | 'absent_over_time'
  | 'clamp_min'
  | 'clamp_max'
  | 'abs'
  | 'vector'
  | 'scalar'
  | 'time'
  | 'label_replace';

/** A function call. */
export interface Call {
  readonly kind: 'call';
  readonly fn: FunctionName;
  readonly args: readonly Expr[];
}

/** Aggregation operators (https://prometheus.io/docs/prometheus/latest/querying/operators/#aggregation-operators). */
export type AggOp =
  | 'sum'
  | 'avg'
  | 'min'
  | 'max'
  | 'count'
  | 'group'
  | 'stddev'
  | 'stdvar'
  | 'topk'
  | 'bottomk'
  | 'quantile'
  | 'count_values';

/** `op by (labels) (expr)` / `op without (labels) (expr)`; `param` for topk, bottomk, quantile, count_values. */
export interface Aggregation {
  readonly kind: 'aggregation';
  readonly op: AggOp;
  readonly expr: Expr;
  readonly param?: Expr;
  readonly grouping?: { readonly mode: 'by' | 'without'; readonly labels: readonly string[] };
}

/** Arithmetic binary operators. */
export type ArithmeticOp = '+' | '-' | '*' | '/' | '%' | '^';
/** Comparison binary operators (filter, or 0/1 with `bool`). */
export type ComparisonOp = '==' | '!=' | '>' | '<' | '>=' | '<=';
/** Logical/set binary operators between instant vectors. */
export type SetOp = 'and' | 'or' | 'unless';
/** Any binary operator. */
export type BinaryOp = ArithmeticOp | ComparisonOp | SetOp;

/** Vector matching of a binary operation between two vectors. */
export interface VectorMatching {
  readonly on?: readonly string[];
  readonly ignoring?: readonly string[];
  /** Many-to-one (`group_left`) or one-to-many (`group_right`) with the labels to copy from the "one" side. */
  readonly group?: { readonly side: 'left' | 'right'; readonly include: readonly string[] };
}

/** `lhs op [bool] [on|ignoring(...)] [group_left|group_right(...)] rhs`. */
export interface Binary {
  readonly kind: 'binary';
  readonly op: BinaryOp;
  readonly lhs: Expr;
  readonly rhs: Expr;
  /** Comparison returns 0/1 instead of filtering. */
  readonly bool?: boolean;
  readonly matching?: VectorMatching;
}

/** A float literal (thresholds, factors). */
export interface NumberLiteral {
  readonly kind: 'number';
  readonly value: number;
}

/** A string literal (arguments of label_replace, count_values). */
export interface StringLiteral {
  readonly kind: 'string';
  readonly value: string;
}

/**
 * A Grafana dashboard variable used as a scalar (e.g. `$price_per_gb`); Grafana substitutes it before the query
 * reaches Prometheus. Only for dashboards, never in rules.
 */
export interface Variable {
  readonly kind: 'variable';
  readonly name: string;
}

/** Explicit parentheses (the printer also adds them where precedence needs them). */
export interface Paren {
  readonly kind: 'paren';
  readonly expr: Expr;
}

/** Any PromQL expression node. */
export type Expr =
  | VectorSelector
  | MatrixSelector
  | Subquery
  | Call
  | Aggregation
  | Binary
  | NumberLiteral
  | StringLiteral
  | Variable
  | Paren;
