/** Benign level shifts (src/sim/events.ts) and SimNode's `levelShifts`. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidInputError } from '../../../src/errors.ts';
import { withLevelShifts, type LevelShift } from '../../../src/sim/events.ts';
import { NO_FAULT } from '../../../src/sim/faults.ts';
import { SimNode } from '../../../src/sim/node.ts';
import { SIM_T0, testSimNode } from '../../helpers/sim-node.ts';

describe('benign level shifts (src/sim/events.ts) in SimNode', () => {
  const T0 = SIM_T0;
  const make = (levelShifts?: LevelShift[]): SimNode =>
    testSimNode('datacenter', { ...(levelShifts ? { levelShifts } : {}), peers: ['node-2'] });

  it('changes nothing before the step and applies the factor for good after it', async () => {
    const plain = make();
    const shifted = make([{ target: 'latency', node: 0, startMs: 10_000, factor: 0.8 }]);
    for (let t = 0; t < 10; t++) {
      plain.tick(T0 + t * 1000);
      shifted.tick(T0 + t * 1000);
      assert.deepEqual(shifted.currentEffects, NO_FAULT);
    }
    assert.equal(await shifted.registry.metrics(), await plain.registry.metrics());
    for (let t = 10; t < 40; t++) {
      shifted.tick(T0 + t * 1000);
      assert.equal(shifted.currentEffects.latencyFactor, 0.8);
      assert.equal(shifted.currentEffects.throughputFactor, 1);
    }
  });

  it('combines with faults and with each other multiplicatively', () => {
    const shifts: LevelShift[] = [
      { target: 'latency', node: 0, startMs: 0, factor: 0.8 },
      { target: 'throughput', node: 0, startMs: 1000, factor: 1.15 },
    ];
    const e = withLevelShifts({ ...NO_FAULT, latencyFactor: 5 }, shifts, 2000);
    assert.equal(e.latencyFactor, 4);
    assert.equal(e.throughputFactor, 1.15);
    assert.equal(withLevelShifts(NO_FAULT, shifts, -1), NO_FAULT);
  });

  it('rejects bad level shifts', () => {
    for (const s of [
      { target: 'cpu', node: 0, startMs: 0, factor: 1.1 },
      { target: 'latency', node: -1, startMs: 0, factor: 1.1 },
      { target: 'latency', node: 0, startMs: Number.NaN, factor: 1.1 },
      { target: 'latency', node: 0, startMs: 0, factor: 0 },
      { target: 'latency', node: 0, startMs: 0, factor: 11 },
    ]) {
      assert.throws(() => make([s as LevelShift]), InvalidInputError, JSON.stringify(s));
    }
  });
});
