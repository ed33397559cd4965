/** The sample store's state on /metrics: gauges set, counters follow the store's cumulative counts by increase. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Registry } from 'prom-client';
import { metricsOf } from '../../../src/catalog/index.ts';
import { createCatalogMetrics } from '../../../src/catalog/registry.ts';
import { catalogStoreMetrics, hasStoreState, type StoreState } from '../../../src/monitor/store-metrics.ts';
import { openSqliteStore } from '../../../src/store/sqlite.ts';
import { openChunkedSqliteStore } from '../../../src/store/tsdb/open.ts';

/** The value of an unlabelled series in the registry's exposition text. */
async function valueOf(registry: Registry, name: string): Promise<number> {
  const line = (await registry.metrics()).split('\n').find((l) => l.startsWith(`${name} `));
  assert.ok(line, `${name} is exposed`);
  return Number(line.split(' ')[1]);
}

const state = (o: Partial<StoreState>): StoreState => ({
  headSeries: 0,
  headBytes: 0,
  walBytes: 0,
  checkpoints: 0,
  chunkWriteErrors: 0,
  rollupWatermarkMs: undefined,
  ...o,
});

test('gauges take the state; counters add the increase of cumulative counts; retention deletions add up', async () => {
  const registry = new Registry();
  const m = catalogStoreMetrics(createCatalogMetrics(registry, metricsOf('monitor')));
  m.update(state({ headSeries: 12, headBytes: 4096, walBytes: 1000, checkpoints: 2, chunkWriteErrors: 1 }));
  m.update(
    state({
      headSeries: 10,
      headBytes: 2048,
      walBytes: 500,
      checkpoints: 5,
      chunkWriteErrors: 1,
      rollupWatermarkMs: 1_700_000_000_000,
    }),
  );
  m.retentionDeleted(300);
  m.retentionDeleted(0);
  m.retentionDeleted(20);
  assert.equal(await valueOf(registry, 'dwcp_monitor_store_head_series'), 10);
  assert.equal(await valueOf(registry, 'dwcp_monitor_store_head_bytes'), 2048);
  assert.equal(await valueOf(registry, 'dwcp_monitor_store_wal_bytes'), 500);
  assert.equal(await valueOf(registry, 'dwcp_monitor_store_checkpoints_total'), 5);
  assert.equal(await valueOf(registry, 'dwcp_monitor_store_write_errors_total'), 1);
  assert.equal(
    await valueOf(registry, 'dwcp_monitor_store_rollup_watermark_timestamp_seconds'),
    1_700_000_000,
  );
  assert.equal(await valueOf(registry, 'dwcp_monitor_store_retention_deleted_samples_total'), 320);
  // A lower count (not expected from one store) adds nothing and is not subtracted.
  m.update(state({ checkpoints: 3 }));
  assert.equal(await valueOf(registry, 'dwcp_monitor_store_checkpoints_total'), 5);
});

test('the chunks layout reports its state, the rows layout does not; a checkpoint shows in the counter', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dwcp-store-metrics-'));
  try {
    const rows = await openSqliteStore({ path: join(dir, 'rows.db'), retentionMs: 3_600_000 });
    assert.equal(hasStoreState(rows), false);
    await rows.close();
    const chunks = await openChunkedSqliteStore({ path: join(dir, 'chunks.db'), walDir: join(dir, 'wal') });
    try {
      assert.equal(hasStoreState(chunks), true);
      const now = Date.now();
      await chunks.append([{ name: 'up', labels: { job: 'a' }, value: 1, timestampMs: now }]);
      await chunks.checkpoint();
      const registry = new Registry();
      const m = catalogStoreMetrics(createCatalogMetrics(registry, metricsOf('monitor')));
      if (!hasStoreState(chunks)) throw new Error('unreachable');
      m.update(chunks.stats());
      assert.equal(await valueOf(registry, 'dwcp_monitor_store_head_series'), 1);
      assert.ok((await valueOf(registry, 'dwcp_monitor_store_head_bytes')) > 0);
      assert.ok((await valueOf(registry, 'dwcp_monitor_store_checkpoints_total')) >= 1);
    } finally {
      await chunks.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
