/**
 * The write half of the log store contract (called by logStoreContract in log-store-contract.ts): retention per
 * level and the entry cap, atomic batches (also beside retention), streams (one per label set, the stream cap,
 * streams removed with their last entry), counts per stream and bucket, and the migration bookkeeping table.
 */
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { countByStream } from '../../src/logs/store/counts.ts';
import type { LogStore, LogStoreOptions } from '../../src/logs/store/log-store.ts';
import { logMigrations } from '../../src/logs/store/migrations.ts';
import { DAY, NOW, RANGE, logRecord } from './log-store-fixtures.ts';
import type { ContractTest } from './store-suite.ts';

/** What the write tests need from the contract suite: its test function, a store opener and a scan. */
export interface LogStoreSuite {
  readonly test: ContractTest;
  readonly open: (opts?: Partial<LogStoreOptions>) => Promise<LogStore>;
  readonly scan: (
    st: LogStore,
    over?: Partial<Parameters<LogStore['scan']>[0]>,
  ) => ReturnType<LogStore['scan']>;
}

/** Registers the write tests inside the contract suite of one backend. */
export function logStoreWriteTests({ test, open, scan }: LogStoreSuite): void {
  test('retention per level, then the entry cap (oldest first); full-text rows go with their entries', async () => {
    const st = await open({ maxEntries: 3 });
    await st.insertLogs([
      logRecord(2 * DAY, { level: 'debug', body: 'gone debug' }),
      logRecord(2 * DAY, { level: 'error', body: 'kept error' }),
      logRecord(10 * DAY, { level: 'info', body: 'gone info' }),
      logRecord(3000, { body: 'cap a' }),
      logRecord(2000, { body: 'cap b' }),
      logRecord(1000, { body: 'cap c' }),
    ]);
    assert.equal(await st.applyRetention(NOW), 3);
    assert.deepEqual(
      (await scan(st)).entries.map((e) => e.body),
      ['cap c', 'cap b', 'cap a'],
    );
    assert.deepEqual((await scan(st, { words: ['gone'] })).entries, []);
    await st.insertLogs([logRecord(500, { body: 'gone later' })]);
    assert.equal((await scan(st, { words: ['gone'] })).entries.length, 1);
  });

  test('a batch is atomic: a bad entry stores nothing of it, and the next batch is stored', async () => {
    const st = await open();
    await st.insertLogs([logRecord(3000, { body: 'before' })]);
    await assert.rejects(
      st.insertLogs([
        logRecord(2000, { body: 'lost one' }),
        logRecord(2000, { body: null as unknown as string }),
      ]),
    );
    assert.equal(await st.insertLogs([logRecord(1000, { body: 'after' })]), 1);
    assert.deepEqual(
      (await scan(st)).entries.map((e) => e.body),
      ['after', 'before'],
    );
    assert.deepEqual((await scan(st, { words: ['lost'] })).entries, []);
  });

  test('inserts running beside retention all land, with their full-text rows', async () => {
    const st = await open();
    await st.insertLogs(
      Array.from({ length: 300 }, (_, i) => logRecord(2 * DAY + i, { level: 'debug', body: `old ${i}` })),
    );
    const batches = Array.from({ length: 10 }, (_, b) =>
      Array.from({ length: 50 }, (_, i) => logRecord(1000 + i, { body: `fresh ${b} ${i}` })),
    );
    const [deleted, ...stored] = await Promise.all([
      st.applyRetention(NOW),
      ...batches.map((x) => st.insertLogs(x)),
    ]);
    assert.equal(deleted, 300);
    assert.deepEqual(
      stored,
      batches.map(() => 50),
    );
    assert.equal(await st.count(), 500);
    assert.equal((await scan(st, { words: ['fresh'] })).entries.length, 500);
  });

  test('one stream per label set; a new label set beyond the stream cap is refused and reported, known ones still stored', async () => {
    const st = await open({ maxStreams: 2 });
    const r = await st.storeLogs([
      logRecord(5000, { nodeId: 'node-1', body: 'a' }),
      logRecord(4000, { nodeId: 'node-2', body: 'b' }),
      logRecord(3000, { nodeId: 'node-1', body: 'c' }),
      logRecord(2000, { nodeId: 'node-3', body: 'refused' }),
      logRecord(1000, { nodeId: 'node-2', level: 'error', body: 'refused too' }),
    ]);
    assert.deepEqual(r, { stored: 3, droppedForStreamLimit: [3, 4] });
    assert.equal(await st.streamCount(), 2);
    assert.equal(
      await st.insertLogs([
        logRecord(500, { nodeId: 'node-2', body: 'd' }),
        logRecord(400, { nodeId: 'node-4', body: 'x' }),
      ]),
      1,
    );
    assert.deepEqual(
      (await scan(st)).entries.map((e) => e.body),
      ['d', 'c', 'b', 'a'],
    );
    assert.deepEqual(await st.labelValues('node_id', RANGE.startUs, RANGE.endUs, 10), ['node-1', 'node-2']);
    await assert.rejects(open({ maxStreams: 0 }), /maxStreams must be a positive integer/);
  });

  test('retention removes the streams it leaves without entries, which makes room under the cap', async () => {
    const st = await open({ maxStreams: 2 });
    await st.insertLogs([
      logRecord(2 * DAY, { level: 'debug', nodeId: 'old', body: 'old debug' }),
      logRecord(1000, { nodeId: 'kept', body: 'kept' }),
    ]);
    assert.deepEqual(
      (await st.storeLogs([logRecord(900, { nodeId: 'new', body: 'new' })])).droppedForStreamLimit,
      [0],
    );
    assert.equal(await st.applyRetention(NOW), 1);
    assert.equal(await st.streamCount(), 1);
    assert.equal(await st.insertLogs([logRecord(800, { nodeId: 'new', body: 'new' })]), 1);
    assert.deepEqual(
      (await scan(st)).entries.map((e) => e.nodeId),
      ['new', 'kept'],
    );
  });

  test('counts per stream and bucket, with label sets and substring filters, without reading lines', async () => {
    const st = await open();
    const origin = (NOW - 60_000) * 1000;
    await st.insertLogs([
      logRecord(60_000, { nodeId: 'node-1', body: 'at the origin: not counted' }),
      logRecord(59_999, { nodeId: 'node-1', body: 'timed out' }),
      logRecord(45_000, { nodeId: 'node-1', body: 'timed out' }),
      logRecord(44_999, { nodeId: 'node-1', body: 'ok' }),
      logRecord(10_000, { nodeId: 'node-2', body: 'timed out again' }),
      logRecord(0, { nodeId: 'node-2', level: 'error', body: 'timed out' }),
    ]);
    const count = (over: Partial<Parameters<typeof countByStream>[1]>) =>
      countByStream(st, {
        originUs: origin,
        endUs: (NOW + 1) * 1000,
        bucketUs: 15_000_000,
        labels: [],
        maxGroups: 100,
        ...over,
      });
    const all = await count({});
    assert.deepEqual(
      all.streams.map((s) => [
        s.labels.node_id,
        s.labels.level,
        s.bucketEndsUs.map((t) => (t - origin) / 1e6),
        s.counts,
      ]),
      [
        ['node-1', 'info', [15, 30], [2, 1]],
        ['node-2', 'info', [60], [1]],
        ['node-2', 'error', [60], [1]],
      ],
    );
    assert.deepEqual([all.lines, all.truncated], [5, false]);
    const timedOut = await count({
      contains: ['timed out'],
      notContains: ['again'],
      labels: [{ label: 'node_id', in: ['node-1', 'node-2'] }],
    });
    assert.deepEqual(
      timedOut.streams.map((s) => [s.labels.node_id, s.labels.level, s.counts]),
      [
        ['node-1', 'info', [2]],
        ['node-2', 'error', [1]],
      ],
    );
    assert.deepEqual((await count({ labels: [{ label: 'node_id', in: ['none'] }] })).streams, []);
    const bounded = await count({ maxGroups: 2 });
    assert.deepEqual([bounded.streams.length, bounded.lines, bounded.truncated], [1, 3, true]);
  });

  test('migrations are recorded in their own table', async () => {
    const st = await open();
    const r = await sql<{ n: string }>`select name as n from kysely_migration_logs`.execute(st.db);
    const want = Object.keys(logMigrations(st.dialect)).map((n) => ({ n }));
    assert.deepEqual(r.rows, want);
  });
}
