/**
 * Remote-write receiver benchmark: requests shaped as Prometheus sends them (a batch of series with one sample
 * each, Snappy-compressed protobuf; by default 2000 series scraped every second for 60 s, sent 500 samples per
 * request, Prometheus' default `max_samples_per_send`) through the monitor's
 * receiver (src/monitor/remote-write.ts) and pipeline into the default store (chunks layout, SQLite on disk), on
 * one core, in one process. Measured:
 * 1. anchor: bare Snappy + protobufjs decode of every request;
 * 2. decode + validate (src/ingest/remote-write/decode.ts);
 * 3. full receive with detection off: decode, admit (order, window, fair-share budget), store;
 * 4. full receive with detection on (the default live detector) for the same load.
 * Samples per second of wall time for each.
 *
 * Run: `nice -n 10 npx tsx bench/remote-write.ts [--series 2000] [--seconds 60] [--per-request 500]`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import snappy from 'snappyjs';
import { decodeRemoteWrite } from '../src/ingest/remote-write/decode.ts';
import { writeRequestType } from '../src/ingest/remote-write/proto-root.ts';
import { DEFAULT_DETECTION_SETTINGS } from '../src/model/detection-settings.ts';
import { DEFAULT_SCRAPE_LIMITS } from '../src/model/scrape-limits.ts';
import { buildPipeline } from '../src/monitor/build-pipeline.ts';
import { RemoteWriteReceiver } from '../src/monitor/remote-write.ts';
import { openChunkedSqliteStore } from '../src/store/tsdb/open.ts';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const SERIES = arg('series', 2000);
const SECONDS = arg('seconds', 60);
const PER_REQUEST = arg('per-request', 500);
const T0 = Date.now() - SECONDS * 1000;

/** Requests of `PER_REQUEST` samples: every series once per second of simulated time, in time order. */
function requests(): Buffer[] {
  const T = writeRequestType();
  const out: Buffer[] = [];
  let batch: object[] = [];
  for (let s = 0; s < SECONDS; s++) {
    for (let i = 0; i < SERIES; i++) {
      const labels = [
        { name: '__name__', value: `dwcp_bench_metric_${i % 50}` },
        { name: 'instance', value: `node-${i % 40}:9100` },
        { name: 'job', value: 'dwcp' },
        { name: 'series', value: String(i) },
      ];
      batch.push({
        labels,
        samples: [{ value: Math.sin(i + s / 10) * 100 + Math.random(), timestamp: T0 + s * 1000 }],
      });
      if (batch.length === PER_REQUEST) {
        out.push(snappy.compress(Buffer.from(T.encode(T.fromObject({ timeseries: batch })).finish())));
        batch = [];
      }
    }
  }
  if (batch.length > 0)
    out.push(snappy.compress(Buffer.from(T.encode(T.fromObject({ timeseries: batch })).finish())));
  return out;
}

const LIMITS = { maxDecompressedBytes: 64 * 1024 * 1024, labels: DEFAULT_SCRAPE_LIMITS };
const total = SERIES * SECONDS;
const rate = (ms: number) => Math.round(total / (ms / 1000)).toLocaleString('en-US');

async function receiveAll(bodies: readonly Buffer[], detection: boolean): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'dwcp-bench-rw-'));
  const store = await openChunkedSqliteStore({
    path: join(dir, 'b.db'),
    walDir: join(dir, 'wal'),
    retentionMs: 48 * 3_600_000,
  });
  try {
    const { pipeline } = buildPipeline({
      detection: { ...DEFAULT_DETECTION_SETTINGS, enabled: detection, maxSeries: SERIES * 2 },
      store,
      sink: { handle: () => Promise.resolve() },
      clock: Date.now,
      window: { maxSampleAgeMs: 3_600_000, maxSampleAheadMs: 600_000 },
    });
    const rx = new RemoteWriteReceiver({ pipeline, limits: LIMITS, maxBodyBytes: 16 * 1024 * 1024 });
    const t = performance.now();
    let stored = 0;
    for (const body of bodies)
      stored += (await rx.receive({ body, contentType: 'application/x-protobuf', contentEncoding: 'snappy' }))
        .stored;
    const ms = performance.now() - t;
    if (stored !== total) throw new Error(`stored ${stored} of ${total}`);
    return ms;
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const bodies = requests();
const bytes = bodies.reduce((a, b) => a + b.length, 0);
console.log(
  `${bodies.length} requests, ${total.toLocaleString('en-US')} samples, ${(bytes / total).toFixed(1)} compressed bytes/sample`,
);
const T = writeRequestType();
let t = performance.now();
for (const b of bodies) T.decode(snappy.uncompress(b));
console.log(`1. snappy + protobufjs decode (anchor):   ${rate(performance.now() - t)} samples/s`);
t = performance.now();
for (const b of bodies) decodeRemoteWrite(b, LIMITS);
console.log(`2. decode + validate:                      ${rate(performance.now() - t)} samples/s`);
console.log(`3. receive, detection off (store chunks):  ${rate(await receiveAll(bodies, false))} samples/s`);
console.log(`4. receive, detection on:                  ${rate(await receiveAll(bodies, true))} samples/s`);
