import { describe, it, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  NOT_JUDGED,
  type DetectorFactory,
  type DetectorSnapshot,
  type PersistentDetector,
  type StreamingDetector,
  type Verdict,
} from '../../../src/analysis/anomaly/detector.ts';
import { InvalidInputError } from '../../../src/errors.ts';
import {
  DetectionEngine,
  isPersistentDetector,
  type SeriesSnapshot,
} from '../../../src/monitor/detection-engine.ts';
import { LIVE_ANALYSED_KINDS, liveDetectorFactory } from '../../../src/monitor/live-detector.ts';
import { SeriesTracker, type DetectionInput } from '../../../src/monitor/series-tracker.ts';
import { openSqliteStore } from '../../../src/store/sqlite.ts';
import type { Sample } from '../../../src/model/sample.ts';

/** A fixed-threshold detector (a fake of our own interface): anomalous when value > 10. */
function thresholdDetector(): StreamingDetector {
  return {
    name: 'threshold',
    update(value: number): Verdict {
      const bad = value > 10;
      return {
        anomalous: bad,
        score: bad ? 1 : 0,
        expected: 5,
        lower: 0,
        upper: 10,
        deviation: bad ? 4 : 0,
        confidence: bad ? 0.9 : 0,
        severity: bad ? 'high' : 'low',
        warmingUp: false,
        resolved: false,
      };
    },
    stateBytes: () => 0,
  };
}

function engine(confirm: number, cooldownMs = 300_000, maxSeries = 100) {
  return new DetectionEngine({
    factory: thresholdDetector,
    detectorName: 'threshold',
    minConfidence: 0.8,
    confirmSamples: confirm,
    cooldownMs,
    resolveAfterSamples: 2,
    maxSeries,
    kinds: new Set(['latency', 'bandwidth']),
  });
}

function inputs(
  values: number[],
  metric = 'dwcp_v3_rdma_throughput_bytes_per_second',
  node = 'node-1',
): DetectionInput[][] {
  const tr = new SeriesTracker(100);
  return values.map(
    (v, i) =>
      tr.admit([
        { name: metric, labels: { node_id: node, region: 'us-east' }, value: v, timestampMs: (i + 1) * 1000 },
      ]).inputs,
  );
}

test('an anomaly opens after the confirmation count and resolves after calm samples', () => {
  const e = engine(2);
  const steps = inputs([1, 1, 20, 20, 20, 1, 1, 1]);
  const opened: number[] = [];
  const resolved: number[] = [];
  steps.forEach((batch, i) => {
    const out = e.process(batch, (i + 1) * 1000 + 50);
    if (out.opened.length) opened.push(i);
    if (out.resolved.length) resolved.push(i);
  });
  assert.deepEqual(opened, [3]);
  assert.deepEqual(resolved, [6]);
});

test('a verdict resting on a run of samples (evidenceSamples, a CUSUM signal) counts as that run towards confirmation', () => {
  // Anomalous above 10; a value above 100 stands for a sequential-test signal that rests on `evidence` samples.
  const run = (evidence: number | undefined, confirm: number): number[] => {
    const factory = (): StreamingDetector => ({
      name: 'trend',
      update(value: number): Verdict {
        const bad = value > 10;
        const v: Verdict = {
          anomalous: bad,
          score: bad ? 1 : 0,
          expected: 5,
          lower: 0,
          upper: 10,
          deviation: bad ? 4 : 0,
          confidence: bad ? 0.9 : 0,
          severity: bad ? 'high' : 'low',
          warmingUp: false,
          resolved: false,
        };
        return value > 100 && evidence !== undefined ? { ...v, evidenceSamples: evidence } : v;
      },
      stateBytes: () => 0,
    });
    const e = new DetectionEngine({
      factory,
      detectorName: 'trend',
      minConfidence: 0.8,
      confirmSamples: confirm,
      cooldownMs: 0,
      resolveAfterSamples: 2,
      maxSeries: 10,
      kinds: new Set(['bandwidth']),
    });
    const opened: number[] = [];
    inputs([1, 1, 200, 200, 200, 1, 1, 20, 20, 20]).forEach((batch, i) => {
      if (e.process(batch, i).opened.length > 0) opened.push(i);
    });
    return opened;
  };
  assert.deepEqual(run(undefined, 2), [3, 8], 'control: every verdict counts as one sample');
  assert.deepEqual(run(1, 2), [3, 8], 'a run of one is one sample');
  assert.deepEqual(
    run(2, 2),
    [2, 8],
    'a signal resting on 2 samples opens at once; a point verdict still needs 2',
  );
  assert.deepEqual(
    run(2, 3),
    [4, 9],
    'confirmSamples 3: a run of 2 is not enough, the third anomalous sample opens',
  );
  assert.deepEqual(run(3, 3), [2, 9], 'confirmSamples 3: a signal resting on 3 samples opens at once');
});

