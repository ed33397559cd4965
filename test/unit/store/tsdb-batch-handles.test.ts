import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BatchHandleMemo } from '../../../src/store/tsdb/batch-handles.ts';
import { Head, type HeadSeries } from '../../../src/store/tsdb/head.ts';

const limits = {
  maxSamplesPerChunk: 120,
  maxChunkSpanMs: 3_600_000,
  maxChunkBytes: 1 << 24,
  maxHeadSeries: 1000,
  maxHeadBytes: 1e9,
};

describe('batch handle memo', () => {
  it('answers from the previous batch of the same shape only where the key is the same and nothing left the head', () => {
    const head = new Head(limits);
    const keys = ['a', 'b', 'c'];
    for (const [i, k] of keys.entries()) head.add(i + 1, k, -Infinity);
    const memo = new BatchHandleMemo();
    const found: (HeadSeries | undefined)[] = [];
    assert.equal(memo.resolve(head, keys, found), 0);
    assert.deepEqual(
      found.map((s) => s?.key),
      keys,
    );
    memo.remember(head, keys, found);
    const again: (HeadSeries | undefined)[] = [];
    assert.equal(memo.resolve(head, ['a', 'x', 'c'], again), 2); // 'x' is not in the head: looked up, absent
    assert.deepEqual(
      again.map((s) => s?.key),
      ['a', undefined, 'c'],
    );
    head.remove(head.get('c')!);
    head.add(9, 'c', -Infinity); // a new series object under the same key
    const after: (HeadSeries | undefined)[] = [];
    assert.equal(memo.resolve(head, keys, after), 0, 'a removal makes every remembered handle suspect');
    assert.equal(after[2]!.id, 9);
  });

  it('holds at most maxPositions remembered positions', () => {
    const head = new Head(limits);
    const memo = new BatchHandleMemo(10);
    for (let b = 0; b < 50; b++) {
      const keys = Array.from({ length: 1 + (b % 4) }, (_, i) => `s${b}-${i}`);
      memo.remember(
        head,
        keys,
        keys.map(() => undefined),
      );
      assert.ok(memo.size <= 10, `size ${memo.size}`);
    }
    memo.remember(
      head,
      Array.from({ length: 11 }, (_, i) => `big${i}`),
      [],
    );
    assert.ok(memo.size <= 10);
  });
});
