/**
 * The band an open anomaly opened against survives a restart: it is checkpointed with the detector's state (the
 * detector state codec wraps it in the stored JSON) and restored with it, so the restarted engine keeps the
 * anomaly open while its (adapted) detector calls the fault's level normal, resolves it only when the series is
 * back inside that band, and opens no second anomaly for the return.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DetectionEngine } from '../../../src/monitor/detection-engine.ts';
import { MemoryDetectorStateStore } from '../../../src/store/memory/detector-state-store.ts';
import { T0 } from '../../helpers/alerting-fixtures.ts';
import { Adapting, catalogEngineOptions, utilizationInput as input } from './detection-engine-fixtures.ts';

const STEP = 15_000;

test('after a restart an open anomaly keeps its band: resolves only back inside it, no second anomaly', async () => {
  const before = new DetectionEngine(catalogEngineOptions(() => new Adapting()));
  const opened: number[] = [];
  for (let i = 0; i < 60; i++) {
    const out = before.process([input(i < 40 ? 0 : 50, i)], T0 + i * STEP);
    if (out.opened.length > 0) opened.push(i);
    assert.deepEqual(out.resolved, [], `resolved at ${i} during the fault`);
  }
  assert.deepEqual(opened, [41]);
  // Checkpoint through a store (the codec's encoding), restart, restore.
  const store = new MemoryDetectorStateStore();
  const snaps = before.snapshots(10);
  assert.deepEqual(snaps[0]!.hold, { lower: 0, upper: 10, openedAtMs: T0 + 41 * STEP });
  await store.saveDetectorStates(
    snaps.map((s) => ({
      seriesKey: s.key,
      detector: s.snapshot.detector,
      version: s.snapshot.version,
      state: s.snapshot.state,
      updatedAtMs: T0,
      ...(s.hold !== undefined ? { hold: s.hold } : {}),
    })),
  );
  const loaded = await store.loadDetectorStates(10);
  const after = new DetectionEngine(catalogEngineOptions(() => new Adapting()));
  after.seed(
    loaded.rows.map((r) => ({
      key: r.seriesKey,
      snapshot: { detector: r.detector, version: r.version, state: r.state },
      ...(r.hold !== undefined ? { hold: r.hold } : {}),
    })),
  );
  const reopened: number[] = [];
  const resolved: number[] = [];
  for (let i = 60; i < 100; i++) {
    const out = after.process([input(i < 80 ? 50 : 0, i)], T0 + i * STEP);
    if (out.opened.length > 0) reopened.push(i);
    if (out.resolved.length > 0) resolved.push(i);
  }
  assert.deepEqual(after.openKeys(), []);
  assert.deepEqual(resolved, [82], 'the third sample back inside the band the anomaly opened against');
  assert.deepEqual(reopened, [], 'the return is not a new anomaly');
});

test('a state without an open anomaly is stored as before, and a malformed stored band is dropped', async () => {
  const store = new MemoryDetectorStateStore();
  const row = { seriesKey: 'a', detector: 'adapting', version: 1, state: { level: 1 }, updatedAtMs: T0 };
  await store.saveDetectorStates([
    row,
    { ...row, seriesKey: 'b', hold: { lower: 2, upper: 1, openedAtMs: T0 } },
  ]);
  assert.deepEqual((await store.loadDetectorStates(10)).rows, [row, { ...row, seriesKey: 'b' }]);
});