test('the anomaly records where it started, when it was detected, and explains itself', () => {
  const e = engine(2);
  const steps = inputs([1, 20, 20]);
  let found;
  steps.forEach((batch, i) => {
    const out = e.process(batch, 99_000 + i);
    if (out.opened[0]) found = out.opened[0].anomaly;
  });
  assert.ok(found);
  const a = found as unknown as {
    startedAtMs: number;
    detectedAtMs: number;
    observed: number;
    upper: number;
    component: string;
    detector: string;
  };
  assert.equal(a.startedAtMs, 2000);
  assert.equal(a.detectedAtMs, 99_002);
  assert.equal(a.observed, 20);
  assert.equal(a.upper, 10);
  assert.equal(a.component, 'system');
  assert.equal(a.detector, 'threshold');
});

test('a verdict without a finite band or score never opens an anomaly (nothing is shown as [NaN, NaN])', () => {
  // A member with no value baseline (relative entropy) deciding alone: anomalous, band and expected unknown.
  const bandless = (over: Partial<Verdict>) => (): StreamingDetector => ({
    name: 'bandless',
    update: (value: number): Verdict => ({
      ...NOT_JUDGED,
      warmingUp: false,
      anomalous: value > 10,
      score: 1,
      confidence: 1,
      expected: 5,
      lower: 0,
      upper: 10,
      ...over,
    }),
    stateBytes: () => 0,
  });
  const run = (over: Partial<Verdict>) => {
    const e = new DetectionEngine({
      factory: bandless(over),
      detectorName: 'bandless',
      minConfidence: 0.8,
      confirmSamples: 1,
      cooldownMs: 0,
      resolveAfterSamples: 2,
      maxSeries: 10,
      kinds: new Set(['bandwidth']),
    });
    return inputs([1, 20, 20, 20]).flatMap((batch, i) => e.process(batch, i).opened);
  };
  assert.equal(run({}).length, 1, 'control: the same detector with a band opens one anomaly');
  for (const over of [
    { expected: Number.NaN, lower: Number.NaN, upper: Number.NaN },
    { lower: Number.NaN },
    { upper: Number.POSITIVE_INFINITY },
    { score: Number.NaN },
  ]) {
    assert.deepEqual(run(over), [], JSON.stringify(over));
  }
});

test('cooldown: a second episode within the cooldown does not open a new anomaly', () => {
  const e = engine(1, 10_000);
  const steps = inputs([20, 1, 1, 20, 1, 1, 1, 1, 1, 1, 1, 1, 1, 20]);
  const opened: number[] = [];
  steps.forEach((batch, i) => {
    if (e.process(batch, i).opened.length) opened.push(i);
  });
  assert.deepEqual(opened, [0, 13]);
});

test('target health: confirmSamples failed scrapes in a row open a critical anomaly naming the target; up == 1 resolves it', () => {
  const e = engine(3);
  const tr = new SeriesTracker(10);
  const L = { instance: '127.0.0.1:9100', node: 'node-2', region: 'eu-west' };
  const up = (value: number, t: number) =>
    e.process(tr.admit([{ name: 'up', labels: L, value, timestampMs: t }]).inputs, t + 1, {
      targetId: 'node-2',
    });
  // A single failed scrape (then success) is not an outage.
  assert.equal(up(0, 1000).opened.length, 0);
  assert.equal(up(1, 2000).resolved.length, 0);
  assert.equal(up(0, 3000).opened.length, 0);
  assert.equal(up(0, 4000).opened.length, 0);
  const o = up(0, 5000);
  assert.equal(o.opened.length, 1);
  const a = o.opened[0]!.anomaly;
  assert.equal(a.severity, 'critical');
  assert.equal(a.metric, 'up');
  assert.equal(a.startedAtMs, 3000, 'from the first failed scrape of the run');
  assert.deepEqual(a.labels, { ...L, target: 'node-2' });
  assert.ok(Number.isNaN(a.deviation));
  assert.equal(up(0, 6000).opened.length, 0, 'one anomaly per outage');
  assert.equal(up(1, 7000).resolved.length, 1);
});

