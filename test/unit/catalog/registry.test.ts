import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { CATALOG, getMetric, metricsOf, requireMetric } from '../../../src/catalog/index.ts';
import { InvalidInputError } from '../../../src/errors.ts';
import { createCatalogMetrics } from '../../../src/catalog/registry.ts';

describe('createCatalogMetrics', () => {
  it('registers every catalog metric with its type, help and labels in its own registry', async () => {
    const registry = new Registry();
    const m = createCatalogMetrics(registry, CATALOG);
    for (const def of CATALOG) assert.ok(m.has(def.name), def.name);
    const json = await registry.getMetricsAsJSON();
    assert.equal(json.length, CATALOG.length);
    for (const j of json) {
      const def = requireMetric(j.name);
      assert.equal(j.type, def.type, j.name);
      assert.equal(j.help, def.help, j.name);
    }
  });

  it('uses the catalog buckets for histograms', async () => {
    const registry = new Registry();
    const m = createCatalogMetrics(registry, metricsOf('v1'));
    m.histogram('dwcp_hde_compression_ratio').observe(
      { cluster: 'c', node: 'n', data_type: 'vm_memory' },
      4.5,
    );
    const text = await registry.metrics();
    const les = [...text.matchAll(/dwcp_hde_compression_ratio_bucket\{le="([^"]+)"/g)].map((x) => x[1]);
    assert.deepEqual(les, [...getMetric('dwcp_hde_compression_ratio').buckets!.map(String), '+Inf']);
    assert.match(
      text,
      /dwcp_hde_compression_ratio_bucket\{le="5",cluster="c",node="n",data_type="vm_memory"\} 1/,
    );
  });

  it('accessors check name and type', () => {
    const m = createCatalogMetrics(new Registry(), metricsOf('v1'));
    assert.ok(m.counter('dwcp_amst_streams_total'));
    assert.ok(m.gauge('dwcp_amst_streams_active'));
    assert.ok(m.histogram('dwcp_amst_latency_seconds'));
    assert.throws(
      () => m.counter('dwcp_amst_streams_active'),
      (e: unknown) => e instanceof InvalidInputError && /is a gauge, not a counter/.test(e.message),
    );
    assert.throws(() => m.gauge('dwcp_amst_latency_seconds'), /is a histogram, not a gauge/);
    assert.throws(() => m.histogram('dwcp_amst_streams_total'), /is a counter, not a histogram/);
    assert.throws(() => m.counter('dwcp_v3_mode_switches_total'), /not in this metric set/);
    // @ts-expect-error a name outside the catalog does not compile; forced through, it still throws
    assert.throws(() => m.gauge('no_such_metric'), InvalidInputError);
  });

  it('keeps registries independent (many nodes per process) and never touches the global registry', async () => {
    const { register } = await import('prom-client');
    const before = (await register.getMetricsAsJSON()).length;
    const a = createCatalogMetrics(new Registry(), metricsOf('v3'));
    const b = createCatalogMetrics(new Registry(), metricsOf('v3'));
    a.gauge('dwcp_v3_tcp_streams').set({ node_id: 'a' }, 4);
    b.gauge('dwcp_v3_tcp_streams').set({ node_id: 'b' }, 9);
    assert.match(await a.registry.metrics(), /dwcp_v3_tcp_streams\{node_id="a"\} 4/);
    assert.doesNotMatch(await a.registry.metrics(), /node_id="b"/);
    assert.equal((await register.getMetricsAsJSON()).length, before);
  });

  it('rejects duplicate definitions and a second registration in the same registry', () => {
    const defs = metricsOf('production');
    assert.throws(() => createCatalogMetrics(new Registry(), [...defs, defs[0]!]), /listed twice/);
    const r = new Registry();
    createCatalogMetrics(r, defs);
    assert.throws(() => createCatalogMetrics(r, defs), /already been registered/);
  });

  it('rejects a histogram definition without buckets', () => {
    const def = { ...getMetric('dwcp_amst_latency_seconds'), buckets: undefined };
    assert.throws(() => createCatalogMetrics(new Registry(), [def]), /no buckets/);
  });
});
