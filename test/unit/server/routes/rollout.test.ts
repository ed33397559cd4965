import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { getMetric, metricsOf } from '../../../../src/catalog/index.ts';
import { rolloutCommand } from '../../../../src/cli/commands/rollout.ts';
import type { Labels, Sample } from '../../../../src/model/sample.ts';
import { DEFAULT_INSIGHTS_EXPORT, exportInsights } from '../../../../src/monitor/insights-exporter.ts';
import { RegionTrendTracker } from '../../../../src/monitor/region-trend-tracker.ts';
import type { RegionsOverview } from '../../../../src/contract/regions.ts';
import type { RolloutStatus } from '../../../../src/contract/rollout.ts';
import type { SloOverview } from '../../../../src/contract/slo.ts';
import { createInsightsProvider } from '../../../../src/monitor/rollout-provider.ts';
import { RolloutStageTracker } from '../../../../src/monitor/rollout-stage-tracker.ts';
import { createCatalogMetrics } from '../../../../src/catalog/registry.ts';
import { buildApp } from '../../../../src/server/app.ts';
import type { InsightsSource } from '../../../../src/server/deps.ts';
import { RecordingSampleStore, T0, testDeps } from '../../../helpers/server-fakes.ts';

const NOW = T0 + 3_600_000;
const apps: FastifyInstance[] = [];
after(async () => {
  await Promise.all(apps.map((a) => a.close()));
});

async function app(
  insights: InsightsSource | undefined,
  samples = new RecordingSampleStore(),
): Promise<FastifyInstance> {
  const deps = { ...testDeps(), samples, ...(insights ? { insights } : {}) };
  const a = await buildApp(deps, { now: () => NOW, checkResponses: true });
  apps.push(a);
  return a;
}

/** 120 scrapes at 5 s ending just before NOW: v1 migrations ~100 s, v3 ~`v3Seconds`, SLA gauges, region inputs. */
async function seeded(v3Seconds: number, slaOk: boolean, compression = true): Promise<RecordingSampleStore> {
  const store = new RecordingSampleStore();
  const n = 120;
  const batch: Sample[] = [];
  const add = (name: string, labels: Labels, value: number, t: number) =>
    batch.push({ name, labels, value, timestampMs: t });
  const region = { region: 'eu-west', instance: 'n1' };
  let v1s = 0;
  let v3s = 0;
  for (let i = 0; i < n; i++) {
    const t = NOW - (n - i) * 5000;
    const jitter = ((i * 7919) % 13) / 13 - 0.5; // deterministic spread in [-0.5, 0.5)
    v1s += 100 + 10 * jitter;
    v3s += v3Seconds + 10 * jitter;
    add(
      `${getMetric('dwcp_migration_duration_seconds').name}_sum`,
      { ...region, dwcp_enabled: 'true' },
      v1s,
      t,
    );
    add(
      `${getMetric('dwcp_migration_duration_seconds').name}_count`,
      { ...region, dwcp_enabled: 'true' },
      i + 1,
      t,
    );
    add(
      `${getMetric('dwcp_v3_migration_duration_seconds').name}_sum`,
      { ...region, mode: 'datacenter' },
      v3s,
      t,
    );
    add(
      `${getMetric('dwcp_v3_migration_duration_seconds').name}_count`,
      { ...region, mode: 'datacenter' },
      i + 1,
      t,
    );
    add(getMetric('dwcp_v3_sla_compliance').name, { ...region, sla_type: 'latency' }, slaOk ? 1 : i % 2, t);
    add(getMetric('dwcp_v3_rollout_progress_percent').name, { ...region, stage: '25' }, 25, t);
    add(getMetric('up').name, region, 1, t);
    add(getMetric('dwcp_v3_resource_utilization_percent').name, { ...region, resource_type: 'cpu' }, 40, t);
    add(
      `${getMetric('dwcp_v3_mode_latency_seconds').name}_sum`,
      { ...region, mode: 'datacenter' },
      0.01 * (i + 1),
      t,
    );
    add(
      `${getMetric('dwcp_v3_mode_latency_seconds').name}_count`,
      { ...region, mode: 'datacenter' },
      i + 1,
      t,
    );
    add(getMetric('dwcp_v3_component_errors_total').name, { ...region, component: 'amst' }, 0, t);
    add(
      getMetric('dwcp_v3_component_operations_total').name,
      { ...region, component: 'amst' },
      100 * (i + 1),
      t,
    );
    add(getMetric('dwcp_v3_component_health').name, { ...region, component: 'acp' }, 2, t);
    add(
      getMetric('dwcp_v3_throughput_bytes_per_second').name,
      { ...region, direction: 'tx', transport: 'rdma' },
      3e9,
      t,
    );
    add(
      getMetric('dwcp_v3_throughput_bytes_per_second').name,
      { ...region, direction: 'rx', transport: 'rdma' },
      1,
      t,
    );
    for (const mode of ['datacenter', 'internet', 'hybrid'])
      add(
        getMetric('dwcp_v3_current_mode').name,
        { ...region, node_id: 'n1', mode },
        mode === 'datacenter' ? 1 : 0,
        t,
      );
    // Migration latency buckets: 10 migrations per scrape, all within 0.1 s → p99 per step ≈ 0.099 s.
    for (const le of ['0.05', '0.1', '0.5', '+Inf'])
      add(
        `${getMetric('dwcp_v3_migration_latency_seconds').name}_bucket`,
        { ...region, mode: 'datacenter', le },
        le === '0.05' ? 5 * (i + 1) : 10 * (i + 1),
        t,
      );
    add(getMetric('dwcp_v3_migration_success_total').name, { ...region, mode: 'datacenter' }, i + 1, t);
    add(getMetric('dwcp_v3_migration_failures_total').name, { ...region, mode: 'datacenter' }, 0, t);
    if (compression) {
      add(
        `${getMetric('dwcp_hde_compression_ratio').name}_sum`,
        { ...region, data_type: 'memory' },
        3 * (i + 1),
        t,
      );
      add(
        `${getMetric('dwcp_hde_compression_ratio').name}_count`,
        { ...region, data_type: 'memory' },
        i + 1,
        t,
      );
      add(
        getMetric('dwcp_v3_compression_ratio').name,
        { ...region, algorithm: 'zstd' },
        3 + 0.01 * jitter,
        t,
      );
    }
  }
  await store.append(batch);
  return store;
}

