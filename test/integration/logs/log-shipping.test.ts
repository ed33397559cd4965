/**
 * End to end on 127.0.0.1: simulated nodes (traced) log their migrations with pino and ship them with the
 * official OpenTelemetry logs SDK and OTLP/HTTP exporters (protobuf and JSON, gzip) to the monitor's real
 * receiver (fastify listening on a free port, SQLite log store); a Loki-protocol client pushes snappy-compressed
 * protobuf built from Loki's push.proto over HTTP. Everything is read back through the Loki query API: log
 * lines carry the trace ids of the stored spans, retries show up as timeouts, and no corpus secret is stored.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { LogsResponse, LokiLabelsResponse, LokiQueryResponse } from '../../../src/contract/logs.ts';
import { LogApi } from '../../../src/logs/log-api.ts';
import { openSqliteLogStore } from '../../../src/logs/store/open.ts';
import type { LogStore } from '../../../src/logs/store/log-store.ts';
import { createOtlpLogExporter } from '../../../src/sdk/node-logging.ts';
import { createOtlpTraceExporter, type OtlpProtocol } from '../../../src/sdk/otlp-exporter.ts';
import { buildApp } from '../../../src/server/app.ts';
import { startCluster } from '../../../src/sim/cluster.ts';
import { openSqliteTraceStore } from '../../../src/traces/store/open.ts';
import type { TraceStore } from '../../../src/traces/store/trace-store.ts';
import { TraceApi } from '../../../src/traces/trace-api.ts';
import { generatePiiCorpus } from '../../fixtures/logs/pii-corpus.ts';
import { lokiSnappyProtobuf } from '../../helpers/log-push.ts';
import { testDeps } from '../../helpers/server-fakes.ts';

const DAY = 86_400_000;

describe('log shipping to the monitor', () => {
  let logStore: LogStore;
  let traceStore: TraceStore;
  let app: FastifyInstance;
  let base: string;

  before(async () => {
    logStore = await openSqliteLogStore(':memory:', {
      retentionMs: { debug: DAY, info: DAY, warn: DAY, error: DAY, fatal: DAY },
    });
    traceStore = await openSqliteTraceStore(':memory:', { retentionMs: DAY });
    const deps = testDeps();
    app = await buildApp(
      {
        ...deps,
        logs: new LogApi(logStore, { registry: deps.registry }),
        traces: new TraceApi(traceStore, { registry: deps.registry }),
      },
      { checkResponses: true },
    );
    await app.listen({ host: '127.0.0.1', port: 0 });
    const addr = app.server.address();
    assert.ok(addr && typeof addr === 'object');
    base = `http://127.0.0.1:${addr.port}`;
  });
  after(async () => {
    await app.close();
    await logStore.close();
    await traceStore.close();
  });

  const query = async (q: string, startMs: number, endMs: number, extra = ''): Promise<LokiQueryResponse> => {
    const r = await fetch(
      `${base}/loki/api/v1/query_range?query=${encodeURIComponent(q)}&start=${startMs}000000&end=${endMs}000000&limit=5000${extra}`,
    );
    assert.equal(r.status, 200, await r.clone().text());
    return (await r.json()) as LokiQueryResponse;
  };

  for (const protocol of ['http/protobuf', 'http/json'] as const satisfies readonly OtlpProtocol[]) {
    it(`${protocol}: node logs arrive with levels, labels and the trace ids of stored spans`, async () => {
      const t0 = Date.now() - 60_000;
      const cluster = await startCluster({
        nodes: 2,
        regions: ['us-east', 'eu-west'],
        portBase: 0,
        autoTick: false,
        clock: () => t0,
        tracing: { exporter: () => createOtlpTraceExporter({ url: `${base}/v1/traces`, protocol }) },
        logging: { exporter: () => createOtlpLogExporter({ url: `${base}/v1/logs`, protocol }) },
      });
      try {
        for (let i = 1; i <= 3; i++) cluster.tick(t0 + i * 1000);
        await cluster.tracing!.forceFlush();
        await cluster.logging!.forceFlush();
      } finally {
        await cluster.stop();
      }
      const res = await query(
        '{service="dwcp-node", component="migration"} |= "started"',
        t0 - 1000,
        t0 + 120_000,
      );
      const lines = res.data.result.flatMap((s) =>
        'stream' in s ? s.values.map((v) => ({ stream: s.stream, line: v[1] })) : [],
      );
      assert.ok(lines.length >= 8, `at least 8 migrations logged, got ${lines.length}`);
      assert.deepEqual(new Set(lines.map((l) => l.stream['region'])), new Set(['us-east', 'eu-west']));
      const search = await fetch(
        `${base}/api/logs?q=started&start=${t0 - 1000}000000&end=${t0 + 120_000}000000&limit=1`,
      );
      const entry = ((await search.json()) as LogsResponse).entries[0]!;
      assert.match(entry.traceId, /^[0-9a-f]{32}$/);
      assert.equal(entry.level, 'info');
      const stitched = await fetch(`${base}/api/traces/${entry.traceId}`);
      assert.equal(stitched.status, 200, 'the log line links to a stored trace');
      const labels = (await (
        await fetch(`${base}/loki/api/v1/labels?start=${t0 - 1000}000000&end=${t0 + 120_000}000000`)
      ).json()) as LokiLabelsResponse;
      assert.deepEqual(labels.data, ['service', 'node_id', 'region', 'level', 'component']);
    });
  }

  it('a Loki client pushes snappy protobuf; lines come back through query_range, masked; counts by rate', async () => {
    const now = Date.now();
    const corpus = generatePiiCorpus(99, 200);
    const streams = [
      {
        labels: {
          service_name: 'promtail-host',
          node_id: 'edge-1',
          region: 'ap-south',
          level: 'warn',
          component: 'agent',
        },
        entries: corpus.map((c, i): [number, string] => [now - 60_000 + i * 100, c.line]),
      },
    ];
    const r = await fetch(`${base}/loki/api/v1/push`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf' },
      body: new Uint8Array(lokiSnappyProtobuf(streams)),
    });
    assert.equal(r.status, 204, await r.text());
    const res = await query('{node_id="edge-1"}', now - 120_000, now + 1000);
    const lines = res.data.result.flatMap((s) => ('stream' in s ? s.values.map((v) => v[1]) : []));
    assert.equal(lines.length, 200);
    for (const c of corpus)
      for (const s of c.secrets)
        assert.ok(!lines.some((l) => l.includes(s.value)), `secret ${s.kind} ${s.value} stored`);
    const rate = await query('count_over_time({node_id="edge-1", level="warn"}[5m])', now, now, '&step=60');
    const values = rate.data.result.flatMap((s) => ('metric' in s ? s.values : []));
    assert.deepEqual(
      values.map((v) => v[1]),
      ['200'],
    );
  });
});
