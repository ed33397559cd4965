/**
 * CPU profile of the 24 h / 60 s range query (`npx tsx bench/query-profile.ts [series] [profile.cpuprofile]`):
 * a day of the simulator's series at 60 s in the chunks layout (SQLite), rolled up, then the query repeated
 * cold (both caches emptied), warm with the result cache emptied before each run (decoded rows cached: a query
 * of a new shape; before it, the second read of rows one cold read cached), and warm (both caches); last, a refresh across rollup passes: an hour appended and rolled up,
 * then the range moved by it (3 times). Prints CPU ms per query of each. `DWCP_PROFILE_AGG` sets the
 * aggregation (default avg). With a second argument, writes a V8 CPU profile of the queries alone (not the
 * load before them) to that file; a third argument (`cold`, `new` or `warm`) profiles only that phase.
 * `DWCP_PROFILE_PROMOTE` (read numbers >= 2 or `never`, comma-separated) sets the read on which the row cache
 * may keep a compressed row decoded (default 2), and repeats the phases from the cold query on for each;
 * `DWCP_PROFILE_PROMOTE_BYTES` (bytes, or `unbounded`) the decoded bytes one read keeps at most (default 8 MiB). Also prints the 1-minute rollups' stored bytes per bucket.
 * `DWCP_PROFILE_PG_URL` (e.g. postgres://dwcp:dwcp@127.0.0.1:5432/dwcp_test) runs it on PostgreSQL instead (a
 * fresh schema, dropped at the end; the client's CPU only, the server's is not counted). `DWCP_PROFILE_SPLIT=1`
 * adds the split of the cold read's hand-over and decode (query-handover.ts). Nothing is asserted.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { loadTemplate, ReplayLoad } from './ingest-data.ts';
import { chunkedPostgres, chunkedSqlite } from './ingest-stores.ts';
import { printHandoverSplit } from './query-handover.ts';
import type { QueryAggregation } from '../src/store/query.ts';
import type { SeriesRef } from '../src/store/types.ts';
import type { TsdbDb } from '../src/store/tsdb/chunk-repo.ts';

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Prints the stored bytes of the 1-minute rollup rows per bucket (`last_data` and `data` apart). */
async function printRollupBytes(db: TsdbDb): Promise<void> {
  const r = (
    await sql<{
      rows: number | string;
      buckets: number | string;
      last: number | string;
      rest: number | string;
    }>`
      select count(*) as rows, sum(buckets) as buckets, sum(length(last_data)) as last, sum(length(data)) as rest
      from tsdb_rollups where resolution = ${MIN}`.execute(db)
  ).rows[0]!;
  const b = Number(r.buckets);
  process.stdout.write(
    `1-minute rollups: ${Number(r.rows)} rows, ${b} buckets; bytes per bucket: last ${(Number(r.last) / b).toFixed(3)}, rest ${(Number(r.rest) / b).toFixed(3)}\n`,
  );
}