test('GET /api/rollout: faster v3, same compression, SLAs met → GO with supporting drivers and the comparison', async () => {
  const store = await seeded(50, true);
  const a = await app(createInsightsProvider(store), store);
  const res = await a.inject({ method: 'GET', url: '/api/rollout' });
  assert.equal(res.statusCode, 200);
  const body = res.json() as { status: string; data: RolloutStatus };
  assert.equal(body.status, 'success');
  const d = body.data;
  assert.equal(d.decision, 'GO', d.summary);
  assert.ok(d.drivers.length > 0 && d.drivers.every((x) => x.effect === 'supports-go'));
  assert.ok(d.comparison.migrationSpeedup! > 1.8 && d.comparison.migrationSpeedup! < 2.2);
  assert.equal(d.verdicts.find((v) => v.metric === 'migration_duration')?.classification, 'low');
  assert.equal(d.verdicts.find((v) => v.metric === 'compression')?.classification, 'pass');
  assert.deepEqual(
    d.sla.map((s) => [s.name, s.compliance]),
    [['latency', 1]],
  );
  assert.equal(d.rolloutPercent, 25);
  assert.equal(d.samples.v1Migrations, 119);
  assert.deepEqual(d.window, { startMs: NOW - 600_000, endMs: NOW });
  // The decision comes from the sequential test of the stage (here since the first stored point: no stage change seen).
  const e = d.evidence;
  assert.deepEqual(
    [e.method, e.startObserved, e.stageStartMs, e.startMs, e.decision],
    ['mixture-sprt', false, NOW - 600_000, NOW - 600_000, 'GO'],
  );
  assert.equal(e.firstDecision?.decision, 'GO');
  assert.ok(e.firstDecision!.afterMs >= 100 * 5000, 'not before 100 migrations per version');
  assert.deepEqual(
    e.metrics.map((m) => [m.metric, m.state]),
    [
      ['migration_duration', 'non-inferior'],
      ['compression', 'non-inferior'],
    ],
  );
  assert.ok(e.metrics[0]!.degradationPercent! < -45 && e.metrics[0]!.degradationPercent! > -55);
  assert.deepEqual(d.figures.nodes, { v1: 0, v3: 0 });
  // reads are bounded: the rollout progress over the longest evidence period (1 h), the rest from the stage start
  assert.ok(store.reads.every((r) => r.max === 4000));
  assert.deepEqual([...new Set(store.reads.map((r) => r.startMs))].sort(), [NOW - 3_600_000, NOW - 600_000]);
  assert.ok(store.finds.every((f) => f.limit === 200));
});

