import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { metricsOf } from '../../../src/catalog/index.ts';
import { InvalidInputError } from '../../../src/errors.ts';
import { startMetricsServer, type MetricsServer } from '../../../src/sdk/metrics-server.ts';
import { createCatalogMetrics } from '../../../src/catalog/registry.ts';

describe('startMetricsServer', () => {
  let server: MetricsServer;
  let ready = false;
  let now = 1_000_000;
  before(async () => {
    const registry = new Registry();
    createCatalogMetrics(registry, metricsOf('v3'))
      .gauge('dwcp_v3_tcp_streams')
      .set({ node_id: 'node-1' }, 8);
    server = await startMetricsServer({
      registry,
      port: 0,
      service: 'test-node',
      ready: () => ready,
      clock: () => now,
    });
  });
  after(() => server.close());

  it('binds an ephemeral port on 127.0.0.1', () => {
    assert.ok(server.port > 0);
    assert.equal(server.url, `http://127.0.0.1:${server.port}`);
  });

  it('GET /metrics returns the registry in the text format', async () => {
    const res = await fetch(`${server.url}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const body = await res.text();
    assert.match(body, /# TYPE dwcp_v3_tcp_streams gauge/);
    assert.match(body, /dwcp_v3_tcp_streams\{node_id="node-1"\} 8/);
  });

  it('GET /health reports the real uptime', async () => {
    now += 2500;
    const res = await fetch(`${server.url}/health`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: 'healthy', service: 'test-node', uptime_seconds: 2.5 });
  });

  it('GET /ready is 503 until ready() is true', async () => {
    ready = false;
    const r1 = await fetch(`${server.url}/ready`);
    assert.equal(r1.status, 503);
    assert.equal(((await r1.json()) as { status: string }).status, 'not_ready');
    ready = true;
    const r2 = await fetch(`${server.url}/ready`);
    assert.equal(r2.status, 200);
    await r2.body?.cancel();
  });

  it('HEAD works, unknown paths are 404, other methods 405', async () => {
    const head = await fetch(`${server.url}/metrics`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(await head.text(), '');
    const nf = await fetch(`${server.url}/nope`);
    assert.equal(nf.status, 404);
    await nf.body?.cancel();
    const post = await fetch(`${server.url}/metrics`, { method: 'POST', body: 'x' });
    assert.equal(post.status, 405);
    assert.equal(post.headers.get('allow'), 'GET, HEAD');
    await post.body?.cancel();
  });

  it('rejects bad options and a busy port', async () => {
    const registry = new Registry();
    await assert.rejects(startMetricsServer({ registry, port: -1, service: 's' }), InvalidInputError);
    await assert.rejects(startMetricsServer({ registry, port: 1.5, service: 's' }), InvalidInputError);
    await assert.rejects(startMetricsServer({ registry, port: 0, service: '' }), InvalidInputError);
    await assert.rejects(startMetricsServer({ registry, port: server.port, service: 's' }), /EADDRINUSE/);
  });

  it('close() is idempotent and stops answering', async () => {
    const s = await startMetricsServer({ registry: new Registry(), port: 0, service: 's' });
    await s.close();
    await s.close();
    await assert.rejects(fetch(`${s.url}/health`));
  });
});

describe('startMetricsServer with contentVersion', () => {
  it('renders once per version and format; a new version renders again', async () => {
    const registry = new Registry();
    let collects = 0;
    createCatalogMetrics(registry, metricsOf('v3'))
      .gauge('dwcp_v3_tcp_streams')
      .set({ node_id: 'node-1' }, 8);
    const { Gauge } = await import('prom-client');
    new Gauge({
      name: 'test_collects',
      help: 'collect calls',
      registers: [registry],
      collect() {
        collects++;
        this.set(collects);
      },
    });
    let version = 1;
    const server = await startMetricsServer({
      registry,
      port: 0,
      service: 'test-node',
      contentVersion: () => version,
    });
    try {
      const scrape = async (accept?: string) =>
        (await fetch(`${server.url}/metrics`, accept ? { headers: { accept } } : {})).text();
      const first = await scrape();
      assert.equal(await scrape(), first);
      assert.equal(collects, 1);
      await scrape('application/openmetrics-text;version=1.0.0');
      assert.equal(collects, 2, 'each format renders once');
      version = 2;
      assert.match(await scrape(), /test_collects 3/);
    } finally {
      await server.close();
    }
  });
});
