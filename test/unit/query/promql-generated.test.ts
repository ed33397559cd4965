/**
 * Inventory of the PromQL the product generates (`dwcp-monitor generate`): every distinct expression of the Grafana
 * dashboards' panels (Grafana variables substituted as Grafana does with the dashboards' defaults) and of the
 * Prometheus rules is parsed and evaluated by the monitor's query API engine. What the engine still refuses is a
 * golden list below (empty: everything the product generates is answered), so a new generated construct outside
 * the subset fails here rather than on a user's dashboard.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluate } from '../../../src/query/promql/evaluate.ts';
import { parsePromQL } from '../../../src/query/promql/parse.ts';
import { constructs, generatedExpressions } from '../../helpers/promql-compare.ts';

/** Generated expressions the monitor refuses, with the error: none. */
const REFUSED: readonly string[] = [];

describe('PromQL the product generates', () => {
  const queries = generatedExpressions();

  it('every generated dashboard and rule expression parses and evaluates', async (t) => {
    assert.ok(queries.length > 200, `only ${queries.length} generated expressions found`);
    const refused: string[] = [];
    const counts = new Map<string, number>();
    for (const q of queries) {
      try {
        const e = parsePromQL(q);
        for (const c of constructs(e)) counts.set(c, (counts.get(c) ?? 0) + 1);
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
