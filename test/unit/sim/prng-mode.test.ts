import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidInputError } from '../../../src/errors.ts';
import { GBPS, ModeDetector, selectMode } from '../../../src/sim/mode.ts';
import { Prng } from '../../../src/sim/prng.ts';

describe('Prng', () => {
  it('is deterministic per seed and uniform-ish in [0,1)', () => {
    const a = new Prng(42);
    const b = new Prng(42);
    const xs = Array.from({ length: 1000 }, () => a.next());
    assert.deepEqual(
      xs,
      Array.from({ length: 1000 }, () => b.next()),
    );
    assert.notDeepEqual(
      xs.slice(0, 10),
      Array.from({ length: 10 }, () => new Prng(43).next()),
    );
    assert.ok(xs.every((x) => x >= 0 && x < 1));
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    assert.ok(Math.abs(mean - 0.5) < 0.05, `mean ${mean}`);
  });

  it('gaussian has the requested mean and sd', () => {
    const r = new Prng(7);
    const xs = Array.from({ length: 20_000 }, () => r.gaussian(10, 2));
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length);
    assert.ok(Math.abs(mean - 10) < 0.05, `mean ${mean}`);
    assert.ok(Math.abs(sd - 2) < 0.05, `sd ${sd}`);
  });

  it('int is inclusive and in range', () => {
    const r = new Prng(1);
    const seen = new Set<number>();
    for (let i = 0; i < 500; i++) seen.add(r.int(1, 3));
    assert.deepEqual([...seen].sort(), [1, 2, 3]);
  });
});

describe('selectMode (original mode_detector thresholds)', () => {
  it('datacenter needs latency < 10 ms and bandwidth >= 1 Gbps', () => {
    assert.equal(selectMode(9.99, GBPS), 'datacenter');
    assert.equal(selectMode(5, 10 * GBPS), 'datacenter');
    assert.equal(selectMode(10, GBPS), 'hybrid');
    assert.equal(selectMode(5, GBPS - 1), 'internet');
  });
  it('internet when latency > 50 ms or bandwidth < 1 Gbps; hybrid otherwise', () => {
    assert.equal(selectMode(50.01, 10 * GBPS), 'internet');
    assert.equal(selectMode(50, 10 * GBPS), 'hybrid');
    assert.equal(selectMode(30, 0.5 * GBPS), 'internet');
    assert.equal(selectMode(25, 2 * GBPS), 'hybrid');
  });
  it('rejects bad input', () => {
    assert.throws(() => selectMode(-1, GBPS), InvalidInputError);
    assert.throws(() => selectMode(Number.NaN, GBPS), InvalidInputError);
    assert.throws(() => selectMode(1, Number.POSITIVE_INFINITY), InvalidInputError);
  });
});

describe('ModeDetector', () => {
  it('starts in hybrid and averages the last 10 samples', () => {
    const d = new ModeDetector();
    assert.equal(d.mode, 'hybrid');
    for (let i = 0; i < 10; i++) assert.equal(d.observe(2, 20 * GBPS), 'datacenter');
    // 4 samples at 30 ms: average (6*2 + 4*30)/10 = 13.2 ms -> hybrid
    d.observe(30, 20 * GBPS);
    d.observe(30, 20 * GBPS);
    d.observe(30, 20 * GBPS);
    assert.equal(d.observe(30, 20 * GBPS), 'hybrid');
    for (let i = 0; i < 10; i++) d.observe(200, 0.3 * GBPS);
    assert.equal(d.mode, 'internet');
    assert.equal(d.size, 10, 'window is bounded');
  });
  it('rejects bad samples and bad windows', () => {
    const d = new ModeDetector(3);
    assert.throws(() => d.observe(-5, GBPS), InvalidInputError);
    assert.equal(d.size, 0);
    assert.throws(() => new ModeDetector(0), InvalidInputError);
  });
});

describe('Prng.poisson', () => {
  it('has mean lambda, is 0 for lambda 0 (one draw), and caps lambda at 50', () => {
    const r = new Prng(9);
    for (const lambda of [0.5, 4, 20]) {
      let sum = 0;
      for (let i = 0; i < 20_000; i++) sum += r.poisson(lambda);
      assert.ok(Math.abs(sum / 20_000 - lambda) < 0.05 * lambda + 0.02, `mean ${sum / 20_000} for ${lambda}`);
    }
    const a = new Prng(4);
    const b = new Prng(4);
    assert.equal(a.poisson(0), 0);
    b.next();
    assert.equal(a.next(), b.next(), 'lambda 0 still draws once');
    let big = 0;
    for (let i = 0; i < 2000; i++) big += r.poisson(1e6);
    assert.ok(Math.abs(big / 2000 - 50) < 2, `capped mean ${big / 2000}`);
  });
});
