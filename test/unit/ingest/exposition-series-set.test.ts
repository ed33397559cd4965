import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseExposition } from '../../../src/ingest/exposition.ts';
import { SeriesSet, STALE_SLOTS_KEPT } from '../../../src/ingest/exposition-series-set.ts';
import { SeriesTextCachePool, seriesTextHash } from '../../../src/ingest/series-text-cache.ts';

/** Two series texts with the same 32-bit FNV-1a hash (found by search). */
const A = 'm{a="149599"}';
const B = 'm{a="312382"}';

describe('duplicate-series set reused between parses', () => {
  it('the two test keys collide', () => {
    assert.equal(seriesTextHash(A, 0, A.length), seriesTextHash(B, 0, B.length));
  });

  it('counts every key absent again in the next parse and tells colliding keys apart across parses', () => {
    const set = new SeriesSet(true);
    set.begin();
    assert.equal(set.addRange(A, 0, A.length), true);
    assert.equal(set.addRange(A, 0, A.length), false);
    set.end();
    set.begin();
    assert.equal(set.addRange(B, 0, B.length), true, 'B takes over the slot A left');
    assert.equal(set.addRange(A, 0, A.length), true, 'A is new in this parse');
    assert.equal(set.addRange(B, 0, B.length), false);
    assert.equal(set.addRange(A, 0, A.length), false);
    set.end();
  });

  it('a target parsed with its cache finds the same duplicates as a fresh parse, body after body', () => {
    const pool = new SeriesTextCachePool(1000);
    const cache = pool.get('t');
    const bodies = [
      `${A} 1\n${B} 2\n${A} 3\n`,
      `${B} 1\n${A} 2\n${B} 3\n`,
      `${B} 1\n`,
      `${A} 1\n${A} 2\n${B} 3\n${B} 4\n`,
      `${A} 1\n${B} 2\n`,
    ];
    for (const [i, body] of bodies.entries()) {
      const fresh = parseExposition(body, { defaultTimestampMs: i });
      const cached = parseExposition(body, { defaultTimestampMs: i, seriesCache: cache });
      assert.deepEqual(cached.samples, fresh.samples, `body ${i}`);
      assert.equal(cached.duplicates, fresh.duplicates, `body ${i}`);
    }
  });

  it('keeps at most twice the last parse’s keys, plus a few, from earlier parses', () => {
    const set = new SeriesSet(true);
    set.begin();
    for (let i = 0; i < 1000; i++) {
      const k = `m{i="${i}"}`;
      set.addRange(k, 0, k.length);
    }
    set.end();
    assert.equal(set.size, 1000);
    set.begin();
    for (let i = 0; i < 10; i++) {
      const k = `n{i="${i}"}`;
      set.addRange(k, 0, k.length);
    }
    set.end();
    assert.ok(set.size <= 2 * 10 + STALE_SLOTS_KEPT, `size ${set.size}`);
    assert.ok(set.size >= 10);
  });
});