test('metrics of kinds not analysed and monitor self-metrics are skipped', () => {
  const e = engine(1);
  const tr = new SeriesTracker(10);
  const out = e.process(
    tr.admit([
      { name: 'dwcp_v3_tcp_streams', labels: { node_id: 'a' }, value: 99, timestampMs: 1 },
      { name: 'dwcp_monitor_series', labels: {}, value: 99, timestampMs: 1 },
    ]).inputs,
    2,
  );
  assert.equal(out.processed, 0);
});

test('the series limit holds', () => {
  const e = engine(1, 0, 5);
  const tr = new SeriesTracker(100);
  const batch = tr.admit(
    Array.from({ length: 20 }, (_, i) => ({
      name: 'dwcp_v3_rdma_throughput_bytes_per_second',
      labels: { node_id: `n${i}` },
      value: 1,
      timestampMs: 1,
    })),
  ).inputs;
  const out = e.process(batch, 2);
  assert.equal(e.size, 5);
  assert.equal(out.overLimit, 15);
});

// ---------------------------------------------------------------- cold start: checkpoint and restore

/**
 * A small persistent detector (a fake of our own interface): running mean and variance (Welford), warming up
 * for `warmup` samples, anomalous when |z| > 4. Its `restore` deliberately writes `n` before validating the
 * rest, so a bad snapshot leaves it half-restored: the engine must never keep such an instance.
 */
class MeanDetector implements PersistentDetector {
  readonly name = 'mean';
  n = 0;
  mean = 0;
  m2 = 0;
  last: Verdict = NOT_JUDGED;
  /** Calls of update() (to tell the instances the engine runs from discarded ones). */
  updates = 0;
  constructor(private readonly warmup = 5) {}
  update(value: number): Verdict {
    this.updates++;
    if (!Number.isFinite(value)) return (this.last = NOT_JUDGED);
    let v: Verdict = NOT_JUDGED;
    if (this.n >= this.warmup) {
      const sd = Math.max(Math.sqrt(this.m2 / (this.n - 1)), 1e-9);
      const z = (value - this.mean) / sd;
      const bad = Math.abs(z) > 4;
      v = {
        anomalous: bad,
        score: bad ? 1 : 0,
        expected: this.mean,
        lower: this.mean - 4 * sd,
        upper: this.mean + 4 * sd,
        deviation: z,
        confidence: 0.9,
        severity: bad ? 'high' : 'low',
        warmingUp: false,
        resolved: false,
      };
    }
    this.n++;
    const d = value - this.mean;
    this.mean += d / this.n;
    this.m2 += d * (value - this.mean);
    return (this.last = v);
  }
  stateBytes(): number {
    return 24;
  }
  snapshot(): DetectorSnapshot {
    return { detector: 'mean', version: 1, state: { n: this.n, mean: this.mean, m2: this.m2 } };
  }
  restore(s: DetectorSnapshot): void {
    if (s.detector !== 'mean' || s.version !== 1)
      throw new InvalidInputError(`cannot restore ${s.detector} v${s.version} into mean v1`);
    const st = s.state as { n?: unknown; mean?: unknown; m2?: unknown } | null;
    if (typeof st !== 'object' || st === null || !Number.isInteger(st.n))
      throw new InvalidInputError('malformed mean state');
    this.n = st.n as number; // written before the rest is checked (see the class comment)
    if (
      typeof st.mean !== 'number' ||
      typeof st.m2 !== 'number' ||
      !Number.isFinite(st.mean) ||
      !(st.m2 >= 0)
    )
      throw new InvalidInputError('malformed mean state');
    this.mean = st.mean;
    this.m2 = st.m2;
  }
}

/**
 * An engine over MeanDetectors that analyses every input; `made` lists the detectors it created, in order;
 * `adjust` may change each detector before the engine uses it.
 */
function meanEngine(maxSeries = 100, warmup = 5, adjust: (d: MeanDetector) => void = () => {}) {
  const made: MeanDetector[] = [];
  const e = new DetectionEngine({
    factory: () => {
      const d = new MeanDetector(warmup);
      adjust(d);
      made.push(d);
      return d;
    },
    detectorName: 'mean',
    minConfidence: 0.8,
    confirmSamples: 1,
    cooldownMs: 0,
    resolveAfterSamples: 2,
    maxSeries,
    kinds: new Set(),
    analyse: () => true,
  });
  return { e, made };
}

