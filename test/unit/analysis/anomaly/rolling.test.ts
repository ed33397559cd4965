import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidInputError } from '../../../../src/errors.ts';
import { MAX_ROLLING_CAPACITY, RollingWindow } from '../../../../src/analysis/anomaly/rolling.ts';

function exactStats(xs: readonly number[]): { mean: number; pop: number; sample: number } {
  // Two passes over values shifted by the first one (exact enough to serve as the reference).
  const n = xs.length;
  const k = xs[0]!;
  const d = xs.map((x) => x - k);
  const dm = d.reduce((a, b) => a + b, 0) / n;
  const ss = d.reduce((a, b) => a + (b - dm) ** 2, 0);
  return { mean: k + dm, pop: ss / n, sample: ss / (n - 1) };
}

describe('RollingWindow', () => {
  it('reports NaN statistics when empty and for sample variance with one value', () => {
    const w = new RollingWindow(4);
    assert.equal(w.size, 0);
    assert.ok(Number.isNaN(w.mean()));
    assert.ok(Number.isNaN(w.variance()));
    assert.ok(Number.isNaN(w.last()));
    w.push(5);
    assert.equal(w.mean(), 5);
    assert.equal(w.variance(), 0);
    assert.ok(Number.isNaN(w.sampleVariance()));
  });

  it('keeps only the last `capacity` values, oldest first', () => {
    const w = new RollingWindow(3);
    for (const x of [1, 2, 3, 4, 5]) w.push(x);
    assert.equal(w.size, 3);
    assert.equal(w.full, true);
    assert.deepEqual(w.toArray(), [3, 4, 5]);
    assert.equal(w.at(0), 3);
    assert.equal(w.last(), 5);
    assert.equal(w.mean(), 4);
    assert.equal(w.sampleVariance(), 1);
    assert.ok(Math.abs(w.variance() - 2 / 3) < 1e-15);
  });

  it('matches an exact two-pass computation over a long random stream', () => {
    const w = new RollingWindow(100);
    const all: number[] = [];
    let s = 12345;
    for (let i = 0; i < 20_000; i++) {
      s = (s * 1103515245 + 12345) % 2147483648;
      const x = 1e6 + (s / 2147483648) * 10 + (i > 10_000 ? 500 : 0);
      w.push(x);
      all.push(x);
      if (i > 0 && (i % 997 === 0 || i === 19_999)) {
        const e = exactStats(all.slice(-100));
        assert.ok(Math.abs(w.mean() - e.mean) < 1e-9, `mean at ${i}`);
        assert.ok(Math.abs(w.sampleVariance() - e.sample) / e.sample < 1e-9, `variance at ${i}`);
      }
    }
  });

  it('stays accurate for a large offset with tiny spread (no catastrophic cancellation)', () => {
    const w = new RollingWindow(50);
    const xs: number[] = [];
    for (let i = 0; i < 1000; i++) {
      const x = 1e12 + (i % 7) * 1e-3;
      w.push(x);
      xs.push(x);
    }
    const e = exactStats(xs.slice(-50));
    assert.ok(Math.abs(w.sampleVariance() - e.sample) / e.sample < 1e-6);
  });

  it('clear() empties it and the next push starts fresh', () => {
    const w = new RollingWindow(3);
    w.push(100);
    w.push(200);
    w.clear();
    assert.equal(w.size, 0);
    w.push(7);
    w.push(9);
    assert.equal(w.mean(), 8);
    assert.deepEqual(w.toArray(), [7, 9]);
  });

  it('rejects invalid capacities, non-finite values and bad indexes', () => {
    for (const c of [0, -1, 1.5, Number.NaN, MAX_ROLLING_CAPACITY + 1]) {
      assert.throws(() => new RollingWindow(c), InvalidInputError, `capacity ${c}`);
    }
    const w = new RollingWindow(2);
    for (const x of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      assert.throws(() => w.push(x), InvalidInputError);
    }
    assert.equal(w.size, 0);
    w.push(1);
    assert.throws(() => w.at(1), InvalidInputError);
    assert.throws(() => w.at(-1), InvalidInputError);
  });

  it('memory is bounded: size and stateBytes do not grow with pushes', () => {
    const w = new RollingWindow(64);
    for (let i = 0; i < 64; i++) w.push(i);
    const bytes = w.stateBytes();
    for (let i = 0; i < 100_000; i++) w.push(i);
    assert.equal(w.size, 64);
    assert.equal(w.stateBytes(), bytes);
    assert.ok(bytes >= 64 * 8);
  });
});
