/**
 * Detector state checkpoint/restore (src/monitor/checkpointer.ts) with the shipped engine options and a real
 * SQLite store: restore, corrupt state, wrong version, the label-aware cold fallback, batching, one checkpoint
 * in flight, the final checkpoint at stop, and dropping unused restored states.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type {
  DetectorSnapshot,
  PersistentDetector,
  Verdict,
} from '../../../src/analysis/anomaly/detector.ts';
import { NOT_JUDGED } from '../../../src/analysis/anomaly/detector.ts';
import type { Sample } from '../../../src/model/sample.ts';
import { DetectorCheckpointer } from '../../../src/monitor/checkpointer.ts';
import { DEFAULT_DETECTION_SETTINGS } from '../../../src/model/detection-settings.ts';
import { detectionEngineOptions } from '../../../src/monitor/detection-config.ts';
import { DetectionEngine } from '../../../src/monitor/detection-engine.ts';
import type { MonitorLog } from '../../../src/monitor/log.ts';
import { SeriesTracker, type DetectionInput } from '../../../src/monitor/series-tracker.ts';
import { openSqliteStore, type OpenedStore } from '../../../src/store/sqlite.ts';
import type {
  DetectorStateRow,
  DetectorStateStore,
  SaveDetectorStatesResult,
} from '../../../src/store/types.ts';

const T0 = Date.UTC(2026, 0, 1);
const MEM_LABELS = {
  job: 'dwcp',
  instance: '127.0.0.1:9101',
  region: 'us-east',
  node: 'node-1',
  resource_type: 'memory',
};

/** A log that records `level message` lines. */
function recordingLog(): MonitorLog & { lines: string[] } {
  const lines: string[] = [];
  const at = (level: string) => (_fields: object, message: string) => void lines.push(`${level} ${message}`);
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** Detection inputs of the memory-utilisation series at 1 s steps (a gentle wave around 40 %). */
function memoryInputs(from: number, count: number): DetectionInput[][] {
  const tracker = new SeriesTracker(10);
  const out: DetectionInput[][] = [];
  for (let i = 0; i < from + count; i++) {
    const s: Sample = {
      name: 'dwcp_v3_resource_utilization_percent',
      labels: MEM_LABELS,
      value: 40 + 2 * Math.sin(i / 7) + (i % 3) * 0.1,
      timestampMs: T0 + i * 1000,
    };
    const inputs = tracker.admit([s]).inputs;
    if (i >= from) out.push(inputs);
  }
  return out;
}

function feed(engine: DetectionEngine, batches: readonly DetectionInput[][]): void {
  for (const b of batches) engine.process(b, b[0]!.timestampMs);
}

const shipped = () => new DetectionEngine(detectionEngineOptions(DEFAULT_DETECTION_SETTINGS));

/** The snapshot a cold shipped detector of the memory series has after `batches`. */
function coldSnapshot(batches: readonly DetectionInput[][]): DetectorSnapshot {
  const e = shipped();
  feed(e, batches);
  return e.snapshots(10)[0]!.snapshot;
}

describe('DetectorCheckpointer with the shipped engine and SQLite', () => {
  let store: OpenedStore;
  let nowMs: number;
  const clock = () => nowMs;
  const key = memoryInputs(0, 1)[0]![0]!.key;

  beforeEach(async () => {
    store = await openSqliteStore({ path: ':memory:', retentionMs: 3600_000 });
    nowMs = T0;
  });
  afterEach(async () => {
    await store.close();
  });

  const checkpointer = (engine: DetectionEngine, log: MonitorLog) =>
    new DetectorCheckpointer({ engine, store, clock, log, maxSeries: 100, dropUnusedAfterMs: 600_000 });

  it('a restarted engine resumes from the checkpoint exactly where the old one stopped', async () => {
    const before = shipped();
    feed(before, memoryInputs(0, 150));
    const saved = await checkpointer(before, recordingLog()).checkpoint();
    assert.deepEqual(saved, { saved: 1, refused: 0, failed: false });

    const after = shipped();
    const log = recordingLog();
    const restored = await checkpointer(after, log).restore();
    assert.deepEqual(restored, { loaded: 1, kept: 1, malformed: 0, failed: false });
    assert.ok(log.lines.includes('info detector states restored'));
    const next = memoryInputs(150, 20);
    feed(after, next);
    feed(before, next);
    assert.equal(after.persistenceStats().restored, 1);
    assert.deepEqual(
      after.snapshots(10),
      before.snapshots(10),
      'same state as the engine that never stopped',
    );
  });

  for (const [what, spoil] of [
    [
      'corrupt state',
      (s: DetectorSnapshot): DetectorSnapshot => ({ ...s, state: { mute: 0, members: 'garbage' } }),
    ],
    ['a wrong version', (s: DetectorSnapshot): DetectorSnapshot => ({ ...s, version: s.version + 1 })],
  ] as const) {
    it(`${what}: the series starts cold with a detector built from its labels, like any cold start`, async () => {
      const good = coldSnapshot(memoryInputs(0, 120));
      const row: DetectorStateRow = { seriesKey: key, ...spoil(good), updatedAtMs: T0 };
      await store.saveDetectorStates([row]);

      const engine = shipped();
      const log = recordingLog();
      const cp = checkpointer(engine, log);
      await cp.restore();
      const run = memoryInputs(0, 60);
      feed(engine, run);
      const ps = engine.persistenceStats();
      assert.deepEqual([ps.restored, ps.rejected], [0, 1]);
      await cp.checkpoint();
      assert.ok(log.lines.includes('warn restored detector states refused; those series started cold'));

      // Same state as a cold start of this series: the fallback kept the `resource_type: memory` tuning.
      const fallback = (await store.loadDetectorStates(10)).rows[0]!;
      const cold = coldSnapshot(run);
      assert.deepEqual(
        { detector: fallback.detector, version: fallback.version, state: fallback.state },
        cold,
      );
      // A detector built without the labels (the generic utilisation tuning) would have another state.
      const unlabelled = new DetectionEngine({
        ...detectionEngineOptions(DEFAULT_DETECTION_SETTINGS),
        factory: (ctx) => detectionEngineOptions(DEFAULT_DETECTION_SETTINGS).factory({ kind: ctx.kind }),
      });
      feed(unlabelled, run);
      assert.notDeepEqual(unlabelled.snapshots(10)[0]!.snapshot, cold);
    });
  }

  it('a failed load starts cold and is logged; malformed stored rows are counted', async () => {
    const failing: DetectorStateStore = {
      loadDetectorStates: () => Promise.reject(new Error('disk gone')),
      saveDetectorStates: () => Promise.reject(new Error('unused')),
      deleteDetectorStatesOlderThan: () => Promise.resolve(0),
    };
    const log = recordingLog();
    const cp = new DetectorCheckpointer({
      engine: shipped(),
      store: failing,
      clock,
      log,
      maxSeries: 10,
      dropUnusedAfterMs: 1,
    });
    assert.deepEqual(await cp.restore(), { loaded: 0, kept: 0, malformed: 0, failed: true });
    assert.deepEqual(log.lines, ['error loading detector states failed; detection starts cold']);

    const malformed: DetectorStateStore = {
      ...failing,
      loadDetectorStates: () => Promise.resolve({ rows: [], malformed: 2 }),
    };
    const log2 = recordingLog();
    const cp2 = new DetectorCheckpointer({
      engine: shipped(),
      store: malformed,
      clock,
      log: log2,
      maxSeries: 10,
      dropUnusedAfterMs: 1,
    });
    assert.equal((await cp2.restore()).malformed, 2);
    assert.ok(log2.lines.includes('warn malformed stored detector states skipped'));
  });

  it('drops restored states whose series did not come back, only after the wait', async () => {
    await store.saveDetectorStates([
      { seriesKey: 'gone', ...coldSnapshot(memoryInputs(0, 5)), updatedAtMs: T0 },
    ]);
    const engine = shipped();
    const cp = checkpointer(engine, recordingLog());
    await cp.restore();
    assert.equal(cp.dropUnused(T0 + 599_999), 0);
    assert.equal(engine.persistenceStats().pendingRestore, 1);
    assert.equal(cp.dropUnused(T0 + 600_000), 1);
    assert.equal(engine.persistenceStats().pendingRestore, 0);
  });
});

/** A persistent detector that only counts (a fake of our own interface). */
class CountDetector implements PersistentDetector {
  readonly name = 'count';
  n = 0;
  update(): Verdict {
    this.n++;
    return NOT_JUDGED;
  }
  stateBytes(): number {
    return 8;
  }
  snapshot(): DetectorSnapshot {
    return { detector: 'count', version: 1, state: { n: this.n } };
  }
  restore(s: DetectorSnapshot): void {
    this.n = (s.state as { n: number }).n;
  }
}

describe('DetectorCheckpointer batching and lifecycle', () => {
  const engineWith = (series: number) => {
    const e = new DetectionEngine({
      ...detectionEngineOptions(DEFAULT_DETECTION_SETTINGS),
      factory: () => new CountDetector(),
      analyse: () => true,
    });
    const inputs = Array.from({ length: series }, (_, i): DetectionInput => ({
      key: `s${i}`,
      metric: 'm',
      labels: {},
      value: 1,
      timestampMs: 1,
      kind: 'generic',
      transform: 'value',
      def: undefined,
    }));
    e.process(inputs, 1);
    return e;
  };

  /** A store whose saves wait until `release()`; records batch sizes. */
  function slowStore() {
    const batches: number[] = [];
    let release!: () => void;
    let gate = new Promise<void>((r) => (release = r));
    const store: DetectorStateStore = {
      async saveDetectorStates(rows): Promise<SaveDetectorStatesResult> {
        batches.push(rows.length);
        await gate;
        return { saved: rows.length, rejected: [] };
      },
      loadDetectorStates: () => Promise.resolve({ rows: [], malformed: 0 }),
      deleteDetectorStatesOlderThan: () => Promise.resolve(0),
    };
    return {
      store,
      batches,
      release: () => {
        release();
        gate = Promise.resolve();
      },
    };
  }

  const change = (engine: DetectionEngine, key: string) =>
    engine.process(
      [
        {
          key,
          metric: 'm',
          labels: {},
          value: 2,
          timestampMs: 2,
          kind: 'generic',
          transform: 'value',
          def: undefined,
        },
      ],
      2,
    );

  it('writes in batches of batchSize, one checkpoint at a time; stop waits for the running one', async () => {
    const engine = engineWith(2500);
    const s = slowStore();
    const log = recordingLog();
    const cp = new DetectorCheckpointer({
      engine,
      store: s.store,
      clock: () => T0,
      log,
      maxSeries: 5000,
      batchSize: 1000,
      dropUnusedAfterMs: 1,
    });
    const a = cp.checkpoint();
    const b = cp.checkpoint();
    assert.equal(a, b, 'a second call joins the running checkpoint');
    let firstDone = false;
    void a.then(() => (firstDone = true));
    const stopped = cp.stop().then((r) => ({ r, firstDone }));
    s.release();
    assert.deepEqual(await a, { saved: 2500, refused: 0, failed: false });
    assert.deepEqual(await stopped, { r: { saved: 0, refused: 0, failed: false }, firstDone: true });
    assert.deepEqual(s.batches, [1000, 1000, 500]);
  });

  it('the final checkpoint at stop saves what changed since the last one; nothing runs after it', async () => {
    const engine = engineWith(3);
    const s = slowStore();
    s.release();
    const log = recordingLog();
    const cp = new DetectorCheckpointer({
      engine,
      store: s.store,
      clock: () => T0,
      log,
      maxSeries: 10,
      dropUnusedAfterMs: 1,
    });
    assert.equal((await cp.checkpoint()).saved, 3);
    change(engine, 's0');
    assert.deepEqual(await cp.stop(), { saved: 1, refused: 0, failed: false });
    assert.ok(log.lines.includes('info detector states checkpointed at shutdown'));
    change(engine, 's1');
    assert.deepEqual(await cp.checkpoint(), { saved: 0, refused: 0, failed: false }, 'nothing after stop');
    assert.deepEqual(await cp.stop(), { saved: 0, refused: 0, failed: false });
    assert.deepEqual(s.batches, [3, 1]);
  });

  it('a failing store write is logged and reported, and the next checkpoint runs', async () => {
    const engine = engineWith(3);
    let calls = 0;
    const store: DetectorStateStore = {
      saveDetectorStates: (rows) =>
        ++calls === 1
          ? Promise.reject(new Error('locked'))
          : Promise.resolve({ saved: rows.length, rejected: [] }),
      loadDetectorStates: () => Promise.resolve({ rows: [], malformed: 0 }),
      deleteDetectorStatesOlderThan: () => Promise.resolve(0),
    };
    const log = recordingLog();
    const cp = new DetectorCheckpointer({
      engine,
      store,
      clock: () => T0,
      log,
      maxSeries: 10,
      dropUnusedAfterMs: 1,
    });
    assert.deepEqual(await cp.checkpoint(), { saved: 0, refused: 0, failed: true });
    assert.ok(log.lines.includes('error checkpointing detector states failed'));
    change(engine, 's1');
    assert.deepEqual(await cp.checkpoint(), { saved: 1, refused: 0, failed: false });
  });

  it('refuses a batch size or series limit that is not a positive integer', () => {
    const engine = engineWith(1);
    const s = slowStore().store;
    assert.throws(
      () =>
        new DetectorCheckpointer({
          engine,
          store: s,
          clock: () => 0,
          log: recordingLog(),
          maxSeries: 1,
          batchSize: 0,
          dropUnusedAfterMs: 1,
        }),
      RangeError,
    );
    assert.throws(
      () =>
        new DetectorCheckpointer({
          engine,
          store: s,
          clock: () => 0,
          log: recordingLog(),
          maxSeries: 0.5,
          dropUnusedAfterMs: 1,
        }),
      RangeError,
    );
  });
});
