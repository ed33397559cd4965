/**
 * `npm run bench:ingest`: the storage layouts side by side on the simulator's realistic values (bench/ingest-data.ts),
 * with the row layout measured in the same run as the anchor:
 * 1. bytes per sample on disk, 1 s samples of the simulator's series (and Prometheus' own block for the same
 *    samples, via promtool);
 * 2. sustained ingest at 1 s into a store already holding a day of data (N series at 60 s), samples/s and
 *    CPU per sample (this process; PostgreSQL's server CPU is not included);
 * 3. range query of 24 h at 60 s step, average over N series, p50/p99 (chunked layouts read 1-minute rollups);
 * 4. 30-day query at 1 h step from 1-hour rollups;
 * 5. RSS and accounted head bytes per active series;
 * 6. ingest into VictoriaMetrics through the monitor, against VictoriaMetrics' own ingest (bench/ingest-victoria.ts).
 * `DWCP_BENCH_SCALE=quick` runs a smaller load; PostgreSQL rows need DWCP_TEST_PG_URL (or the default URL).
 * `DWCP_BENCH_ONLY=query` runs only the chunked layouts' 24 h and 30-day queries (sections 3-4, without the rows
 * layout and DuckDB); `DWCP_BENCH_SERIES=N` sizes the 24 h query's load (default: the scale's series);
 * `DWCP_BENCH_BACKENDS=sqlite` (or `pg`) measures one of the chunked backends.
 * Results: stdout (Markdown) and bench/results/ingest.json. Nothing is asserted.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { aggregateSeries } from '../src/store/query.ts';
import type { OpenedChunkedStore } from '../src/store/tsdb/open.ts';
import type { SeriesRef } from '../src/store/types.ts';
import { loadTemplate, ReplayLoad } from './ingest-data.ts';
import { prometheusBlockBytes } from './ingest-prometheus.ts';
import { benchVictoriaIngest, victoriaIngestTable } from './ingest-victoria.ts';
import {
  chunkBlobBytes,
  chunkedPostgres,
  chunkedSqlite,
  duckdb,
  pgReachable,
  rowsSqlite,
  type StoreUnderTest,
} from './ingest-stores.ts';
import { markdownTable } from './table.ts';

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const SCALES = {
  full: {
    series: 10_000,
    prefillSteps: 1440,
    ingestSteps: 300,
    rowsIngestSteps: 30,
    rowsQuerySeries: 1000,
    bytesSteps: 900,
    queryReps: 10,
    coldReps: 5,
    monthSeries: 1000,
    monthSteps: 30 * 144,
  },
  quick: {
    series: 2000,
    prefillSteps: 240,
    ingestSteps: 60,
    rowsIngestSteps: 10,
    rowsQuerySeries: 200,
    bytesSteps: 240,
    queryReps: 3,
    coldReps: 2,
    monthSeries: 100,
    monthSteps: 30 * 24,
  },
};
const P = {
  ...SCALES[process.env.DWCP_BENCH_SCALE === 'quick' ? 'quick' : 'full'],
  ...(process.env.DWCP_BENCH_SERIES ? { series: Number(process.env.DWCP_BENCH_SERIES) } : {}),
};
const ONLY_QUERY = process.env.DWCP_BENCH_ONLY === 'query';
const BACKENDS = (process.env.DWCP_BENCH_BACKENDS ?? 'sqlite,pg').split(',');
const measured = (id: 'chunks-sqlite' | 'chunks-pg'): boolean =>
  BACKENDS.includes(id === 'chunks-sqlite' ? 'sqlite' : 'pg');
const PG_URL = process.env.DWCP_TEST_PG_URL ?? 'postgres://dwcp:dwcp@127.0.0.1:5432/dwcp_test';

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const log = (m: string): void => void process.stderr.write(m + '\n');
const f = (x: number | undefined, d = 2): string =>
  x === undefined || !Number.isFinite(x) ? 'n/a' : x.toFixed(d);
const k = (x: number | undefined): string =>
  x === undefined ? 'n/a' : x >= 1e6 ? (x / 1e6).toFixed(2) + 'M' : (x / 1e3).toFixed(1) + 'k';

/** Prints a finished table at once, so a long run shows what it measured so far. */
function emit(table: string): void {
  process.stdout.write(table + '\n');
}

function pct(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
}