test('GET /api/rollout: no compression data → missing evidence blocks GO (CAUTION)', async () => {
  const store = await seeded(50, true, false);
  const a = await app(createInsightsProvider(store), store);
  const d = ((await a.inject({ url: '/api/rollout' })).json() as { data: RolloutStatus }).data;
  assert.equal(d.decision, 'CAUTION');
  assert.ok(d.drivers.some((x) => x.source === 'nodata' && x.name === 'compression'));
});

test('GET /api/rollout: slower v3 → NO-GO forced by the evidence of a regression, regression driver first', async () => {
  const store = await seeded(200, false);
  const a = await app(createInsightsProvider(store), store);
  const res = await a.inject({ method: 'GET', url: '/api/rollout?window=5m' });
  assert.equal(res.statusCode, 200);
  const d = (res.json() as { data: RolloutStatus }).data;
  assert.equal(d.decision, 'NO-GO');
  assert.equal(d.forced, true);
  assert.equal(d.drivers[0]!.effect, 'forces-no-go');
  assert.equal(d.drivers[0]!.name, 'migration_duration');
  assert.ok(d.drivers.some((x) => x.source === 'sla' && x.name === 'latency'));
  assert.deepEqual(d.window, { startMs: NOW - 300_000, endMs: NOW });
  assert.equal(d.regressions[0]!.metric, 'migration_duration');
  assert.equal(d.regressions[0]!.severity, 'critical'); // 100 % worse
  assert.equal(d.evidence.firstDecision?.decision, 'NO-GO');
});

test('GET /api/slo: all templates evaluated from stored series (latency-p99 from buckets, throughput per mode)', async () => {
  const store = await seeded(50, true);
  // 10 minutes of data: without the measured-time gate (default 30 min) to see the verdicts.
  const a = await app(createInsightsProvider(store, { sloEvidence: { minObservedMs: 0 } }), store);
  const res = await a.inject({ method: 'GET', url: '/api/slo?window=30m' });
  assert.equal(res.statusCode, 200);
  const d = (res.json() as { data: SloOverview }).data;
  assert.equal(d.stepMs, 10_000);
  assert.deepEqual(
    d.slos.map((s) => [s.name, s.evaluated, s.report!.status]),
    [
      ['migration-time', true, 'met'],
      ['error-rate', true, 'met'],
      ['availability', true, 'met'],
      ['latency-p99', true, 'met'],
      ['throughput-datacenter', true, 'met'],
      ['throughput-internet', true, 'no-data'],
      ['throughput-hybrid', true, 'no-data'],
    ],
  );
  for (const s of d.slos.filter((x) => x.report!.status !== 'no-data')) {
    assert.equal(s.report!.status, 'met', s.name);
    assert.equal(s.report!.compliance, 1, s.name);
    assert.equal(s.report!.violations.length, 0);
    assert.equal(s.report!.alerts.page, false);
  }
  // With the default gates the same 10 minutes give no verdict and say what is missing.
  const b = await app(createInsightsProvider(store), store);
  const g = ((await b.inject({ url: '/api/slo?window=30m' })).json() as { data: SloOverview }).data;
  const avail = g.slos.find((x) => x.name === 'availability')!.report!;
  assert.equal(avail.status, 'insufficient-data');
  assert.equal(avail.compliance, null);
  assert.equal(avail.budget, null);
  assert.match(avail.missing[0]!, /measured of the 30m needed before a verdict/);
});

test('GET /api/regions/health: score, status and factors per region', async () => {
  const store = await seeded(50, true);
  const a = await app(createInsightsProvider(store), store);
  const res = await a.inject({ method: 'GET', url: '/api/regions/health' });
  assert.equal(res.statusCode, 200);
  const d = (res.json() as { data: RegionsOverview }).data;
  assert.equal(d.regions.length, 1);
  const r = d.regions[0]!;
  assert.equal(r.region, 'eu-west');
  assert.deepEqual(r.missing, []);
  assert.equal(r.status, 'healthy');
  // availability 100, headroom 60, latency 10 ms in datacenter mode (baseline 10 ms) → 100, errors 0 → 100, consensus 100
  assert.deepEqual(r.factors, {
    availability: 100,
    headroom: 60,
    latency: 100,
    errorRate: 100,
    consensus: 100,
  });
  assert.ok(Math.abs(r.score! - (30 + 12 + 20 + 20 + 10)) < 1e-9);
  assert.deepEqual(
    r.latencyByMode.map((m) => m.mode),
    ['datacenter'],
  );
  // Without trackers there is no history: trend unknown, no stages.
  assert.deepEqual(r.trend, { direction: 'unknown', slopePerHour: null, points: 0 });
  assert.deepEqual(
    ((await a.inject({ url: '/api/rollout' })).json() as { data: RolloutStatus }).data.stages,
    [],
  );
});

