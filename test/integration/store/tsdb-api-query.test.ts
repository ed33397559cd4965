/**
 * GET /api/metrics/query served by the chunked layout: steps under a minute read raw samples and answer exactly
 * as the row layout does; steps of a minute and more read 1-minute rollups, whose point per bucket is the
 * bucket's last value at the bucket's last millisecond.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { Sample } from '../../../src/model/sample.ts';
import { buildApp } from '../../../src/server/app.ts';
import { openSqliteStore, type OpenedStore } from '../../../src/store/sqlite.ts';
import { openChunkedSqliteStore, type OpenedChunkedStore } from '../../../src/store/tsdb/open.ts';
import { testDeps } from '../../helpers/server-fakes.ts';

const MIN = 60_000;
const HOUR = 3_600_000;
const START = Math.floor(1_700_000_000_000 / HOUR) * HOUR;
const NOW = START + 3 * HOUR;
const dir = mkdtempSync(join(tmpdir(), 'dwcp-tsdb-api-'));
const closers: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of closers) await c();
  rmSync(dir, { recursive: true, force: true });
});

/** Value of node n at time t: distinct per sample, so any off-by-one-sample shows. */
const v = (n: number, t: number): number => n * 1e6 + (t - START) / 10_000;

function data(): Sample[] {
  const out: Sample[] = [];
  for (let t = START; t < NOW; t += 10_000)
    for (let n = 1; n <= 3; n++)
      out.push({
        name: 'dwcp_amst_streams_active',
        labels: { node_id: `n${n}`, region: n < 3 ? 'eu' : 'us' },
        value: v(n, t),
        timestampMs: t,
      });
  return out;
}

async function app(samples: OpenedStore | OpenedChunkedStore): Promise<FastifyInstance> {
  const deps = testDeps();
  const a = await buildApp({ ...deps, samples }, { now: () => NOW });
  closers.push(() => a.close());
  return a;
}

type Body = {
  data: { series: { labels: Record<string, string>; timestampsMs: number[]; values: number[] }[] };
};

test('raw steps answer as the row layout; minute steps come from rollups', async () => {
  const chunks = await openChunkedSqliteStore({
    path: join(dir, 'c.db'),
    walDir: join(dir, 'wal'),
    retentionMs: 2 * 86_400_000,
    now: () => NOW,
  });
  const rows = await openSqliteStore({ path: join(dir, 'r.db'), retentionMs: 2 * 86_400_000 });
  closers.push(
    () => chunks.close(),
    () => rows.close(),
  );
  const d = data();
  await chunks.append(d);
  await rows.append(d);
  await chunks.applyRetention(NOW + 5 * MIN); // rolls up the first two hours; the third is read raw
  const [ca, ra] = [await app(chunks), await app(rows)];
  const q = (a: FastifyInstance, qs: string) =>
    a.inject({ method: 'GET', url: `/api/metrics/query?name=dwcp_amst_streams_active&${qs}` });

  const iso = (t: number): string => new Date(t).toISOString();
  const raw = `start=${iso(START + 2 * HOUR)}&end=${iso(NOW - 1000)}&step=15s&agg=avg&by=region`;
  const [c1, r1] = [await q(ca, raw), await q(ra, raw)];
  assert.equal(c1.statusCode, 200, c1.body);
  assert.deepEqual(c1.json(), r1.json(), 'a 15 s step reads raw samples: same answer as the row layout');

  const res = await q(ca, `start=${iso(START + MIN)}&end=${iso(NOW - MIN)}&step=60s&agg=max`);
  assert.equal(res.statusCode, 200, res.body);
  const [s] = (res.json() as Body).data.series;
  assert.equal(s!.timestampsMs.length, 178);
  // At step m (a minute boundary) the latest point is bucket [m - 60 s, m), whose last sample is m - 10 s.
  s!.timestampsMs.forEach((m, i) => assert.equal(s!.values[i], v(3, m - 10_000), `step ${m - START}`));
});
