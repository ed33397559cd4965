/** The shared query cache: one computation per key within the time to live, in-flight sharing, no cached failures, bounded size. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SharedQueryCache } from '../../../src/dashboards/query-cache.ts';
import { InvalidInputError } from '../../../src/errors.ts';

test('N concurrent viewers of one key cost one computation; within the TTL later ones hit; after it, one recomputation', async () => {
  let now = 1000;
  let computed = 0;
  const cache = new SharedQueryCache<number>({ maxEntries: 10, ttlMs: 2000, now: () => now });
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const compute = async () => {
    computed++;
    await gate;
    return 42;
  };
  const viewers = Array.from({ length: 50 }, () => cache.get('q', compute));
  release();
  const results = await Promise.all(viewers);
  assert.equal(computed, 1);
  assert.ok(results.every((r) => r.value === 42 && r.computedAtMs === 1000));
  now = 2999;
  assert.equal((await cache.get('q', compute)).computedAtMs, 1000);
  now = 3000;
  assert.equal((await cache.get('q', compute)).computedAtMs, 3000);
  assert.equal(computed, 2);
  assert.deepEqual(cache.stats(), { hits: 1, joins: 49, misses: 2, size: 1 });
});

test('a failure reaches every waiting caller and is not cached', async () => {
  const cache = new SharedQueryCache<number>({ maxEntries: 10, ttlMs: 60_000 });
  let calls = 0;
  const failing = async () => {
    calls++;
    throw new Error('store down');
  };
  const rs = await Promise.allSettled([cache.get('k', failing), cache.get('k', failing)]);
  assert.deepEqual(rs.map((r) => r.status), ['rejected', 'rejected']);
  assert.equal(calls, 1);
  assert.equal((await cache.get('k', async () => 7)).value, 7);
});

test('the number of entries never exceeds maxEntries', async () => {
  const cache = new SharedQueryCache<number>({ maxEntries: 8, ttlMs: 60_000 });
  for (let i = 0; i < 1000; i++) {
    await cache.get(`k${i}`, async () => i);
    assert.ok(cache.stats().size <= 8);
  }
  assert.throws(() => new SharedQueryCache({ maxEntries: 1, ttlMs: 1 }), InvalidInputError);
  assert.throws(() => new SharedQueryCache({ maxEntries: 4, ttlMs: 0 }), InvalidInputError);
});
