import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { Counter } from 'prom-client';
import {
  DwcpError,
  InvalidInputError,
  LimitExceededError,
  NotFoundError,
  StoreError,
  UnknownParameterError,
} from '../../../src/errors.ts';
import { buildApp, resolveLimits } from '../../../src/server/app.ts';
import { HTTP_STATUS_BY_CODE, toHttpError } from '../../../src/server/error-handler.ts';
import { parseDuration } from '../../../src/model/duration.ts';
import { parseTime } from '../../../src/server/params.ts';
import { T0, anomaly, seedAnomalies, testDeps, type TestDeps } from '../../helpers/server-fakes.ts';

const apps: FastifyInstance[] = [];
const tmpDirs: string[] = [];
after(async () => {
  await Promise.all(apps.map((a) => a.close()));
  for (const d of tmpDirs) rmSync(d, { recursive: true, force: true });
});

async function app(deps: TestDeps = testDeps()): Promise<FastifyInstance> {
  const a = await buildApp(deps, { now: () => T0 + 3_600_000, checkResponses: true });
  apps.push(a);
  return a;
}

interface ErrorBody {
  status: string;
  errorType: string;
  error: string;
}

function assertError(
  res: { statusCode: number; json: () => unknown },
  status: number,
  errorType: string,
  msg?: RegExp,
): void {
  assert.equal(res.statusCode, status);
  const body = res.json() as ErrorBody;
  assert.equal(body.status, 'error');
  assert.equal(body.errorType, errorType);
  assert.equal(typeof body.error, 'string');
  if (msg) assert.match(body.error, msg);
}

test('GET /health and /ready', async () => {
  const deps = testDeps();
  const a = await app(deps);
  const h = await a.inject({ method: 'GET', url: '/health' });
  assert.equal(h.statusCode, 200);
  assert.deepEqual(h.json(), { status: 'healthy', uptimeSeconds: 12.5 });
  const r = await a.inject({ method: 'GET', url: '/ready' });
  assert.equal(r.statusCode, 200);
  assert.deepEqual(r.json(), { status: 'ready' });
  deps.readyFlag = false;
  const nr = await a.inject({ method: 'GET', url: '/ready' });
  assert.equal(nr.statusCode, 503);
  assert.deepEqual(nr.json(), { status: 'not_ready' });
  assertError(
    await a.inject({ method: 'GET', url: '/health?verbose=1' }),
    400,
    'DWCP_UNKNOWN_PARAMETER',
    /verbose/,
  );
});

test('GET /metrics serves the registry with its content type', async () => {
  const deps = testDeps();
  new Counter({ name: 'test_things_total', help: 'Things.', registers: [deps.registry] }).inc(3);
  const a = await app(deps);
  const res = await a.inject({ method: 'GET', url: '/metrics' });
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers['content-type'], deps.registry.contentType);
  assert.match(res.body, /^test_things_total 3$/m);
  // The live route registered its own metrics in the same registry.
  assert.match(res.body, /^dwcp_monitor_live_clients 0$/m);
});

test('GET /api/components/status', async () => {
  const a = await app();
  const res = await a.inject({ method: 'GET', url: '/api/components/status' });
  assert.equal(res.statusCode, 200);
  const body = res.json() as {
    status: string;
    data: { component: string; state: string; activeAnomalies: number }[];
  };
  assert.equal(body.status, 'success');
  assert.equal(body.data.length, 2);
  assert.deepEqual(
    body.data.map((c) => [c.component, c.state, c.activeAnomalies]),
    [
      ['amst', 'healthy', 0],
      ['hde', 'degraded', 2],
    ],
  );
  assertError(
    await a.inject({ method: 'GET', url: '/api/components/status?region=x' }),
    400,
    'DWCP_UNKNOWN_PARAMETER',
  );
});

