/**
 * Constructors for PromQL syntax nodes (`ast.ts`). Selectors are built in `metric.ts` (catalog-checked);
 * everything else is built here. Constructors validate durations and label names and throw
 * `InvalidInputError` on malformed input, so a malformed tree cannot be built.
 */
import { InvalidInputError } from '../../errors.ts';
import type {
  AggOp,
  Aggregation,
  Binary,
  BinaryOp,
  Call,
  Duration,
  Expr,
  FunctionName,
  Matcher,
  MatrixSelector,
  NumberLiteral,
  Paren,
  StringLiteral,
  Subquery,
  VectorMatching,
  Variable,
  VectorSelector,
} from './ast.ts';

const DURATION_RE = /^((\d+)(ms|s|m|h|d|w|y))+$/;
const VARIABLE_RE = /^\$[A-Za-z_][A-Za-z0-9_]*$/;
const LABEL_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Checks a duration literal (`5m`, `1h30m`) or Grafana interval variable (`$__rate_interval`).
 * @throws InvalidInputError when it is neither.
 */
export function checkDuration(d: Duration): Duration {
  if (!DURATION_RE.test(d) && !VARIABLE_RE.test(d))
    throw new InvalidInputError(`invalid PromQL duration "${d}"`);
  return d;
}

/**
 * Seconds of a duration literal such as `1h30m` (units ms, s, m, h, d, w, y = 365 d).
 * @throws InvalidInputError for variables or malformed input.
 */
export function durationSeconds(d: string): number {
  if (!DURATION_RE.test(d)) throw new InvalidInputError(`not a duration literal: "${d}"`);
  const unit: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 };
  let total = 0;
  for (const m of d.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)) total += Number(m[1]) * unit[m[2]!]!;
  return total;
}

/**
 * Checks a label name against the Prometheus label name rule `[A-Za-z_][A-Za-z0-9_]*`.
 * @throws InvalidInputError when it does not match.
 */
export function checkLabelName(name: string): string {
  if (!LABEL_RE.test(name)) throw new InvalidInputError(`invalid label name "${name}"`);
  return name;
}

/** Matcher `label="value"`. */
export function eq(label: string, value: string): Matcher {
  return { label: checkLabelName(label), op: '=', value };
}
/** Matcher `label!="value"`. */
export function ne(label: string, value: string): Matcher {
  return { label: checkLabelName(label), op: '!=', value };
}
/** Matcher `label=~"regex"` (fully anchored by Prometheus). */
export function re(label: string, value: string): Matcher {
  return { label: checkLabelName(label), op: '=~', value };
}
/** Matcher `label!~"regex"`. */
export function nre(label: string, value: string): Matcher {
  return { label: checkLabelName(label), op: '!~', value };
}

/** Range vector `selector[range]`. */
export function range(selector: VectorSelector, d: Duration): MatrixSelector {
  return { kind: 'matrix', selector, range: checkDuration(d) };
}

/** Subquery `expr[range:step]`. */
export function subquery(expr: Expr, d: Duration, step?: Duration): Subquery {
  return step === undefined
    ? { kind: 'subquery', expr, range: checkDuration(d) }
    : { kind: 'subquery', expr, range: checkDuration(d), step: checkDuration(step) };
}

/** Function call `fn(args...)`. */
export function call(fn: FunctionName, ...args: Expr[]): Call {
  return { kind: 'call', fn, args };
}

/** `rate(selector[d])`: per-second average increase of a counter. */
export function rate(selector: VectorSelector, d: Duration): Call {
  return call('rate', range(selector, d));
}

/** `increase(selector[d])`: increase of a counter over d. */
export function increase(selector: VectorSelector, d: Duration): Call {
  return call('increase', range(selector, d));
}

/** Number literal. @throws InvalidInputError for NaN (PromQL has NaN but a threshold never should be). */
export function num(value: number): NumberLiteral {
  if (Number.isNaN(value)) throw new InvalidInputError('NaN is not a valid threshold');
  return { kind: 'number', value };
}

/** String literal (for label_replace and count_values). */
export function str(value: string): StringLiteral {
  return { kind: 'string', value };
}

/** Dashboard variable as a scalar (`$name`). @throws InvalidInputError on an invalid name. */
export function variable(name: string): Variable {
  return { kind: 'variable', name: checkLabelName(name) };
}

