/**
 * The log system's wiring: entries dropped for a slow live-tail client are counted in the monitor's registry
 * (`dwcp_monitor_log_tail_entries_dropped_total`), and a second LogApi on the same registry reuses the counter.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { LogApi } from '../../../src/logs/log-api.ts';
import { openSqliteLogStore } from '../../../src/logs/store/open.ts';
import type { LogStore } from '../../../src/logs/store/log-store.ts';

const NOW = 1_767_000_000_000;
const DAY = 86_400_000;
const retentionMs = { debug: DAY, info: DAY, warn: DAY, error: DAY, fatal: DAY };

function lokiBody(lines: string[]): Buffer {
  return Buffer.from(
    JSON.stringify({
      streams: [
        {
          stream: { service_name: 'dwcp-node', node_id: 'node-1' },
          values: lines.map((l, i) => [`${NOW - 1000 + i}000000`, l]),
        },
      ],
    }),
  );
}

async function droppedCounter(registry: Registry): Promise<number | undefined> {
  const m = (await registry.getMetricsAsJSON()).find(
    (x) => x.name === 'dwcp_monitor_log_tail_entries_dropped_total',
  );
  return m === undefined ? undefined : m.values.reduce((a, v) => a + v.value, 0);
}

describe('LogApi', () => {
  let store: LogStore;
  before(async () => {
    store = await openSqliteLogStore(':memory:', { retentionMs });
  });
  after(async () => {
    await store.close();
  });

  it('counts live-tail entries dropped for a slow client in dwcp_monitor_log_tail_entries_dropped_total', async () => {
    const registry = new Registry();
    const api = new LogApi(store, { registry, now: () => NOW, tailLimits: { maxBufferedEntries: 2 } });
    assert.equal(await droppedCounter(registry), 0);
    const sub = api.tail.subscribe('{node_id="node-1"}', () => undefined);
    await api.receiveLoki({
      body: lokiBody(['a', 'b', 'c', 'd', 'e']),
      contentType: 'application/json',
      contentEncoding: undefined,
    });
    assert.equal(await droppedCounter(registry), 3);
    sub.take();
    await api.receiveLoki({
      body: lokiBody(['f']),
      contentType: 'application/json',
      contentEncoding: undefined,
    });
    assert.equal(await droppedCounter(registry), 3);
    // a second system on the same registry reuses the counter instead of failing to register it
    const again = new LogApi(store, { registry, now: () => NOW, tailLimits: { maxBufferedEntries: 1 } });
    again.tail.subscribe('{node_id="node-1"}', () => undefined);
    await again.receiveLoki({
      body: lokiBody(['g', 'h']),
      contentType: 'application/json',
      contentEncoding: undefined,
    });
    assert.equal(await droppedCounter(registry), 4);
    sub.close();
  });
});
