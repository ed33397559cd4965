/**
 * The decoded sealed blocks of the stream index (src/logs/store/block-cache.ts): never more bytes than the bound,
 * least recently used evicted first, and a block whose rowid now holds other entries (rewritten by retention or the
 * cap) never served.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { BlockCache, type DecodedBlock } from '../../../../src/logs/store/block-cache.ts';

function block(firstId: number, n: number): DecodedBlock {
  const ids = Float64Array.from({ length: n }, (_, i) => firstId + i);
  return { firstId, lastId: firstId + n - 1, ids, times: ids.map((x) => x * 10) };
}

describe('block cache', () => {
  it('holds at most its bound in bytes, whatever is put', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 4096 }),
        fc.array(fc.tuple(fc.nat(40), fc.integer({ min: 1, max: 100 })), { maxLength: 200 }),
        (max, puts) => {
          const c = new BlockCache(max);
          for (const [rid, n] of puts) {
            c.put(rid, block(rid * 1000, n));
            assert.ok(c.bytes <= max, `${c.bytes} > ${max}`);
          }
          // the bytes counted are those of the blocks held
          let held = 0;
          for (let rid = 0; rid <= 40; rid++) {
            const b = c.get(
              rid,
              rid * 1000,
              rid * 1000 + (puts.findLast((p) => p[0] === rid)?.[1] ?? 1) - 1,
              puts.findLast((p) => p[0] === rid)?.[1] ?? 1,
            );
            if (b !== undefined) held += b.ids.byteLength + b.times.byteLength;
          }
          assert.equal(held, c.bytes);
        },
      ),
    );
  });

  it('evicts the least recently used block first', () => {
    const c = new BlockCache(3 * 16 * 10);
    c.put(1, block(100, 10));
    c.put(2, block(200, 10));
    c.put(3, block(300, 10));
    assert.ok(c.get(1, 100, 109, 10) !== undefined);
    c.put(4, block(400, 10));
    assert.equal(c.get(2, 200, 209, 10), undefined);
    assert.ok(c.get(1, 100, 109, 10) !== undefined);
    assert.ok(c.get(3, 300, 309, 10) !== undefined);
    assert.ok(c.get(4, 400, 409, 10) !== undefined);
    assert.equal(c.count, 3);
  });

  it('a block described otherwise than it was kept is dropped, not served', () => {
    const c = new BlockCache(1 << 20);
    c.put(7, block(100, 10));
    assert.equal(c.get(7, 101, 109, 9), undefined);
    assert.equal(c.bytes, 0);
    c.put(7, block(100, 10));
    c.forget(7);
    assert.equal(c.get(7, 100, 109, 10), undefined);
    assert.equal(c.bytes, 0);
    assert.throws(() => new BlockCache(-1), RangeError);
  });
});