const inp = (key: string, value: number, ts: number): DetectionInput => ({
  key,
  metric: 'm',
  labels: {},
  value,
  timestampMs: ts,
  kind: 'latency',
  transform: 'value',
  def: undefined,
});
/** A baseline around 100 (99..101) of `n` samples for `key`. */
const baseline = (key: string, n: number, t0 = 0) =>
  Array.from({ length: n }, (_, i) => inp(key, 100 + (i % 3) - 1, t0 + i * 1000));
const meanSnap = (n: number, mean: number, m2: number): DetectorSnapshot => ({
  detector: 'mean',
  version: 1,
  state: { n, mean, m2 },
});

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

test('series outside the catalog are analysed when their inferred kind is, and open nothing during their warm-up', () => {
  const e = new DetectionEngine({
    factory: thresholdDetector,
    detectorName: 'threshold',
    minConfidence: 0.8,
    confirmSamples: 1,
    cooldownMs: 0,
    resolveAfterSamples: 1,
    maxSeries: 10,
    kinds: new Set(['utilization']),
    inferredWarmupMs: 5000,
  });
  const input = (value: number, t: number, kind: DetectionInput['kind'] = 'utilization'): DetectionInput => ({
    key: `k-${kind}`,
    metric: 'myapp_busy_ratio',
    labels: {},
    value,
    timestampMs: t,
    kind,
    transform: 'value',
    def: undefined,
    inferred: '_ratio/_percent',
  });
  assert.equal(e.analyses(input(1, 0)), true);
  assert.equal(e.analyses(input(1, 0, 'generic')), false, 'generic is not an analysed kind');
  assert.equal(
    e.analyses({ ...input(1, 0), inferred: undefined }),
    false,
    'outside the catalog and not inferred: not analysed',
  );
  const opened: number[] = [];
  for (const [t, v] of [
    [1000, 20],
    [3000, 20],
    [5000, 1],
    [6000, 20],
    [7000, 1],
  ] as const)
    if (e.process([input(v, t)], t).opened.length) opened.push(t);
  // The first sample at 1000 ms starts the warm-up: nothing opens before 6000 ms.
  assert.deepEqual(opened, [6000]);
});

test('series outside the catalog get the detectors of inferredFactory, catalog series those of factory', () => {
  const made: string[] = [];
  const named = (name: string) => () => (made.push(name), { ...thresholdDetector(), name });
  const e = new DetectionEngine({
    factory: named('catalog'),
    inferredFactory: named('inferred'),
    detectorName: 'x',
    minConfidence: 0.8,
    confirmSamples: 1,
    cooldownMs: 0,
    resolveAfterSamples: 1,
    maxSeries: 10,
    kinds: new Set(['utilization', 'bandwidth']),
  });
  const catalog = inputs([1])[0]!;
  const inferred: DetectionInput = {
    key: 'rate(node_cpu_seconds_total{cpu="0",mode="user"})',
    metric: 'node_cpu_seconds_total',
    labels: { cpu: '0', mode: 'user' },
    value: 0.1,
    timestampMs: 1000,
    kind: 'utilization',
    transform: 'rate',
    def: undefined,
    inferred: '_seconds_total: busy share (rate)',
  };
  e.process([...catalog, inferred], 1001);
  assert.deepEqual(made, ['catalog', 'inferred']);
});