/** Explicit parentheses. */
export function paren(expr: Expr): Paren {
  return { kind: 'paren', expr };
}

function grouped(
  op: AggOp,
  expr: Expr,
  mode: 'by' | 'without' | undefined,
  labels: readonly string[],
  param?: Expr,
): Aggregation {
  const base: Aggregation =
    param === undefined ? { kind: 'aggregation', op, expr } : { kind: 'aggregation', op, expr, param };
  if (mode === undefined) return base;
  return { ...base, grouping: { mode, labels: labels.map(checkLabelName) } };
}

/** `op(expr)` without grouping. */
export function agg(op: AggOp, expr: Expr): Aggregation {
  return grouped(op, expr, undefined, []);
}
/** `op by (labels) (expr)`. */
export function aggBy(op: AggOp, labels: readonly string[], expr: Expr): Aggregation {
  return grouped(op, expr, 'by', labels);
}
/** `op without (labels) (expr)`. */
export function aggWithout(op: AggOp, labels: readonly string[], expr: Expr): Aggregation {
  return grouped(op, expr, 'without', labels);
}
/** `sum by (labels) (expr)`; no labels = `sum(expr)`. */
export function sumBy(labels: readonly string[], expr: Expr): Aggregation {
  return labels.length === 0 ? agg('sum', expr) : aggBy('sum', labels, expr);
}
/** `quantile by (labels) (q, expr)` etc.: parameterised aggregation (`topk`, `bottomk`, `quantile`). */
export function aggParam(
  op: 'topk' | 'bottomk' | 'quantile',
  param: number,
  labels: readonly string[] | undefined,
  expr: Expr,
): Aggregation {
  return grouped(op, expr, labels === undefined ? undefined : 'by', labels ?? [], num(param));
}

/**
 * `histogram_quantile(q, sum by (le, labels) (rate(bucket[d])))`: the q-quantile of a classic histogram.
 * @param q quantile 0..1.
 * @throws InvalidInputError when q is outside 0..1.
 */
export function histogramQuantile(
  q: number,
  bucket: VectorSelector,
  d: Duration,
  labels: readonly string[] = [],
): Call {
  if (!(q >= 0 && q <= 1)) throw new InvalidInputError(`quantile ${q} outside 0..1`);
  return call('histogram_quantile', num(q), aggBy('sum', ['le', ...labels], rate(bucket, d)));
}

/** Binary operation with optional `bool` and vector matching. */
export function bin(
  op: BinaryOp,
  lhs: Expr,
  rhs: Expr,
  opts: { bool?: boolean; matching?: VectorMatching } = {},
): Binary {
  const m = opts.matching;
  if (m) {
    if (m.on && m.ignoring) throw new InvalidInputError('on() and ignoring() are exclusive');
    [...(m.on ?? []), ...(m.ignoring ?? []), ...(m.group?.include ?? [])].forEach(checkLabelName);
  }
  if (opts.bool && !['==', '!=', '>', '<', '>=', '<='].includes(op))
    throw new InvalidInputError(`bool needs a comparison, not ${op}`);
  const out: Binary = { kind: 'binary', op, lhs, rhs };
  return { ...out, ...(opts.bool ? { bool: true } : {}), ...(m ? { matching: m } : {}) };
}

/** Shorthands for the common binary operations. */
export const add = (a: Expr, b: Expr): Binary => bin('+', a, b);
/** `a - b`. */
export const sub = (a: Expr, b: Expr): Binary => bin('-', a, b);
/** `a * b`. */
export const mul = (a: Expr, b: Expr): Binary => bin('*', a, b);
/** `a / b`. */
export const div = (a: Expr, b: Expr): Binary => bin('/', a, b);
/** `a > b`. */
export const gt = (a: Expr, b: Expr): Binary => bin('>', a, b);
/** `a < b`. */
export const lt = (a: Expr, b: Expr): Binary => bin('<', a, b);
/** `a >= b`. */
export const gte = (a: Expr, b: Expr): Binary => bin('>=', a, b);
/** `a <= b`. */
export const lte = (a: Expr, b: Expr): Binary => bin('<=', a, b);
/** `a == b`. */
export const eqOp = (a: Expr, b: Expr): Binary => bin('==', a, b);
/** `a and b`. */
export const and = (a: Expr, b: Expr): Binary => bin('and', a, b);
/** `a or b`. */
export const or = (a: Expr, b: Expr): Binary => bin('or', a, b);
