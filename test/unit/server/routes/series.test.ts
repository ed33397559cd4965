import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../../../src/server/app.ts';
import { defaultStepMs } from '../../../../src/server/routes/series.ts';
import { T0, testDeps, type TestDeps } from '../../../helpers/server-fakes.ts';

const NOW = T0 + 600_000;
const apps: FastifyInstance[] = [];
after(async () => {
  await Promise.all(apps.map((a) => a.close()));
});

async function setup(limits?: TestDeps['limits']): Promise<{ a: FastifyInstance; deps: TestDeps }> {
  const deps = testDeps(limits ? { limits } : {});
  const samples = [];
  for (let t = NOW - 300_000; t <= NOW; t += 10_000) {
    samples.push({
      name: 'dwcp_amst_streams_active',
      labels: { node_id: 'n1', region: 'eu' },
      value: 4,
      timestampMs: t,
    });
    samples.push({
      name: 'dwcp_amst_streams_active',
      labels: { node_id: 'n2', region: 'eu' },
      value: 6,
      timestampMs: t,
    });
    samples.push({
      name: 'dwcp_amst_streams_active',
      labels: { node_id: 'n3', region: 'us' },
      value: 10,
      timestampMs: t,
    });
  }
  samples.push({ name: 'dwcp_hde_compression_ratio', labels: { node_id: 'n1' }, value: 3, timestampMs: NOW });
  await deps.samples.append(samples);
  const a = await buildApp(deps, { now: () => NOW, checkResponses: true });
  apps.push(a);
  return { a, deps };
}

interface QueryBody {
  status: string;
  data: {
    name: string;
    agg: string;
    by: string[];
    startMs: number;
    endMs: number;
    stepMs: number;
    series: { labels: Record<string, string>; timestampsMs: number[]; values: number[] }[];
  };
  warnings?: string[];
}

function err(res: { statusCode: number; json: () => unknown }, type: string, msg: RegExp): void {
  assert.equal(res.statusCode, 400);
  const b = res.json() as { status: string; errorType: string; error: string };
  assert.equal(b.status, 'error');
  assert.equal(b.errorType, type);
  assert.match(b.error, msg);
}

test('defaultStepMs picks a nice step giving at most maxPoints points', () => {
  assert.equal(defaultStepMs(0, 300_000, 300), 2000);
  assert.equal(defaultStepMs(0, 299_000, 300), 1000);
  assert.equal(defaultStepMs(0, 0, 300), 1000);
  assert.equal(defaultStepMs(0, 3_600_000, 300), 15_000);
  const year = 365 * 86_400_000;
  const s = defaultStepMs(0, year, 300);
  assert.ok(Math.floor(year / s) + 1 <= 300 && s % 86_400_000 === 0);
});

test('GET /api/metrics/search', async () => {
  const { a } = await setup();
  const res = await a.inject({ method: 'GET', url: '/api/metrics/search?q=AMST' });
  assert.equal(res.statusCode, 200);
  assert.deepEqual(res.json(), { status: 'success', data: ['dwcp_amst_streams_active'] });
  const all = await a.inject({ method: 'GET', url: '/api/metrics/search?limit=1' });
  assert.deepEqual((all.json() as { data: string[] }).data, ['dwcp_amst_streams_active']);
  err(await a.inject({ method: 'GET', url: '/api/metrics/search?limit=0' }), 'DWCP_INVALID_INPUT', /limit/);
  err(
    await a.inject({ method: 'GET', url: '/api/metrics/search?limit=5000' }),
    'DWCP_INVALID_INPUT',
    /limit/,
  );
  err(
    await a.inject({ method: 'GET', url: `/api/metrics/search?q=${'a'.repeat(201)}` }),
    'DWCP_INVALID_INPUT',
    /q: must be at most 200/,
  );
  err(
    await a.inject({ method: 'GET', url: '/api/metrics/search?query=x' }),
    'DWCP_UNKNOWN_PARAMETER',
    /query; known parameters: q, limit/,
  );
});

test('GET /api/metrics/query: defaults (last 5 min, step for ≤ 300 points, avg)', async () => {
  const { a, deps } = await setup();
  const res = await a.inject({ method: 'GET', url: '/api/metrics/query?name=dwcp_amst_streams_active' });
  assert.equal(res.statusCode, 200);
  const body = res.json() as QueryBody;
  assert.equal(body.status, 'success');
  assert.equal(body.warnings, undefined);
  assert.deepEqual(
    {
      name: body.data.name,
      agg: body.data.agg,
      by: body.data.by,
      startMs: body.data.startMs,
      endMs: body.data.endMs,
      stepMs: body.data.stepMs,
    },
    {
      name: 'dwcp_amst_streams_active',
      agg: 'avg',
      by: [],
      startMs: NOW - 300_000,
      endMs: NOW,
      stepMs: 2000,
    },
  );
  assert.deepEqual(deps.samples.finds.at(-1), { name: 'dwcp_amst_streams_active', match: {}, limit: 200 });
  assert.deepEqual(deps.samples.reads.at(-1), {
    ids: [1, 2, 3],
    startMs: NOW - 300_000,
    endMs: NOW,
    max: 20_000,
  });
  assert.equal(body.data.series.length, 1);
  const s = body.data.series[0]!;
  assert.ok(s.timestampsMs.length > 0 && s.timestampsMs.length <= 300);
  assert.equal(s.timestampsMs.length, s.values.length);
  // avg over 4, 6 and 10.
  for (const v of s.values) assert.ok(Math.abs(v - 20 / 3) < 1e-9);
});

