import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';

import { createEnsemble } from '../../../../src/analysis/anomaly/presets.ts';
import { InvalidInputError, PayloadTooLargeError } from '../../../../src/errors.ts';
import { DetectionEngine } from '../../../../src/monitor/detection-engine.ts';
import { MAX_PREDICTION_STEPS } from '../../../../src/monitor/detection-types.ts';
import { fileModelPerformance, MAX_REPORT_BYTES } from '../../../../src/monitor/model-performance.ts';
import { SeriesTracker } from '../../../../src/monitor/series-tracker.ts';
import { buildApp } from '../../../../src/server/app.ts';
import type { ModelPerformanceSource, PredictionSource } from '../../../../src/server/deps.ts';
import { T0, testDeps } from '../../../helpers/server-fakes.ts';

const METRIC = 'dwcp_v3_rdma_throughput_bytes_per_second';
const DAY = 600_000; // a compressed 10-minute "day" for the seasonal profile

function engine(): DetectionEngine {
  return new DetectionEngine({
    factory: (ctx) =>
      createEnsemble(ctx, {
        preset: 'statistical',
        tuning: { seasonalSigma: 4, ewmaSigma: 5, muteSamples: 0 },
        muteSamples: 0,
        seasonalPeriodMs: DAY,
      }),
    detectorName: 'ensemble-statistical',
    minConfidence: 0.8,
    confirmSamples: 2,
    cooldownMs: 300_000,
    resolveAfterSamples: 3,
    maxSeries: 100,
    kinds: new Set(['bandwidth']),
  });
}

/** Feeds `n` samples per node at 1 s: node-1 a square wave over the compressed day (1e9 / 2e9), node-2 flat. */
function feed(e: DetectionEngine, n: number, spikeAt = -1) {
  const tr = new SeriesTracker(100);
  const opened = [];
  for (let i = 0; i < n; i++) {
    const t = T0 + i * 1000;
    const high = Math.floor((t % DAY) / (DAY / 2)) === 1;
    const v1 =
      (high ? 2e9 : 1e9) *
      (1 + 0.01 * Math.sin(i * 1.7)) *
      (spikeAt >= 0 && (i === spikeAt || i === spikeAt + 1) ? 0.2 : 1);
    const batch = tr.admit([
      { name: METRIC, labels: { node_id: 'node-1', region: 'us-east' }, value: v1, timestampMs: t },
      {
        name: METRIC,
        labels: { node_id: 'node-2', region: 'eu-west' },
        value: 5e8 * (1 + 0.01 * Math.cos(i)),
        timestampMs: t,
      },
    ]).inputs;
    opened.push(...e.process(batch, t).opened);
  }
  return opened;
}

describe('DetectionEngine.predictions', () => {
  it('returns the seasonal expectation ahead for each matching series, bounded and pure', () => {
    const e = engine();
    feed(e, 3 * 600); // three compressed days
    const last = T0 + (3 * 600 - 1) * 1000;
    const times = [last + 60_000, last + 360_000]; // phase 1/10 (low half) and 6/10 (high half) of the next day
    const all = e.predictions(METRIC, {}, times);
    assert.equal(all.length, 2);
    const [p] = e.predictions(METRIC, { node_id: 'node-1' }, times);
    assert.ok(p);
    assert.equal(p.detector, 'ensemble-statistical');
    assert.equal(p.lastSampleMs, last);
    assert.equal(p.points.length, 2);
    const [low, high] = p.points;
    assert.ok(Math.abs(low!.expected - 1e9) / 1e9 < 0.05, `low half expected ~1e9, got ${low!.expected}`);
    assert.ok(Math.abs(high!.expected - 2e9) / 2e9 < 0.05, `high half expected ~2e9, got ${high!.expected}`);
    assert.ok(low!.lower < low!.expected && low!.expected < low!.upper);
    // Pure: asking again gives the same answer.
    assert.deepEqual(e.predictions(METRIC, { node_id: 'node-1' }, times), [p]);
    assert.deepEqual(e.predictions(METRIC, { node_id: 'node-9' }, times), []);
    assert.deepEqual(e.predictions('dwcp_other', {}, times), []);
    const many = e.predictions(
      METRIC,
      { node_id: 'node-1' },
      Array.from({ length: MAX_PREDICTION_STEPS + 50 }, (_, i) => last + i),
    );
    assert.equal(many[0]!.points.length, MAX_PREDICTION_STEPS);
  });

  it('an ensemble anomaly explains itself: score and the members that voted', () => {
    const e = engine();
    const opened = feed(e, 1000, 900);
    const a = opened.find((o) => o.anomaly.labels.node_id === 'node-1')?.anomaly;
    assert.ok(a, 'the drop to 20 % opens an anomaly');
    assert.equal(a.detector, 'ensemble-statistical');
    assert.ok(a.score > 0.5 && a.score <= 1, `score ${a.score}`);
    assert.deepEqual(
      a.votes.map((v) => v.detector),
      ['seasonal', 'ewma'],
    );
    assert.ok(a.votes.some((v) => v.voted));
    assert.ok(a.confidence >= 0.8);
  });
});