/** Appends `steps` scrapes of `load` and returns samples stored, wall seconds and CPU ms. */
async function feed(
  st: StoreUnderTest,
  load: ReplayLoad,
  from: number,
  steps: number,
  startMs: number,
  intervalMs: number,
): Promise<{ samples: number; wallS: number; cpuMs: number }> {
  const c0 = cpuMs();
  const t0 = performance.now();
  let samples = 0;
  for (let s = from; s < from + steps; s++) samples += await st.append(load.batch(s, startMs, intervalMs));
  return { samples, wallS: (performance.now() - t0) / 1000, cpuMs: cpuMs() - c0 };
}

interface IngestRow {
  layout: string;
  samplesPerS?: number;
  cpuUsPerSample?: number;
  prefillS?: number;
  rollupS?: number;
  q24p50?: number;
  q24p99?: number;
  q24series?: number;
  q24resolution?: string;
  q24cpuMs?: number;
  coldP50?: number;
  coldP99?: number;
  coldCpuMs?: number;
  rowOnlyP50?: number;
  rowOnlyP99?: number;
  rowOnlyCpuMs?: number;
  movingP50?: number;
  movingP99?: number;
  movingCpuMs?: number;
  readP50?: number;
  readP99?: number;
  readCpuMs?: number;
  note?: string;
}

/** Wall times (ms) of `reps` runs after a warm-up, and the mean CPU time per run of this process (ms). */
async function timeQueries(reps: number, fn: () => Promise<unknown>): Promise<number[] & { cpuMs: number }> {
  await fn(); // warm-up
  const out: number[] = [];
  const c0 = cpuMs();
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return Object.assign(out, { cpuMs: (cpuMs() - c0) / reps });
}

/** Every series of the load (all metric names). */
async function allRefs(
  store: Pick<OpenedChunkedStore, 'findSeries'>,
  load: ReplayLoad,
): Promise<SeriesRef[]> {
  const names = [...new Set(Array.from({ length: load.series }, (_, i) => load.name(i)))];
  const out: SeriesRef[] = [];
  for (const n of names) out.push(...(await store.findSeries(n, {}, 100_000)));
  return out;
}

/**
 * 24 h at 60 s, average over every series of the load, as GET /api/metrics/query answers it (the store's
 * `queryRange`: aggregated while the rollups are decoded); and the per-series form (`readForStep`: points of
 * every series).
 */
