/**
 * A real OTel exporter (the SDK's OTLP/HTTP exporters of the simulated nodes) sending spans to a monitor that
 * requires authentication: with an ingest API token in its headers the spans are stored; without one, or with
 * a viewer token, the monitor refuses them and stores nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { AuthStore } from '../../../src/auth/auth-store.ts';
import { openSqliteAuthStore } from '../../../src/auth/open.ts';
import { AuthService } from '../../../src/auth/service.ts';
import { createOtlpTraceExporter } from '../../../src/sdk/otlp-exporter.ts';
import { buildApp } from '../../../src/server/app.ts';
import { startCluster } from '../../../src/sim/cluster.ts';
import { openSqliteTraceStore } from '../../../src/traces/store/open.ts';
import type { TraceStore } from '../../../src/traces/store/trace-store.ts';
import { TraceApi } from '../../../src/traces/trace-api.ts';
import { testDeps } from '../../helpers/server-fakes.ts';

describe('OTLP export with API tokens', () => {
  let store: TraceStore;
  let authStore: AuthStore;
  let app: FastifyInstance;
  let base: string;
  const tokens: Record<string, string> = {};

  before(async () => {
    store = await openSqliteTraceStore(':memory:', { retentionMs: 86_400_000 });
    authStore = await openSqliteAuthStore(':memory:');
    const auth = new AuthService({
      store: authStore,
      signingKey: new TextEncoder().encode('k'.repeat(48)),
      sessionTtlMs: 3_600_000,
    });
    tokens['ingest'] = (await auth.issueToken('default', 'admin', { name: 'nodes', role: 'ingest' })).token;
    tokens['viewer'] = (await auth.issueToken('default', 'admin', { name: 'grafana', role: 'viewer' })).token;
    const deps = testDeps();
    app = await buildApp(
      { ...deps, auth, traces: new TraceApi(store, { registry: deps.registry }) },
      { checkResponses: true },
    );
    await app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  });
  after(async () => {
    await app.close();
    await store.close();
    await authStore.close();
  });

  /** Spans stored by one short simulated run whose exporters send `headers`; the exporter's warnings. */
  async function exportWith(
    headers: Record<string, string>,
  ): Promise<{ stored: number; warnings: string[] }> {
    const before = await store.spanCount();
    const t0 = Date.now() - 10_000;
    const warnings: string[] = [];
    const cluster = await startCluster({
      nodes: 2,
      regions: ['us-east', 'eu-west'],
      portBase: 0,
      autoTick: false,
      clock: () => t0,
      tracing: {
        exporter: () =>
          createOtlpTraceExporter({ url: `${base}/v1/traces`, protocol: 'http/protobuf', headers }),
      },
      warn: (m) => warnings.push(m),
    });
    try {
      for (let i = 1; i <= 3; i++) cluster.tick(t0 + i * 1000);
      await cluster.tracing!.forceFlush().catch((e: unknown) => warnings.push(String(e)));
    } finally {
      await cluster.stop();
    }
    return { stored: (await store.spanCount()) - before, warnings };
  }

  it('spans sent with an ingest token are stored', async () => {
    const { stored, warnings } = await exportWith({ authorization: `Bearer ${tokens['ingest']}` });
    assert.deepEqual(
      warnings.filter((w) => /OTLPExporterError|Unauthorized|Forbidden/.test(w)),
      [],
    );
    assert.ok(stored >= 8 * 7, `at least 8 migrations x 7 spans stored, got ${stored}`);
  });

  it('spans sent without a token or with a viewer token are refused and nothing is stored', async () => {
    const anonymous = await exportWith({});
    assert.equal(anonymous.stored, 0);
    assert.ok(
      anonymous.warnings.some((w) => /Unauthorized/.test(w)),
      anonymous.warnings.join('\n'),
    );
    const viewer = await exportWith({ authorization: `Bearer ${tokens['viewer']}` });
    assert.equal(viewer.stored, 0);
    assert.ok(
      viewer.warnings.some((w) => /Forbidden/.test(w)),
      viewer.warnings.join('\n'),
    );
    const res = await fetch(`${base}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(res.status, 401);
    assert.deepEqual(
      Object.keys((await res.json()) as object).sort(),
      ['code', 'message'],
      'an OTLP google.rpc.Status body',
    );
  });
});
