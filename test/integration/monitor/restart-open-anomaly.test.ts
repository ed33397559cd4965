/**
 * An anomaly open when the monitor stops is closed after the restart, on SQLite (temp file) and PostgreSQL (a fresh
 * schema, dropped at close): the engine, checkpointer and anomaly sink of a first run store the open anomaly and
 * checkpoint its held band; a second run over the same database takes the row over and resolves the SAME row when
 * the series is back inside its band. Rows whose state did not come back (no checkpointed band, a refused
 * snapshot, a series not seen since) are resolved with the reason `monitor restarted without its state`, not left
 * open forever; what is read at the restart is bounded by the sink's `maxOpen`.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Registry } from 'prom-client';
import type { StreamingDetector } from '../../../src/analysis/anomaly/detector.ts';
import { metricsOf } from '../../../src/catalog/index.ts';
import { createCatalogMetrics } from '../../../src/catalog/registry.ts';
import { AnomalySink } from '../../../src/monitor/anomaly-sink.ts';
import { DetectorCheckpointer } from '../../../src/monitor/checkpointer.ts';
import { DetectionEngine } from '../../../src/monitor/detection-engine.ts';
import { RESTARTED_WITHOUT_STATE } from '../../../src/monitor/detection-restore.ts';
import type { MonitorLog } from '../../../src/monitor/log.ts';
import type { DetectionInput } from '../../../src/monitor/series-tracker.ts';
import { openPostgresStore } from '../../../src/store/postgres.ts';
import { openSqliteStore, type OpenedStore } from '../../../src/store/sqlite.ts';
import { freshSchema, PG_URL, pgSkipReason } from '../../helpers/postgres.ts';
import { anomaly, T0 } from '../../helpers/store-fixtures.ts';
import { Adapting, catalogEngineOptions } from '../../unit/monitor/detection-engine-fixtures.ts';

const STEP = 15_000;
const quiet: MonitorLog = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

const input = (key: string, value: number, i: number): DetectionInput => ({
  key,
  metric: 'dwcp_v3_resource_utilization_percent',
  labels: { node_id: key },
  value,
  timestampMs: T0 + i * STEP,
  kind: 'utilization',
  transform: 'value',
  def: undefined,
});

/** One run of the monitor's detection half over `store`: engine, checkpointer and sink. */
function monitorRun(store: OpenedStore, factory: () => StreamingDetector = () => new Adapting()) {
  let nowMs = T0;
  const engine = new DetectionEngine(catalogEngineOptions(factory));
  const errors: unknown[] = [];
  const sink = new AnomalySink({
    store,
    metrics: createCatalogMetrics(new Registry(), metricsOf('monitor')),
    publish: () => {},
    senders: [],
    externalUrl: 'http://127.0.0.1',
    maxOpen: 10,
    onError: (e) => errors.push(e),
  });
  const checkpointer = new DetectorCheckpointer({
    engine,
    store,
    clock: () => nowMs,
    log: quiet,
    maxSeries: 10,
    dropUnusedAfterMs: 600_000,
  });
  return {
    engine,
    sink,
    checkpointer,
    errors,
    /** Feeds `values[key]` at steps `from`.. (one batch per step), handing every outcome to the sink. */
    async feed(from: number, values: Record<string, readonly number[]>): Promise<void> {
      const n = Math.max(...Object.values(values).map((v) => v.length));
      for (let j = 0; j < n; j++) {
        nowMs = T0 + (from + j) * STEP;
        const batch = Object.entries(values)
          .filter(([, v]) => j < v.length)
          .map(([k, v]) => input(k, v[j]!, from + j));
        await sink.handle(engine.process(batch, nowMs));
      }
    },
    async restart(): Promise<void> {
      await checkpointer.restore();
      await sink.restoreOpen(checkpointer.heldKeys(), nowMs);
    },
    setNow(ms: number): void {
      nowMs = ms;
    },
  };
}

/** The detector of a new release: refuses every stored snapshot, so its series start cold. */
class NewRelease extends Adapting {
  override restore(): void {
    throw new Error('snapshot of an older release');
  }
}

const fill = (n: number, v: number) => Array.from({ length: n }, () => v);

interface Backend {
  readonly name: string;
  readonly skip?: string;
  /** Opens the same database again on every call (a restart), fresh per `db` id. */
  open(db: string): Promise<OpenedStore>;
  cleanup(): Promise<void>;
}

