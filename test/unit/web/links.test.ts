/**
 * The console's cross-view links and time windows: LogQL selectors for nodes (regex characters escaped, so a
 * node id matches only itself), hrefs carrying the window, and windows read back from a route.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { logsHref, nodesLogQuery, nodeTracesHref, traceHref } from '../../../web/src/links.ts';
import { parseRoute } from '../../../web/src/route.ts';
import { windowOf } from '../../../web/src/timeWindow.ts';

describe('console links', () => {
  it('selects one node with = and several with an escaped, anchored alternation', () => {
    assert.equal(nodesLogQuery(['node-1']), '{node_id="node-1"}');
    assert.equal(nodesLogQuery(['node-1', 'edge.2']), '{node_id=~"node-1|edge\\\\.2"}');
    const re = new RegExp(
      `^(?:${JSON.parse(nodesLogQuery(['a.b', 'c+']).slice('{node_id=~'.length, -1)) as string})$`,
    );
    assert.ok(re.test('a.b') && re.test('c+'));
    assert.ok(!re.test('axb') && !re.test('cc'));
  });

  it('carries node, trace, span and window to the logs view and back', () => {
    const r = parseRoute(
      logsHref({
        nodeIds: ['node-2'],
        traceId: 'ab'.repeat(16),
        spanId: 'cd'.repeat(8),
        fromMs: 1000.4,
        toMs: 2000.2,
      }),
    );
    assert.equal(r.view, 'logs');
    assert.equal(r.params.get('query'), '{node_id="node-2"}');
    assert.equal(r.params.get('trace_id'), 'ab'.repeat(16));
    assert.equal(r.params.get('span_id'), 'cd'.repeat(8));
    assert.deepEqual(windowOf(r.params, 99_999), { fromMs: 1000, toMs: 2001 });
    const t = parseRoute(nodeTracesHref('node-3', 5000, 6000));
    assert.deepEqual(
      [t.view, t.params.get('node'), windowOf(t.params, 0)],
      ['traces', 'node-3', { fromMs: 5000, toMs: 6000 }],
    );
    assert.equal(parseRoute(traceHref('ef'.repeat(16))).params.get('trace'), 'ef'.repeat(16));
  });

  it('falls back to a relative range (default 1h) when from/to are missing or reversed', () => {
    assert.deepEqual(windowOf(new URLSearchParams('range=15m'), 1_000_000), {
      fromMs: 100_000,
      toMs: 1_000_000,
    });
    assert.deepEqual(windowOf(new URLSearchParams('from=5&to=1'), 4_000_000), {
      fromMs: 400_000,
      toMs: 4_000_000,
    });
    assert.deepEqual(windowOf(new URLSearchParams('range=bogus'), 4_000_000), {
      fromMs: 400_000,
      toMs: 4_000_000,
    });
  });
});
