/**
 * The anomaly sink stores why an anomaly resolved (`new level accepted`, `back inside the band for 3 samples`),
 * and sends it with the live `anomaly_resolved` event.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Registry } from 'prom-client';
import { metricsOf } from '../../../src/catalog/index.ts';
import { createCatalogMetrics } from '../../../src/catalog/registry.ts';
import type { LiveEvent } from '../../../src/contract/live.ts';
import { AnomalySink } from '../../../src/monitor/anomaly-sink.ts';
import { MemoryAnomalyStore } from '../../../src/store/memory/anomaly-store.ts';
import { anomaly, T0 } from '../../helpers/store-fixtures.ts';

test('every resolution reason is stored with the anomaly and published, a return inside the band too', async () => {
  const store = new MemoryAnomalyStore();
  const events: LiveEvent[] = [];
  const sink = new AnomalySink({
    store,
    metrics: createCatalogMetrics(new Registry(), metricsOf('monitor')),
    publish: (e) => events.push(e),
    senders: [],
    externalUrl: 'http://x',
    maxOpen: 10,
    onError: (e) => assert.fail(String(e)),
  });
  const opened = (key: string, startedAtMs: number) => ({ key, anomaly: anomaly({ startedAtMs }) });
  await sink.handle({
    opened: [opened('a', T0), opened('b', T0 + 1)],
    resolved: [],
    processed: 2,
    overLimit: 0,
  });
  await sink.handle({
    opened: [],
    resolved: [
      { key: 'a', resolvedAtMs: T0 + 60_000, reason: 'new level accepted' },
      { key: 'b', resolvedAtMs: T0 + 60_000, reason: 'back inside the band for 3 samples' },
    ],
    processed: 2,
    overLimit: 0,
  });
  const [b, a] = await store.list({ limit: 10 });
  assert.equal(a!.resolution, 'new level accepted');
  assert.equal(a!.resolvedAtMs, T0 + 60_000);
  assert.equal(b!.resolution, 'back inside the band for 3 samples', 'every ending is stored with its reason');
  assert.deepEqual(
    events.filter((e) => e.type === 'anomaly_resolved'),
    [
      { type: 'anomaly_resolved', id: a!.id, resolvedAtMs: T0 + 60_000, resolution: 'new level accepted' },
      {
        type: 'anomaly_resolved',
        id: b!.id,
        resolvedAtMs: T0 + 60_000,
        resolution: 'back inside the band for 3 samples',
      },
    ],
  );
});
