/** The limits of the in-memory stores (src/store/memory/): every map and history holds its bound. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidInputError } from '../../../src/errors.ts';
import type { Sample } from '../../../src/model/sample.ts';
import { MemoryAnomalyStore } from '../../../src/store/memory/anomaly-store.ts';
import { MemoryDetectorStateStore } from '../../../src/store/memory/detector-state-store.ts';
import { MemorySampleStore } from '../../../src/store/memory/sample-store.ts';
import { anomaly, sample, stateRow, T0 } from '../../helpers/store-fixtures.ts';

describe('MemorySampleStore bounds', () => {
  it('rejects samples of new series beyond maxSeries as series_limit; known series still take samples', async () => {
    const st = new MemorySampleStore({ maxSeries: 3 });
    const batch: Sample[] = Array.from({ length: 5 }, (_, i) => sample('dwcp_s', { i: String(i) }, i, T0));
    assert.deepEqual(await st.append(batch), { stored: 3, rejected: { series_limit: 2 } });
    assert.equal(st.seriesCount, 3);
    assert.deepEqual(
      await st.append([sample('dwcp_s', { i: '0' }, 9, T0 + 1), sample('dwcp_s', { i: '9' }, 9, T0 + 1)]),
      { stored: 1, rejected: { series_limit: 1 } },
    );
    assert.deepEqual(
      (await st.findSeries('dwcp_s', {}, 10)).map((r) => r.labels['i']),
      ['0', '1', '2'],
    );
    await st.applyRetention(T0 + 2 * 86_400_000); // default retention one day: every series goes
    assert.equal(st.seriesCount, 0);
    assert.deepEqual(
      await st.append(batch.slice(3)),
      { stored: 2, rejected: {} },
      'room again once series are gone',
    );
  });

  it('keeps the latest maxSamplesPerSeries samples of each series, also when they arrive out of order', async () => {
    const st = new MemorySampleStore({ maxSamplesPerSeries: 4 });
    const batch = Array.from({ length: 10 }, (_, i) => sample('dwcp_ring', {}, i, T0 + i * 1000));
    assert.deepEqual(await st.append(batch), { stored: 10, rejected: {} });
    assert.equal(await st.countSamples(), 4);
    const refs = await st.findSeries('dwcp_ring', {}, 1);
    const [p] = await st.readPoints(refs, 0, T0 + 60_000, 100);
    assert.deepEqual(p!.values, [6, 7, 8, 9]);
    await st.append([sample('dwcp_ring', {}, 100, T0 + 7500), sample('dwcp_ring', {}, -1, T0 - 1000)]);
    const [q] = await st.readPoints(refs, 0, T0 + 60_000, 100);
    assert.deepEqual(q!.values, [7, 100, 8, 9], 'the oldest are dropped, whatever the arrival order');
    assert.equal(await st.countSamples(), 4);
    for (let k = 0; k < 50; k++) await st.append([sample('dwcp_ring', {}, k, T0 + 100_000 + k)]);
    assert.equal(await st.countSamples(), 4);
  });

  it('validates its options', () => {
    assert.throws(() => new MemorySampleStore({ retentionMs: 0 }), InvalidInputError);
    assert.throws(() => new MemorySampleStore({ maxSeries: 0 }), InvalidInputError);
    assert.throws(() => new MemorySampleStore({ maxSamplesPerSeries: 1.5 }), InvalidInputError);
    const st = new MemorySampleStore();
    assert.equal(st.maxSeries, 10_000);
    assert.equal(st.maxSamplesPerSeries, 10_000);
    assert.equal(st.retentionMs, 86_400_000);
  });
});

describe('MemoryAnomalyStore bounds', () => {
  it('holds at most maxAnomalies: an insert beyond it drops resolved ones first, then the oldest', async () => {
    const st = new MemoryAnomalyStore({ maxAnomalies: 3 });
    const a = await st.insert(anomaly({ startedAtMs: T0 }));
    const b = await st.insert(anomaly({ startedAtMs: T0 + 1000 }));
    const c = await st.insert(anomaly({ startedAtMs: T0 + 2000 }));
    await st.resolve(b.id, T0 + 3000, 'back inside the band for 3 samples');
    const d = await st.insert(anomaly({ startedAtMs: T0 + 3000 }));
    assert.equal(st.size, 3);
    assert.deepEqual(
      (await st.list({ limit: 10 })).map((x) => x.id),
      [d.id, c.id, a.id],
      'the resolved one went first',
    );
    const e = await st.insert(anomaly({ startedAtMs: T0 + 4000 }));
    assert.deepEqual(
      (await st.list({ limit: 10 })).map((x) => x.id),
      [e.id, d.id, c.id],
      'then the oldest active one',
    );
    for (let i = 0; i < 100; i++) await st.insert(anomaly({ startedAtMs: T0 + 5000 + i }));
    assert.equal(st.size, 3);
    assert.throws(() => new MemoryAnomalyStore({ maxAnomalies: 0 }), InvalidInputError);
  });
});

describe('MemoryDetectorStateStore bounds', () => {
  it('holds at most maxStates, dropping the oldest checkpoints (ties: the highest key)', async () => {
    const st = new MemoryDetectorStateStore({ maxStates: 3 });
    assert.deepEqual(
      await st.saveDetectorStates([
        stateRow('a', 1, T0),
        stateRow('b', 1, T0),
        stateRow('c', 1, T0 + 1),
        stateRow('d', 1, T0 + 2),
      ]),
      { saved: 4, rejected: [] },
    );
    assert.equal(st.size, 3);
    assert.deepEqual(
      (await st.loadDetectorStates(10)).rows.map((r) => r.seriesKey),
      ['d', 'c', 'a'],
    );
    await st.saveDetectorStates([stateRow('a', 2, T0 + 5)]); // an update never evicts
    assert.deepEqual(
      (await st.loadDetectorStates(10)).rows.map((r) => r.seriesKey),
      ['a', 'd', 'c'],
    );
    await st.saveDetectorStates(Array.from({ length: 50 }, (_, i) => stateRow(`k${i}`, i, T0 + 10 + i)));
    assert.equal(st.size, 3);
    assert.deepEqual(
      (await st.loadDetectorStates(10)).rows.map((r) => r.seriesKey),
      ['k49', 'k48', 'k47'],
    );
    assert.throws(() => new MemoryDetectorStateStore({ maxStates: -1 }), InvalidInputError);
  });
});
