/**
 * POST /api/v1/write over the real receiver (src/monitor/remote-write.ts) and pipeline with a SQLite store in
 * memory: 204 and stored samples, per-sample rejects (out of order, duplicate, outside the window) counted while
 * the rest is kept, whole-request refusals (bad Snappy, bad protobuf, wrong headers, too large) with 400/413.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import snappy from 'snappyjs';
import { metricsOf } from '../../../../src/catalog/index.ts';
import { StoreError } from '../../../../src/errors.ts';
import { createCatalogMetrics } from '../../../../src/catalog/registry.ts';
import { writeRequestType } from '../../../../src/ingest/remote-write/proto-root.ts';
import { DEFAULT_DETECTION_SETTINGS } from '../../../../src/model/detection-settings.ts';
import { DEFAULT_SCRAPE_LIMITS } from '../../../../src/model/scrape-limits.ts';
import { buildPipeline } from '../../../../src/monitor/build-pipeline.ts';
import type { MonitorPipeline } from '../../../../src/monitor/pipeline.ts';
import { catalogPipelineMetrics } from '../../../../src/monitor/pipeline-metrics.ts';
import { catalogRemoteWriteMetrics, RemoteWriteReceiver } from '../../../../src/monitor/remote-write.ts';
import { buildApp } from '../../../../src/server/app.ts';
import { openSqliteStore, type OpenedStore } from '../../../../src/store/sqlite.ts';
import { testDeps } from '../../../helpers/server-fakes.ts';

const NOW = Date.UTC(2026, 0, 1, 12);
const HEADERS = {
  'content-type': 'application/x-protobuf',
  'content-encoding': 'snappy',
  'x-prometheus-remote-write-version': '0.1.0',
};

function body(
  series: { name: string; labels?: Record<string, string>; points: [number, number][] }[],
): Buffer {
  const T = writeRequestType();
  const timeseries = series.map((s) => ({
    labels: [
      { name: '__name__', value: s.name },
      ...Object.entries(s.labels ?? {}).map(([name, value]) => ({ name, value })),
    ],
    samples: s.points.map(([timestamp, value]) => ({ timestamp, value })),
  }));
  return snappy.compress(Buffer.from(T.encode(T.fromObject({ timeseries })).finish()));
}

describe('POST /api/v1/write', () => {
  let app: FastifyInstance;
  let store: OpenedStore;
  let pipeline: MonitorPipeline;
  let registry: Registry;
  const post = (payload: Buffer, headers: Record<string, string> = HEADERS) =>
    app.inject({ method: 'POST', url: '/api/v1/write', payload, headers });
  const metric = async (name: string, labels: Record<string, string> = {}): Promise<number> => {
    const m = await registry.getSingleMetric(name)!.get();
    return m.values
      .filter((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x))
      .reduce((a, v) => a + v.value, 0);
  };

  before(async () => {
    store = await openSqliteStore({ path: ':memory:', retentionMs: 86_400_000 });
    registry = new Registry();
    const metrics = createCatalogMetrics(registry, metricsOf('monitor'));
    ({ pipeline } = buildPipeline({
      detection: { ...DEFAULT_DETECTION_SETTINGS, enabled: false },
      store,
      sink: { handle: () => Promise.resolve() },
      clock: () => NOW,
      window: { maxSampleAgeMs: 3_600_000, maxSampleAheadMs: 600_000 },
      metrics: catalogPipelineMetrics(metrics),
    }));
    const remoteWrite = new RemoteWriteReceiver({
      pipeline,
      limits: { maxDecompressedBytes: 64 * 1024, labels: DEFAULT_SCRAPE_LIMITS },
      maxBodyBytes: 16 * 1024,
      metrics: catalogRemoteWriteMetrics(metrics),
    });
    app = await buildApp({ ...testDeps(), remoteWrite }, { checkResponses: true, now: () => NOW });
  });
  after(async () => {
    await app.close();
    await store.close();
  });

  it('stores a batch and answers 204; out-of-order, duplicate and out-of-window samples are refused, the rest kept', async () => {
    const first = await post(
      body([
        {
          name: 'dwcp_rw',
          labels: { job: 'p' },
          points: [
            [NOW - 2000, 1],
            [NOW - 1000, 2],
          ],
        },
      ]),
    );
    assert.equal(first.statusCode, 204, first.body);
    assert.equal(await store.countSamples(), 2);
    const second = await post(
      body([
        {
          name: 'dwcp_rw',
          labels: { job: 'p' },
          points: [
            [NOW - 1500, 9],
            [NOW - 1000, 9],
            [NOW, 3],
          ],
        },
        { name: 'dwcp_rw_ahead', points: [[NOW + 3_600_000, 1]] },
        { name: 'dwcp_rw_old', points: [[NOW - 7_200_000, 1]] },
      ]),
    );
    assert.equal(second.statusCode, 204, second.body);
    assert.equal(await store.countSamples(), 3);
    assert.deepEqual(pipeline.counters().samplesRejected, {
      out_of_order: 1,
      duplicate: 1,
      too_far_ahead: 1,
      too_old: 1,
    });
    assert.equal(
      await metric('dwcp_monitor_target_samples_rejected_total', {
        target: 'remote_write',
        reason: 'out_of_order',
      }),
      1,
    );
    assert.equal(await metric('dwcp_monitor_remote_write_samples_received_total'), 7);
  });

  it('refuses bad Snappy, bad protobuf, wrong headers and oversize bodies as a whole, counted by reason', async () => {
    const before = await store.countSamples();
    const bad = await post(Buffer.from('this is not snappy data at all'));
    assert.equal(bad.statusCode, 400);
    assert.match((bad.json() as { error: string }).error, /not Snappy/);
    const proto = await post(snappy.compress(Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f])));
    assert.equal(proto.statusCode, 400);
    assert.equal(
      (
        await post(body([{ name: 'x', points: [[NOW, 1]] }]), {
          ...HEADERS,
          'content-type': 'application/json',
        })
      ).statusCode,
      400,
    );
    assert.equal(
      (await post(body([{ name: 'x', points: [[NOW, 1]] }]), { ...HEADERS, 'content-encoding': 'gzip' }))
        .statusCode,
      400,
    );
    assert.equal((await post(Buffer.alloc(20 * 1024, 1))).statusCode, 413);
    assert.equal(await store.countSamples(), before, 'nothing of a refused request is stored');
    for (const reason of [
      'malformed_snappy',
      'malformed_protobuf',
      'unsupported_media_type',
      'unsupported_encoding',
      'too_large',
    ]) {
      assert.equal(await metric('dwcp_monitor_remote_write_requests_rejected_total', { reason }), 1, reason);
    }
  });

  it('is 404 when the monitor has no remote-write receiver', async () => {
    const bare = await buildApp(testDeps(), { checkResponses: true });
    try {
      assert.equal(
        (await bare.inject({ method: 'POST', url: '/api/v1/write', payload: body([]), headers: HEADERS }))
          .statusCode,
        404,
      );
    } finally {
      await bare.close();
    }
  });
});

describe('POST /api/v1/write retried after a store failure', () => {
  it('a batch answered 503 is stored whole when the sender retries it (its samples are not taken as duplicates)', async () => {
    const store = await openSqliteStore({ path: ':memory:', retentionMs: 86_400_000 });
    let failNext = true;
    const flaky = {
      append: (batch: Parameters<OpenedStore['append']>[0]) => {
        if (!failNext) return store.append(batch);
        failNext = false;
        return Promise.reject(new StoreError('database is locked'));
      },
    };
    const { pipeline } = buildPipeline({
      detection: { ...DEFAULT_DETECTION_SETTINGS, enabled: false },
      store: flaky,
      sink: { handle: () => Promise.resolve() },
      clock: () => NOW,
    });
    const remoteWrite = new RemoteWriteReceiver({
      pipeline,
      limits: { maxDecompressedBytes: 64 * 1024, labels: DEFAULT_SCRAPE_LIMITS },
      maxBodyBytes: 16 * 1024,
    });
    const app = await buildApp({ ...testDeps(), remoteWrite }, { checkResponses: true, now: () => NOW });
    try {
      await store.append([
        { name: 'dwcp_rw_retry', labels: { lane: 'a' }, value: 0, timestampMs: NOW - 3000 },
      ]);
      const payload = body([
        {
          name: 'dwcp_rw_retry',
          labels: { lane: 'a' },
          points: [
            [NOW - 2000, 1],
            [NOW - 1000, 2],
          ],
        },
        { name: 'dwcp_rw_retry', labels: { lane: 'b' }, points: [[NOW - 1000, 3]] },
      ]);
      const post = () => app.inject({ method: 'POST', url: '/api/v1/write', payload, headers: HEADERS });
      assert.equal((await post()).statusCode, 503, 'the store failure is retryable for the sender');
      assert.equal(await store.countSamples(), 1);
      assert.equal((await post()).statusCode, 204);
      assert.equal(await store.countSamples(), 4, 'every sample of the retried batch is stored');
      assert.deepEqual(pipeline.counters().samplesRejected, {});
      const [b] = await store.readPoints(
        await store.findSeries('dwcp_rw_retry', { lane: 'b' }, 1),
        0,
        NOW,
        10,
      );
      assert.deepEqual(b!.values, [3]);
      assert.equal((await post()).statusCode, 204, 'a third copy is still accepted as a whole (204) ...');
      assert.deepEqual(
        pipeline.counters().samplesRejected,
        { out_of_order: 1, duplicate: 2 },
        '... and its samples are counted as duplicate or out of order',
      );
    } finally {
      await app.close();
      await store.close();
    }
  });
});
