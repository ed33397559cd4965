/**
 * packForPages: a permutation of the rows whose page-sized bins (first-fit decreasing) leave less of a page
 * empty than series order does.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { LEAF_BYTES, packForPages, ROW_OVERHEAD_BYTES } from '../../../src/store/tsdb/page-pack.ts';

/** Pages used when rows are appended in order and a row that does not fit starts a new page (SQLite's append). */
function pagesInOrder(sizes: readonly number[]): number {
  let pages = 0;
  let free = 0;
  for (const s of sizes) {
    const c = s + ROW_OVERHEAD_BYTES;
    if (c > free) {
      pages++;
      free = LEAF_BYTES;
    }
    free -= c;
  }
  return pages;
}

describe('tsdb page packing', () => {
  it('is a permutation of any rows', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 5000 }), { maxLength: 400 }), (sizes) => {
        const rows = sizes.map((size, id) => ({ id, size }));
        const out = packForPages(rows, (r) => r.size);
        assert.deepEqual(
          out.map((r) => r.id).sort((a, b) => a - b),
          rows.map((r) => r.id),
        );
      }),
      { numRuns: 200 },
    );
  });

  it('fills pages: mixed small and 3 KiB rows in series order take a fifth more pages than packed', () => {
    // Every fifth series a 3 KiB float chunk, the others 240 B, as chunk blobs of a scrape come.
    const sizes = Array.from({ length: 1000 }, (_, i) => (i % 5 === 0 ? 3000 + (i % 7) * 50 : 240 + (i % 3)));
    const inOrder = pagesInOrder(sizes);
    const packed = pagesInOrder(packForPages(sizes, (s) => s));
    const payload = sizes.reduce((a, s) => a + s + ROW_OVERHEAD_BYTES, 0);
    const ideal = Math.ceil(payload / LEAF_BYTES);
    assert.ok(packed <= ideal * 1.05, `packed ${packed} pages, at least ${ideal}`);
    assert.ok(inOrder >= packed * 1.2, `in order ${inOrder} pages, packed ${packed}`);
  });
});
