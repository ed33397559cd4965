/** GET /metrics/summary's computation over stored simulated history (real SQLite store). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import { metricsSummary } from '../../src/summaries/metrics-summary.ts';
import { fillHistory } from '../helpers/sim-history.ts';

describe('metrics summary', () => {
  it('reports latency quantiles, throughput, error rate and SLA flags from stored series', async () => {
    const store = await openSqliteStore({ path: ':memory:', retentionMs: 86_400_000 });
    try {
      const now = Date.UTC(2026, 0, 5, 12);
      await fillHistory(store, {
        nodes: 2,
        regions: ['us-east', 'eu-west'],
        fromMs: now - 15 * 60_000,
        toMs: now,
        stepMs: 15_000,
      });
      const s = await metricsSummary(store, 10 * 60_000, now);
      assert.equal(s.windowSeconds, 600);
      const { p50Seconds: p50, p95Seconds: p95, p99Seconds: p99, count } = s.migrationLatency;
      assert.ok(count > 0, `migrations ${count}`);
      assert.ok(p50 !== null && p95 !== null && p99 !== null);
      assert.ok(p50 > 0 && p50 <= p95 && p95 <= p99, `${p50} ${p95} ${p99}`);
      assert.ok((s.throughput.totalBytesPerSecond ?? 0) > 0);
      assert.ok(Object.keys(s.throughput.byComponent).length > 0);
      assert.ok(s.errors.perSecond !== null && s.errors.perSecond >= 0);
      assert.ok(Object.keys(s.slaCompliance).length > 0);
      for (const v of Object.values(s.slaCompliance)) assert.ok(v === 0 || v === 1);
      await assert.rejects(metricsSummary(store, 1000, now), /10s\.\.24h/);
    } finally {
      await store.close();
    }
  });
});
