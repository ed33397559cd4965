import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bucketSummaryOf, longWindowRead } from '../../../src/monitor/long-window-read.ts';
import { MemorySampleStore } from '../../../src/store/memory/sample-store.ts';
import type { SampleStore } from '../../../src/store/types.ts';

const HOUR = 3_600_000;

test('a window over the raw window is read in 1-minute buckets while they fit the point bound, else 1-hour ones', () => {
  const store = new MemorySampleStore();
  assert.equal(longWindowRead(store, HOUR, HOUR, 4000), undefined, 'up to the raw window: raw samples');
  assert.equal(longWindowRead(store, HOUR + 1, HOUR, 4000)?.resolutionMs, 60_000);
  assert.equal(
    longWindowRead(store, 4000 * 60_000, HOUR, 4000)?.resolutionMs,
    60_000,
    '4000 minutes fit 4000 points',
  );
  assert.equal(longWindowRead(store, 4000 * 60_000 + 1, HOUR, 4000)?.resolutionMs, 3_600_000);
  assert.equal(longWindowRead(store, 30 * 24 * HOUR, HOUR, 4000)?.resolutionMs, 3_600_000);
  assert.equal(
    longWindowRead(store, 7 * 24 * HOUR, HOUR, 168 * 100)?.resolutionMs,
    60_000,
    'a week of minutes fits the capacity bound',
  );
  assert.equal(longWindowRead(store, 30 * 24 * HOUR, HOUR, 4000)?.reader, store);
});

test('a store without bucketed reads is read raw whatever the window', () => {
  const m = new MemorySampleStore();
  const plain: SampleStore = {
    append: (b) => m.append(b),
    searchMetricNames: (q, l) => m.searchMetricNames(q, l),
    findSeries: (n, l, k) => m.findSeries(n, l, k),
    readPoints: (r, a, b, k) => m.readPoints(r, a, b, k),
    applyRetention: (n) => m.applyRetention(n),
    countSamples: () => m.countSamples(),
    close: () => m.close(),
  };
  assert.equal(longWindowRead(plain, 30 * 24 * HOUR, HOUR, 4000), undefined);
});

test('gauges are summarised by their mean; counters, histogram series and unknown names by their last value', () => {
  assert.equal(bucketSummaryOf('dwcp_v3_throughput_bytes_per_second'), 'mean');
  assert.equal(bucketSummaryOf('dwcp_v3_resource_utilization_percent'), 'mean');
  assert.equal(bucketSummaryOf('dwcp_v3_migration_success_total'), 'last');
  for (const suffix of ['_sum', '_count', '_bucket'])
    assert.equal(bucketSummaryOf(`dwcp_v3_migration_duration_seconds${suffix}`), 'last');
  assert.equal(bucketSummaryOf('not_in_the_catalog'), 'last');
});
