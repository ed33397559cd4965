/**
 * End to end on 127.0.0.1: simulated nodes trace their migrations with the OpenTelemetry SDK and export them with
 * the official OTLP/HTTP exporters (protobuf and JSON, gzip) to the monitor's real receiver (fastify listening on
 * a free port, SQLite trace store); the API then returns each migration as one trace with spans of both nodes
 * and regions.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { JaegerTrace } from '../../../src/contract/traces.ts';
import { createOtlpTraceExporter, type OtlpProtocol } from '../../../src/sdk/otlp-exporter.ts';
import { buildApp } from '../../../src/server/app.ts';
import { startCluster } from '../../../src/sim/cluster.ts';
import { openSqliteTraceStore } from '../../../src/traces/store/open.ts';
import type { TraceStore } from '../../../src/traces/store/trace-store.ts';
import { TraceApi } from '../../../src/traces/trace-api.ts';
import { testDeps } from '../../helpers/server-fakes.ts';

describe('OTLP export from simulated nodes to the monitor', () => {
  let store: TraceStore;
  let app: FastifyInstance;
  let base: string;
  let deps: ReturnType<typeof testDeps>;

  before(async () => {
    store = await openSqliteTraceStore(':memory:', { retentionMs: 86_400_000 });
    deps = testDeps();
    app = await buildApp(
      { ...deps, traces: new TraceApi(store, { registry: deps.registry }) },
      { checkResponses: true },
    );
    await app.listen({ host: '127.0.0.1', port: 0 });
    const addr = app.server.address();
    assert.ok(addr && typeof addr === 'object');
    base = `http://127.0.0.1:${addr.port}`;
  });
  after(async () => {
    await app.close();
    await store.close();
  });

  for (const protocol of ['http/protobuf', 'http/json'] as const satisfies readonly OtlpProtocol[]) {
    it(`${protocol}: every migration arrives as one trace across the source and destination regions`, async () => {
      const before = await store.spanCount();
      const t0 = Date.now() - 10_000;
      const cluster = await startCluster({
        nodes: 2,
        regions: ['us-east', 'eu-west'],
        portBase: 0,
        autoTick: false,
        clock: () => t0,
        tracing: { exporter: () => createOtlpTraceExporter({ url: `${base}/v1/traces`, protocol }) },
      });
      try {
        for (let i = 1; i <= 3; i++) cluster.tick(t0 + i * 1000);
        await cluster.tracing!.forceFlush();
      } finally {
        await cluster.stop();
      }
      const stored = (await store.spanCount()) - before;
      assert.ok(stored >= 8 * 7, `at least 8 migrations x 7 spans stored, got ${stored}`);
      const search = await fetch(
        `${base}/api/traces?service=dwcp-node&operation=dwcp.migration&start=${(t0 - 1000) * 1000}&end=${(t0 + 60_000) * 1000}&limit=5`,
      );
      assert.equal(search.status, 200);
      const found = ((await search.json()) as { data: JaegerTrace[] }).data;
      assert.equal(found.length, 5);
      const one = await fetch(`${base}/api/traces/${found[0]!.traceID}`);
      assert.equal(one.status, 200);
      const trace = ((await one.json()) as { data: JaegerTrace[] }).data[0]!;
      const regions = new Set(
        Object.values(trace.processes).map((p) => p.tags.find((t) => t.key === 'cloud.region')?.value),
      );
      assert.deepEqual([...regions].sort(), ['eu-west', 'us-east']);
      assert.equal(
        trace.warnings,
        null,
        'no orphans: the destination spans hang under the source transfer span',
      );
      assert.equal(trace.spans[0]!.operationName, 'dwcp.migration');
      const receive = trace.spans.find((s) => s.operationName === 'dwcp.migration.receive')!;
      const transfer = trace.spans.find((s) => s.spanID === receive.references[0]!.spanID)!;
      assert.equal(transfer.operationName, 'dwcp.amst.transfer');
      assert.notEqual(receive.processID, transfer.processID);
    });
  }

  it("counts the accepted spans in the monitor's own metrics", async () => {
    const m = await deps.registry.getSingleMetric('dwcp_monitor_otlp_spans_accepted_total')!.get();
    assert.equal(m.values[0]!.value, await store.spanCount());
  });
});
