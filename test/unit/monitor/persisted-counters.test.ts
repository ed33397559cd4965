/** Counters of stored state carried across a restart (src/monitor/persisted-counters.ts) on real prom-client registries. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { metricsOf } from '../../../src/catalog/index.ts';
import { createCatalogMetrics } from '../../../src/catalog/registry.ts';
import {
  PERSISTED_COUNTERS,
  restoreCounters,
  snapshotCounters,
} from '../../../src/monitor/persisted-counters.ts';

function monitorRegistry() {
  const registry = new Registry();
  return { registry, metrics: createCatalogMetrics(registry, metricsOf('monitor')) };
}

describe('persisted counters', () => {
  it('are the catalog counters of stored state', () => {
    assert.deepEqual([...PERSISTED_COUNTERS].sort(), [
      'dwcp_anomalies_detected_total',
      'dwcp_monitor_alerts_dropped_total',
      'dwcp_monitor_alerts_failed_total',
      'dwcp_monitor_alerts_sent_total',
      'dwcp_monitor_incidents_opened_total',
    ]);
  });

  it('a restarted registry continues from the saved values; other counters start from zero', async () => {
    const before = monitorRegistry();
    before.metrics.counter('dwcp_monitor_alerts_sent_total').inc({ receiver: 'pager' }, 4);
    before.metrics
      .counter('dwcp_anomalies_detected_total')
      .inc({ metric_name: 'm', severity: 'high', model_type: 'ensemble' });
    before.metrics.counter('dwcp_monitor_samples_ingested_total').inc(100);
    const saved = await snapshotCounters(before.registry);
    assert.equal(saved.length, 2, 'only persisted counters, only series above zero');

    const after = monitorRegistry();
    after.metrics.counter('dwcp_monitor_alerts_sent_total').inc({ receiver: 'pager' }, 1); // before the restore: still added
    assert.equal(
      restoreCounters(after.registry, [
        ...saved,
        { name: 'dwcp_monitor_samples_ingested_total', labels: {}, value: 100 },
        { name: 'not_registered_total', labels: {}, value: 1 },
      ]),
      2,
    );
    const text = await after.registry.metrics();
    assert.match(text, /^dwcp_monitor_alerts_sent_total\{receiver="pager"\} 5$/m);
    assert.match(
      text,
      /^dwcp_anomalies_detected_total\{metric_name="m",severity="high",model_type="ensemble"\} 1$/m,
    );
    assert.match(text, /^dwcp_monitor_samples_ingested_total 0$/m);
  });
});