const apps: FastifyInstance[] = [];
after(async () => {
  await Promise.all(apps.map((a) => a.close()));
});

async function app(over: {
  predictions?: PredictionSource;
  modelPerformance?: ModelPerformanceSource;
}): Promise<FastifyInstance> {
  const a = await buildApp({ ...testDeps(), ...over }, { now: () => T0, checkResponses: true });
  apps.push(a);
  return a;
}

describe('GET /api/predictions/{metric}', () => {
  const source: PredictionSource = {
    predictions: (metric, matchers, times) =>
      metric === METRIC && (matchers.node_id ?? 'node-1') === 'node-1'
        ? [
            {
              key: 'k',
              metric,
              labels: { node_id: 'node-1' },
              kind: 'bandwidth',
              detector: 'd',
              lastSampleMs: T0,
              points: times.map((t) => ({ timestampMs: t, expected: 1, lower: 0, upper: 2 })),
            },
          ]
        : [],
  };

  it('predicts at now + horizon·i/steps with label matchers', async () => {
    const a = await app({ predictions: source });
    const r = await a.inject({ url: `/api/predictions/${METRIC}?horizon=10m&steps=2&match[node_id]=node-1` });
    assert.equal(r.statusCode, 200);
    const body = r.json() as { data: { horizonMs: number; series: { points: { timestampMs: number }[] }[] } };
    assert.equal(body.data.horizonMs, 600_000);
    assert.deepEqual(
      body.data.series[0]!.points.map((p) => p.timestampMs),
      [T0 + 300_000, T0 + 600_000],
    );
  });

  it('rejects bad input and says when nothing matches or predictions are off', async () => {
    const a = await app({ predictions: source });
    assert.equal((await a.inject({ url: '/api/predictions/9bad' })).statusCode, 400);
    assert.equal((await a.inject({ url: `/api/predictions/${METRIC}?horizon=30d` })).statusCode, 400);
    assert.equal((await a.inject({ url: `/api/predictions/${METRIC}?steps=0` })).statusCode, 400);
    assert.equal((await a.inject({ url: `/api/predictions/${METRIC}?bogus=1` })).statusCode, 400);
    assert.equal(
      (await a.inject({ url: `/api/predictions/${METRIC}?match[node_id]=node-7` })).statusCode,
      404,
    );
    const off = await app({});
    assert.equal((await off.inject({ url: `/api/predictions/${METRIC}` })).statusCode, 404);
  });
});

describe('GET /api/models/performance', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dwcp-models-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const report = {
    generatedAt: '2026-11-23T12:00:00.000Z',
    nab: { results: [{ detector: 'x', profiles: { standard: { normalized: 54.1 } } }] },
    dwcp: [],
    cost: [],
  };

  it('serves the last benchmark report as written, 404 before any run', async () => {
    const path = join(dir, 'detect.json');
    const a = await app({ modelPerformance: fileModelPerformance(path) });
    const none = await a.inject({ url: '/api/models/performance' });
    assert.equal(none.statusCode, 404);
    assert.match(none.body, /bench:detect/);
    writeFileSync(path, JSON.stringify(report));
    const r = await a.inject({ url: '/api/models/performance' });
    assert.equal(r.statusCode, 200);
    assert.deepEqual((r.json() as { data: { report: unknown } }).data.report, report);
    assert.equal((await a.inject({ url: '/api/models/performance?x=1' })).statusCode, 400);
  });

  it('a malformed or oversize report is a clear error, not a crash', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"generatedAt": ');
    await assert.rejects(fileModelPerformance(bad).read(), InvalidInputError);
    writeFileSync(bad, JSON.stringify({ generatedAt: 'x' }));
    await assert.rejects(fileModelPerformance(bad).read(), InvalidInputError);
    const big = join(dir, 'big.json');
    writeFileSync(big, Buffer.alloc(MAX_REPORT_BYTES + 1, 32));
    await assert.rejects(fileModelPerformance(big).read(), PayloadTooLargeError);
    const a = await app({ modelPerformance: fileModelPerformance(bad) });
    const r = await a.inject({ url: '/api/models/performance' });
    assert.ok(r.statusCode >= 400 && r.statusCode < 600 && r.statusCode !== 200);
  });
});
