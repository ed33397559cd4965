/**
 * CPU cost of the Prometheus query API's label routes without `match[]` (GET /api/v1/labels and
 * /api/v1/label/__name__/values, which Grafana asks on every query editor and variable refresh) over a SQLite
 * sample store of `--names` (200) metric names × `--series` (25) series × 60 samples at 10 s. Reports the CPU
 * time (user + system, ms; comparable under load, wall time is not) of the first call (cold) and the mean of
 * `--calls` (20) calls after it, per route.
 *
 * A/B against another checkout: `--root DIR` loads the app and the store from DIR's `src/` (e.g. the main
 * branch), so alternating runs of this one file compare the two builds on the same data.
 *
 * Run: `npx tsx bench/promql-labels.ts [--names 200] [--series 25] [--calls 20] [--root /path/to/checkout]`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { testDeps } from '../test/helpers/server-fakes.ts';

type AppModule = typeof import('../src/server/app.ts');
type StoreModule = typeof import('../src/store/sqlite.ts');

const flag = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? undefined : process.argv[i + 1];
};
/** A whole-number flag within [1, 100000]. @throws Error naming the flag for other input */
const count = (name: string, def: number): number => {
  const text = flag(name);
  if (text === undefined) return def;
  const v = Number(text);
  if (!Number.isInteger(v) || v < 1 || v > 100_000)
    throw new Error(`--${name} takes 1 to 100000, got ${text}`);
  return v;
};
const NAMES = count('names', 200);
const SERIES = count('series', 25);
const CALLS = count('calls', 20);
const ROOT = resolve(flag('root') ?? join(import.meta.dirname, '..'));
const NOW = 1_800_000_000_000;

const cpuMs = (since: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
};

const { buildApp } = (await import(join(ROOT, 'src/server/app.ts'))) as AppModule;
const { openSqliteStore } = (await import(join(ROOT, 'src/store/sqlite.ts'))) as StoreModule;
const dir = mkdtempSync(join(tmpdir(), 'dwcp-bench-promql-labels-'));
try {
  const store = await openSqliteStore({ path: join(dir, 'samples.db'), retentionMs: 7 * 86_400_000 });
  for (let n = 0; n < NAMES; n++) {
    const batch = [];
    for (let s = 0; s < SERIES; s++)
      for (let k = 0; k < 60; k++)
        batch.push({
          name: `dwcp_bench_metric_${String(n).padStart(4, '0')}`,
          labels: { node_id: `node-${s}`, region: `r${s % 3}` },
          value: k,
          timestampMs: NOW - (59 - k) * 10_000,
        });
    await store.append(batch);
  }
  const app = await buildApp({ ...testDeps(), samples: store }, { now: () => NOW });
  const rows: string[] = [];
  for (const url of ['/api/v1/labels', '/api/v1/label/__name__/values']) {
    let t = process.cpuUsage();
    const first = await app.inject(url);
    if (first.statusCode !== 200) throw new Error(`${url}: ${first.statusCode} ${first.body.slice(0, 200)}`);
    const cold = cpuMs(t);
    t = process.cpuUsage();
    for (let i = 0; i < CALLS; i++) await app.inject(url);
    rows.push(`| ${url} | ${cold.toFixed(1)} | ${(cpuMs(t) / CALLS).toFixed(2)} |`);
  }
  await app.close();
  await store.close();
  console.log(
    `root ${ROOT}; ${NAMES} names × ${SERIES} series × 60 samples; load ${loadavg()[0]!.toFixed(1)}\n` +
      `| route (no match[]) | first call, CPU ms | mean of ${CALLS} more, CPU ms |\n|---|---|---|\n${rows.join('\n')}`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