test('GET /api/v1/targets has the Prometheus shape', async () => {
  const a = await app();
  const res = await a.inject({ method: 'GET', url: '/api/v1/targets' });
  assert.equal(res.statusCode, 200);
  const body = res.json() as {
    status: string;
    data: { activeTargets: Record<string, unknown>[]; droppedTargets: unknown[] };
  };
  assert.equal(body.status, 'success');
  assert.deepEqual(body.data.droppedTargets, []);
  const [up, down] = body.data.activeTargets;
  assert.deepEqual(up, {
    id: 'node-1',
    discoveredLabels: { job: 'dwcp', instance: '127.0.0.1:9101', region: 'eu-west' },
    labels: { job: 'dwcp', instance: '127.0.0.1:9101', region: 'eu-west' },
    scrapePool: 'dwcp',
    scrapeUrl: 'http://127.0.0.1:9101/metrics',
    globalUrl: 'http://127.0.0.1:9101/metrics',
    health: 'up',
    lastError: '',
    lastScrape: '2024-05-01T12:00:00.000Z',
    lastScrapeDuration: 0.0125,
    samplesLastScrape: 420,
    lastWarning: '',
  });
  assert.equal(down?.['health'], 'down');
  assert.equal(down?.['lastError'], 'connection refused');
  assert.equal(down?.['lastScrape'], '0001-01-01T00:00:00Z');
  assert.equal(down?.['lastScrapeDuration'], 0);
  assert.equal(down?.['scrapePool'], 'node-2');
  const dropped = await a.inject({ method: 'GET', url: '/api/v1/targets?state=dropped' });
  assert.deepEqual((dropped.json() as { data: { activeTargets: unknown[] } }).data.activeTargets, []);
  assertError(
    await a.inject({ method: 'GET', url: '/api/v1/targets?state=gone' }),
    400,
    'DWCP_INVALID_INPUT',
    /state/,
  );
});

test('GET /api/anomalies filters, limits and validates', async () => {
  const deps = testDeps();
  await seedAnomalies(deps.anomalies, [
    anomaly(1, { severity: 'low' }),
    anomaly(2, { severity: 'critical', component: 'hde' }),
    anomaly(3, { severity: 'medium' }),
    anomaly(4, { severity: 'high' }),
  ]);
  const a = await app(deps);
  const all = await a.inject({ method: 'GET', url: '/api/anomalies' });
  assert.equal(all.statusCode, 200);
  const ids = (r: { json: () => unknown }) => (r.json() as { data: { id: number }[] }).data.map((x) => x.id);
  assert.deepEqual(ids(all), [4, 3, 2, 1]);
  assert.equal(deps.anomalies.filters.at(-1)?.limit, 100);
  assert.deepEqual(ids(await a.inject({ method: 'GET', url: '/api/anomalies?min_severity=high' })), [4, 2]);
  assert.deepEqual(ids(await a.inject({ method: 'GET', url: '/api/anomalies?severity=medium' })), [3]);
  assert.deepEqual(ids(await a.inject({ method: 'GET', url: '/api/anomalies?component=hde' })), [2]);
  assert.deepEqual(ids(await a.inject({ method: 'GET', url: '/api/anomalies?limit=2' })), [4, 3]);
  // Unix seconds (fractional) and RFC3339 both work; bounds are inclusive.
  const start = (T0 + 2000) / 1000;
  assert.deepEqual(
    ids(await a.inject({ method: 'GET', url: `/api/anomalies?start=${start}.0&end=2024-05-01T12:00:03Z` })),
    [3, 2],
  );
  assert.deepEqual(deps.anomalies.filters.at(-1), { limit: 100, startMs: T0 + 2000, endMs: T0 + 3000 });

  const bad: [string, string, RegExp][] = [
    ['limit=0', 'DWCP_INVALID_INPUT', /limit: must be between 1 and 1000/],
    ['limit=1001', 'DWCP_INVALID_INPUT', /limit/],
    ['limit=abc', 'DWCP_INVALID_INPUT', /limit/],
    ['limit=1&limit=2', 'DWCP_INVALID_INPUT', /more than once/],
    ['severity=urgent', 'DWCP_INVALID_INPUT', /severity/],
    ['min_severity=x', 'DWCP_INVALID_INPUT', /min_severity/],
    ['component=gpu', 'DWCP_INVALID_INPUT', /component/],
    ['start=yesterday', 'DWCP_INVALID_INPUT', /start: cannot parse/],
    ['start=2024-02-30T00:00:00Z', 'DWCP_INVALID_INPUT', /not a valid date/],
    ['start=200&end=100', 'DWCP_INVALID_INPUT', /start must not be after end/],
    ['severity=low&min_severity=high', 'DWCP_INVALID_INPUT', /mutually exclusive/],
    [
      'sort=asc',
      'DWCP_UNKNOWN_PARAMETER',
      /sort; known parameters: start, end, component, severity, min_severity, limit/,
    ],
  ];
  for (const [qs, type, msg] of bad) {
    assertError(await a.inject({ method: 'GET', url: `/api/anomalies?${qs}` }), 400, type, msg);
  }
});

