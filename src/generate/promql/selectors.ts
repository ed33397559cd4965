/**
 * The series names an expression reads: every vector selector's name, also under range selectors, subqueries,
 * calls, aggregations and binary operations. Pure.
 */
import type { Expr } from './ast.ts';

/**
 * Names of the selectors in `expr` (metric sample names such as `x_bucket`, and recording-rule names), added to
 * `out` (returned).
 */
export function selectorNames(expr: Expr, out: Set<string> = new Set()): Set<string> {
  switch (expr.kind) {
    case 'selector':
      out.add(expr.name);
      break;
    case 'matrix':
      out.add(expr.selector.name);
      break;
    case 'subquery':
    case 'paren':
      selectorNames(expr.expr, out);
      break;
    case 'call':
      for (const a of expr.args) selectorNames(a, out);
      break;
    case 'aggregation':
      selectorNames(expr.expr, out);
      if (expr.param) selectorNames(expr.param, out);
      break;
    case 'binary':
      selectorNames(expr.lhs, out);
      selectorNames(expr.rhs, out);
      break;
    case 'number':
    case 'string':
    case 'variable':
      break;
  }
  return out;
}