describe('the bad direction comes from the catalog', () => {
  const DAY = 86_400_000;
  const live = (factory: DetectorFactory) =>
    new DetectionEngine({
      factory,
      detectorName: 'live',
      minConfidence: 0.8,
      confirmSamples: 2,
      cooldownMs: 300_000,
      resolveAfterSamples: 3,
      maxSeries: 100,
      kinds: LIVE_ANALYSED_KINDS,
    });

  it('hands every detector the catalog direction of its series (per metric and per label)', () => {
    const seen = new Map<string, string | undefined>();
    const e = new DetectionEngine({
      factory: (ctx) => {
        seen.set(`${ctx.kind} ${JSON.stringify(ctx.labels)}`, ctx.direction);
        return thresholdDetector();
      },
      detectorName: 'spy',
      minConfidence: 0.8,
      confirmSamples: 1,
      cooldownMs: 0,
      resolveAfterSamples: 1,
      maxSeries: 100,
      kinds: LIVE_ANALYSED_KINDS,
    });
    const tr = new SeriesTracker(100);
    const batch = (t: number, v: number): Sample[] => [
      {
        name: 'dwcp_v3_resource_utilization_percent',
        labels: { resource_type: 'network', node: 'n1' },
        value: v,
        timestampMs: t,
      },
      {
        name: 'dwcp_v3_resource_utilization_percent',
        labels: { resource_type: 'memory', node: 'n1' },
        value: v,
        timestampMs: t,
      },
      {
        name: 'dwcp_v3_rdma_throughput_bytes_per_second',
        labels: { node_id: 'n1' },
        value: v,
        timestampMs: t,
      },
      {
        name: 'dwcp_v3_consensus_operations_total',
        labels: { node_id: 'n1', protocol: 'raft', result: 'success' },
        value: v,
        timestampMs: t,
      },
      {
        name: 'dwcp_v3_consensus_operations_total',
        labels: { node_id: 'n1', protocol: 'raft', result: 'timeout' },
        value: v,
        timestampMs: t,
      },
      {
        name: 'dwcp_v3_compression_ratio',
        labels: { node_id: 'n1', algorithm: 'zstd' },
        value: v,
        timestampMs: t,
      },
    ];
    e.process(tr.admit(batch(1000, 1)).inputs, 1000);
    e.process(tr.admit(batch(2000, 2)).inputs, 2000);
    assert.deepEqual(Object.fromEntries(seen), {
      'utilization {"resource_type":"network","node":"n1"}': 'down',
      'utilization {"resource_type":"memory","node":"n1"}': 'up',
      'bandwidth {"node_id":"n1"}': 'down',
      'error_rate {"node_id":"n1","protocol":"raft","result":"success"}': 'down',
      'error_rate {"node_id":"n1","protocol":"raft","result":"timeout"}': 'up',
      'compression {"node_id":"n1","algorithm":"zstd"}': 'down',
    });
  });

  /** Anomalies opened on `metric{labels}` by noise around `base` for 300 s, then `step` added for 60 s. */
  function opened(
    factory: DetectorFactory,
    metric: string,
    labels: Record<string, string>,
    base: number,
    noise: number,
    step: number,
  ): number {
    const e = live(factory);
    const tr = new SeriesTracker(100);
    let seed = 7;
    const rnd = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31) * 2 - 1;
    let n = 0;
    for (let i = 0; i < 360; i++) {
      const t = 1_700_000_000_000 + i * 1000;
      const v = base + noise * rnd() + (i >= 300 ? step : 0);
      n += e.process(tr.admit([{ name: metric, labels, value: v, timestampMs: t }]).inputs, t).opened.length;
    }
    return n;
  }

  it('network utilisation (shipped ensemble): a rise — more work on the same link — raises nothing, a drop does', () => {
    const f = liveDetectorFactory('ensemble', DAY);
    const labels = { resource_type: 'network', node: 'n1' };
    assert.equal(opened(f, 'dwcp_v3_resource_utilization_percent', labels, 50, 2, 15), 0);
    assert.ok(opened(f, 'dwcp_v3_resource_utilization_percent', labels, 50, 2, -15) >= 1);
    // Memory utilisation keeps the kind's direction: the rise is the bad one.
    const memory = { resource_type: 'memory', node: 'n1' };
    assert.equal(opened(f, 'dwcp_v3_resource_utilization_percent', memory, 50, 2, -15), 0);
    assert.ok(opened(f, 'dwcp_v3_resource_utilization_percent', memory, 50, 2, 15) >= 1);
  });

  it('throughput (z-score detector): a rise raises nothing, a drop does', () => {
    const f = liveDetectorFactory('statistical', DAY);
    const labels = { node_id: 'n1' };
    assert.equal(opened(f, 'dwcp_v3_rdma_throughput_bytes_per_second', labels, 1e9, 1e7, 3e8), 0);
    assert.ok(opened(f, 'dwcp_v3_rdma_throughput_bytes_per_second', labels, 1e9, 1e7, -3e8) >= 1);
  });
});