function sqliteBackend(): Backend {
  const dir = mkdtempSync(join(tmpdir(), 'dwcp-restart-'));
  return {
    name: 'sqlite',
    open: (db) => openSqliteStore({ path: join(dir, `${db}.db`), retentionMs: 3600_000 }),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

async function postgresBackend(): Promise<Backend> {
  const skip = await pgSkipReason();
  const schemas = new Map<string, string>();
  const stores: OpenedStore[] = [];
  return {
    name: 'postgres',
    ...(skip !== undefined ? { skip } : {}),
    open: async (db) => {
      if (!schemas.has(db)) schemas.set(db, freshSchema('restart_open'));
      const s = await openPostgresStore({ url: PG_URL, retentionMs: 3600_000, schema: schemas.get(db)! });
      stores.push(s);
      return s;
    },
    cleanup: async () => {
      if (skip !== undefined) return;
      // Drop every schema through one last store per schema.
      for (const schema of schemas.values()) {
        const s = await openPostgresStore({
          url: PG_URL,
          retentionMs: 3600_000,
          schema,
          dropSchemaOnClose: true,
        });
        await s.close();
      }
    },
  };
}

for (const make of [async () => sqliteBackend(), postgresBackend]) {
  const backend = await make();
  describe(`open anomalies across a restart (${backend.name})`, { skip: backend.skip }, () => {
    after(() => backend.cleanup());

    /** First run: 40 normal samples of `keys`, then the fault (50) until step 60; one anomaly each. */
    async function firstRun(db: string, keys: readonly string[], checkpoint: 'after-fault' | 'before-fault') {
      const store = await backend.open(db);
      const run = monitorRun(store);
      await run.feed(0, Object.fromEntries(keys.map((k) => [k, fill(40, 0)])));
      if (checkpoint === 'before-fault') await run.checkpointer.checkpoint();
      await run.feed(40, Object.fromEntries(keys.map((k) => [k, fill(20, 50)])));
      if (checkpoint === 'after-fault') await run.checkpointer.stop();
      const open = await store.listOpen(10);
      assert.deepEqual(open.map((a) => a.seriesKey).sort(), [...keys].sort(), 'open at shutdown');
      assert.deepEqual(run.errors, []);
      await store.close();
      return open;
    }

    it('the restarted engine resolves the SAME stored row once the series is back inside its band', async () => {
      const [row] = await firstRun('same-row', ['a'], 'after-fault');
      const store = await backend.open('same-row');
      try {
        const run = monitorRun(store);
        await run.restart();
        assert.equal(run.sink.openAnomalies()[0]?.id, row!.id, 'the row is taken over');
        await run.feed(60, { a: [...fill(20, 50), ...fill(10, 0)] });
        assert.deepEqual(await store.listOpen(10), [], 'nothing left open');
        const [back] = await store.list({ limit: 10, id: row!.id });
        assert.equal(back!.resolvedAtMs, T0 + 82 * STEP, 'the third sample back inside the band');
        assert.equal(
          back!.resolution,
          'back inside the band for 3 samples',
          'back inside its band, with the reason',
        );
        assert.equal((await store.list({ limit: 10 })).length, 1, 'no second anomaly');
        assert.deepEqual(run.errors, []);
      } finally {
        await store.close();
      }
    });

    it('an open row without a checkpointed band is resolved at the restart with the reason', async () => {
      const [row] = await firstRun('no-band', ['b'], 'before-fault');
      const store = await backend.open('no-band');
      try {
        const run = monitorRun(store);
        run.setNow(T0 + 70 * STEP);
        await run.restart();
        const [closed] = await store.list({ limit: 10, id: row!.id });
        assert.equal(closed!.resolvedAtMs, T0 + 70 * STEP);
        assert.equal(closed!.resolution, RESTARTED_WITHOUT_STATE);
        assert.deepEqual(run.sink.openAnomalies(), []);
      } finally {
        await store.close();
      }
    });

    it('a refused snapshot and a series not seen since the restart resolve their rows with the reason', async () => {
      const rows = await firstRun('refused', ['c', 'd'], 'after-fault');
      const store = await backend.open('refused');
      try {
        // Another detector (a new release): the stored snapshots are refused, the series start cold.
        const run = monitorRun(store, () => new NewRelease());
        await run.restart();
        assert.equal(run.sink.openAnomalies().length, 2, 'both held at the restart');
        await run.feed(60, { c: [0] });
        const byKey = async (k: string) =>
          (await store.list({ limit: 1, id: rows.find((r) => r.seriesKey === k)!.id }))[0]!;
        assert.equal((await byKey('c')).resolution, RESTARTED_WITHOUT_STATE, 'refused at its first sample');
        assert.equal((await byKey('c')).resolvedAtMs, T0 + 60 * STEP);
        assert.equal((await byKey('d')).resolvedAtMs, null, 'd may still come back');
        assert.equal(run.checkpointer.dropUnused(T0 + 60 * STEP + 600_000), 1, 'd never came back');
        await run.feed(61, { c: [0] });
        assert.equal((await byKey('d')).resolution, RESTARTED_WITHOUT_STATE);
        assert.deepEqual(await store.listOpen(10), []);
      } finally {
        await store.close();
      }
    });

    it('at most maxOpen open rows are read at the restart; an older row of the same series is resolved', async () => {
      const store = await backend.open('bounded');
      try {
        const run = monitorRun(store);
        // 12 stored open rows of 11 series (maxOpen is 10): the newest 10 are read.
        for (let i = 0; i < 12; i++)
          await store.insert({ ...anomaly(), seriesKey: `s${Math.min(i, 10)}`, startedAtMs: T0 + i });
        run.setNow(T0 + 100 * STEP);
        await run.sink.restoreOpen(new Set(['s10']), T0 + 100 * STEP);
        const open = await store.listOpen(20);
        assert.deepEqual(
          open.map((a) => a.seriesKey),
          ['s10', 's1', 's0'],
          'the newest s10 is held; the older s10 and s2..s9 resolved; s0, s1 beyond the bound untouched',
        );
      } finally {
        await store.close();
      }
    });
  });
}
