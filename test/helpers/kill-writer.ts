/**
 * Parent side of the kill -9 tests of the chunked store (test/integration/store/tsdb-kill*.test.ts): runs the
 * writer child (tsdb-writer.ts) until it acknowledged enough steps (or printed a given line), then SIGKILLs it.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

/** What to run and when to kill it. */
export interface KillRun {
  /** The SQLite database file and the WAL directory. */
  readonly path: string;
  readonly walDir: string;
  /** Series the writer appends one sample to per step. */
  readonly series: number;
  /** Steps acknowledged at least before the kill. */
  readonly minAcks: number;
  /** Extra arguments of the writer (tsdb-writer.ts). */
  readonly writerArgs?: readonly string[];
  /** A line the writer must also have printed before the kill (e.g. `held`). */
  readonly untilLine?: string;
}

/**
 * Runs the writer until it acknowledged at least `minAcks` steps (and printed `untilLine`, if given), then SIGKILLs
 * it; returns the last acknowledged step and the tail of its stderr.
 * @throws Error when the writer exits on its own or does not get there within 60 s.
 */
export async function runAndKill(run: KillRun): Promise<{ lastAck: number; log: string }> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(import.meta.dirname, 'tsdb-writer.ts'),
      run.path,
      run.walDir,
      String(run.series),
      ...(run.writerArgs ?? []),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let lastAck = -1;
  let seen = run.untilLine === undefined;
  let buf = '';
  let log = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.stderr.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
  let killed = false;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`writer did not reach ${run.minAcks} acks in 60 s (last ${lastAck}): ${log}`));
    }, 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (!killed) reject(new Error(`writer exited early with ${code}: ${log}`));
    });
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop()!;
      for (const l of lines) {
        if (l.startsWith('ack ')) lastAck = Number(l.slice(4));
        if (l === run.untilLine) seen = true;
      }
      if (lastAck >= run.minAcks && seen && !killed) {
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