describe('series outside the catalog are judged by episodes (minimum duration, one anomaly per lasting fault)', () => {
  const STEP = 15_000;
  /** A detector that re-anchors as the live members do: anomalous for the first 3 samples of a new level, then that level is normal. */
  function adapting(): StreamingDetector {
    let level = 0;
    let away = 0;
    return {
      name: 'adapting',
      update(value: number): Verdict {
        const out = Math.abs(value - level) > 10;
        away = out ? away + 1 : 0;
        if (away > 3) {
          level = value;
          away = 0;
        }
        const bad = out && away > 0;
        return {
          anomalous: bad,
          score: bad ? 1 : 0,
          expected: level,
          lower: level - 10,
          upper: level + 10,
          deviation: bad ? (value - level) / 2.5 : 0,
          confidence: bad ? 0.9 : 0,
          severity: bad ? 'high' : 'low',
          warmingUp: false,
          resolved: false,
        };
      },
      stateBytes: () => 0,
    };
  }
  const make = (factory: () => StreamingDetector, minDurationMs: number) =>
    new DetectionEngine({
      factory,
      detectorName: 'x',
      minConfidence: 0.8,
      confirmSamples: 2,
      cooldownMs: 300_000,
      resolveAfterSamples: 3,
      maxSeries: 10,
      kinds: new Set(['utilization']),
      inferredMinDurationMs: minDurationMs,
    });
  const inferredInput = (value: number, t: number): DetectionInput => ({
    key: 'k',
    metric: 'myapp_busy_ratio',
    labels: {},
    value,
    timestampMs: t,
    kind: 'utilization',
    transform: 'value',
    def: undefined,
    inferred: '_ratio/_percent',
  });
  /** Runs `values` (one per 15 s) and returns the sample indexes that opened and resolved an anomaly. */
  function run(e: DetectionEngine, values: readonly number[], input = inferredInput) {
    const opened: number[] = [];
    const resolved: number[] = [];
    values.forEach((v, i) => {
      const out = e.process([input(v, 1e12 + i * STEP)], 1e12 + i * STEP);
      if (out.opened.length > 0) opened.push(i);
      if (out.resolved.length > 0) resolved.push(i);
    });
    return { opened, resolved };
  }
  const series = (...parts: [number, number][]): number[] =>
    parts.flatMap(([v, n]) => Array<number>(n).fill(v));

  it('an excursion shorter than the minimum duration opens nothing; one that lasts opens once it lasted that long', () => {
    // 30 s at 20 (a job), then 5 minutes at 20 (a fault), with a fixed-threshold detector.
    const values = series([1, 20], [20, 2], [1, 20], [20, 20], [1, 10]);
    const r = run(make(thresholdDetector, 180_000), values);
    assert.deepEqual(r.opened, [42 + 12], 'opened 180 s after the fault began, not at the job');
    assert.deepEqual(r.resolved, [62 + 2], 'resolved at the third normal sample');
    // Without a minimum (0), the job opens as well: confirmation alone.
    assert.deepEqual(run(make(thresholdDetector, 0), values).opened, [21, 43]);
  });

  it('a lasting fault stays one anomaly while the detector re-anchors to it, and resolves when the series is back', () => {
    // 10 minutes at 50 after 10 minutes at 0: the detector judges the fault anomalous for 3 samples, then learns it.
    const values = series([0, 40], [50, 40], [0, 20]);
    const inferred = run(make(adapting, 30_000), values);
    assert.deepEqual(inferred.opened, [42], 'opened once the episode lasted 30 s');
    assert.deepEqual(
      inferred.resolved,
      [82],
      'open for the whole fault; resolved at the third sample back (the return is no new episode)',
    );
    // A catalog series with the same detector: held open while the series stays outside the band its anomaly
    // opened against ([-10, 10]), though the detector learned the fault; resolved at the third sample back inside
    // it, and the return (judged anomalous by the re-anchored detector) opens nothing. The rule before the hold
    // resolved at the detector's fourth sample of the fault and opened again on the return: [41, 81].
    const catalogInput = (value: number, t: number): DetectionInput => ({
      ...inferredInput(value, t),
      inferred: undefined,
      key: 'c',
      def: undefined,
    });
    const catalog = new DetectionEngine({
      factory: adapting,
      detectorName: 'x',
      minConfidence: 0.8,
      confirmSamples: 2,
      cooldownMs: 300_000,
      resolveAfterSamples: 3,
      maxSeries: 10,
      kinds: new Set(['utilization']),
      analyse: () => true,
    });
    const c = run(catalog, values, catalogInput);
    assert.deepEqual(c.opened, [41]);
    assert.deepEqual(c.resolved, [82]);
  });

  it('the episodic option leaves chosen inferred series to the catalog rule', () => {
    const values = series([1, 20], [20, 2], [1, 5]);
    const e = new DetectionEngine({
      factory: thresholdDetector,
      detectorName: 'x',
      minConfidence: 0.8,
      confirmSamples: 2,
      cooldownMs: 300_000,
      resolveAfterSamples: 3,
      maxSeries: 10,
      kinds: new Set(['utilization']),
      inferredMinDurationMs: 180_000,
      episodic: () => false,
    });
    assert.deepEqual(run(e, values).opened, [21]);
  });
});
