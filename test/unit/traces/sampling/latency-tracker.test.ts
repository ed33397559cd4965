import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidInputError } from '../../../../src/errors.ts';
import { LatencyTracker } from '../../../../src/traces/sampling/latency-tracker.ts';

describe('LatencyTracker', () => {
  it('gives an operation its quantile once it has minSamples durations, over its last window', () => {
    const t = new LatencyTracker({ quantile: 0.5, window: 100, minSamples: 10, maxOperations: 10 });
    for (let i = 1; i <= 9; i++) t.add('op', i);
    assert.equal(t.threshold('op'), undefined);
    t.add('op', 10);
    assert.equal(t.threshold('op'), 5.5);
    for (let i = 0; i < 200; i++) t.add('op', 1000);
    assert.equal(t.threshold('op'), 1000, 'old durations leave the window');
  });

  it('tracks at most maxOperations, evicting the least recently seen', () => {
    const t = new LatencyTracker({ quantile: 0.99, window: 10, minSamples: 1, maxOperations: 50 });
    for (let i = 0; i < 1000; i++) {
      t.add(`op-${i}`, i);
      t.add('hot', 1);
      assert.ok(t.size <= 50);
    }
    assert.equal(t.threshold('hot'), 1, 'an operation seen often stays');
    assert.equal(t.threshold('op-0'), undefined);
    assert.throws(
      () => new LatencyTracker({ quantile: 1, window: 1, minSamples: 1, maxOperations: 1 }),
      InvalidInputError,
    );
  });
});