test('GET /api/rollout stages and /api/regions/health trend come from the trackers fed by exportInsights', async () => {
  const store = await seeded(50, true);
  const trackers = { rolloutStages: new RolloutStageTracker(), regionTrends: new RegionTrendTracker() };
  const provider = createInsightsProvider(store, trackers);
  const metrics = createCatalogMetrics(new Registry(), metricsOf('monitor'));
  // Three recomputations 15 s apart over the same data (rollout at 25 %, eu-west scoring 90).
  for (const t of [NOW - 30_000, NOW - 15_000, NOW])
    await exportInsights(provider, metrics, t, DEFAULT_INSIGHTS_EXPORT, trackers);
  const a = await app(provider, store);
  const d = ((await a.inject({ url: '/api/rollout' })).json() as { data: RolloutStatus }).data;
  assert.equal(d.stages.length, 1);
  const s = d.stages[0]!;
  assert.deepEqual(
    [s.stage, s.reachedAtMs, s.rolloutPercent, s.atMonitorStart, s.decision, s.firstDecision],
    [25, NOW - 30_000, 25, true, 'GO', 'GO'],
  );
  assert.equal(s.updatedAtMs, NOW);
  assert.ok(s.timeToDecisionMs! >= 500_000 && s.timeToDecisionMs! < 600_000, `${s.timeToDecisionMs}`);
  assert.ok(s.migrationSpeedup! > 1.8 && s.migrationSpeedup! < 2.2);
  assert.ok(s.latencyP95ImprovementPercent! > 40);
  assert.ok(Math.abs(s.compressionImprovementPercent!) < 1); // v3 compression 3 ± 0.005
  assert.equal(s.throughputImprovementPercent, null); // throughput is not compared (sent as null)
  assert.ok(s.score > 0.9);
  const g = ((await a.inject({ url: '/api/regions/health' })).json() as { data: RegionsOverview }).data;
  assert.deepEqual(g.regions[0]!.trend, { direction: 'stable', slopePerHour: 0, points: 3 });
  // A falling recorded score shows as degrading: 90, 80, 70 at 15 s steps = −10 per 15 s = −2400 points/h.
  const falling = new RegionTrendTracker();
  [90, 80, 70].forEach((score, i) =>
    falling.record([{ region: 'eu-west', score }], NOW - 30_000 + i * 15_000),
  );
  const b = await app(createInsightsProvider(store, { regionTrends: falling }), store);
  const tr = ((await b.inject({ url: '/api/regions/health' })).json() as { data: RegionsOverview }).data
    .regions[0]!.trend;
  assert.equal(tr.direction, 'degrading');
  assert.equal(tr.points, 3);
  assert.ok(Math.abs(tr.slopePerHour! + 2400) < 1e-6);
});

test('empty store: rollout is CAUTION (no evidence either way) with nodata drivers, SLOs no-data, no regions', async () => {
  const a = await app(createInsightsProvider(new RecordingSampleStore()));
  const r = (await a.inject({ url: '/api/rollout' })).json() as { data: RolloutStatus };
  assert.equal(r.data.decision, 'CAUTION');
  assert.equal(r.data.forced, false);
  assert.equal(r.data.score, 0.75);
  assert.deepEqual(
    r.data.drivers.map((x) => x.source),
    ['nodata', 'nodata'],
  );
  assert.equal(r.data.evidence.firstDecision, null);
  assert.equal(r.data.rolloutPercent, null);
  const s = (await a.inject({ url: '/api/slo' })).json() as { data: SloOverview };
  assert.deepEqual(
    s.data.slos.filter((x) => x.evaluated).map((x) => x.report!.status),
    Array(7).fill('no-data'),
  );
  const g = (await a.inject({ url: '/api/regions/health' })).json() as { data: RegionsOverview };
  assert.deepEqual(g.data.regions, []);
});

