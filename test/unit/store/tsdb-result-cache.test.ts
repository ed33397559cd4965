/**
 * The range-query result cache's byte bound (src/store/tsdb/result-cache.ts): under random puts and gets the
 * accounted bytes never exceed the bound, least recently used entries go first, an entry larger than the bound
 * is not kept, and the metrics see the bytes and the counted steps.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { QueryResultCache, resultBytes, type CachedResult } from '../../../src/store/tsdb/result-cache.ts';

function entry(groups: number, steps: number): CachedResult {
  const m = new Map<string, { labels: Record<string, string>; values: Float64Array; present: Uint8Array }>();
  for (let g = 0; g < groups; g++)
    m.set(`g${g}\u0000`, {
      labels: { node_id: `g${g}` },
      values: new Float64Array(steps),
      present: new Uint8Array(steps),
    });
  return {
    t0: 0,
    t1: (steps - 1) * 60_000,
    readFromMs: 0,
    stepMs: 60_000,
    watermark: 0,
    epoch: 0,
    groups: m,
  };
}

describe('query result cache', () => {
  it('never holds more accounted bytes than its bound (random puts, gets, removes)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 20_000 }),
        fc.array(
          fc.record({
            op: fc.constantFrom('put', 'get', 'remove'),
            key: fc.integer({ min: 0, max: 9 }),
            groups: fc.integer({ min: 0, max: 4 }),
            steps: fc.integer({ min: 1, max: 500 }),
          }),
          { maxLength: 60 },
        ),
        (maxBytes, ops) => {
          const c = new QueryResultCache(maxBytes);
          let reported = -1;
          c.setMetrics({ steps: () => undefined, resultBytes: (n) => (reported = n) });
          for (const o of ops) {
            const key = `k${o.key}`;
            if (o.op === 'put') {
              const e = entry(o.groups, o.steps);
              const kept = c.put(key, e);
              assert.equal(kept, resultBytes(key, e) <= maxBytes);
              assert.equal(c.get(key) !== undefined, kept);
            } else if (o.op === 'get') c.get(key);
            else c.remove(key);
            const s = c.stats();
            assert.ok(s.bytes <= maxBytes, `${s.bytes} B held over the bound ${maxBytes}`);
          }
          if (ops.some((o) => o.op === 'put')) assert.equal(reported, c.stats().bytes);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('evicts the least recently used entry first and counts steps', () => {
    const one = resultBytes('k0', entry(1, 100));
    const c = new QueryResultCache(2 * one);
    const seen: [string, number][] = [];
    c.setMetrics({ steps: (r, n) => seen.push([r, n]), resultBytes: () => undefined });
    c.put('k0', entry(1, 100));
    c.put('k1', entry(1, 100));
    c.get('k0'); // k1 is now the least recently used
    c.put('k2', entry(1, 100));
    assert.ok(c.get('k0') !== undefined);
    assert.equal(c.get('k1'), undefined);
    assert.ok(c.get('k2') !== undefined);
    assert.equal(c.stats().evictions, 1);
    c.count(7, 3);
    assert.deepEqual(seen, [
      ['hit', 7],
      ['miss', 3],
    ]);
    assert.deepEqual([c.stats().hitSteps, c.stats().missSteps], [7, 3]);
  });
});
