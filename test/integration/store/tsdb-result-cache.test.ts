/**
 * The chunks layout's range-query result cache (src/store/tsdb/result-cache.ts, range-query.ts): repeated and
 * moved queries (a dashboard refresh) over regularly scraped series must give exactly the answer of the bucket
 * read + `aggregateSeries` reference, before and after late samples, re-rollups, and a moving watermark; the
 * cache must serve steps (it is exercised) and stay within its byte bound.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import type { Sample } from '../../../src/model/sample.ts';
import { aggregateSeries, type QueryAggregation } from '../../../src/store/query.ts';
import type { SeriesRef } from '../../../src/store/types.ts';
import { openChunkedSqliteStore, type OpenedChunkedStore } from '../../../src/store/tsdb/open.ts';
import { rollupReference } from './rollup-reference.ts';

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const T0 = 1_700_000_000_000 - (1_700_000_000_000 % DAY);
const AGGS: QueryAggregation[] = ['avg', 'sum', 'min', 'max', 'p50', 'p95', 'p99', 'rate'];

/** The uncached reference: hourly rows for hour steps, minute rows otherwise. */
function reference(
  st: OpenedChunkedStore,
  refs: readonly SeriesRef[],
  opts: Parameters<typeof aggregateSeries>[1],
): Promise<ReturnType<typeof aggregateSeries>> {
  return rollupReference(st, refs, opts, opts.stepMs >= HOUR ? HOUR : MIN);
}

const caseArb = fc.record({
  series: fc.array(
    fc.record({
      node: fc.constantFrom('a', 'b', 'c'),
      scrapeMs: fc.integer({ min: 5000, max: 40_000 }),
      nanEvery: fc.integer({ min: 0, max: 9 }),
      seed: fc.integer({ min: 1, max: 1000 }),
    }),
    { minLength: 1, maxLength: 4 },
  ),
  hours: fc.integer({ min: 2, max: 6 }),
  rollUpHours: fc.integer({ min: 1, max: 6 }),
  stepMs: fc.constantFrom(MIN, 2 * MIN, 3 * MIN, 5 * MIN),
  startFrac: fc.double({ min: 0, max: 0.6, noNaN: true }),
  lenFrac: fc.double({ min: 0.2, max: 1, noNaN: true }),
  startOffsetMs: fc.constantFrom(0, -1, 17_000),
  agg: fc.constantFrom(...AGGS),
  byNode: fc.boolean(),
  moves: fc.array(fc.integer({ min: -2, max: 8 }), { minLength: 1, maxLength: 4 }),
  late: fc.array(fc.record({ series: fc.nat(3), atFrac: fc.double({ min: 0, max: 1, noNaN: true }) }), {
    maxLength: 6,
  }),
  rollUpAgain: fc.boolean(),
  resultCacheBytes: fc.constantFrom(700, 16 * 1024 * 1024),
});

describe('range-query result cache (chunks layout)', () => {
  const root = mkdtempSync(join(tmpdir(), 'dwcp-tsdb-result-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  let n = 0;
  let served = 0;

  it('repeated and moved queries equal the uncached reference (random series, watermarks, steps, late samples)', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        const dir = join(root, `c${n++}`);
        const end = T0 + c.hours * HOUR;
        const nowMs = end + 10 * MIN;
        const st = await openChunkedSqliteStore({
          path: join(dir, 'c.db'),
          walDir: join(dir, 'wal'),
          retentionMs: 30 * DAY,
          maxSamplesPerChunk: 64,
          queryResultCacheBytes: c.resultCacheBytes,
          now: () => nowMs,
        });
        try {
          const value = (i: number, k: number): number => {
            const s = c.series[i]!;
            return s.nanEvery > 0 && k % s.nanEvery === 0 ? Number.NaN : ((k * s.seed) % 997) / 7 - i;
          };
          const batch: Sample[] = [];
          c.series.forEach((s, i) => {
            for (let t = T0 + i * 13, k = 0; t < end; t += s.scrapeMs, k++)
              batch.push({
                name: 'dwcp_test_metric',
                labels: { node_id: s.node, series: String(i) },
                value: value(i, k),
                timestampMs: t,
              });
          });
          batch.sort((x, y) => x.timestampMs - y.timestampMs);
          for (let i = 0; i < batch.length; i += 500) await st.append(batch.slice(i, i + 500));
          await st.applyRetention(T0 + Math.min(c.rollUpHours, c.hours) * HOUR + 6 * MIN);
          const refs = await st.findSeries('dwcp_test_metric', {}, 100);
          const span = end - T0;
          const start = Math.floor((T0 + c.startFrac * span) / MIN) * MIN + c.startOffsetMs;
          const len = Math.max(c.stepMs, Math.floor(c.lenFrac * span));
          const base = {
            stepMs: c.stepMs,
            agg: c.agg,
            ...(c.byNode ? { by: ['node_id'] } : {}),
          };
          const check = async (shift: number): Promise<void> => {
            const opts = {
              ...base,
              startMs: start + shift * c.stepMs,
              endMs: start + len + shift * c.stepMs,
            };
            const got = await st.queryRange(refs, opts, 20_000);
            const want = await reference(st, refs, opts);
            try {
              assert.deepEqual(got.series, want.series);
            } catch (e) {
              console.log(
                'MISMATCH',
                JSON.stringify(opts),
                JSON.stringify(got.series).slice(0, 600),
                'WANT',
                JSON.stringify(want.series).slice(0, 600),
              );
              throw e;
            }
            assert.equal(got.truncated, false);
          };
          await check(0);
          await check(0);
          for (const m of c.moves) await check(m);
          // Late samples, below the watermark (their hours rolled up again when rollUpAgain, which also moves the
          // watermark) and in the newest, not rolled-up hours.
          for (const l of c.late) {
            const i = l.series % c.series.length;
            await st.append([
              {
                name: 'dwcp_test_metric',
                labels: { node_id: c.series[i]!.node, series: String(i) },
                value: 12345 + i,
                // The last millisecond of the minute a step of the first query reads: the bucket's new last.
                timestampMs: Math.min(
                  end - 1,
                  Math.floor((start + Math.floor(l.atFrac * (len / c.stepMs)) * c.stepMs + 1) / MIN) * MIN -
                    1,
                ),
              },
            ]);
          }
          if (c.rollUpAgain) await st.applyRetention(nowMs);
          for (const m of [0, ...c.moves]) await check(m);
          const rs = st.resultCache.stats();
          served += rs.hitSteps;
          assert.ok(
            rs.bytes <= rs.maxBytes,
            `result cache holds ${rs.bytes} B over its bound ${rs.maxBytes}`,
          );
        } finally {
          await st.close();
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: Number(process.env.FC_RUNS ?? 60) },
    );
    assert.ok(served > 0, 'the result cache served no step: the property did not exercise it');
  });
});