test('window is passed to the provider; unknown or bad parameters → 400; no provider → 404', async () => {
  const calls: [string, number, number][] = [];
  // The real provider over an empty store, recording the windows it is asked for.
  const real = createInsightsProvider(new RecordingSampleStore());
  const fake: InsightsSource = {
    rollout: async (w, now) => (calls.push(['rollout', w, now]), real.rollout(w, now)),
    slo: async (w, now) => (calls.push(['slo', w, now]), real.slo(w, now)),
    regions: async (w, now) => (calls.push(['regions', w, now]), real.regions(w, now)),
  };
  const a = await app(fake);
  for (const url of [
    '/api/rollout',
    '/api/slo',
    '/api/regions/health',
    '/api/rollout?window=90',
    '/api/slo?window=2h',
  ]) {
    assert.equal((await a.inject({ url })).statusCode, 200, url);
  }
  assert.deepEqual(calls, [
    ['rollout', 600_000, NOW],
    ['slo', 3_600_000, NOW],
    ['regions', 300_000, NOW],
    ['rollout', 90_000, NOW],
    ['slo', 7_200_000, NOW],
  ]);
  for (const url of ['/api/rollout?foo=1', '/api/slo?step=1', '/api/regions/health?x=y']) {
    const res = await a.inject({ url });
    assert.equal(res.statusCode, 400, url);
    assert.equal((res.json() as { errorType: string }).errorType, 'DWCP_UNKNOWN_PARAMETER');
  }
  for (const url of [
    '/api/rollout?window=abc',
    '/api/rollout?window=1s',
    '/api/slo?window=2d',
    '/api/rollout?window=1m&window=2m',
  ]) {
    const res = await a.inject({ url });
    assert.equal(res.statusCode, 400, url);
    assert.equal((res.json() as { errorType: string }).errorType, 'DWCP_INVALID_INPUT');
  }
  const none = await app(undefined);
  const res = await none.inject({ url: '/api/rollout' });
  assert.equal(res.statusCode, 404);
  assert.equal((res.json() as { errorType: string }).errorType, 'DWCP_NOT_FOUND');
});

/** Runs `rollout status` with captured output; restores process.exitCode. */
async function runCli(args: string[]): Promise<{ out: string; err: string; exitCode: number | undefined }> {
  let out = '';
  let err = '';
  const before = process.exitCode;
  process.exitCode = undefined;
  await rolloutCommand({ out: (t) => (out += t), err: (t) => (err += t) }).parseAsync(['status', ...args], {
    from: 'user',
  });
  const exitCode = process.exitCode === undefined ? undefined : Number(process.exitCode);
  process.exitCode = before;
  return { out, err, exitCode };
}

test('CLI rollout status prints the decision, drivers and key numbers from a listening monitor', async () => {
  const store = await seeded(200, false);
  const a = await app(createInsightsProvider(store), store);
  await a.listen({ host: '127.0.0.1', port: 0 });
  const port = (a.server.address() as AddressInfo).port;
  const r = await runCli(['--url', `http://127.0.0.1:${port}`, '--window', '5m']);
  assert.equal(r.exitCode, undefined, r.err);
  assert.match(r.out, /^Decision: NO-GO \(forced by a critical failure\)$/m);
  assert.match(r.out, /Rollout: {2}25 % of migrations on v3/);
  assert.match(r.out, /speedup 0\.5x/);
  assert.match(r.out, /\[forces-no-go\] .*migration_duration/);
  assert.match(
    r.out,
    /^Stage: {4}since .* or earlier, 10\.0 min of evidence; first NO-GO after \d+\.\d min$/m,
  );
  assert.match(
    r.out,
    /^ {2}migration_duration +regression +\+\d+\.\d % worse \[\+\d+\.\d %, \+\d+\.\d %\] {2}v1 119 \/ v3 119 events$/m,
  );
  assert.match(r.out, /note: nodes report no v3_enabled feature flag/);
  assert.match(r.out, /latency: 50\.\d\d % \(target 99 %\) NOT MET/);
  const j = await runCli(['--url', `http://127.0.0.1:${port}`, '--json']);
  assert.equal((JSON.parse(j.out) as RolloutStatus).decision, 'NO-GO');
  const bad = await runCli(['--url', `http://127.0.0.1:${port}`, '--window', 'soon']);
  assert.equal(bad.exitCode, 1);
  assert.match(bad.err, /^error: monitor answered HTTP 400: window: /);
});

test('CLI rollout status: unreachable monitor or bad URL → clear error, exit code 1', async () => {
  const srv = createServer();
  await new Promise<void>((res) => srv.listen(0, '127.0.0.1', res));
  const port = (srv.address() as AddressInfo).port;
  await new Promise<void>((res) => srv.close(() => res())); // a port nobody listens on
  const r = await runCli(['--url', `http://127.0.0.1:${port}`]);
  assert.equal(r.exitCode, 1);
  assert.equal(r.out, '');
  assert.match(
    r.err,
    new RegExp(
      `^error: cannot reach the monitor at http://127\\.0\\.0\\.1:${port} \\(.*\\); is \`dwcp-monitor serve\` running\\?\\n$`,
    ),
  );
  const u = await runCli(['--url', 'not a url']);
  assert.equal(u.exitCode, 1);
  assert.match(u.err, /--url must be an http\(s\) URL/);
});
