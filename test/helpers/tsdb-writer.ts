/**
 * Child process of the kill -9 tests (test/integration/store/tsdb-kill.test.ts): opens the chunked SQLite store
 * at argv[2] with its WAL at argv[3], then appends one sample per series (argv[4], default 50) per step
 * (value = step) for ever, printing `ack <step>` on stdout after each append is acknowledged. The parent kills it
 * with SIGKILL.
 * Optional: argv[5] the checkpoint's series per slice (`checkpointSliceSeries`); argv[6] a step from which the
 * writer stops appending, prints `held` and waits to be killed, at the first acknowledged step where a checkpoint is
 * under way with at least two of its slices written (so appends happened between slices).
 */
import { writeSync } from 'node:fs';
import { openChunkedSqliteStore } from '../../src/store/tsdb/open.ts';

const [path, walDir, seriesArg, sliceArg, holdArg] = process.argv.slice(2);
if (path === undefined || walDir === undefined)
  throw new Error('usage: tsdb-writer <db path> <wal dir> [series] [slice series] [hold from step]');
const series = Number(seriesArg ?? 50);
const slice = sliceArg === undefined ? undefined : Number(sliceArg);
const holdFrom = holdArg === undefined ? Infinity : Number(holdArg);
const T0 = 1_700_000_000_000;
const store = await openChunkedSqliteStore({
  path,
  walDir,
  retentionMs: 86_400_000,
  maxSamplesPerChunk: 40, // cuts every 40 steps
  checkpointIntervalMs: 300, // and checkpoints several times a second
  ...(slice === undefined ? {} : { checkpointSliceSeries: slice }),
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
  const left = store.stats().checkpointSeriesLeft;
  if (k >= holdFrom && slice !== undefined && left > 0 && left <= series - 2 * slice) {
    writeSync(1, `held ${left}\n`);
    writeSync(1, 'held\n');
    setInterval(() => undefined, 60_000); // keeps the process alive until the kill
    break;
  }
}
