/**
 * Inventory of the PromQL the product generates (`dwcp-monitor generate`): every distinct expression of the Grafana
 * dashboards' panels (Grafana variables substituted as Grafana does with the dashboards' defaults) and of the
 * Prometheus rules is parsed and evaluated by the monitor's query API engine. What the engine still refuses is a
 * golden list below (empty: everything the product generates is answered), so a new generated construct outside
 * the subset fails here rather than on a user's dashboard.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generateAll } from '../../../src/generate/index.ts';
import type { PromExpr } from '../../../src/query/promql/ast.ts';
import { evaluate } from '../../../src/query/promql/evaluate.ts';
import { parsePromQL } from '../../../src/query/promql/parse.ts';
import {
  GRAFANA_TEST_VARIABLES,
  panelQueries,
  ruleQueries,
  substitute,
} from '../../helpers/generated-tree.ts';

/** Generated expressions the monitor refuses, with the error: none. */
const REFUSED: readonly string[] = [];

/** The constructs of a tree, by name (`function histogram_quantile`, `binary / on`, …). */
function constructs(e: PromExpr, out: Set<string>): Set<string> {
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

describe('PromQL the product generates', () => {
  const files = generateAll();
  const queries = [
    ...new Set([
      ...panelQueries(files).map((q) => substitute(q.expr, GRAFANA_TEST_VARIABLES)),
      ...ruleQueries(files).map((q) => q.expr),
    ]),
  ];

  it('every generated dashboard and rule expression parses and evaluates', async (t) => {
    assert.ok(queries.length > 200, `only ${queries.length} generated expressions found`);
    const refused: string[] = [];
    const counts = new Map<string, number>();
    for (const q of queries) {
      try {
        const e = parsePromQL(q);
        for (const c of constructs(e, new Set())) counts.set(c, (counts.get(c) ?? 0) + 1);
        await evaluate(
          e,
          { select: async () => [] },
          {
            startMs: 1e12,
            endMs: 1e12 + 60_000,
            stepMs: 15_000,
            lookbackMs: 300_000,
            maxSeries: 10_000,
          },
        );
      } catch (err) {
        refused.push(`${q} → ${(err as Error).message}`);
      }
    }
    t.diagnostic(`${queries.length} distinct expressions, ${refused.length} refused`);
    t.diagnostic(
      [...counts]
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
        .map(([c, n]) => `${c}: ${n}`)
        .join('; '),
    );
    assert.deepEqual(refused, REFUSED);
    // the constructs the generated files are known to need (a generator change dropping one is fine: update this)
    for (const c of ['function histogram_quantile', 'function changes', 'function delta', '/ vector-vector'])
      assert.ok(counts.has(c), `no generated expression uses ${c}`);
  });
});
