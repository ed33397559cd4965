/**
 * Series lookups of the chunked store at start-up: a store holding `--series` series (one sample each, names and
 * labels shaped like the simulator's) is closed and opened again, and the first append of every series resolves
 * them all against the `series` table (none is in the head yet). Prints process CPU (user + system) and
 * wall-clock ms of the open, of that first append, and of `findSeries` over every series, and the bytes of the
 * `series` and `tsdb_metric_names` tables and their indexes per series (SQLite `dbstat`, PostgreSQL `pg_relation_size`).
 *
 * `npx tsx bench/series-lookup.ts [--series 100000] [--reps 3] [--backend sqlite|postgres]`
 * (postgres: DWCP_TEST_PG_URL or postgres://dwcp:dwcp@127.0.0.1:5432/dwcp_test, a fresh schema dropped at the end).
 * Run before/after trees one after the other and compare the CPU columns.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import BetterSqlite3 from 'better-sqlite3';
import type { Sample } from '../src/model/sample.ts';
import {
  openChunkedPostgresStore,
  openChunkedSqliteStore,
  type OpenedChunkedStore,
} from '../src/store/tsdb/open.ts';

const { values: args } = parseArgs({
  options: {
    series: { type: 'string', default: '100000' },
    reps: { type: 'string', default: '3' },
    backend: { type: 'string', default: 'sqlite' },
  },
});
const N = Number(args.series);
const PG_URL = process.env.DWCP_TEST_PG_URL ?? 'postgres://dwcp:dwcp@127.0.0.1:5432/dwcp_test';
const T0 = 1_700_000_000_000;
const FAMILIES = 100;

function samplesAt(ts: number): Sample[] {
  return Array.from({ length: N }, (_, i) => ({
    name: `dwcp_bench_family_${i % FAMILIES}_total`,
    labels: {
      cluster: `region-${i % 7}`,
      node: `node-${Math.floor(i / FAMILIES) % 1000}`,
      replica: String(Math.floor(i / (FAMILIES * 1000))),
      stream_id: `stream-${i % 13}`,
    },
    value: i,
    timestampMs: ts,
  }));
}

async function timed<T>(f: () => Promise<T>): Promise<{ r: T; cpuMs: number; wallMs: number }> {
  const c0 = process.cpuUsage();
  const w0 = performance.now();
  const r = await f();
  const c = process.cpuUsage(c0);
  return { r, cpuMs: (c.user + c.system) / 1000, wallMs: performance.now() - w0 };
}

const dir = mkdtempSync(join(tmpdir(), 'dwcp-series-lookup-'));
const schema = `dwcp_series_lookup_${process.pid}`;
const open = (): Promise<OpenedChunkedStore> =>
  args.backend === 'postgres'
    ? openChunkedPostgresStore({ url: PG_URL, schema, walDir: join(dir, 'wal'), retentionMs: 86_400_000 })
    : openChunkedSqliteStore({ path: join(dir, 'c.db'), walDir: join(dir, 'wal'), retentionMs: 86_400_000 });

try {
  const first = await timed(async () => {
    const st = await open();
    await st.append(samplesAt(T0));
    await st.close();
  });
  process.stdout.write(
    `${args.backend}: ${N} series created in ${first.cpuMs.toFixed(0)} ms CPU (${first.wallMs.toFixed(0)} ms wall)\n`,
  );
  for (let rep = 0; rep < Number(args.reps); rep++) {
    const o = await timed(open);
    const st = o.r;
    const a = await timed(() => st.append(samplesAt(T0 + (rep + 1) * 1000)));
    if (a.r.stored !== N) throw new Error(`stored ${a.r.stored} of ${N}`);
    const f = await timed(async () => {
      let n = 0;
      for (let k = 0; k < FAMILIES; k++)
        n += (await st.findSeries(`dwcp_bench_family_${k}_total`, {}, N)).length;
      return n;
    });
    if (f.r !== N) throw new Error(`found ${f.r} of ${N}`);
    await st.close();
    process.stdout.write(
      `rep ${rep + 1}: open ${o.cpuMs.toFixed(0)} ms CPU (${o.wallMs.toFixed(0)} wall); first append (every series looked up) ` +
        `${a.cpuMs.toFixed(0)} ms CPU (${a.wallMs.toFixed(0)} wall), ${((a.cpuMs * 1000) / N).toFixed(2)} µs/series; ` +
        `findSeries of all ${f.cpuMs.toFixed(0)} ms CPU (${f.wallMs.toFixed(0)} wall)\n`,
    );
  }
  if (args.backend === 'postgres') {
    const pg = (await import('pg')).default;
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    const r = await c.query<{ name: string; bytes: string }>(
      `select relname as name, pg_relation_size(oid) as bytes from pg_class
       where relnamespace = $1::regnamespace and (relname like '%series%' or relname like '%metric_names%') and relkind in ('r', 'i') order by 2 desc`,
      [schema],
    );
    await c.end();
    process.stdout.write(
      r.rows.map((x) => `  ${x.name.padEnd(28)} ${(Number(x.bytes) / N).toFixed(1)} B/series`).join('\n') +
        '\n',
    );
  } else {
    const raw = new BetterSqlite3(join(dir, 'c.db'));
    const rows = raw
      .prepare(
        "select name, sum(pgsize) as bytes from dbstat where name like '%series%' or name like '%metric_names%' group by name order by 2 desc",
      )
      .all() as { name: string; bytes: number }[];
    raw.close();
    process.stdout.write(
      rows.map((r) => `  ${r.name.padEnd(28)} ${(r.bytes / N).toFixed(1)} B/series`).join('\n') + '\n',
    );
  }
} finally {
  if (args.backend === 'postgres') {
    const pg = (await import('pg')).default;
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    await c.query(`drop schema if exists ${schema} cascade`);
    await c.end();
  }
  rmSync(dir, { recursive: true, force: true });
}
