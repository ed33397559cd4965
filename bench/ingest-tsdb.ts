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
import {
  allRefs,
  chunkedDayQuery,
  DAY,
  feed,
  HOUR,
  log,
  MIN,
  pct,
  timeQueries,
} from './ingest-tsdb-measure.ts';
import { measured, ONLY_QUERY, P, PG_URL } from './ingest-tsdb-options.ts';
import {
  bytesTable,
  dayTable,
  emit,
  f,
  k,
  memoryTable,
  monthTable,
  type IngestRow,
  type MemoryPerSeries,
} from './ingest-tsdb-report.ts';

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
      emit(bytesTable(bytesLoad.series, P.bytesSteps, bytesRows));
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
    emit(dayTable(rows, P.series, P.prefillSteps));

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
    emit(monthTable(month, P.monthSeries));

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
      mem.status === 0 ? (JSON.parse(mem.stdout.trim().split('\n').at(-1)!) as MemoryPerSeries) : undefined;
    results.memory = memory ?? { error: mem.stderr.slice(-500) };

    emit(memoryTable(P.series, memory, mem.stderr));
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
