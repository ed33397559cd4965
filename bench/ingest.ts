/**
 * Ingest benchmarks: (a) parse throughput of a realistic 10k-sample exposition rendered by prom-client
 * (anchor in the same run: a naive `split('\n')` + `Number()` pass over the same text, the floor any parser
 * pays), (b) scrape (real HTTP from a local node:http server) + parse + store into SQLite (temp file),
 * (c) SQLite append alone, into a fresh database and (d) at steady state: a database where every series already
 * holds more than one b-tree page of samples (as after minutes of 1 s scrapes), so each appended sample lands
 * on its own series' page and every commit rewrites about one page per series; fresh-database numbers
 * overstate sustained throughput. Goal: >= 200k samples/s scrape + parse + store on one core.
 * Run alone with `npx tsx bench/ingest.ts`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { parseExposition } from '../src/ingest/exposition.ts';
import { Scraper } from '../src/ingest/scraper.ts';
import type { Sample } from '../src/model/sample.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import { opsPerSecond, renderTable, type BenchTable } from './table.ts';

/** Older samples per series in the steady-state database: about 2 b-tree pages of 4 KiB per series. */
const PREFILL = 400;

/** A registry exposing ~10k samples: labelled counters and gauges plus histograms (DWCP-like shapes). */
async function buildExposition(): Promise<{ text: string; samples: number }> {
  const reg = new Registry();
  const nodes = Array.from({ length: 20 }, (_, i) => `node-${i}`);
  const regions = ['us-east', 'eu-west', 'ap-south', 'us-west', 'sa-east'];
  const comps = ['amst', 'hde', 'pba', 'ass', 'acp', 'itp'];
  const c = new Counter({
    name: 'dwcp_bench_bytes_total',
    help: 'Bytes.',
    labelNames: ['node_id', 'region', 'component', 'direction'],
    registers: [reg],
  });
  const g = new Gauge({
    name: 'dwcp_bench_bandwidth_bytes_per_second',
    help: 'Bandwidth.',
    labelNames: ['node_id', 'region', 'component', 'peer'],
    registers: [reg],
  });
  const h = new Histogram({
    name: 'dwcp_bench_latency_seconds',
    help: 'Latency.',
    labelNames: ['node_id', 'component'],
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    registers: [reg],
  });
  let k = 0;
  for (const n of nodes) {
    for (const r of regions) {
      for (const co of comps) {
        c.inc({ node_id: n, region: r, component: co, direction: 'tx' }, 1e9 + k++);
        c.inc({ node_id: n, region: r, component: co, direction: 'rx' }, 1e9 + k++);
        for (let p = 0; p < 12; p++)
          g.set({ node_id: n, region: r, component: co, peer: `peer-${p}` }, 1.25e8 + k++ * 0.5);
      }
    }
    for (const co of comps)
      for (let i = 0; i < 20; i++) h.observe({ node_id: n, component: co }, (i % 10) * 0.07);
  }
  const text = await reg.metrics();
  const samples = parseExposition(text, { defaultTimestampMs: 0 }).samples.length;
  return { text, samples };
}

