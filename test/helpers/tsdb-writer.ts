/**
 * Child process of the kill -9 test (test/integration/store/tsdb-kill.test.ts): opens the chunked SQLite store
 * at argv[2] with its WAL at argv[3], then appends one sample per series per step (value = step) for ever,
 * printing `ack <step>` on stdout after each append is acknowledged. The parent kills it with SIGKILL.
 */
import { writeSync } from 'node:fs';
import { openChunkedSqliteStore } from '../../src/store/tsdb/open.ts';

const [path, walDir, seriesArg] = process.argv.slice(2);
if (path === undefined || walDir === undefined)
  throw new Error('usage: tsdb-writer <db path> <wal dir> [series]');
const series = Number(seriesArg ?? 50);
const T0 = 1_700_000_000_000;
const store = await openChunkedSqliteStore({
  path,
  walDir,
  retentionMs: 86_400_000,
  maxSamplesPerChunk: 40, // cuts every 40 steps
  checkpointIntervalMs: 300, // and checkpoints several times a second
});
writeSync(1, 'ready\n');
for (let k = 0; k < 1_000_000; k++) {
  const batch = Array.from({ length: series }, (_, i) => ({
    name: 'dwcp_kill_test',
    labels: { i: String(i) },
    value: k,
    timestampMs: T0 + k * 1000,
  }));
  await store.append(batch);
  writeSync(1, `ack ${k}\n`);
}