async function main(): Promise<void> {
  const series = Number(process.argv[2] ?? 1000);
  const root = mkdtempSync(join(tmpdir(), 'dwcp-query-profile-'));
  try {
    const load = new ReplayLoad(await loadTemplate(2, 900), series);
    const pgUrl = process.env.DWCP_PROFILE_PG_URL;
    const opts = { retentionMs: 2 * DAY, maxRollupHoursPerRun: 48 };
    const st =
      pgUrl !== undefined && pgUrl !== ''
        ? await chunkedPostgres(pgUrl, join(root, 'c'), opts)
        : await chunkedSqlite(join(root, 'c'), opts);
    const now = Math.floor(Date.now() / MIN) * MIN;
    const start = now - DAY - 30 * MIN;
    for (let s = 0; s < 1440; s++) await st.append(load.batch(s, start, MIN));
    await st.store.applyRetention(now + 10 * MIN);
    const end = start + 1440 * MIN;
    const names = [...new Set(Array.from({ length: load.series }, (_, i) => load.name(i)))];
    const refs: SeriesRef[] = [];
    for (const n of names) refs.push(...(await st.store.findSeries(n, {}, 100_000)));
    const promotes = (process.env.DWCP_PROFILE_PROMOTE ?? '').split(',').filter((p) => p !== '');
    const budget = process.env.DWCP_PROFILE_PROMOTE_BYTES;
    if (budget !== undefined && budget !== '') {
      st.store.samples.rollups.rowCache.setPromoteBytesPerRead(
        budget === 'unbounded' ? Infinity : Number(budget),
      );
      process.stdout.write(`row cache: decoded bytes kept per read at most ${budget}\n`);
    }
    await printRollupBytes(st.store.samples.database);
    const agg = (process.env.DWCP_PROFILE_AGG ?? 'avg') as QueryAggregation;
    const q = (): Promise<unknown> =>
      st.store.queryRange(refs, { startMs: end - DAY, endMs: end, stepMs: MIN, agg }, 20_000);
    const profileOut = process.argv[3];
    const phase = process.argv[4];
    const session = profileOut !== undefined ? new Session() : undefined;
    if (session !== undefined) {
      session.connect();
      await session.post('Profiler.enable');
      if (phase === undefined) await session.post('Profiler.start');
    }
    const run = async (label: string, reps: number, before: () => void): Promise<void> => {
      before();
      await q();
      const profiled = session !== undefined && phase !== undefined && label.startsWith(phase);
      if (profiled) await session.post('Profiler.start');
      const c0 = cpuMs();
      for (let r = 0; r < reps; r++) {
        before();
        await q();
      }
      process.stdout.write(
        `${label}: ${((cpuMs() - c0) / reps).toFixed(1)} CPU ms/query over ${refs.length} series\n`,
      );
      if (profiled) {
        const { profile } = await session.post('Profiler.stop');
        writeFileSync(profileOut!, JSON.stringify(profile));
      }
    };
    for (const promote of promotes.length > 0 ? promotes : ['']) {
      if (promote !== '') {
        st.store.samples.rollups.rowCache.setPromoteAtRead(promote === 'never' ? Infinity : Number(promote));
        process.stdout.write(`row cache: compressed rows kept decoded on read ${promote}\n`);
      }
      await run('cold (both caches emptied)', 3, () => {
        st.store.samples.rollups.rowCache.clear();
        st.store.resultCache.clear();
      });
      // The second and third reads of rows the first read cached (result cache emptied before each).
      const readCpu = [0, 0];
      const cacheBytes: number[] = [];
      for (let r = 0; r < 3; r++) {
        st.store.samples.rollups.rowCache.clear();
        st.store.resultCache.clear();
        await q();
        cacheBytes[0] = st.store.samples.rollups.rowCache.stats().bytes;
        for (let k = 0; k < 2; k++) {
          st.store.resultCache.clear();
          const c0 = cpuMs();
          await q();
          readCpu[k]! += cpuMs() - c0;
          cacheBytes[k + 1] = st.store.samples.rollups.rowCache.stats().bytes;
        }
      }
      const mb = (b: number | undefined): string => ((b ?? 0) / 1e6).toFixed(1);
      process.stdout.write(
        `second read (rows cached by one cold read, no result cache): ${(readCpu[0]! / 3).toFixed(1)} CPU ms/query over ${refs.length} series; third read ${(readCpu[1]! / 3).toFixed(1)}; row cache ${mb(cacheBytes[0])} MB after one read, ${mb(cacheBytes[1])} MB after two, ${mb(cacheBytes[2])} MB after three\n`,
      );
      await run('new shape (warm rows, no result cache)', 10, () => st.store.resultCache.clear());
      await run('warm (both caches)', 10, () => undefined);
    }
    // A dashboard refresh across rollup passes: an hour more appended and rolled up (the watermark moves),
    // then the range moved by that hour.
    let e = end;
    let passCpu = 0;
    let passHits = 0;
    const passes = 3;
    for (let p = 0; p < passes; p++) {
      for (let k = 0; k < 60; k++) await st.append(load.batch(1440 + p * 60 + k, start, MIN));
      e += HOUR;
      await st.store.applyRetention(e + 10 * MIN);
      const h0 = st.store.resultCache.stats().hitSteps;
      const c0 = cpuMs();
      await st.store.queryRange(refs, { startMs: e - DAY, endMs: e, stepMs: MIN, agg }, 20_000);
      passCpu += cpuMs() - c0;
      passHits += st.store.resultCache.stats().hitSteps - h0;
    }
    process.stdout.write(
      `after a rollup pass (range moved 1 h): ${(passCpu / passes).toFixed(1)} CPU ms/query over ${refs.length} series, ${passHits / passes} steps from the result cache\n`,
    );
    if (process.env.DWCP_PROFILE_SPLIT === '1') await printHandoverSplit(st.store.samples.database, end);
    if (session !== undefined) {
      if (phase === undefined) {
        const { profile } = await session.post('Profiler.stop');
        writeFileSync(profileOut!, JSON.stringify(profile));
      }
      session.disconnect();
    }
    await st.close();
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

await main();
