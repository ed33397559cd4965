/** Cold start of the detection engine: snapshots, checkpoint batches, seeded restore, bad snapshots, restart from SQLite. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DetectorSnapshot } from '../../../src/analysis/anomaly/detector.ts';
import { isPersistentDetector, type SeriesSnapshot } from '../../../src/monitor/detector-snapshots.ts';
import { openSqliteStore } from '../../../src/store/sqlite.ts';
import {
  baseline,
  engine,
  inputs,
  inp,
  MeanDetector,
  meanEngine,
  meanSnap,
  thresholdDetector,
} from './detection-engine-fixtures.ts';

test('isPersistentDetector tells persistent detectors from plain ones', () => {
  assert.equal(isPersistentDetector(new MeanDetector()), true);
  assert.equal(isPersistentDetector(thresholdDetector()), false);
});

test('snapshots(max) hands out changed persistent detectors only, at most max, longest-waiting first', () => {
  const { e } = meanEngine();
  e.process([inp('a', 1, 1), inp('b', 1, 1), inp('c', 1, 1)], 1);
  assert.equal(e.persistenceStats().pendingCheckpoint, 3);
  const first = e.snapshots(2);
  assert.deepEqual(
    first.map((x) => x.key),
    ['a', 'b'],
  );
  assert.deepEqual(first[0]!.snapshot, meanSnap(1, 1, 0));
  e.process([inp('a', 3, 2)], 2); // a changes again: it queues behind c
  assert.deepEqual(
    e.snapshots(10).map((x) => x.key),
    ['c', 'a'],
  );
  assert.deepEqual(e.snapshots(10), [], 'nothing changed since');
  assert.throws(() => e.snapshots(0), RangeError);
  const plain = engine(1);
  plain.process(inputs([1, 2])[0]!, 1);
  assert.deepEqual(plain.snapshots(10), [], 'a detector without snapshot() is never checkpointed');
});

test('checkpoint batches hold their cap under many series', () => {
  const { e } = meanEngine(5000);
  e.process(
    Array.from({ length: 4321 }, (_, i) => inp(`s${i}`, i, 1)),
    1,
  );
  const sizes: number[] = [];
  for (let b = e.snapshots(1000); b.length > 0; b = e.snapshots(1000)) sizes.push(b.length);
  assert.deepEqual(sizes, [1000, 1000, 1000, 1000, 321]);
  assert.equal(e.persistenceStats().pendingCheckpoint, 0);
});

test('a seeded snapshot starts a later series from its restored state instead of cold', () => {
  const { e, made } = meanEngine();
  assert.equal(e.seed([{ key: 'x', snapshot: meanSnap(50, 100, 50 * 0.7) }]), 1);
  assert.equal(e.persistenceStats().pendingRestore, 1);
  e.process([inp('x', 100.5, 1)], 1);
  assert.equal(made[0]!.last.warmingUp, false, 'judged on the first sample');
  assert.equal(made[0]!.last.anomalous, false);
  assert.deepEqual(
    { ...e.persistenceStats(), lastError: undefined },
    {
      pendingRestore: 0,
      restored: 1,
      rejected: 0,
      dropped: 0,
      snapshotFailed: 0,
      pendingCheckpoint: 1,
      lastError: undefined,
    },
  );
  assert.equal(e.seed([{ key: 'x', snapshot: meanSnap(1, 1, 0) }]), 0, 'live state is newer than a seed');
  assert.equal(e.persistenceStats().dropped, 1);
});

test('the restored map holds maxSeries entries at most; dropRestored empties it', () => {
  const { e } = meanEngine(10);
  const entries: SeriesSnapshot[] = Array.from({ length: 35 }, (_, i) => ({
    key: `k${i}`,
    snapshot: meanSnap(10, 1, 1),
  }));
  assert.equal(e.seed(entries), 10);
  assert.equal(e.seed(entries.slice(0, 5)), 5, 'replacing a held key needs no room');
  assert.equal(e.seed([{ key: 'other', snapshot: meanSnap(10, 1, 1) }]), 0);
  const st = e.persistenceStats();
  assert.equal(st.pendingRestore, 10);
  assert.equal(st.dropped, 26);
  assert.equal(e.dropRestored(), 10);
  assert.equal(e.persistenceStats().pendingRestore, 0);
  e.process([inp('k0', 1, 1)], 1);
  assert.equal(e.persistenceStats().restored, 0, 'dropped entries are not used');
});

test('malformed or wrong-version snapshots are skipped and counted; the series starts cold with a clean detector', () => {
  const { e, made } = meanEngine();
  const bad: SeriesSnapshot[] = [
    { key: '', snapshot: meanSnap(10, 1, 1) },
    { key: 'nul', snapshot: null as unknown as DetectorSnapshot },
    { key: 'nover', snapshot: { detector: 'mean', state: {} } as unknown as DetectorSnapshot },
    { key: 'noname', snapshot: { detector: '', version: 1, state: {} } },
  ];
  assert.equal(e.seed(bad), 0);
  assert.equal(e.persistenceStats().rejected, 4);
  const refusedLater: SeriesSnapshot[] = [
    { key: 'v2', snapshot: { detector: 'mean', version: 2, state: { n: 50, mean: 100, m2: 10 } } },
    { key: 'other', snapshot: { detector: 'ensemble', version: 1, state: { n: 50, mean: 100, m2: 10 } } },
    { key: 'half', snapshot: { detector: 'mean', version: 1, state: { n: 50, mean: 'x', m2: 10 } } }, // restore writes n, then throws
    { key: 'str', snapshot: { detector: 'mean', version: 1, state: 'garbage' } },
  ];
  assert.equal(e.seed(refusedLater), 4);
  const out = e.process(
    refusedLater.map((r, i) => inp(r.key, 1e9, i)),
    10,
  );
  assert.equal(out.opened.length, 0, 'no verdict from any refused state');
  const st = e.persistenceStats();
  assert.equal(st.rejected, 8);
  assert.equal(st.restored, 0);
  assert.match(st.lastError ?? '', /restoring mean v1 for str failed/);
  // Every series runs on a detector that never saw a bad snapshot: a fresh one replaced the half-restored one.
  const used = made.filter((d) => d.updates > 0);
  assert.equal(used.length, 4);
  assert.equal(
    made.filter((d) => d.updates === 0 && d.n === 50).length,
    1,
    'the half-restored instance was discarded',
  );
  for (const d of used) {
    assert.equal(d.n, 1, 'fresh detector: one sample learned');
    assert.equal(d.last.warmingUp, true);
  }
});

test('a restored snapshot for a detector that cannot restore is refused and counted', () => {
  const e = engine(1);
  e.seed([
    {
      key: 'dwcp_v3_rdma_throughput_bytes_per_second{node_id="node-1",region="us-east"}',
      snapshot: meanSnap(5, 1, 1),
    },
  ]);
  e.process(inputs([1])[0]!, 1);
  assert.equal(e.persistenceStats().rejected, 1);
  assert.match(e.persistenceStats().lastError ?? '', /cannot restore/);
});

test('a snapshot() that throws is skipped and counted at the checkpoint', () => {
  const { e } = meanEngine(10, undefined, (d) => {
    d.snapshot = () => {
      throw new Error('boom');
    };
  });
  e.process([inp('a', 1, 1)], 1);
  assert.deepEqual(e.snapshots(10), []);
  assert.equal(e.persistenceStats().snapshotFailed, 1);
});

test('restart: state checkpointed to SQLite resumes detection; a cold engine would still be warming up', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dwcp-restart-'));
  const path = join(dir, 'state.db');
  const WARMUP = 30;
  try {
    // First run: learn a baseline around 100 on two series, checkpoint in small batches, shut down.
    const before = meanEngine(100, WARMUP);
    before.e.process([...baseline('lat{node="a"}', 60), ...baseline('lat{node="b"}', 60)], 60_000);
    const store1 = await openSqliteStore({ path, retentionMs: 3_600_000 });
    let saved = 0;
    for (let b = before.e.snapshots(1); b.length > 0; b = before.e.snapshots(1)) {
      const r = await store1.saveDetectorStates(
        b.map(({ key, snapshot }) => ({ seriesKey: key, ...snapshot, updatedAtMs: 61_000 })),
      );
      saved += r.saved;
    }
    assert.equal(saved, 2);
    await store1.close();

    // Second run: a new engine seeded from the stored states.
    const store2 = await openSqliteStore({ path, retentionMs: 3_600_000 });
    const loaded = await store2.loadDetectorStates(100);
    await store2.close();
    assert.equal(loaded.malformed, 0);
    const after = meanEngine(100, WARMUP);
    assert.equal(
      after.e.seed(
        loaded.rows.map((r) => ({
          key: r.seriesKey,
          snapshot: { detector: r.detector, version: r.version, state: r.state },
        })),
      ),
      2,
    );
    const cold = meanEngine(100, WARMUP);

    // A sample normal for the learned baseline: judged and not anomalous after the restart; the cold engine has no verdict.
    const normal = [inp('lat{node="a"}', 100.4, 120_000)];
    assert.deepEqual(after.e.process(normal, 120_000).opened, []);
    assert.equal(after.made[0]!.last.warmingUp, false);
    assert.equal(after.made[0]!.last.anomalous, false);
    assert.ok(Math.abs(after.made[0]!.last.expected - 100) < 0.1);
    assert.deepEqual(cold.e.process(normal, 120_000).opened, []);
    assert.equal(cold.made[0]!.last.warmingUp, true, 'cold: warming up, no verdict');

    // And the restored baseline really judges: a spike opens an anomaly at once; the cold engine cannot see it.
    const spike = [inp('lat{node="b"}', 150, 121_000)];
    assert.equal(after.e.process(spike, 121_000).opened.length, 1);
    assert.equal(cold.e.process(spike, 121_000).opened.length, 0);
    assert.equal(after.e.persistenceStats().restored, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
