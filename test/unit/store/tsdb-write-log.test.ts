/**
 * The rollup write log of the result cache (src/store/tsdb/write-log.ts): which writes make a cached result
 * stale (series and bucket range), and its bounds (writes and series ids held; results older than a dropped
 * write are stale).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_LOGGED_IDS, MAX_LOGGED_WRITES, RollupWriteLog } from '../../../src/store/tsdb/write-log.ts';

describe('rollup write log', () => {
  it('a result is stale only when a later write touched one of its series inside its buckets', () => {
    const log = new RollupWriteLog();
    log.record([1, 2], 1000, 2000, 1);
    assert.equal(log.unchangedSince(1, 1, [1], 0, 5000), true, 'no write since');
    assert.equal(log.unchangedSince(0, 1, [2, 3], 1500, 1500), false, 'series and bucket touched');
    assert.equal(log.unchangedSince(0, 1, [3, 4], 0, 5000), true, 'other series');
    assert.equal(log.unchangedSince(0, 1, [1], 2000, 5000), true, 'buckets from the end of the write on');
    assert.equal(log.unchangedSince(0, 1, [1], 0, 999), true, 'buckets before the write');
    assert.equal(log.unchangedSince(0, 1, [1], 0, 1000), false, 'the first bucket written');
    assert.equal(log.unchangedSince(0, 2, [3], 0, 5000), false, 'an epoch bump that was not logged');
    assert.equal(log.unchangedSince(2, 1, [3], 0, 5000), false, 'an epoch from the future');
  });

  it('holds at most MAX_LOGGED_WRITES writes and MAX_LOGGED_IDS ids; results older than a dropped write are stale', () => {
    const log = new RollupWriteLog();
    for (let e = 1; e <= MAX_LOGGED_WRITES + 500; e++) log.record([e], e * 10, e * 10 + 10, e);
    assert.equal(log.size, MAX_LOGGED_WRITES);
    const now = MAX_LOGGED_WRITES + 500;
    assert.equal(log.unchangedSince(0, now, [999_999], 0, 1e9), false, 'writes after it were dropped');
    assert.equal(log.unchangedSince(now - 10, now, [999_999], 0, 1e9), true, 'kept writes checked');
    const big = Array.from({ length: MAX_LOGGED_IDS / 4 }, (_, i) => i);
    for (let k = 1; k <= 6; k++) log.record(big, 0, 1, now + k);
    assert.ok(log.idCount <= MAX_LOGGED_IDS, `${log.idCount} ids held`);
    assert.ok(log.size <= 4);
  });
});