async function chunkedDayQuery(
  store: OpenedChunkedStore,
  load: ReplayLoad,
  endMs: number,
): Promise<{
  times: number[] & { cpuMs: number };
  cold: number[] & { cpuMs: number };
  rowOnly: number[] & { cpuMs: number };
  moving: number[] & { cpuMs: number };
  perSeries: number[] & { cpuMs: number };
  series: number;
  resolution: number;
}> {
  const refs = await allRefs(store, load);
  let resolution = -1;
  const q = (end = endMs): Promise<unknown> =>
    store.queryRange(refs, { startMs: end - DAY, endMs: end, stepMs: MIN, agg: 'avg' }, 20_000);
  // Cold: the decoded-row and result caches emptied before every run (the database's own page cache stays warm).
  const cold = await timeQueries(P.coldReps, () => {
    store.samples.rollups.rowCache.clear();
    store.resultCache.clear();
    return q();
  });
  // Warm rows, no result cache: the result cache emptied before every run (the decoded rows stay cached).
  const rowOnly = await timeQueries(P.queryReps, () => {
    store.resultCache.clear();
    return q();
  });
  // A dashboard refresh: the range's end moves forward by a step every run, past the newest sample as "now" does
  // (the result cache serves the older steps, the head tails the newest).
  let shift = 0;
  const moving = await timeQueries(P.queryReps, () => q(endMs + MIN * shift++));
  // The per-series form: the stepped read alone (points of every series, no aggregation).
  const perSeries = await timeQueries(P.queryReps, () =>
    store.readForStep(refs, endMs - DAY, endMs, MIN, 20_000),
  );
  // Warm: repeated queries (the warm-up run fills the cache).
  const times = await timeQueries(P.queryReps, q);
  resolution = (await store.readForStep(refs.slice(0, 1), endMs - DAY, endMs, MIN, 20_000)).resolutionMs;
  log(`row cache: ${JSON.stringify(store.samples.rollups.rowCache.stats())}`);
  log(`result cache: ${JSON.stringify(store.resultCache.stats())}`);
  return { times, cold, rowOnly, moving, perSeries, series: refs.length, resolution };
}

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'dwcp-bench-storage-'));
  const pgWhy = await pgReachable(PG_URL);
  const results: Record<string, unknown> = {
    when: new Date().toISOString(),
    node: process.version,
    scale: P,
  };
  try {
    log('loading the simulator template (cached after the first run)...');
    const template = await loadTemplate(2, 900);

    // ------------------------------------------------------------------ 1. bytes per sample
    if (!ONLY_QUERY) {
      const bytesLoad = new ReplayLoad(template, template.names.length);
      const T_BYTES = 1_700_000_000_000;
      const bytesRows: string[][] = [];
      const bytesOut: Record<string, unknown>[] = [];
      const layouts: [string, () => Promise<StoreUnderTest | undefined>][] = [
        ['rows', () => rowsSqlite(join(root, 'b-rows'), 30 * DAY)],
        ['chunks-sqlite', () => chunkedSqlite(join(root, 'b-chunks'), { retentionMs: 30 * DAY })],
        [
          'chunks-pg',
          async () =>
            pgWhy ? undefined : chunkedPostgres(PG_URL, join(root, 'b-pg'), { retentionMs: 30 * DAY }),
        ],
        ['duckdb', () => duckdb(join(root, 'b-duck'))],
      ];
      for (const [id, make] of layouts) {
        const st = await make();
        if (!st) {
          bytesRows.push([
            id,
            'not measured',
            '',
            id === 'chunks-pg' ? `PostgreSQL unreachable: ${pgWhy}` : '@duckdb/node-api not installed',
          ]);
          continue;
        }
        log(`bytes: ${st.name}...`);
        const fed = await feed(st, bytesLoad, 0, P.bytesSteps, T_BYTES, 1000);
        const bytes = await st.diskBytes();
        let note = `fresh store, ${k(fed.samples / fed.wallS)} samples/s`;
        if (id === 'chunks-sqlite') {
          const b = chunkBlobBytes(join(root, 'b-chunks'));
          note += `; chunk blobs alone ${f(b.blobBytes / b.samples)} B/sample`;
        }
        bytesRows.push([st.name, f(bytes / fed.samples), String(fed.samples), note]);
        bytesOut.push({ layout: st.name, bytes, samples: fed.samples });
        await st.close();
      }
      log('bytes: Prometheus block via promtool...');
      const prom = prometheusBlockBytes(bytesLoad, P.bytesSteps, T_BYTES, join(root, 'b-prom'));
      bytesRows.push([
        'Prometheus TSDB block (promtool backfill)',
        f(prom.bytes === undefined ? undefined : prom.bytes / prom.samples),
        String(prom.samples),
        prom.reason ?? 'one compacted 2 h block: chunks + index',
      ]);
      bytesOut.push({ layout: 'prometheus', bytes: prom.bytes, samples: prom.samples });
      rmSync(join(root, 'b-prom'), { recursive: true, force: true });
      results.bytes = bytesOut;
      emit(
        markdownTable(
          `Bytes per sample on disk (simulator values, ${bytesLoad.series} series × ${P.bytesSteps} s at 1 s)`,
          ['layout', 'bytes/sample', 'samples', 'note'],
          bytesRows,
          'goal: <= 2 bytes/sample',
        ),
      );
    }

    // ------------------------------------------------------------------ 2-3. a day in store, then ingest and query
    const load = new ReplayLoad(template, P.series);
    const now = Math.floor(Date.now() / MIN) * MIN;
    const dayStart = now - DAY - 30 * MIN;
    const ingestStart = dayStart + P.prefillSteps * MIN;
    const rows: IngestRow[] = [];

    // Row layout: prefill with bulk SQL (appending 14M rows through the store would take minutes).
    if (!ONLY_QUERY) {
      log('rows: prefill a day with bulk SQL...');
      const st = await rowsSqlite(join(root, 'd-rows'), 7 * DAY);
      await st.append(load.batch(0, dayStart, MIN));
      await st.store.close();
      const t0 = performance.now();
      const raw = new BetterSqlite3(st.path);
      raw.pragma('journal_mode = WAL');
      raw
        .prepare(
          'with recursive k(n) as (select 1 union all select n + 1 from k where n < ?) insert into samples (series_id, ts, value) select s.id, ? + k.n * 60000, k.n from series s, k order by s.id, k.n',
        )
        .run(P.prefillSteps - 1, dayStart);
      raw.close();
      const prefillS = (performance.now() - t0) / 1000;
      const again = await rowsSqlite(join(root, 'd-rows'), 7 * DAY);
      const fed = await feed(again, load, 0, P.rowsIngestSteps, ingestStart, 1000);
      const refs = (await allRefs(again.store, load)).slice(0, P.rowsQuerySeries);
      const times = await timeQueries(1, async () => {
        const pts = await again.store.readPoints(refs, ingestStart - DAY, ingestStart, 20_000);
        return aggregateSeries(pts, {
          startMs: ingestStart - DAY,
          endMs: ingestStart,
          stepMs: MIN,
          agg: 'avg',
        });
      });
      rows.push({
        layout: again.name,
        samplesPerS: fed.samples / fed.wallS,
        cpuUsPerSample: (fed.cpuMs * 1000) / fed.samples,
        prefillS,
        q24p50: times[0],
        q24p99: times[0],
        q24cpuMs: times.cpuMs,
        q24series: refs.length,
        q24resolution: 'raw rows',
        note: `prefill by bulk SQL; query over ${refs.length} series, 1 run`,
      });
      await again.close();
      rmSync(join(root, 'd-rows'), { recursive: true, force: true });
    }

    // Chunked layouts: prefill through the store, ingest, roll up the day, query.
    for (const id of ['chunks-sqlite', 'chunks-pg'] as const) {
      if (!measured(id)) continue;
      if (id === 'chunks-pg' && pgWhy) {
        rows.push({
          layout: 'chunks in PostgreSQL',
          note: `not measured: PostgreSQL unreachable (${pgWhy})`,
        });
        continue;
      }
      const opts = { retentionMs: 2 * DAY, maxRollupHoursPerRun: 48 };
      const st =
        id === 'chunks-sqlite'
          ? await chunkedSqlite(join(root, 'd-chunks'), opts)
          : await chunkedPostgres(PG_URL, join(root, 'd-pg'), opts);
      log(`${st.name}: prefill a day at 60 s...`);
      const pre = await feed(st, load, 0, P.prefillSteps, dayStart, MIN);
      log(`${st.name}: ingest at 1 s...`);
      const fed = await feed(st, load, 0, P.ingestSteps, ingestStart, 1000);
      log(`${st.name}: roll up the day...`);
      const r0 = performance.now();
      await st.store.applyRetention(ingestStart + P.ingestSteps * 1000 + 10 * MIN);
      const rollupS = (performance.now() - r0) / 1000;
      log(`${st.name}: 24 h queries...`);
      const q = await chunkedDayQuery(st.store, load, ingestStart + P.ingestSteps * 1000);
      rows.push({
        layout: st.name,
        samplesPerS: fed.samples / fed.wallS,
        cpuUsPerSample: (fed.cpuMs * 1000) / fed.samples,
        prefillS: pre.wallS,
        rollupS,
        q24p50: pct(q.times, 0.5),
        q24p99: pct(q.times, 0.99),
        q24cpuMs: q.times.cpuMs,
        coldP50: pct(q.cold, 0.5),
        coldP99: pct(q.cold, 0.99),
        coldCpuMs: q.cold.cpuMs,
        rowOnlyP50: pct(q.rowOnly, 0.5),
        rowOnlyP99: pct(q.rowOnly, 0.99),
        rowOnlyCpuMs: q.rowOnly.cpuMs,
        movingP50: pct(q.moving, 0.5),
        movingP99: pct(q.moving, 0.99),
        movingCpuMs: q.moving.cpuMs,
        readP50: pct(q.perSeries, 0.5),
        readP99: pct(q.perSeries, 0.99),
        readCpuMs: q.perSeries.cpuMs,
        q24series: q.series,
        q24resolution: q.resolution === MIN ? '1-minute rollups' : String(q.resolution),
        note: `prefill ${k(pre.samples / pre.wallS)} samples/s`,
      });
      await st.close();
    }

    // DuckDB.
    if (!ONLY_QUERY) {
      const st = await duckdb(join(root, 'd-duck'));
      if (!st) rows.push({ layout: 'DuckDB appender', note: 'not measured: @duckdb/node-api not installed' });
      else {
        log('duckdb: prefill a day...');
        const pre = await feed(st, load, 0, P.prefillSteps, dayStart, MIN);
        const fed = await feed(st, load, 0, P.ingestSteps, ingestStart, 1000);
        const end = ingestStart + P.ingestSteps * 1000;
        const times = await timeQueries(P.queryReps, () => st.duck.avgLastPerMinute(end - DAY, end));
        rows.push({
          layout: st.name,
          samplesPerS: fed.samples / fed.wallS,
          cpuUsPerSample: (fed.cpuMs * 1000) / fed.samples,
          prefillS: pre.wallS,
          q24p50: pct(times, 0.5),
          q24p99: pct(times, 0.99),
          q24cpuMs: times.cpuMs,
          q24series: P.series,
          q24resolution: 'SQL over raw rows',
          note: 'query: all series (one table), vectorised SQL on DuckDB threads',
        });
        await st.close();
      }
    }
    results.day = rows;
    const anchor = rows[0]!.samplesPerS ?? 0;
    emit(
      markdownTable(
        `Ingest at 1 s into a store holding a day (${P.series} series × ${P.prefillSteps} samples at 60 s), and a 24 h / 60 s range query`,
        [
          'layout',
          'samples/s',
          'vs rows',
          'CPU µs/sample',
          'prefill s',
          'rollup of the day s',
          '24 h query warm p50 ms',
          'p99 ms',
          'CPU ms/query',
          'cold p50 ms',
          'p99 ms',
          'CPU ms/query',
          'warm rows, no result cache p50 ms',
          'p99 ms',
          'CPU ms/query',
          'moving range p50 ms',
          'p99 ms',
          'CPU ms/query',
          'per-series read (warm) p50 ms',
          'p99 ms',
          'CPU ms',
          'series queried',
          'read from',
          'note',
        ],
        rows.map((r) => [
          r.layout,
          k(r.samplesPerS),
          r.samplesPerS && anchor ? (r.samplesPerS / anchor).toFixed(2) + 'x' : 'n/a',
          f(r.cpuUsPerSample),
          f(r.prefillS, 1),
          f(r.rollupS, 1),
          f(r.q24p50, 0),
          f(r.q24p99, 0),
          f(r.q24cpuMs, 0),
          f(r.coldP50, 0),
          f(r.coldP99, 0),
          f(r.coldCpuMs, 0),
          f(r.rowOnlyP50, 0),
          f(r.rowOnlyP99, 0),
          f(r.rowOnlyCpuMs, 0),
          f(r.movingP50, 0),
          f(r.movingP99, 0),
          f(r.movingCpuMs, 0),
          f(r.readP50, 0),
          f(r.readP99, 0),
          f(r.readCpuMs, 0),
          String(r.q24series ?? ''),
          r.q24resolution ?? '',
          r.note ?? '',
        ]),
        'goals: >= 200,000 samples/s per core; 24 h at 60 s over 10k series p99 <= 100 ms',
      ),
    );

    // ------------------------------------------------------------------ 4. 30 days from 1-hour rollups
    const month: Record<string, unknown>[] = [];
    const monthLoad = new ReplayLoad(template, P.monthSeries);
    for (const id of ['chunks-sqlite', 'chunks-pg'] as const) {
      if (!measured(id) || (id === 'chunks-pg' && pgWhy)) continue;
      const opts = { retentionMs: 40 * DAY, maxRollupHoursPerRun: 24 * 40 };
      const st =
        id === 'chunks-sqlite'
          ? await chunkedSqlite(join(root, 'm-chunks'), opts)
          : await chunkedPostgres(PG_URL, join(root, 'm-pg'), opts);
      const start = now - 30 * DAY;
      log(`${st.name}: 30 days at 10 min...`);
      const fed = await feed(st, monthLoad, 0, P.monthSteps, start, 10 * MIN);
      const r0 = performance.now();
      await st.store.applyRetention(now + 10 * MIN);
      const rollupS = (performance.now() - r0) / 1000;
      const refs = await allRefs(st.store, monthLoad);
      let resolution = -1;
      const mq = (): Promise<unknown> =>
        st.store.queryRange(refs, { startMs: now - 30 * DAY, endMs: now, stepMs: HOUR, agg: 'avg' }, 20_000);
      const cold = await timeQueries(P.queryReps, () => {
        st.store.samples.rollups.rowCache.clear();
        st.store.resultCache.clear();
        return mq();
      });
      const rowOnly = await timeQueries(P.queryReps, () => {
        st.store.resultCache.clear();
        return mq();
      });
      const times = await timeQueries(P.queryReps, mq);
      resolution = (await st.store.readForStep(refs.slice(0, 1), now - 30 * DAY, now, HOUR, 20_000))
        .resolutionMs;
      month.push({
        layout: st.name,
        series: refs.length,
        samples: fed.samples,
        rollupS,
        p50: pct(times, 0.5),
        p99: pct(times, 0.99),
        cpuMs: times.cpuMs,
        coldP50: pct(cold, 0.5),
        coldP99: pct(cold, 0.99),
        coldCpuMs: cold.cpuMs,
        rowOnlyP50: pct(rowOnly, 0.5),
        rowOnlyP99: pct(rowOnly, 0.99),
        rowOnlyCpuMs: rowOnly.cpuMs,
        resolution,
      });
      await st.close();
    }
    results.month = month;
    emit(
      markdownTable(
        `30-day query at 1 h step (average over ${P.monthSeries} series, 30 days at 10 min, read from 1-hour rollups)`,
        [
          'layout',
          'series',
          'samples',
          'rollup of 30 days s',
          'warm p50 ms',
          'p99 ms',
          'CPU ms/query',
          'cold p50 ms',
          'p99 ms',
          'CPU ms/query',
          'warm rows, no result cache p50 ms',
          'p99 ms',
          'CPU ms/query',
        ],
        month.map((m) => [
          String(m.layout),
          String(m.series),
          String(m.samples),
          f(m.rollupS as number, 1),
          f(m.p50 as number, 0),
          f(m.p99 as number, 0),
          f(m.cpuMs as number, 0),
          f(m.coldP50 as number, 0),
          f(m.coldP99 as number, 0),
          f(m.coldCpuMs as number, 0),
          f(m.rowOnlyP50 as number, 0),
          f(m.rowOnlyP99 as number, 0),
          f(m.rowOnlyCpuMs as number, 0),
        ]),
        'goal: p99 <= 200 ms',
      ),
    );

    if (ONLY_QUERY) {
      mkdirSync('bench/results', { recursive: true });
      writeFileSync('bench/results/ingest-query.json', JSON.stringify(results, null, 2));
      log('wrote bench/results/ingest-query.json');
      return;
    }
    // ------------------------------------------------------------------ 5. memory per active series
    log('memory per active series (child process)...');
    const mem = spawnSync(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', join(import.meta.dirname, 'ingest-rss.ts'), String(P.series), '470'],
      { encoding: 'utf8', timeout: 600_000 },
    );
    const memory =
      mem.status === 0
        ? (JSON.parse(mem.stdout.trim().split('\n').at(-1)!) as {
            rssPerSeriesB: number;
            heapPerSeriesB: number;
            headPerSeriesB: number;
            headSamples: number;
          })
        : undefined;
    results.memory = memory ?? { error: mem.stderr.slice(-500) };

    emit(
      markdownTable(
        'Memory per active series (chunked layout, head holding 470 samples per series)',
        ['series', 'RSS B/series', 'live heap B/series', 'accounted head B/series'],
        [
          [
            String(P.series),
            f(memory?.rssPerSeriesB, 0),
            f(memory?.heapPerSeriesB, 0),
            f(memory?.headPerSeriesB, 0),
          ],
        ],
        memory
          ? 'growth after GC in a process of its own, divided by the series count (RSS also holds the SQLite page cache and heap the GC keeps)'
          : `not measured: ${mem.stderr.slice(-300)}`,
      ),
    );
    // ------------------------------------------------------------------ 6. VictoriaMetrics, anchor: its own ingest
    log('ingest into VictoriaMetrics (anchor: its own ingest of the same samples)...');
    const vmSteps = 60;
    const vmRows = await benchVictoriaIngest(P.series, vmSteps);
    results.victoriametrics = vmRows ?? { error: 'victoria-metrics not installed' };
    emit(victoriaIngestTable(vmRows, P.series, vmSteps));

    mkdirSync('bench/results', { recursive: true });
    writeFileSync('bench/results/ingest.json', JSON.stringify(results, null, 2));
    log('wrote bench/results/ingest.json');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

await main();
