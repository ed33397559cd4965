import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidInputError } from '../../../../src/errors.ts';
import {
  AdaptiveProbability,
  TokenBucket,
  traceIdSampled,
} from '../../../../src/traces/sampling/rate-control.ts';

describe('TokenBucket', () => {
  it('starts full, refills at its rate and never holds more than its burst', () => {
    const b = new TokenBucket(10, 20);
    assert.equal(b.take(20, 0), true);
    assert.equal(b.take(1, 0), false);
    assert.equal(b.take(5, 500), true, '0.5 s refills 5 tokens');
    assert.equal(b.take(1, 500), false);
    assert.equal(b.take(21, 100_000), false, 'an hour of refill still holds only the burst');
    assert.equal(b.take(20, 100_000), true);
    assert.throws(() => new TokenBucket(0, 1), InvalidInputError);
  });
});

describe('AdaptiveProbability', () => {
  it('moves toward target / observed rate by at most maxStep per interval', () => {
    const a = new AdaptiveProbability({
      initial: 1,
      targetSpansPerSecond: 100,
      intervalMs: 1000,
      enabled: true,
    });
    for (let t = 0; t <= 1000; t += 10) a.observe(10, t); // 1000 spans/s
    assert.equal(a.probability, 0.5, 'halved at most in one interval');
    for (let t = 1010; t <= 5000; t += 10) a.observe(10, t);
    assert.ok(Math.abs(a.probability - 0.1) < 0.005, `settles at 100/1000, got ${a.probability}`);
    const fixed = new AdaptiveProbability({
      initial: 0.3,
      targetSpansPerSecond: 1,
      intervalMs: 1,
      enabled: false,
    });
    for (let t = 0; t < 100; t++) fixed.observe(1000, t);
    assert.equal(fixed.probability, 0.3);
    assert.throws(
      () => new AdaptiveProbability({ initial: 0, targetSpansPerSecond: 1, intervalMs: 1, enabled: true }),
      InvalidInputError,
    );
  });
});

describe('traceIdSampled', () => {
  it('keeps about p of ids, including counter-like ids, and always the same ones', () => {
    let kept = 0;
    for (let i = 1; i <= 20_000; i++) if (traceIdSampled(i.toString(16).padStart(32, '0'), 0.1)) kept++;
    assert.ok(Math.abs(kept / 20_000 - 0.1) < 0.01, `share ${kept / 20_000}`);
    const id = 'a'.repeat(32);
    assert.equal(traceIdSampled(id, 0.5), traceIdSampled(id, 0.5));
    assert.equal(traceIdSampled(id, 1), true);
  });
});
