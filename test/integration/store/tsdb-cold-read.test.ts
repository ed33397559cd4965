/**
 * The cold 24 h range query on SQLite and PostgreSQL (src/store/tsdb/last-buckets.ts, rollup-dense.ts,
 * row-cache.ts): rollup rows read from the database are decoded straight into the query's column and cached
 * compressed, then kept decoded from their second read on, within a budget of decoded bytes per read (or
 * decoded from the blob again on every read, with promotion off or its budget spent). Integer series are stored as packed integers, the others as XOR. Random series over 36 hours of one-minute scrapes
 * (fast-check: integer counters with resets, two-decimal gauges, full-precision floats; series appearing and
 * disappearing mid-day, hours-long gaps, single missed scrapes, stale markers), rolled up, then 24 h queries at
 * 60 s and coarser steps — cold, again (rows promoted or not), and at another step (decoded rows copied) — each equal,
 * value for value, to the downsampler's bucket read + one point per bucket + `aggregateSeries`, which this change
 * does not touch. The cache's state is checked after each: compressed rows after the first read, decoded or
 * still compressed rows after the second, and its byte bound.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Sample } from '../../../src/model/sample.ts';
import { aggregateSeries, type AggregateOptions, type QueryAggregation } from '../../../src/store/query.ts';
import type { SeriesRef } from '../../../src/store/types.ts';
import { readRollupLasts } from '../../../src/store/tsdb/chunk-repo.ts';
import type { OpenedChunkedStore } from '../../../src/store/tsdb/open.ts';
import { bucketStart } from '../../../src/store/tsdb/rollup.ts';
import { chooseResolution } from '../../../src/store/tsdb/stepped-read.ts';
import { chunkedStoreSuites, DAY, HOUR, MIN } from './tsdb-store-suite.ts';
import { rollupReference } from './rollup-reference.ts';

/** Data starts 12 h before a day boundary, so a 24 h range reads two day rows of a series. */
const T = 1_700_000_000_000 - (1_700_000_000_000 % DAY) - 12 * HOUR;
const SPAN_MIN = 36 * 60;

/** Prometheus' stale marker: a NaN with payload 2 (value/value.go `StaleNaN`). */
const STALE_NAN = new Float64Array(new BigUint64Array([0x7ff0000000000002n]).buffer)[0]!;

const seriesArb = fc.record({
  node: fc.constantFrom('a', 'b'),
  kind: fc.constantFrom('counter', 'gauge', 'float'),
  // Minutes of [0, SPAN_MIN) the series is scraped in: it may appear and disappear mid-day.
  from: fc.oneof(
    { weight: 3, arbitrary: fc.constant(0) },
    { weight: 2, arbitrary: fc.nat({ max: SPAN_MIN - 1 }) },
  ),
  len: fc.oneof(
    { weight: 3, arbitrary: fc.constant(SPAN_MIN) },
    { weight: 2, arbitrary: fc.integer({ min: 1, max: SPAN_MIN }) },
  ),
  // Offset of the scrape inside its minute (ms).
  offset: fc.integer({ min: 0, max: MIN - 1 }),
  // Outages (start minute, length in minutes), single missed scrapes, stale markers, counter resets.
  outages: fc.array(fc.tuple(fc.nat({ max: SPAN_MIN }), fc.integer({ min: 1, max: 600 })), { maxLength: 2 }),
  missed: fc.array(fc.nat({ max: SPAN_MIN }), { maxLength: 4 }),
  stale: fc.array(fc.nat({ max: SPAN_MIN }), { maxLength: 3 }),
  resets: fc.array(fc.nat({ max: SPAN_MIN }), { maxLength: 3 }),
  seed: fc.integer({ min: 1, max: 1_000_000 }),
});

/** One generated series. */
type SeriesCase = typeof seriesArb extends fc.Arbitrary<infer V> ? V : never;

const caseArb = fc.record({
  series: fc.array(seriesArb, { minLength: 1, maxLength: 4 }),
  // Query end, in minutes after the data's start (a 24 h range back from it), on the minute or not.
  endMin: fc.integer({ min: 24 * 60, max: SPAN_MIN + 30 }),
  endOffset: fc.constantFrom(0, -1, 17_123),
  agg: fc.constantFrom<QueryAggregation>('avg', 'sum', 'max', 'p95', 'rate'),
  byNode: fc.boolean(),
  // The first read through the point path (a point limit below the range's buckets) instead of the dense one.
  sparseFirst: fc.boolean(),
  otherStep: fc.constantFrom(2 * MIN, 5 * MIN, 17 * MIN),
  // The row cache's promotion: from the second read within the default budget per read, within a budget of one
  // byte (one row kept decoded per read), unbounded, or never.
  promote: fc.constantFrom('default', 'one row per read', 'unbounded', 'never'),
});

