/**
 * Durability of the chunked store under kill -9: a real child process appends batches (one sample per series
 * per step) and prints each acknowledged step; it is killed with SIGKILL mid-stream (after chunk cuts and
 * checkpoints happened). The reopened store must hold every acknowledged step of every series, exactly once,
 * with its value, and nothing else but possibly the one step that was in flight (written to the WAL but not yet
 * acknowledged when the signal came).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openChunkedSqliteStore } from '../../../src/store/tsdb/open.ts';

const T0 = 1_700_000_000_000;
const SERIES = 50;
const dir = mkdtempSync(join(tmpdir(), 'dwcp-tsdb-kill-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the writer until it acknowledged at least `minAcks` steps, then SIGKILLs it; returns the last acknowledged step. */
async function runAndKill(
  path: string,
  walDir: string,
  minAcks: number,
): Promise<{ lastAck: number; log: string }> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(import.meta.dirname, '../../helpers/tsdb-writer.ts'),
      path,
      walDir,
      String(SERIES),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let lastAck = -1;
  let buf = '';
  let log = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.stderr.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
  let killed = false;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`writer did not reach ${minAcks} acks in 60 s (last ${lastAck}): ${log}`));
    }, 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (!killed) reject(new Error(`writer exited early with ${code}: ${log}`));
    });
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop()!;
      for (const l of lines) if (l.startsWith('ack ')) lastAck = Number(l.slice(4));
      if (lastAck >= minAcks && !killed) {
        killed = true;
        clearTimeout(timer);
        child.kill('SIGKILL');
        resolve();
      }
    });
  });
  await exited;
  // Acks printed before the kill but read after it still count: drain what is left.
  for (const l of buf.split('\n')) if (l.startsWith('ack ')) lastAck = Math.max(lastAck, Number(l.slice(4)));
  return { lastAck, log };
}

describe('chunked store under kill -9', () => {
  it(
    'keeps every acknowledged sample exactly once; only the in-flight batch may be missing',
    { timeout: 180_000 },
    async () => {
      const path = join(dir, 'kill.db');
      const walDir = join(dir, 'wal');
      const first = await runAndKill(path, walDir, 150);
      // A second life on the same files, killed again: replay, then new appends, then another crash.
      const second = await runAndKill(path, walDir, first.lastAck + 120);
      const store = await openChunkedSqliteStore({ path, walDir, retentionMs: 86_400_000 });
      try {
        const refs = await store.findSeries('dwcp_kill_test', {}, 1000);
        assert.equal(refs.length, SERIES);
        const points = await store.readPoints(refs, T0 - 86_400_000, T0 + 86_400_000, 1_000_000);
        let total = 0;
        for (const p of points) {
          const n = p.values.length;
          total += n;
          // Steps 0..n-1, each once, in order, value = step: the first life's unacknowledged step was re-sent by
          // the second life (it restarts at step 0 and its re-sends of stored steps are duplicates).
          assert.deepEqual(
            p.values,
            Array.from({ length: n }, (_, k) => k),
            `series ${p.series.key}`,
          );
          assert.deepEqual(
            p.timestampsMs,
            Array.from({ length: n }, (_, k) => T0 + k * 1000),
          );
          assert.ok(
            n >= second.lastAck + 1,
            `series ${p.series.key}: ${n} steps, acknowledged up to ${second.lastAck}`,
          );
          assert.ok(
            n <= second.lastAck + 2,
            `series ${p.series.key}: ${n} steps, more than acknowledged + the one in flight`,
          );
        }
        assert.equal(await store.countSamples(), total);
        const stats = store.stats();
        assert.ok(stats.replay !== undefined && stats.replay.records > 0, 'the WAL was replayed');
      } finally {
        await store.close();
      }
    },
  );
});
