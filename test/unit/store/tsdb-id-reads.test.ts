/**
 * How rollup reads split series ids into statements (src/store/tsdb/chunk-repo.ts `idReads`): dense runs of
 * ids become one `between` range each (bounded overreach, the ids asked listed when the range holds others),
 * the scattered rest `in` lists of at most 1000; every id is read exactly once.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { idReads } from '../../../src/store/tsdb/chunk-repo.ts';

describe('rollup read statements (idReads)', () => {
  it('covers every id once, ranges stay dense, lists stay bounded', () => {
    const idsArb = fc.oneof(
      fc.array(fc.integer({ min: 1, max: 5000 }), { maxLength: 3000 }),
      // Runs of consecutive ids with gaps (the ids of a metric's series).
      fc
        .array(fc.tuple(fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 1, max: 400 })), {
          maxLength: 20,
        })
        .map((runs) => runs.flatMap(([a, len]) => Array.from({ length: len }, (_, i) => a + i))),
    );
    fc.assert(
      fc.property(idsArb, (ids) => {
        const { ranges, lists } = idReads(ids);
        const want = new Set(ids);
        const seen = new Map<number, number>();
        const see = (id: number): void => void seen.set(id, (seen.get(id) ?? 0) + 1);
        for (const r of ranges) {
          assert.ok(r.lo <= r.hi);
          let count = 0;
          for (let id = r.lo; id <= r.hi; id++) {
            if (r.only !== undefined && !r.only.has(id)) {
              assert.ok(!want.has(id), `range ${r.lo}-${r.hi} leaves out ${id}, asked`);
              continue;
            }
            assert.ok(want.has(id), `range ${r.lo}-${r.hi} reads ${id}, not asked`);
            see(id);
            count++;
          }
          assert.ok(count >= 32, `a range of ${count} ids`);
          assert.ok(r.hi - r.lo + 1 <= 2 * count + 16, `range ${r.lo}-${r.hi} spans ${count} ids`);
          if (r.only !== undefined) for (const id of r.only) assert.ok(id >= r.lo && id <= r.hi);
        }
        for (const l of lists) {
          assert.ok(l.length > 0 && l.length <= 1000);
          for (const id of l) see(id);
        }
        assert.equal(seen.size, want.size);
        for (const [id, k] of seen) assert.equal(k, 1, `id ${id} read ${k} times`);
      }),
      { numRuns: 300 },
    );
  });

  it('reads consecutive ids as one range without an id list', () => {
    const ids = Array.from({ length: 10_000 }, (_, i) => 10_000 - i);
    assert.deepEqual(idReads(ids), { ranges: [{ lo: 1, hi: 10_000, only: undefined }], lists: [] });
  });
});