test('GET /api/anomalies: a summary per anomaly; unknown numbers (no band, no deviation) arrive as null', async () => {
  const deps = testDeps();
  await seedAnomalies(deps.anomalies, [
    anomaly(1, {
      expected: Number.NaN,
      lower: Number.NaN,
      upper: Number.NaN,
      deviation: Number.NaN,
      severity: 'low',
      detector: 'ensemble',
    }),
    anomaly(2, {
      metric: 'up',
      detector: 'target_health',
      severity: 'critical',
      deviation: Number.NaN,
      labels: { instance: '127.0.0.1:9101', job: 'dwcp', target: 'node-2' },
    }),
  ]);
  const a = await app(deps); // checkResponses: the bodies match the contract
  const res = await a.inject({ method: 'GET', url: '/api/anomalies' });
  assert.equal(res.statusCode, 200);
  const [down, noBand] = (
    res.json() as {
      data: { summary: string; expected: number | null; lower: number | null; deviation: number | null }[];
    }
  ).data;
  assert.equal(
    down!.summary,
    'critical: target node-2 is down (instance=127.0.0.1:9101, job=dwcp): its scrapes fail (up = 0)',
  );
  assert.equal(down!.deviation, null);
  assert.deepEqual([noBand!.expected, noBand!.lower, noBand!.deviation], [null, null, null]);
  assert.equal(
    noBand!.summary,
    'low bandwidth anomaly on amst dwcp_amst_bandwidth_utilization (node_id=node-1, region=eu-west)',
  );
});

test('GET /api/anomalies: the resolution reason of an anomaly resolved at a new level; none otherwise', async () => {
  const deps = testDeps();
  await seedAnomalies(deps.anomalies, [
    anomaly(1, { resolvedAtMs: T0 + 60_000, resolution: 'new level accepted' }),
    anomaly(2, { resolvedAtMs: T0 + 60_000 }),
  ]);
  const a = await app(deps); // checkResponses: the bodies match the contract
  const res = await a.inject({ method: 'GET', url: '/api/anomalies' });
  assert.equal(res.statusCode, 200);
  const data = (res.json() as { data: { id: number; resolution?: string }[] }).data;
  assert.deepEqual(
    data.map((x) => [x.id, x.resolution]),
    [
      [2, undefined],
      [1, 'new level accepted'],
    ],
  );
});

test('POST /api/anomalies/:id/acknowledge', async () => {
  const deps = testDeps();
  const seeded = await seedAnomalies(
    deps.anomalies,
    [1, 2, 3, 4, 5, 6, 7].map((id) => anomaly(id)),
  );
  assert.equal(seeded.at(-1)?.id, 7);
  const a = await app(deps);
  const ok = await a.inject({ method: 'POST', url: '/api/anomalies/7/acknowledge' });
  assert.equal(ok.statusCode, 200);
  const body = ok.json() as { status: string; data: { id: number; acknowledged: boolean } };
  assert.equal(body.status, 'success');
  assert.equal(body.data.id, 7);
  assert.equal(body.data.acknowledged, true);
  assert.equal((await deps.anomalies.get(7))?.acknowledged, true);
  // A JSON body is accepted and ignored.
  const withBody = await a.inject({
    method: 'POST',
    url: '/api/anomalies/7/acknowledge',
    payload: { note: 'seen' },
  });
  assert.equal(withBody.statusCode, 200);

  assertError(
    await a.inject({ method: 'POST', url: '/api/anomalies/8/acknowledge' }),
    404,
    'DWCP_NOT_FOUND',
    /8/,
  );
  for (const id of ['abc', '0', '-1', '1.5', '99999999999999999999']) {
    assertError(
      await a.inject({ method: 'POST', url: `/api/anomalies/${id}/acknowledge` }),
      400,
      'DWCP_INVALID_INPUT',
      /positive integer/,
    );
  }
  assertError(
    await a.inject({ method: 'POST', url: '/api/anomalies/7/acknowledge?x=1' }),
    400,
    'DWCP_UNKNOWN_PARAMETER',
  );
  assertError(await a.inject({ method: 'GET', url: '/api/anomalies/7/acknowledge' }), 404, 'DWCP_NOT_FOUND');
});

