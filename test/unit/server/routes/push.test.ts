/**
 * POST /api/metrics over the real push handler (src/monitor/push-api.ts) and pipeline with a SQLite store in
 * memory: stored samples, per-sample refusals by reason, whole-body validation with named problems.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { DEFAULT_DETECTION_SETTINGS } from '../../../../src/model/detection-settings.ts';
import { buildPipeline } from '../../../../src/monitor/build-pipeline.ts';
import { pushHandler } from '../../../../src/monitor/push-api.ts';
import { buildApp } from '../../../../src/server/app.ts';
import { openSqliteStore, type OpenedStore } from '../../../../src/store/sqlite.ts';
import { testDeps } from '../../../helpers/server-fakes.ts';

const NOW = Date.UTC(2026, 0, 1, 12);

describe('POST /api/metrics', () => {
  let app: FastifyInstance;
  let store: OpenedStore;
  const post = (payload: unknown) =>
    app.inject({ method: 'POST', url: '/api/metrics', payload: payload as object });

  before(async () => {
    store = await openSqliteStore({ path: ':memory:', retentionMs: 86_400_000 });
    const { pipeline } = buildPipeline({
      detection: { ...DEFAULT_DETECTION_SETTINGS, enabled: false },
      store,
      sink: { handle: () => Promise.resolve() },
      clock: () => NOW,
      window: { maxSampleAgeMs: 3_600_000, maxSampleAheadMs: 600_000 },
    });
    app = await buildApp(
      { ...testDeps(), push: pushHandler(pipeline, () => NOW) },
      { checkResponses: true, now: () => NOW },
    );
  });
  after(async () => {
    await app.close();
    await store.close();
  });

  it('stores valid samples (timestamp defaults to arrival) and reports refused ones by reason', async () => {
    const res = await post({
      samples: [
        { name: 'cpu_usage', labels: { host: 'node-1', env: 'production' }, value: 75.5 },
        {
          name: 'cpu_usage',
          labels: { host: 'node-1', env: 'production' },
          value: 70,
          timestamp: NOW - 1000,
        },
        { name: 'cpu_usage', labels: { host: 'node-2' }, value: 1, timestamp: NOW + 86_400_000 },
      ],
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), {
      status: 'success',
      data: { received: 3, stored: 1, rejected: { out_of_order: 1, too_far_ahead: 1 } },
    });
    const [series] = await store.findSeries('cpu_usage', { host: 'node-1' }, 1);
    const [points] = await store.readPoints([series!], NOW - 1, NOW + 1, 10);
    assert.deepEqual([points?.timestampsMs, points?.values], [[NOW], [75.5]]);
  });

  it('refuses an invalid body as a whole, naming each problem', async () => {
    const before = await store.countSamples();
    const res = await post({
      samples: [
        { name: 'cpu.usage', value: 1 },
        { name: 'ok', labels: { 'bad-label': 'x', __x: 'y' }, value: 'high' },
      ],
    });
    assert.equal(res.statusCode, 400);
    const error = (res.json() as { error: string }).error;
    assert.match(error, /samples\.0\.name: must be a Prometheus metric name/);
    assert.match(error, /samples\.1\.labels\.bad-label: not a Prometheus label name, or reserved/);
    assert.match(error, /samples\.1\.labels\.__x: not a Prometheus label name, or reserved/);
    assert.match(error, /samples\.1\.value/);
    assert.equal((await post({ samples: [] })).statusCode, 400);
    assert.equal((await post({ samples: [{ name: 'x', value: 1, extra: true }] })).statusCode, 400);
    assert.equal(await store.countSamples(), before);
  });

  it('is 404 when the monitor does not accept pushed samples', async () => {
    const bare = await buildApp(testDeps(), { checkResponses: true });
    try {
      assert.equal(
        (
          await bare.inject({
            method: 'POST',
            url: '/api/metrics',
            payload: { samples: [{ name: 'x', value: 1 }] },
          })
        ).statusCode,
        404,
      );
    } finally {
      await bare.close();
    }
  });
});
