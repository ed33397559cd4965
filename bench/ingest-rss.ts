/**
 * Memory per active series of the chunked layout, measured in a process of its own (run by bench/ingest-tsdb.ts
 * as `node --expose-gc --import tsx bench/ingest-rss.ts <series> <steps>`): RSS after garbage collection before
 * the store is opened, and after `steps` scrapes at 1 s of `series` series (the head then holds open chunks
 * of `steps` samples per series); also the growth of live JS heap plus array buffers. Prints one JSON line.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openChunkedSqliteStore } from '../src/store/tsdb/open.ts';
import { loadTemplate, ReplayLoad } from './ingest-data.ts';

const series = Number(process.argv[2] ?? 10_000);
const steps = Number(process.argv[3] ?? 470);
const gc = (): void => (globalThis as { gc?: () => void }).gc?.();
const template = await loadTemplate(2, 900);
const load = new ReplayLoad(template, series);
const batches = Array.from({ length: 2 }, (_, k) => load.batch(k, 0, 1000)); // warm code paths before the baseline
void batches;
const dir = mkdtempSync(join(tmpdir(), 'dwcp-bench-rss-'));
try {
  gc();
  const before = process.memoryUsage();
  const store = await openChunkedSqliteStore({
    path: join(dir, 'rss.db'),
    walDir: join(dir, 'wal'),
    retentionMs: 86_400_000,
    checkpointIntervalMs: 3_600_000,
  });
  const start = 1_700_000_000_000;
  for (let k = 0; k < steps; k++) await store.append(load.batch(k, start, 1000));
  gc();
  const after = process.memoryUsage();
  const st = store.stats();
  process.stdout.write(
    JSON.stringify({
      series,
      steps,
      rssPerSeriesB: (after.rss - before.rss) / series,
      heapPerSeriesB: (after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers) / series,
      headPerSeriesB: st.headBytes / st.headSeries,
      headSamples: st.headSamples,
    }) + '\n',
  );
  await store.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