test('bodies over 1 MiB → 413 naming the limit; malformed JSON → 400; bad content types → 415 naming the type, same body shape', async () => {
  const deps = testDeps();
  await seedAnomalies(deps.anomalies, [anomaly(1)]);
  const a = await app(deps);
  const big = await a.inject({
    method: 'POST',
    url: '/api/anomalies/1/acknowledge',
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify({ pad: 'x'.repeat(1024 * 1024) }),
  });
  assertError(big, 413, 'DWCP_PAYLOAD_TOO_LARGE', /over this route's limit of 1048576 bytes$/);
  assert.equal((await deps.anomalies.get(1))?.acknowledged, false);
  const malformed = await a.inject({
    method: 'POST',
    url: '/api/anomalies/1/acknowledge',
    headers: { 'content-type': 'application/json' },
    payload: '{"a":',
  });
  assertError(malformed, 400, 'DWCP_INVALID_INPUT');
  const media = await a.inject({
    method: 'POST',
    url: '/api/anomalies/1/acknowledge',
    headers: { 'content-type': 'application/x-unknown' },
    payload: 'x',
  });
  assertError(
    media,
    415,
    'DWCP_UNSUPPORTED_MEDIA_TYPE',
    /content-type "application\/x-unknown" is not accepted by this route$/,
  );
});

test('unknown routes → 404 in the error body shape', async () => {
  const a = await app();
  assertError(
    await a.inject({ method: 'GET', url: '/api/nothing?x=1' }),
    404,
    'DWCP_NOT_FOUND',
    /GET \/api\/nothing not found/,
  );
  assertError(await a.inject({ method: 'DELETE', url: '/health' }), 404, 'DWCP_NOT_FOUND');
});

test('routes of features the monitor was built without → 404 naming the feature', async () => {
  const a = await app();
  const cases: [string, RegExp][] = [
    ['/api/capacity', /^capacity planning is not configured on this monitor$/],
    ['/api/network', /^network telemetry is not configured on this monitor$/],
    ['/api/rollout', /^rollout, SLO and region analysis is not configured on this monitor$/],
    ['/api/slo', /^rollout, SLO and region analysis is not configured/],
    ['/api/regions/health', /^rollout, SLO and region analysis is not configured/],
    ['/api/models/performance', /^model performance is not configured on this monitor$/],
  ];
  for (const [url, msg] of cases)
    assertError(await a.inject({ method: 'GET', url }), 404, 'DWCP_NOT_FOUND', msg);
});

test('store failures map through the error handler; unknown errors → 500 without internals', async () => {
  const deps = testDeps();
  deps.anomalies.list = async () => {
    throw new StoreError('database is locked');
  };
  deps.samples.searchMetricNames = async () => {
    throw new Error('secret internal detail at /srv/db');
  };
  const a = await app(deps);
  assertError(await a.inject({ method: 'GET', url: '/api/anomalies' }), 503, 'DWCP_STORE', /locked/);
  const res = await a.inject({ method: 'GET', url: '/api/metrics/search' });
  assertError(res, 500, 'DWCP_INTERNAL', /^internal server error$/);
  assert.doesNotMatch(res.body, /secret|\/srv|at /);
});

test('toHttpError maps every code, fastify client errors and foreign values', () => {
  for (const [code, status] of Object.entries(HTTP_STATUS_BY_CODE)) {
    const e = new DwcpError(code as keyof typeof HTTP_STATUS_BY_CODE, 'm');
    assert.equal(toHttpError(e).statusCode, status);
    assert.equal(toHttpError(e).body.errorType, code);
  }
  assert.equal(toHttpError(new UnknownParameterError(['a'], ['b'])).statusCode, 400);
  assert.equal(toHttpError(new NotFoundError('x')).statusCode, 404);
  assert.equal(toHttpError(new LimitExceededError('x')).statusCode, 429);
  assert.deepEqual(toHttpError({ code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413, message: 'too big' }), {
    statusCode: 413,
    body: { status: 'error', errorType: 'DWCP_PAYLOAD_TOO_LARGE', error: 'too big' },
  });
  // Non-fastify errors carrying a statusCode are not trusted.
  assert.equal(toHttpError({ code: 'EOTHER', statusCode: 400, message: 'x' }).statusCode, 500);
  assert.equal(toHttpError('a string').statusCode, 500);
  assert.equal(toHttpError(null).body.errorType, 'DWCP_INTERNAL');
});

test('static web root is served at /', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dwcp-web-'));
  tmpDirs.push(dir);
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>DWCP Monitor</title>');
  writeFileSync(join(dir, 'app.js'), 'console.log(1)');
  const a = await app(testDeps({ webRoot: dir }));
  const res = await a.inject({ method: 'GET', url: '/' });
  assert.equal(res.statusCode, 200);
  assert.match(String(res.headers['content-type']), /text\/html/);
  assert.match(res.body, /<title>DWCP Monitor<\/title>/);
  const js = await a.inject({ method: 'GET', url: '/app.js' });
  assert.equal(js.statusCode, 200);
  assert.match(String(js.headers['content-type']), /javascript/);
  assertError(await a.inject({ method: 'GET', url: '/missing.js' }), 404, 'DWCP_NOT_FOUND');
  assertError(await a.inject({ method: 'GET', url: '/../../etc/passwd' }), 404, 'DWCP_NOT_FOUND');
  // API routes still win over static files.
  assert.equal((await a.inject({ method: 'GET', url: '/health' })).statusCode, 200);
});

