/**
 * Kept window points when the series set of a read changes between calls (src/monitor/kept-window-points.ts): a
 * series new to the read (the first migration between two nodes) must not make the call read every series' whole
 * window again, and every answer must stay the full read's. The store keeps samples in order, so a change tracking
 * that reports no late sample and no retention cut is true of it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { KeptWindowPoints } from '../../../src/monitor/kept-window-points.ts';
import type { RawChangeTracking } from '../../../src/store/raw-changes.ts';
import { MemorySampleStore } from '../../../src/store/memory/sample-store.ts';
import type { SampleStore } from '../../../src/store/types.ts';

const T0 = 1_700_000_000_000;
const NAME = 'dwcp_migration_sent_bytes_total';
/** In-order samples only: nothing late, nothing deleted. */
const IN_ORDER: RawChangeTracking = {
  rawLateEpoch: 0,
  rawLateUnchangedSince: () => true,
  rawDeletedBeforeMs: -Infinity,
};

/** `store` counting the points its `readPoints` returned (samples read from storage). */
function counted(store: MemorySampleStore): { store: SampleStore; read: { points: number } } {
  const read = { points: 0 };
  const c = Object.create(store) as SampleStore;
  c.readPoints = async (refs, from, to, max) => {
    const got = await store.readPoints(refs, from, to, max);
    for (const p of got) read.points += p.timestampsMs.length;
    return got;
  };
  return { store: c, read };
}

/** One sample per second in (fromS, toS] seconds after T0 for the migration pair `pair`. */
async function fill(store: MemorySampleStore, pair: string, fromS: number, toS: number): Promise<void> {
  const batch = [];
  for (let s = fromS + 1; s <= toS; s++)
    batch.push({ name: NAME, labels: { pair }, value: s, timestampMs: T0 + s * 1000 });
  await store.append(batch);
}

/** The full read the kept points must equal. */
async function fullRead(store: SampleStore, startMs: number, endMs: number, maxPoints: number) {
  const refs = await store.findSeries(NAME, {}, 200);
  return { refs, points: refs.length === 0 ? [] : await store.readPoints(refs, startMs, endMs, maxPoints) };
}

/** `mem` whose `findSeries` leaves out the pairs in `hidden` (a read whose series set also loses series). */
function hiding(mem: MemorySampleStore, hidden: ReadonlySet<string>): SampleStore {
  const store = Object.create(mem) as SampleStore;
  store.findSeries = async (name, match, limit) =>
    (await mem.findSeries(name, match, limit)).filter((r) => !hidden.has(r.labels.pair!));
  return store;
}

/** Samples of the pairs n1-n2 and n2-n3 in (fromS, toS]. */
async function fillTwo(mem: MemorySampleStore, fromS: number, toS: number): Promise<void> {
  await fill(mem, 'n1-n2', fromS, toS);
  await fill(mem, 'n2-n3', fromS, toS);
}

test('a series new to the read keeps the other series’ points and reads only its own window', async () => {
  const mem = new MemorySampleStore();
  const { store, read } = counted(mem);
  const kept = new KeptWindowPoints(store, IN_ORDER);
  await fillTwo(mem, 0, 600);
  await kept.read(NAME, {}, 200, T0 + 300_000, T0 + 600_000, 4000);
  // 15 s later a migration between two other nodes makes a third series.
  await fillTwo(mem, 600, 615);
  await fill(mem, 'n3-n1', 605, 615);
  read.points = 0;
  const got = await kept.read(NAME, {}, 200, T0 + 315_000, T0 + 615_000, 4000);
  const pointsRead = read.points;
  assert.deepEqual(got, await fullRead(mem, T0 + 315_000, T0 + 615_000, 4000));
  assert.deepEqual(kept.calls, { kept: 1, full: 1 });
  // The two kept series from their latest point on (15 new points each, the repeated one at most), the new one whole.
  assert.ok(pointsRead <= 2 * 16 + 10, `${pointsRead} points read (a full read: 612)`);
});

test('a series gone from the read drops its points; the others stay kept', async () => {
  const mem = new MemorySampleStore();
  const hidden = new Set<string>();
  const store = hiding(mem, hidden);
  const kept = new KeptWindowPoints(store, IN_ORDER);
  await fillTwo(mem, 0, 100);
  await kept.read(NAME, {}, 200, T0 + 50_000, T0 + 100_000, 4000);
  await fillTwo(mem, 100, 110);
  hidden.add('n1-n2');
  const got = await kept.read(NAME, {}, 200, T0 + 60_000, T0 + 110_000, 4000);
  assert.deepEqual(got, await fullRead(store, T0 + 60_000, T0 + 110_000, 4000));
  assert.equal(got.refs.length, 1);
  assert.deepEqual(kept.calls, { kept: 1, full: 1 });
  assert.equal(kept.keptPoints, 51);
});

test('property: reads whose series set grows and changes always equal the full read', async () => {
  const step = fc.record({
    seconds: fc.integer({ min: 1, max: 40 }),
    newPair: fc.option(fc.integer({ min: 0, max: 8 }), { nil: undefined }),
    hide: fc.option(fc.integer({ min: 0, max: 8 }), { nil: undefined }),
  });
  let keptCalls = 0;
  let calls = 0;
  await fc.assert(
    fc.asyncProperty(
      // One window and point limit per history (another one reads in full); 50 points cuts 60 s and 120 s windows.
      fc.constantFrom(30, 60, 120),
      fc.constantFrom(50, 4000),
      fc.array(step, { minLength: 2, maxLength: 25 }),
      async (windowS, maxPoints, steps) => {
        const mem = new MemorySampleStore();
        // Series found by the read: all but the hidden ones (a series set that also loses series).
        const hidden = new Set<string>();
        const store = Object.create(mem) as SampleStore;
        store.findSeries = async (name, match, limit) =>
          (await mem.findSeries(name, match, limit)).filter((r) => !hidden.has(r.labels.pair!));
        const kept = new KeptWindowPoints(store, IN_ORDER);
        const live = new Set<string>(['n0-n1']);
        let now = 0;
        for (const o of steps) {
          if (o.newPair !== undefined) live.add(`n${o.newPair}-n${(o.newPair + 1) % 9}`);
          if (o.hide !== undefined) {
            const pair = `n${o.hide}-n${(o.hide + 1) % 9}`;
            if (hidden.has(pair)) hidden.delete(pair);
            else hidden.add(pair);
          }
          for (const pair of live) await fill(mem, pair, now, now + o.seconds);
          now += o.seconds;
          const endMs = T0 + now * 1000;
          const startMs = endMs - windowS * 1000;
          const got = await kept.read(NAME, {}, 200, startMs, endMs, maxPoints);
          assert.deepEqual(got, await fullRead(store, startMs, endMs, maxPoints));
        }
        keptCalls += kept.calls.kept;
        calls += steps.length;
      },
    ),
    { numRuns: 60, seed: 20261206 },
  );
  // The histories reach the kept path, not only full reads, and most of the series sets change on the way.
  assert.ok(keptCalls > calls / 3, `${keptCalls} of ${calls} reads from kept points`);
});
