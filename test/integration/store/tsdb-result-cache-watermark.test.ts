/**
 * The range-query result cache keeps only steps that depend on rollup rows below the watermark
 * (src/store/tsdb/range-query.ts): a repeated query must see samples stored since, past the watermark — newer
 * samples after the series' newest one, and a late sample inside the newest, not rolled-up hour — for every
 * aggregation and both cache sizes. A directed case of the property in tsdb-result-cache.test.ts that fails on
 * every run when steps past the watermark are kept.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Sample } from '../../../src/model/sample.ts';
import { aggregateSeries, type QueryAggregation } from '../../../src/store/query.ts';
import type { SeriesRef } from '../../../src/store/types.ts';
import { openChunkedSqliteStore, type OpenedChunkedStore } from '../../../src/store/tsdb/open.ts';
import { rollupReference } from './rollup-reference.ts';

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const T0 = 1_700_000_000_000 - (1_700_000_000_000 % DAY);
const AGGS: QueryAggregation[] = ['avg', 'sum', 'min', 'max', 'p50', 'rate'];

/** The uncached reference from the minute rows. */
function reference(
  st: OpenedChunkedStore,
  refs: readonly SeriesRef[],
  opts: Parameters<typeof aggregateSeries>[1],
): Promise<ReturnType<typeof aggregateSeries>> {
  return rollupReference(st, refs, opts, MIN);
}

const sample = (series: number, t: number, value: number): Sample => ({
  name: 'dwcp_test_metric',
  labels: { node_id: series % 2 === 0 ? 'a' : 'b', series: String(series) },
  value,
  timestampMs: t,
});

describe('range-query result cache past the watermark', () => {
  const root = mkdtempSync(join(tmpdir(), 'dwcp-tsdb-result-w-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  for (const agg of AGGS) {
    for (const resultCacheBytes of [700, 16 * 1024 * 1024]) {
      it(`a repeated ${agg} query sees newer and late samples past the watermark (result cache ${resultCacheBytes} B)`, async () => {
        const dir = join(root, `${agg}-${resultCacheBytes}`);
        const end = T0 + 3 * HOUR;
        const nowMs = end + HOUR;
        const st = await openChunkedSqliteStore({
          path: join(dir, 'c.db'),
          walDir: join(dir, 'wal'),
          retentionMs: 30 * DAY,
          queryResultCacheBytes: resultCacheBytes,
          now: () => nowMs,
        });
        try {
          const batch: Sample[] = [];
          for (let t = T0; t < end; t += 10_000)
            for (let s = 0; s < 3; s++) batch.push(sample(s, t + s, ((t / 10_000) % 97) + s));
          for (let i = 0; i < batch.length; i += 500) await st.append(batch.slice(i, i + 500));
          await st.applyRetention(T0 + 2 * HOUR + 6 * MIN);
          assert.equal(st.samples.rollups.watermark, T0 + 2 * HOUR);
          const refs = await st.findSeries('dwcp_test_metric', {}, 100);
          const opts = { startMs: T0 + HOUR, endMs: end + 40 * MIN, stepMs: MIN, agg, by: ['node_id'] };
          const check = async (what: string): Promise<void> => {
            const got = await st.queryRange(refs, opts, 20_000);
            assert.deepEqual(got.series, (await reference(st, refs, opts)).series, what);
          };
          await check('first query');
          await check('repeated');
          // Newer samples after every series' newest one, then a late sample in the newest, not rolled-up hour.
          const newer: Sample[] = [];
          for (let t = end; t < end + 20 * MIN; t += 10_000)
            for (let s = 0; s < 3; s++) newer.push(sample(s, t + s, 500 + s));
          await st.append(newer);
          await check('after newer samples');
          await st.append([sample(1, T0 + 2 * HOUR + 30 * MIN - 1, 12_345)]);
          await check('after a late sample past the watermark');
          assert.equal(st.samples.rollups.watermark, T0 + 2 * HOUR);
          if (resultCacheBytes > 700) assert.ok(st.resultCache.stats().hitSteps > 0, 'no step was served');
        } finally {
          await st.close();
          rmSync(dir, { recursive: true, force: true });
        }
      });
    }
  }
});
