import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { createServer } from 'node:net';
import { createOtlpTraceExporter } from '../../../src/sdk/otlp-exporter.ts';
import { startCluster } from '../../../src/sim/cluster.ts';
import { parseScenario } from '../../../src/sim/scenario.ts';

describe('cluster tracing', () => {
  it('every migration is one trace with spans from its source and destination node, in two regions', async () => {
    const exporters = new Map<string, InMemorySpanExporter>();
    const t0 = Date.UTC(2026, 0, 1);
    const cluster = await startCluster({
      nodes: 2,
      regions: ['us-east', 'eu-west'],
      portBase: 0,
      autoTick: false,
      clock: () => t0,
      tracing: {
        simple: true,
        exporter: (id) => {
          const e = new InMemorySpanExporter();
          exporters.set(id, e);
          return e;
        },
      },
    });
    try {
      for (let i = 1; i <= 5; i++) cluster.tick(t0 + i * 1000);
      const spans: ReadableSpan[] = [...exporters.values()].flatMap((e) => e.getFinishedSpans());
      const roots = spans.filter((s) => s.name === 'dwcp.migration');
      assert.ok(roots.length >= 15, `4 migrations/s per node over 5 s, got ${roots.length}`);
      for (const root of roots) {
        const trace = spans.filter((s) => s.spanContext().traceId === root.spanContext().traceId);
        const regions = new Set(trace.map((s) => s.resource.attributes['cloud.region']));
        assert.deepEqual([...regions].sort(), ['eu-west', 'us-east'], 'spans from both regions');
        assert.equal(trace.filter((s) => s.name === 'dwcp.migration.receive').length, 1);
      }
      const versions = new Set(roots.map((r) => r.attributes['dwcp.version']));
      assert.ok(versions.has('v1') && versions.has('v3'), `both versions traced: ${[...versions].join(',')}`);
    } finally {
      await cluster.stop();
    }
  });

  it('a latency fault leaves failed transfer attempts (error spans) in the traces of that node', async () => {
    const exporters = new Map<string, InMemorySpanExporter>();
    const t0 = Date.UTC(2026, 0, 1);
    const scenario = parseScenario(
      'faults:\n  - { kind: latency_spike, node: node-1, start: 0s, duration: 60s, magnitude: 4 }\n',
      2,
    );
    const cluster = await startCluster({
      nodes: 2,
      regions: ['us-east', 'eu-west'],
      portBase: 0,
      autoTick: false,
      clock: () => t0,
      scenario,
      tracing: {
        simple: true,
        exporter: (id) => {
          const e = new InMemorySpanExporter();
          exporters.set(id, e);
          return e;
        },
      },
    });
    try {
      for (let i = 1; i <= 3; i++) cluster.tick(t0 + i * 1000);
      const faulty = exporters
        .get('node-1')!
        .getFinishedSpans()
        .filter((s) => s.name === 'dwcp.amst.transfer');
      const failed = faulty.filter(
        (s) => s.status.code === SpanStatusCode.ERROR && s.attributes['error.type'] === 'timeout',
      );
      assert.ok(failed.length > 0, 'retried transfers on the faulty node');
      const healthy = exporters
        .get('node-2')!
        .getFinishedSpans()
        .filter((s) => s.name === 'dwcp.amst.transfer');
      assert.ok(healthy.length > 0);
      assert.equal(
        healthy.filter((s) => s.attributes['error.type'] === 'timeout').length,
        0,
        'no retries on the healthy node',
      );
    } finally {
      await cluster.stop();
    }
  });

  it('tracing draws nothing from the simulation: the nodes export the same metrics with and without it', async () => {
    const t0 = Date.UTC(2026, 0, 1);
    const run = async (traced: boolean): Promise<string[]> => {
      const cluster = await startCluster({
        nodes: 2,
        regions: ['us-east', 'eu-west'],
        portBase: 0,
        autoTick: false,
        clock: () => t0,
        seed: 7,
        ...(traced ? { tracing: { simple: true, exporter: () => new InMemorySpanExporter() } } : {}),
      });
      try {
        for (let i = 1; i <= 5; i++) cluster.tick(t0 + i * 1000);
        return await Promise.all(cluster.sim.map((s) => s.registry.metrics()));
      } finally {
        await cluster.stop();
      }
    };
    assert.deepEqual(await run(true), await run(false));
  });

  it('stopping completes and warns when the last spans cannot be exported (the endpoint is gone)', async () => {
    // A port that was free a moment ago and has nothing listening now.
    const port = await new Promise<number>((resolve) => {
      const srv = createServer().listen(0, '127.0.0.1', () => {
        const p = (srv.address() as { port: number }).port;
        srv.close(() => resolve(p));
      });
    });
    const warnings: string[] = [];
    const t0 = Date.UTC(2026, 0, 1);
    const cluster = await startCluster({
      nodes: 2,
      regions: ['us-east', 'eu-west'],
      portBase: 0,
      autoTick: false,
      clock: () => t0,
      warn: (m) => warnings.push(m),
      tracing: {
        exporter: () =>
          createOtlpTraceExporter({ url: `http://127.0.0.1:${port}/v1/traces`, timeoutMillis: 1000 }),
      },
    });
    for (let i = 1; i <= 3; i++) cluster.tick(t0 + i * 1000);
    await cluster.stop();
    assert.ok(
      warnings.some((w) => /the last spans were not exported/.test(w)),
      `warned: ${JSON.stringify(warnings)}`,
    );
  });
});
