import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { metricsOf } from '../../../src/catalog/index.ts';
import { createCatalogMetrics } from '../../../src/catalog/registry.ts';
import { exemplarOfTraceparent } from '../../../src/sdk/exemplar.ts';
import { startMetricsServer, type MetricsServer } from '../../../src/sdk/metrics-server.ts';
import { prefersOpenMetrics, renderOpenMetrics } from '../../../src/sdk/openmetrics.ts';
import { MigrationMetrics } from '../../../src/sdk/v1/migration.ts';
import { Scraper } from '../../../src/ingest/scraper.ts';
import type { ScrapedExemplar } from '../../../src/ingest/openmetrics.ts';
import { SCRAPE_ACCEPT } from '../../../src/ingest/http-scrape.ts';

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const SPAN = 'b7ad6b7169203331';

/** A v1 registry with one migration observed (3 s) carrying an exemplar. */
function observed(): Registry {
  const registry = new Registry();
  const metrics = createCatalogMetrics(registry, metricsOf('v1'));
  let now = 0;
  const m = new MigrationMetrics(metrics, { cluster: 'c1', node: 'n1' }, { clock: () => now });
  m.onMigrationStart('m1');
  now = 3000;
  m.onMigrationComplete('m1', 'n1', 'n2', true, true, 1024, { traceId: TRACE, spanId: SPAN });
  return registry;
}

describe('OpenMetrics exposition of the SDK', () => {
  it('negotiates as Prometheus asks: OpenMetrics when preferred, text otherwise', () => {
    assert.equal(prefersOpenMetrics(SCRAPE_ACCEPT), true);
    assert.equal(
      prefersOpenMetrics('application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5'),
      true,
    );
    assert.equal(prefersOpenMetrics('text/plain;version=0.0.4'), false);
    assert.equal(prefersOpenMetrics('application/openmetrics-text;q=0,text/plain'), false);
    assert.equal(prefersOpenMetrics('text/plain;q=1,application/openmetrics-text;q=0.5'), false);
    assert.equal(prefersOpenMetrics(undefined), false);
  });

  it('a sampled traceparent gives an exemplar; an unsampled or malformed one none', () => {
    assert.deepEqual(exemplarOfTraceparent(`00-${TRACE}-${SPAN}-01`), { traceId: TRACE, spanId: SPAN });
    assert.equal(exemplarOfTraceparent(`00-${TRACE}-${SPAN}-00`), undefined);
    assert.equal(exemplarOfTraceparent('00-xyz'), undefined);
    assert.equal(exemplarOfTraceparent(undefined), undefined);
  });

  it('renders the exemplar on the bucket of the observation and leaves the registry’s text format intact', async () => {
    const registry = observed();
    const om = await renderOpenMetrics(registry);
    assert.match(
      om,
      new RegExp(
        `dwcp_migration_duration_seconds_bucket\\{le="4",[^}]*\\} 1 # \\{trace_id="${TRACE}",span_id="${SPAN}"\\} 3 \\d+(\\.\\d+)?\\n`,
      ),
    );
    assert.ok(om.endsWith('# EOF\n'));
    const text = await registry.metrics();
    assert.ok(!text.includes('trace_id'), 'no exemplar in the text format');
    // The counter family keeps its _total name in the text format after an OpenMetrics rendering.
    assert.match(text, /# TYPE dwcp_migration_memory_bytes_total counter/);
    assert.match(await renderOpenMetrics(registry), /# TYPE dwcp_migration_memory_bytes counter/);
  });

  describe('metrics server and scraper over loopback', () => {
    let server: MetricsServer;
    before(async () => {
      server = await startMetricsServer({ registry: observed(), port: 0, service: 'node' });
    });
    after(() => server.close());

    it('answers in the format the Accept header prefers', async () => {
      const om = await fetch(`${server.url}/metrics`, { headers: { accept: SCRAPE_ACCEPT } });
      assert.match(om.headers.get('content-type') ?? '', /^application\/openmetrics-text/);
      assert.match(await om.text(), /trace_id=/);
      const text = await fetch(`${server.url}/metrics`, { headers: { accept: 'text/plain;version=0.0.4' } });
      assert.match(text.headers.get('content-type') ?? '', /^text\/plain/);
      assert.ok(!(await text.text()).includes('trace_id'));
    });

    it('the scraper receives the exemplars with the target labels, and the samples as before', async () => {
      const got: ScrapedExemplar[] = [];
      let samples = 0;
      const scraper = new Scraper({
        onSamples: (_t, batch) => {
          samples = batch.filter((s) => s.name === 'dwcp_migration_duration_seconds_bucket').length;
        },
        onExemplars: (_t, list, invalid) => {
          assert.equal(invalid, 0);
          got.push(...list);
        },
      });
      scraper.addTarget({ id: 'n1', url: `${server.url}/metrics`, labels: { job: 'dwcp' } });
      const status = await scraper.scrapeOnce('n1');
      await scraper.stop();
      assert.equal(status.health, 'up');
      assert.ok(samples > 0);
      assert.equal(got.length, 1);
      assert.equal(got[0]!.name, 'dwcp_migration_duration_seconds_bucket');
      assert.deepEqual(got[0]!.labels, { trace_id: TRACE, span_id: SPAN });
      assert.equal(got[0]!.value, 3);
      assert.equal(got[0]!.seriesLabels['le'], '4');
      assert.equal(got[0]!.seriesLabels['job'], 'dwcp');
      assert.equal(typeof got[0]!.seriesLabels['instance'], 'string');
    });
  });
});
