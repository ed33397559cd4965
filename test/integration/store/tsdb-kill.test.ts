/**
 * Durability of the chunked store under kill -9: a real child process appends batches (one sample per series
 * per step) and prints each acknowledged step; it is killed with SIGKILL mid-stream (after chunk cuts and
 * checkpoints happened). The reopened store must hold every acknowledged step of every series, exactly once,
 * with its value, and nothing else but possibly the one step that was in flight (written to the WAL but not yet
 * acknowledged when the signal came).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openChunkedSqliteStore } from '../../../src/store/tsdb/open.ts';
import { runAndKill } from '../../helpers/kill-writer.ts';

const T0 = 1_700_000_000_000;
const SERIES = 50;
const dir = mkdtempSync(join(tmpdir(), 'dwcp-tsdb-kill-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Reopens the store and checks that every series holds steps 0..n-1 once each, in order, value = step, with n the
 * acknowledged steps (`lastAck` + 1) or, when a batch may have been in flight, one more.
 */
async function assertAcknowledgedOnce(
  path: string,
  walDir: string,
  lastAck: number,
  inFlight: boolean,
): Promise<void> {
  const store = await openChunkedSqliteStore({ path, walDir, retentionMs: 86_400_000 });
  try {
    const refs = await store.findSeries('dwcp_kill_test', {}, 1000);
    assert.equal(refs.length, SERIES);
    const points = await store.readPoints(refs, T0 - 86_400_000, T0 + 86_400_000, 1_000_000);
    let total = 0;
    for (const p of points) {
      const n = p.values.length;
      total += n;
      // Steps 0..n-1, each once, in order, value = step: an earlier life's unacknowledged step was re-sent by the
      // next life (it restarts at step 0 and its re-sends of stored steps are duplicates).
      assert.deepEqual(
        p.values,
        Array.from({ length: n }, (_, k) => k),
        `series ${p.series.key}`,
      );
      assert.deepEqual(
        p.timestampsMs,
        Array.from({ length: n }, (_, k) => T0 + k * 1000),
      );
      assert.ok(n >= lastAck + 1, `series ${p.series.key}: ${n} steps, acknowledged up to ${lastAck}`);
      assert.ok(
        n <= lastAck + (inFlight ? 2 : 1),
        `series ${p.series.key}: ${n} steps, more than acknowledged${inFlight ? ' + the one in flight' : ''}`,
      );
    }
    assert.equal(await store.countSamples(), total);
    const stats = store.stats();
    assert.ok(stats.replay !== undefined && stats.replay.records > 0, 'the WAL was replayed');
  } finally {
    await store.close();
  }
}

/** WAL segment files in `walDir`. */
const segmentsIn = (walDir: string): number => readdirSync(walDir).filter((f) => f.endsWith('.wal')).length;

/** The database file and WAL directory of the test named `name`, with the writer's series count. */
const filesOf = (name: string) => ({
  path: join(dir, `${name}.db`),
  walDir: join(dir, `wal-${name}`),
  series: SERIES,
});

describe('chunked store under kill -9', () => {
  it(
    'keeps every acknowledged sample exactly once; only the in-flight batch may be missing',
    { timeout: 180_000 },
    async () => {
      const f = filesOf('kill');
      const first = await runAndKill({ ...f, minAcks: 150 });
      // A second life on the same files, killed again: replay, then new appends, then another crash.
      const second = await runAndKill({ ...f, minAcks: first.lastAck + 120 });
      await assertAcknowledgedOnce(f.path, f.walDir, second.lastAck, true);
    },
  );

  it(
    'killed in the middle of a checkpoint written in slices, with appends between slices: every acknowledged sample once',
    { timeout: 180_000 },
    async () => {
      const f = filesOf('kill-slices');
      // 7 series per slice: a checkpoint of the 50 series takes 8 appends. The writer stops, after step 100, at a
      // step where two or more slices are written and the rest are not, and is killed there.
      const held = await runAndKill({ ...f, minAcks: 100, writerArgs: ['7', '100'], untilLine: 'held' });
      assert.ok(segmentsIn(f.walDir) >= 2, 'the WAL segments before the checkpoint were kept');
      await assertAcknowledgedOnce(f.path, f.walDir, held.lastAck, false);
      // A second life: replay, appends and checkpoints in slices, killed wherever it is.
      const next = await runAndKill({ ...f, minAcks: held.lastAck + 120, writerArgs: ['7'] });
      await assertAcknowledgedOnce(f.path, f.walDir, next.lastAck, true);
    },
  );
});