/** The samples of one series (one per minute, values by kind; NaN stale markers where asked). */
function samplesOf(s: SeriesCase, i: number): Sample[] {
  const out: Sample[] = [];
  let x = s.seed;
  let counter = s.seed % 1000;
  const labels = { node_id: s.node, series: String(i) };
  for (let m = s.from; m < Math.min(SPAN_MIN, s.from + s.len); m++) {
    if (s.missed.includes(m) || s.outages.some(([a, l]) => m >= a && m < a + l)) continue;
    x = (x * 48271) % 2147483647;
    let value: number;
    if (s.kind === 'counter') {
      counter = s.resets.includes(m) ? 0 : counter + (x % 50);
      value = counter;
    } else if (s.kind === 'gauge') value = Math.round((x % 100_000) - 50_000) / 100;
    else value = x / 2147483647 + (x % 7) * 1e-9;
    if (s.stale.includes(m)) value = STALE_NAN;
    out.push({ name: 'dwcp_test_metric', labels, value, timestampMs: T + m * MIN + s.offset });
  }
  return out;
}

/** The reference answer at the resolution the query chooses (the downsampler's rows, no caches). */
function reference(
  st: OpenedChunkedStore,
  refs: readonly SeriesRef[],
  opts: AggregateOptions,
  max: number,
  nowMs: number,
): Promise<ReturnType<typeof aggregateSeries>> {
  const res = chooseResolution(opts.stepMs, opts.startMs, nowMs, st.samples.options);
  assert.ok(res > 0);
  return rollupReference(st, refs, opts, res, max);
}

chunkedStoreSuites('cold 24 h query decoded straight into its column', (c) => {
  c.test(
    'equals the bucket reference cold, read again and at another step; rows cached compressed, then decoded',
    async () => {
      // Format bytes of the rows read: both value codecs must be exercised (XOR 2, packed integers 5).
      const formats = new Set<number>();
      await fc.assert(
        fc.asyncProperty(caseArb, async (k) => {
          const nowMs = T + SPAN_MIN * MIN + 10 * MIN;
          const st = await c.open({
            retentionMs: 30 * DAY,
            allowNonFinite: true,
            maxRollupHoursPerRun: 24 * 30,
            queryCacheBytes: 64 * 1024 * 1024,
            queryResultCacheBytes: 0,
            now: () => nowMs,
          });
          try {
            const all = k.series
              .flatMap((s, i) => samplesOf(s, i))
              .sort((a, b) => a.timestampMs - b.timestampMs);
            for (let i = 0; i < all.length; i += 4000) await st.append(all.slice(i, i + 4000));
            await st.applyRetention(nowMs);
            const refs = await st.findSeries('dwcp_test_metric', {}, 100);
            const endMs = T + k.endMin * MIN + k.endOffset;
            const opts: AggregateOptions = {
              startMs: endMs - DAY,
              endMs,
              stepMs: MIN,
              agg: k.agg,
              ...(k.byNode ? { by: ['node_id'] } : {}),
            };
            const cache = st.samples.rollups.rowCache;
            if (k.promote === 'never') cache.setPromoteAtRead(Infinity);
            if (k.promote === 'unbounded') cache.setPromoteBytesPerRead(Infinity);
            if (k.promote === 'one row per read') cache.setPromoteBytesPerRead(1);
            // The rows the query reads from the database: those below the watermark in its range.
            const w = st.samples.rollups.watermark ?? -Infinity;
            const from = bucketStart(opts.startMs, MIN);
            const hi = Math.min(endMs, w - 1);
            const rows =
              from < w
                ? await readRollupLasts(
                    st.samples.database,
                    refs.map((r) => r.id),
                    MIN,
                    from,
                    hi,
                    DAY,
                  )
                : [];
            const stored = rows.length;
            for (const r of rows) formats.add(r.last[0]!);
            const check = async (o: AggregateOptions, max: number, what: string): Promise<void> => {
              const got = await st.queryRange(refs, o, max);
              assert.deepEqual(got.series, (await reference(st, refs, o, max, nowMs)).series, what);
            };
            await check(opts, k.sparseFirst ? 100 : 20_000, 'cold');
            const cold = cache.stats();
            assert.equal(cold.compressed, stored, 'every row read from the database is held compressed');
            await check(opts, 20_000, 'read again');
            const again = cache.stats();
            assert.equal(again.misses, cold.misses, 'the second read is served from the cache');
            if (k.promote === 'default' || k.promote === 'unbounded') {
              // Bytes are not compared: a short row's decoded column can be smaller than its blob plus overhead.
              assert.equal(again.compressed, 0, 'a row read a second time is kept decoded');
            } else if (k.promote === 'one row per read') {
              assert.ok(again.compressed >= stored - 1, 'a read keeps no more than its budget decoded');
            } else {
              assert.equal(again.compressed, stored, 'rows stay compressed');
              assert.equal(again.bytes, cold.bytes);
            }
            await check({ ...opts, stepMs: k.otherStep }, 20_000, 'another step');
            assert.ok(cache.stats().bytes <= cache.maxBytes);
          } finally {
            await st.close();
          }
        }),
        { numRuns: Number(process.env.FC_RUNS ?? (c.dialect === 'postgres' ? 12 : 20)) },
      );
      assert.deepEqual([...formats].sort(), [2, 5], 'rows of both last codecs were read');
    },
  );
});
