/** The shared query cache: one computation per key within the time to live, in-flight sharing, no cached failures, bounded size. */
import assert from 'node:assert/strict';
import { describe, it, test } from 'node:test';
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
  assert.deepEqual(cache.stats(), { hits: 1, joins: 49, misses: 2, stale: 0, size: 1 });
});

test('a failure reaches every waiting caller and is not cached', async () => {
  const cache = new SharedQueryCache<number>({ maxEntries: 10, ttlMs: 60_000 });
  let calls = 0;
  const failing = async () => {
    calls++;
    throw new Error('store down');
  };
  const rs = await Promise.allSettled([cache.get('k', failing), cache.get('k', failing)]);
  assert.deepEqual(
    rs.map((r) => r.status),
    ['rejected', 'rejected'],
  );
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

describe('SharedQueryCache stale-while-revalidate', () => {
  it('serves an expired entry within the stale bound while one refresh runs, and computes past the bound', async () => {
    let now = 1000;
    let calls = 0;
    let release: () => void = () => undefined;
    const cache = new SharedQueryCache<number>({
      maxEntries: 10,
      ttlMs: 2000,
      staleMs: 2000,
      now: () => now,
    });
    const compute = () =>
      new Promise<number>((resolve) => {
        calls++;
        release = () => resolve(calls);
      });
    const first = cache.get('q', compute);
    release();
    assert.equal((await first).value, 1);
    now = 3500; // expired (2.5 s old), within ttl + stale (4 s)
    const stale = await Promise.all(Array.from({ length: 10 }, () => cache.get('q', compute)));
    assert.ok(
      stale.every((c) => c.value === 1 && c.computedAtMs === 1000),
      'the stale entry is served at once, with its age',
    );
    assert.equal(calls, 2, 'one background refresh for all of them');
    release();
    await new Promise((r) => setImmediate(r));
    assert.equal((await cache.get('q', compute)).value, 2, 'the refreshed entry is served next');
    now = 3500 + 4001; // the refreshed entry is now beyond ttl + stale
    const late = cache.get('q', compute);
    release();
    assert.equal((await late).value, 3, 'past the bound the caller waits for a fresh value');
    assert.deepEqual(cache.stats(), { hits: 1, joins: 0, misses: 2, stale: 10, size: 1 });
  });

  it('serves a new key the newest entry of its family within the bound, and never beyond it', async () => {
    let now = 0;
    const cache = new SharedQueryCache<string>({
      maxEntries: 10,
      ttlMs: 1000,
      staleMs: 1000,
      now: () => now,
    });
    await cache.get('q@window1', async () => 'w1', 'q');
    now = 500;
    assert.equal(
      (await cache.get('q@window2', async () => 'w2', 'q')).value,
      'w1',
      'the previous window while the new one is computed',
    );
    await new Promise((r) => setImmediate(r));
    assert.equal((await cache.get('q@window2', async () => 'again', 'q')).value, 'w2');
    now = 5000;
    assert.equal(
      (await cache.get('q@window3', async () => 'w3', 'q')).value,
      'w3',
      'too old to serve: computed',
    );
    assert.equal((await cache.get('other', async () => 'o', 'p')).value, 'o', 'another family is not served');
  });

  it('refuses a negative stale bound', () => {
    assert.throws(() => new SharedQueryCache({ maxEntries: 4, ttlMs: 1, staleMs: -1 }), InvalidInputError);
  });
});
