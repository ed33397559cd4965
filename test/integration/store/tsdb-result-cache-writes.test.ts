/**
 * The range-query result cache against rollup writes (src/store/tsdb/write-log.ts, range-query.ts), on SQLite
 * and PostgreSQL: a rollup pass that moves the watermark keeps the cached steps (served, not recomputed), and a
 * late sample's hour rolled up again drops only the results over that series and hour — every answer equal to
 * the uncached reference (the downsampler's bucket read, one point per bucket, `aggregateSeries`).
 */
import assert from 'node:assert/strict';
import { aggregateSeries, type AggregateOptions, type QueryAggregation } from '../../../src/store/query.ts';
import type { SeriesRef } from '../../../src/store/types.ts';
import type { OpenedChunkedStore } from '../../../src/store/tsdb/open.ts';
import { chunkedStoreSuites, DAY, HOUR, MIN, s } from './tsdb-store-suite.ts';
import { rollupReference } from './rollup-reference.ts';

const T = 1_700_000_000_000 - (1_700_000_000_000 % DAY);

/** The uncached reference from the minute rows. */
function reference(
  st: OpenedChunkedStore,
  refs: readonly SeriesRef[],
  opts: AggregateOptions,
): Promise<ReturnType<typeof aggregateSeries>> {
  return rollupReference(st, refs, opts, MIN);
}

chunkedStoreSuites('result cache across rollup writes', (c) => {
  for (const agg of ['avg', 'rate'] as QueryAggregation[]) {
    c.test(
      `${agg}: a watermark pass keeps cached steps; a late sample's rollup drops only its series' results`,
      async () => {
        const end = T + 4 * HOUR;
        const nowMs = end + 10 * MIN;
        const st = await c.open({ retentionMs: 30 * DAY, now: () => nowMs });
        const batch = [];
        for (let t = T; t < end; t += 10_000)
          for (let i = 0; i < 4; i++)
            batch.push(s('dwcp_test_metric', { series: String(i) }, ((t / 10_000) % 89) * (i + 1), t + i));
        for (let i = 0; i < batch.length; i += 1000) await st.append(batch.slice(i, i + 1000));
        await st.applyRetention(T + 2 * HOUR + 6 * MIN);
        assert.equal(st.samples.rollups.watermark, T + 2 * HOUR);
        const all = await st.findSeries('dwcp_test_metric', {}, 10);
        assert.equal(all.length, 4);
        const late = all.find((r) => r.labels.series === '1')!;
        const others = all.filter((r) => r !== late);
        const opts: AggregateOptions = { startMs: T + 30 * MIN, endMs: end - 10 * MIN, stepMs: MIN, agg };
        const hits = (): number => st.resultCache.stats().hitSteps;
        // Each query equals the reference; returns the steps it took from the cache.
        const query = async (refs: readonly SeriesRef[], what: string): Promise<number> => {
          const h = hits();
          const got = await st.queryRange(refs, opts, 20_000);
          assert.deepEqual(got.series, (await reference(st, refs, opts)).series, what);
          return hits() - h;
        };
        await query(all, 'first, all series');
        await query(others, 'first, other series');
        assert.ok((await query(all, 'repeated')) > 60, 'a repeated query is served from the cache');
        // The pass rolling up [2 h, 3 h) writes only buckets at and after the old watermark.
        await st.applyRetention(T + 3 * HOUR + 6 * MIN);
        assert.equal(st.samples.rollups.watermark, T + 3 * HOUR);
        assert.ok((await query(all, 'after the watermark moved')) > 60, 'cached steps kept across the pass');
        // A late sample in hour [1 h, 2 h) of one series; its hour rolled up again on the next pass.
        await st.append([s('dwcp_test_metric', { series: '1' }, 1e6, T + HOUR + 20 * MIN - 1)]);
        await st.applyRetention(T + 3 * HOUR + 7 * MIN);
        await query(all, 'after the late sample, all series');
        assert.ok(
          (await query(others, 'after the late sample, other series')) > 60,
          'results over series the late sample did not touch are kept',
        );
        await st.close();
      },
    );
  }
});