test('GET /api/metrics/query: match[], explicit range/step, agg and by (repeated or comma-separated)', async () => {
  const { a, deps } = await setup();
  const start = (NOW - 60_000) / 1000;
  const res = await a.inject({
    method: 'GET',
    url: `/api/metrics/query?name=dwcp_amst_streams_active&match[region]=eu&start=${start}&end=${new Date(NOW).toISOString()}&step=30s&agg=sum`,
  });
  assert.equal(res.statusCode, 200);
  const body = res.json() as QueryBody;
  assert.deepEqual(deps.samples.finds.at(-1)?.match, { region: 'eu' });
  assert.equal(body.data.stepMs, 30_000);
  assert.equal(body.data.startMs, NOW - 60_000);
  assert.deepEqual(body.data.series[0]?.values, [10, 10, 10]);
  const byRes = await a.inject({
    method: 'GET',
    url: '/api/metrics/query?name=dwcp_amst_streams_active&agg=max&by=region&by=region,node_id',
  });
  const byBody = byRes.json() as QueryBody;
  assert.deepEqual(byBody.data.by, ['region', 'node_id']);
  assert.equal(byBody.data.series.length, 3);
});

test('GET /api/metrics/query: truncation is reported as warnings', async () => {
  const { a } = await setup({ querySeriesMax: 2, queryRawPointsPerSeries: 5 });
  const res = await a.inject({ method: 'GET', url: '/api/metrics/query?name=dwcp_amst_streams_active' });
  assert.equal(res.statusCode, 200);
  const body = res.json() as QueryBody;
  assert.equal(body.warnings?.length, 2);
  assert.match(body.warnings?.[0] ?? '', /first 2 matching series/);
  assert.match(body.warnings?.[1] ?? '', /more than 5 samples/);
});

test('GET /api/metrics/query: bad input → 400', async () => {
  const { a } = await setup();
  const q = '/api/metrics/query?name=dwcp_amst_streams_active';
  const cases: [string, string, RegExp][] = [
    ['/api/metrics/query', 'DWCP_INVALID_INPUT', /name/],
    ['/api/metrics/query?name=1bad', 'DWCP_INVALID_INPUT', /name: must be a metric name/],
    [`${q}&agg=median`, 'DWCP_INVALID_INPUT', /agg: Invalid option/],
    [`${q}&step=0`, 'DWCP_INVALID_INPUT', /step: must be at least 1ms/],
    [`${q}&step=-5`, 'DWCP_INVALID_INPUT', /step: must be at least 1ms/],
    // a positive step under a millisecond rounds to 0 ms: "must be greater than 0" would contradict the input
    [`${q}&step=0.0001`, 'DWCP_INVALID_INPUT', /step: must be at least 1ms \(steps are whole milliseconds\)/],
    [`${q}&step=fast`, 'DWCP_INVALID_INPUT', /step: invalid duration "fast"/],
    [`${q}&step=1ms&start=0&end=100`, 'DWCP_INVALID_INPUT', /exceed the maximum of 11000/],
    [`${q}&start=100&end=50`, 'DWCP_INVALID_INPUT', /start must not be after end/],
    [`${q}&end=soon`, 'DWCP_INVALID_INPUT', /end: cannot parse/],
    [`${q}&by=node-id`, 'DWCP_INVALID_INPUT', /by: "node-id" is not a valid label name/],
    [`${q}&match[1x]=a`, 'DWCP_INVALID_INPUT', /not a valid label name/],
    [`${q}&match[a]=1&match[a]=2`, 'DWCP_INVALID_INPUT', /more than once/],
    [`${q}&name=other`, 'DWCP_INVALID_INPUT', /more than once/],
    [
      `${q}&matcher=x`,
      'DWCP_UNKNOWN_PARAMETER',
      /matcher; known parameters: name, start, end, step, agg, by, match\[<label>\]/,
    ],
    [`${q}&match=x`, 'DWCP_UNKNOWN_PARAMETER', /match/],
  ];
  for (const [url, type, msg] of cases) err(await a.inject({ method: 'GET', url }), type, msg);
});