/** Runs the three ingest benchmarks and returns their tables (values measured now, nothing asserted). */
export async function benchIngest(): Promise<BenchTable[]> {
  const { text, samples: perExposition } = await buildExposition();

  // (a) parse
  let sink = 0;
  const naive =
    opsPerSecond(
      (n) => {
        for (let r = 0; r < n; r++) {
          const lines = text.split('\n');
          for (const l of lines) {
            if (l.length === 0 || l.charCodeAt(0) === 35) continue;
            sink += Number(l.slice(l.lastIndexOf(' ') + 1)) > 0 ? 1 : 0;
          }
        }
      },
      5,
      1000,
    ) * perExposition;
  const parse =
    opsPerSecond(
      (n) => {
        for (let r = 0; r < n; r++) sink += parseExposition(text, { defaultTimestampMs: r }).samples.length;
      },
      5,
      1000,
    ) * perExposition;
  const parseTable: BenchTable = {
    title: `Exposition parse (${perExposition} samples, ${(Buffer.byteLength(text) / 1024).toFixed(0)} KiB, prom-client render)`,
    anchor: 'naive split + Number',
    rows: [
      { name: 'naive split + Number', value: naive, unit: 'samples/s' },
      { name: 'parseExposition (strict)', value: parse, unit: 'samples/s' },
    ],
    goal: '>= 1M samples/s, so parsing stays under 20% of the 200k samples/s ingest budget',
  };

  // (b) scrape + parse + store and (c) append alone, SQLite temp files
  const dir = mkdtempSync(join(tmpdir(), 'dwcp-bench-ingest-'));
  const server = createServer((_req, res) =>
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(text),
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
  let e2e = 0;
  let appendOnly = 0;
  let appendSteady = 0;
  let storedE2e = 0;
  try {
    const store = await openSqliteStore({ path: join(dir, 'e2e.db'), retentionMs: 86_400_000 });
    let clock = 1_700_000_000_000;
    const scraper = new Scraper({
      now: () => (clock += 1000),
      onSamples: async (_t, batch) => {
        const r = await store.append(batch);
        storedE2e += r.stored;
      },
    });
    scraper.addTarget({ id: 'bench', url, timeoutMs: 10_000, labels: { region: 'us-east' } });
    await scraper.scrapeOnce('bench'); // warm-up: creates the series
    storedE2e = 0;
    const t0 = performance.now();
    let scrapes = 0;
    while (performance.now() - t0 < 3000) {
      await scraper.scrapeOnce('bench');
      scrapes++;
    }
    e2e = storedE2e / ((performance.now() - t0) / 1000);
    await scraper.stop();
    await store.close();

    const store2 = await openSqliteStore({ path: join(dir, 'append.db'), retentionMs: 86_400_000 });
    const base = parseExposition(text, { defaultTimestampMs: 0 }).samples;
    const batchAt = (ts: number): Sample[] =>
      base.map((s) => ({ name: s.name, labels: s.labels, value: s.value, timestampMs: ts }));
    await store2.append(batchAt(0));
    const batches = Array.from({ length: 40 }, (_, i) => batchAt(1000 * (i + 1)));
    const t1 = performance.now();
    let stored2 = 0;
    let i = 0;
    while (performance.now() - t1 < 2000 && i < batches.length)
      stored2 += (await store2.append(batches[i++]!)).stored;
    appendOnly = stored2 / ((performance.now() - t1) / 1000);
    await store2.close();

    // (d) steady state: give every series PREFILL older samples (bulk SQL, in key order), then append.
    const steadyPath = join(dir, 'steady.db');
    const store3 = await openSqliteStore({ path: steadyPath, retentionMs: 86_400_000 });
    await store3.append(batchAt(0));
    await store3.close();
    const raw = new BetterSqlite3(steadyPath);
    raw.pragma('journal_mode = WAL');
    raw
      .prepare(
        'with recursive k(n) as (select 1 union all select n + 1 from k where n < ?) insert into samples (series_id, ts, value) select s.id, -1000 * k.n, 0 from series s, k order by s.id, k.n desc',
      )
      .run(PREFILL);
    raw.close();
    const store4 = await openSqliteStore({ path: steadyPath, retentionMs: 86_400_000 });
    await store4.append(batchAt(1000)); // warm the series cache and page cache
    const t2 = performance.now();
    let stored4 = 0;
    i = 1;
    while (performance.now() - t2 < 2000 && i < batches.length)
      stored4 += (await store4.append(batches[i++]!)).stored;
    appendSteady = stored4 / ((performance.now() - t2) / 1000);
    await store4.close();
    if (scrapes < 0) console.log(scrapes);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  }
  const ingestTable: BenchTable = {
    title: `Ingest into SQLite (WAL, temp file), ${perExposition + 3} samples per scrape incl. synthetic`,
    anchor: 'append alone',
    rows: [
      { name: 'append alone', value: appendOnly, unit: 'samples/s' },
      { name: 'scrape (HTTP) + parse + store', value: e2e, unit: 'samples/s' },
      {
        name: `append at steady state (${PREFILL} samples/series stored)`,
        value: appendSteady,
        unit: 'samples/s',
      },
    ],
    goal: '>= 200k samples/s scrape + parse + store on one core',
  };
  if (sink === Number.MIN_VALUE) console.log(sink);
  return [parseTable, ingestTable];
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const t of await benchIngest()) console.log(renderTable(t));
}
