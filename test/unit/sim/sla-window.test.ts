import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidInputError } from '../../../src/errors.ts';
import { SLA_WINDOW_TICKS, SlaWindow } from '../../../src/sim/sla-window.ts';

const sample = (latencySeconds: number, errors = 0, throughputBytesPerSecond = 100) => ({
  latencySeconds,
  throughputBytesPerSecond,
  rounds: 2,
  errors,
});

describe('SlaWindow', () => {
  it('judges the p95 of the window, not one tick: 4 slow ticks in 100 leave the p95 low, 6 raise it', () => {
    const w = new SlaWindow(100);
    let r = w.add('internet', sample(0.3));
    for (let i = 1; i < 100; i++) r = w.add('internet', sample(i % 25 === 0 ? 0.9 : 0.3));
    assert.equal(r.ticks, 100);
    assert.ok(r.p95LatencySeconds < 0.5, `p95 ${r.p95LatencySeconds}`);
    for (let i = 0; i < 3; i++) r = w.add('internet', sample(0.9));
    assert.ok(r.p95LatencySeconds > 0.5, `p95 ${r.p95LatencySeconds}`);
  });

  it('holds at most `capacity` ticks: old ticks leave the window', () => {
    const w = new SlaWindow(10);
    for (let i = 0; i < 10; i++) w.add('datacenter', sample(1, 1, 0));
    let r = w.add('datacenter', sample(0.01, 0, 100));
    for (let i = 0; i < 25; i++) r = w.add('datacenter', sample(0.01, 0, 100));
    assert.equal(w.size, 10);
    assert.deepEqual(r, {
      p95LatencySeconds: 0.01,
      meanThroughputBytesPerSecond: 100,
      rounds: 20,
      errors: 0,
      ticks: 10,
    });
  });

  it('a mode switch starts a new window', () => {
    const w = new SlaWindow(10);
    for (let i = 0; i < 5; i++) w.add('hybrid', sample(0.2, 1, 50));
    const r = w.add('internet', sample(0.4, 0, 10));
    assert.deepEqual(r, {
      p95LatencySeconds: 0.4,
      meanThroughputBytesPerSecond: 10,
      rounds: 2,
      errors: 0,
      ticks: 1,
    });
  });

  it('defaults to 5 minutes of 1 s ticks; refuses a bad capacity', () => {
    assert.equal(new SlaWindow().capacity, SLA_WINDOW_TICKS);
    assert.equal(SLA_WINDOW_TICKS, 300);
    for (const bad of [0, -1, 1.5, Number.NaN]) assert.throws(() => new SlaWindow(bad), InvalidInputError);
  });
});
