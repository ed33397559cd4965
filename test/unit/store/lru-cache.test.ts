import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidInputError } from '../../../src/errors.ts';
import { LruCache } from '../../../src/store/lru-cache.ts';

describe('LruCache', () => {
  it('evicts the least recently used entry and rejects a bad capacity', () => {
    const c = new LruCache<string, number>(2);
    c.set('a', 1);
    c.set('b', 2);
    assert.equal(c.get('a'), 1); // a is now most recent
    c.set('c', 3);
    assert.equal(c.get('b'), undefined);
    assert.equal(c.get('a'), 1);
    assert.equal(c.size, 2);
    assert.throws(() => new LruCache(1), InvalidInputError);
    assert.throws(() => new LruCache(2.5), InvalidInputError);
  });

  it('never holds more than its capacity, and an entry used every generation survives', () => {
    const big = new LruCache<number, number>(1000);
    for (let i = 0; i < 100_000; i++) {
      big.set(i, i);
      big.get(0); // a hot entry survives every generation
      assert.ok(big.size <= 1000);
    }
    assert.equal(big.get(0), 0);
    assert.equal(big.get(50_000), undefined);
    assert.equal(big.get(99_999), 99_999);
    assert.equal(big.delete(99_999), true);
    assert.equal(big.delete(99_999), false);
    assert.equal(big.get(99_999), undefined);
  });

  it('set replaces a value in either generation without growing; clear empties it', () => {
    const c = new LruCache<string, number>(4);
    c.set('a', 1);
    c.set('b', 2);
    c.set('c', 3); // a and b now in the old generation
    c.set('a', 10);
    c.set('c', 30);
    assert.equal(c.get('a'), 10);
    assert.equal(c.get('c'), 30);
    assert.ok(c.size <= 4);
    c.clear();
    assert.equal(c.size, 0);
    assert.equal(c.get('a'), undefined);
  });
});
