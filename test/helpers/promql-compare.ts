/**
 * The PromQL the product generates (`dwcp-monitor generate`: dashboard panels with Grafana's default variable
 * values, and rules), the constructs each uses, and a comparison of two Prometheus API answers, for the tests that
 * check the monitor's query API against the generated files and against Prometheus.
 */
import { generateAll } from '../../src/generate/index.ts';
import type { PromExpr } from '../../src/query/promql/ast.ts';
import { GRAFANA_TEST_VARIABLES, panelQueries, ruleQueries, substitute } from './generated-tree.ts';

/** Every distinct expression of the generated dashboards (variables substituted) and rules. */
export function generatedExpressions(): string[] {
  const files = generateAll();
  return [
    ...new Set([
      ...panelQueries(files).map((q) => substitute(q.expr, GRAFANA_TEST_VARIABLES)),
      ...ruleQueries(files).map((q) => q.expr),
    ]),
  ];
}

/** The constructs of a tree, by name (`function histogram_quantile`, `binary / on`, …). */
export function constructs(e: PromExpr, out = new Set<string>()): Set<string> {
  switch (e.kind) {
    case 'number':
      break;
    case 'selector':
      out.add(e.selector.metric === undefined ? 'selector without a name' : 'selector');
      if (e.selector.offsetMs !== 0) out.add('offset');
      break;
    case 'range-call':
      out.add(`function ${e.fn}`);
      if (e.selector.offsetMs !== 0) out.add('offset');
      break;
    case 'call':
      out.add(`function ${e.fn}`);
      for (const a of e.args) constructs(a, out);
      break;
    case 'aggregate':
      out.add(`aggregation ${e.op}`);
      constructs(e.expr, out);
      break;
    case 'negate':
      out.add('unary -');
      constructs(e.expr, out);
      break;
    case 'binary': {
      const sides = e.matching ? 'vector-vector' : 'with a scalar';
      out.add(`${e.op}${e.bool ? ' bool' : ''} ${sides}`);
      if (e.matching?.on) out.add(`matching on (${e.matching.card})`);
      constructs(e.lhs, out);
      constructs(e.rhs, out);
      break;
    }
  }
  return out;
}

/** An instant query's `data`: a vector (or a scalar). */
export interface Vector {
  resultType: 'vector' | 'scalar';
  result: { metric: Record<string, string>; value: [number, string] }[];
}

const close = (a: number, b: number, rel: number) =>
  (Number.isNaN(a) && Number.isNaN(b)) ||
  a === b ||
  Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b));

/**
 * How two instant query answers differ (result type, label sets, or a value beyond `rel` relative; NaN equals
 * NaN), or undefined when they agree.
 */
export function sameResults(expected: Vector, actual: Vector, rel: number): string | undefined {
  if (expected.resultType !== actual.resultType)
    return `result type ${actual.resultType}, expected ${expected.resultType}`;
  if (expected.resultType === 'scalar') {
    const [e, a] = [expected.result, actual.result] as unknown as [[number, string], [number, string]];
    return close(Number(e[1]), Number(a[1]), rel) ? undefined : `scalar ${a[1]}, expected ${e[1]}`;
  }
  const key = (m: Record<string, string>) => JSON.stringify(Object.entries(m).sort());
  const want = new Map(expected.result.map((s) => [key(s.metric), Number(s.value[1])]));
  const got = new Map(actual.result.map((s) => [key(s.metric), Number(s.value[1])]));
  const missing = [...want.keys()].filter((k) => !got.has(k));
  const extra = [...got.keys()].filter((k) => !want.has(k));
  if (missing.length + extra.length > 0)
    return `series missing ${missing.slice(0, 3).join(' ')}; extra ${extra.slice(0, 3).join(' ')}`;
  for (const [k, v] of want) if (!close(v, got.get(k)!, rel)) return `${k}: ${got.get(k)}, expected ${v}`;
  return undefined;
}