test('no webRoot → / is 404', async () => {
  const a = await app();
  assertError(await a.inject({ method: 'GET', url: '/' }), 404, 'DWCP_NOT_FOUND');
});

test('limits are validated', () => {
  assert.equal(resolveLimits(undefined).bodyLimitBytes, 1024 * 1024);
  assert.equal(resolveLimits({ anomaliesMax: 10, anomaliesDefault: 5 }).anomaliesMax, 10);
  assert.throws(() => resolveLimits({ liveMaxClients: 0 }), InvalidInputError);
  assert.throws(() => resolveLimits({ anomaliesDefault: 2000 }), /anomaliesDefault/);
  assert.throws(() => resolveLimits({ bodyLimitBytes: 1.5 }), InvalidInputError);
});

test('time and duration parameters follow the Prometheus conventions', () => {
  assert.equal(parseTime('1714564800', 't'), 1714564800000);
  assert.equal(parseTime('1714564800.123', 't'), 1714564800123);
  assert.equal(parseTime('2024-05-01T12:00:00Z', 't'), T0);
  assert.equal(parseTime('2024-05-01T14:00:00.5+02:00', 't'), T0 + 500);
  for (const bad of [
    '',
    'now',
    '2024-05-01',
    '2024-13-01T00:00:00Z',
    '2024-05-01T25:00:00Z',
    '1e5',
    'NaN',
    '1'.repeat(400),
  ]) {
    assert.throws(() => parseTime(bad, 'start'), InvalidInputError, bad);
  }
  // Query-parameter durations: the product grammar plus plain seconds (model/duration.ts).
  const step = (s: string): number => parseDuration(s, { bareSeconds: true });
  assert.equal(step('15'), 15_000);
  assert.equal(step('0.5'), 500);
  assert.equal(step('1m30s'), 90_000);
  assert.equal(step('250ms'), 250);
  assert.equal(step('1.5m'), 90_000); // fractions in parts, as the CLI and config accept
  for (const bad of ['', '15x', '1s1m', '1m1m', '-', 's'])
    assert.throws(() => step(bad), InvalidInputError, bad);
});
