/**
 * The chunked store's range queries decoded straight into the step grid (`queryRange`, and `readForStep` at
 * rollup resolutions) against the reference they replace: the downsampler's bucket read (`rollups.read`),
 * one point per bucket (`bucketPoints`) and `aggregateSeries` over those points. Random series (gaps, NaN,
 * out-of-order samples, a checkpoint copy next to the open chunk), random watermarks (some buckets from
 * rollups, the newest from raw samples), random ranges, steps, aggregations, grouping and point limits
 * (fast-check); results must be identical, value for value. Also the merge of overlapping raw pieces against
 * the stable sort it replaces.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import type { MetricQuery } from '../../../src/contract/dashboard-spec.ts';
import { evaluateMetricQuery } from '../../../src/dashboards/metric-query.ts';
import type { Sample } from '../../../src/model/sample.ts';
import { aggregateSeries, type QueryAggregation } from '../../../src/store/query.ts';
import type { SeriesPoints } from '../../../src/store/types.ts';
import type { DecodedSamples } from '../../../src/store/tsdb/codec/chunk.ts';
import { mergePieces } from '../../../src/store/tsdb/merge.ts';
import { openChunkedSqliteStore, type OpenedChunkedStore } from '../../../src/store/tsdb/open.ts';
import { bucketPoints, chooseResolution } from '../../../src/store/tsdb/stepped-read.ts';

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const T0 = 1_700_000_000_000 - (1_700_000_000_000 % DAY);
const AGGS: QueryAggregation[] = ['avg', 'sum', 'min', 'max', 'p50', 'p95', 'p99', 'rate'];

/** The stepped read as it was before decoding into the step grid: bucket objects, then points. */
async function referencePoints(
  st: OpenedChunkedStore,
  refs: readonly SeriesPoints['series'][],
  startMs: number,
  endMs: number,
  stepMs: number,
  max: number,
  nowMs: number,
): Promise<SeriesPoints[]> {
  const res = chooseResolution(stepMs, startMs, nowMs, st.samples.options);
  if (res === 0) return st.samples.readPoints(refs, startMs, endMs, max);
  const buckets = await st.samples.rollups.read(
    refs.map((r) => r.id),
    res,
    startMs,
    endMs,
    false,
  );
  return refs.map((r) => {
    const b = buckets.get(r.id)!;
    return { series: r, ...bucketPoints(b.timestampsMs, b.last, res, max) };
  });
}

const seriesArb = fc.record({
  node: fc.constantFrom('a', 'b', 'c'),
  // Gaps between samples: scrapes at 1-15 s, minutes, and outages of hours.
  gaps: fc.array(
    fc.oneof(
      fc.integer({ min: 1000, max: 15_000 }),
      fc.integer({ min: 30_000, max: 20 * MIN }),
      fc.integer({ min: HOUR, max: 9 * HOUR }),
    ),
    { minLength: 1, maxLength: 120 },
  ),
  values: fc.array(
    fc.oneof(
      { weight: 8, arbitrary: fc.double({ min: -1e6, max: 1e6, noNaN: true }) },
      { weight: 1, arbitrary: fc.constant(Number.NaN) },
    ),
    { minLength: 1, maxLength: 120 },
  ),
  lateEvery: fc.integer({ min: 0, max: 7 }),
});

// Regular scrapes over a few hours: ranges of many steps below the watermark (what the result cache keeps).
const denseSeriesArb = fc.record({
  node: fc.constantFrom('a', 'b', 'c'),
  gaps: fc.array(fc.integer({ min: 5000, max: 90_000 }), { minLength: 20, maxLength: 120 }),
  values: fc.array(
    fc.oneof(
      { weight: 8, arbitrary: fc.double({ min: -1e6, max: 1e6, noNaN: true }) },
      { weight: 1, arbitrary: fc.constant(Number.NaN) },
    ),
    { minLength: 1, maxLength: 120 },
  ),
  lateEvery: fc.integer({ min: 0, max: 7 }),
});

const caseArb = fc.record({
  series: fc.oneof(
    fc.array(seriesArb, { minLength: 1, maxLength: 5 }),
    fc.array(denseSeriesArb, { minLength: 1, maxLength: 5 }),
  ),
  rollUpAtFrac: fc.double({ min: 0, max: 1.2, noNaN: true }),
  checkpoint: fc.boolean(),
  startFrac: fc.double({ min: -0.1, max: 1, noNaN: true }),
  // Query starts on a minute, 1 ms before one (steps then fall on bucket points' last millisecond), or anywhere.
  align: fc.constantFrom('minute', 'minute-1', 'any'),
  lenFrac: fc.double({ min: 0, max: 1.2, noNaN: true }),
  stepMs: fc.constantFrom(MIN, 2 * MIN, 5 * MIN, 17 * MIN, HOUR, 2 * HOUR),
  agg: fc.constantFrom(...AGGS),
  byNode: fc.boolean(),
  max: fc.constantFrom(1, 3, 40, 20_000),
  // The decoded-row cache: off, so small that a query's rows do not fit (part served uncached), roomy.
  cacheBytes: fc.constantFrom(0, 1500, 6000, 64 * 1024 * 1024),
  // The result cache: off, smaller than one answer (never kept), roomy.
  resultCacheBytes: fc.constantFrom(0, 600, 16 * 1024 * 1024),
  // A second query with the range moved by this many steps (a dashboard refresh), served partly from the result cache.
  shiftSteps: fc.integer({ min: -3, max: 6 }),
  // Queries before the late samples land (they fill the cache that the late samples' rollups must update).
  queryBefore: fc.oneof(
    { weight: 3, arbitrary: fc.constant(true) },
    { weight: 1, arbitrary: fc.constant(false) },
  ),
  // A second rollup after the late samples (dirty hours recomputed, the watermark moved on by this fraction).
  // Late samples shortly before the end of their series (in the newest, not rolled-up hour, where queries
  // read head tails), stored after the first queries.
  lateNearEnd: fc.array(
    fc.record({
      series: fc.nat(4),
      backMs: fc.integer({ min: 1, max: 40 * MIN }),
      value: fc.double({ min: -1e6, max: 1e6, noNaN: true }),
    }),
    { maxLength: 6 },
  ),
  rollUpAgainFrac: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { freq: 4 }),
});

describe('chunked range queries decoded into the step grid', () => {
  const root = mkdtempSync(join(tmpdir(), 'dwcp-tsdb-range-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  let n = 0;

  it('queryRange and readForStep equal the bucket-object reference (random series, gaps, watermarks, steps)', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        const dir = join(root, `c${n++}`);
        // Build the samples: per series timestamps from the gaps; every `lateEvery`-th sample held back and
        // appended after the rest (out of order).
        const batches: Sample[][] = [];
        const late: Sample[] = [];
        let endData = T0;
        const ends: number[] = [];
        c.series.forEach((s, i) => {
          let t = T0 + i * 7;
          s.gaps.forEach((g, k) => {
            t += g;
            const sample: Sample = {
              name: 'dwcp_test_metric',
              labels: { node_id: s.node, series: String(i) },
              value: s.values[k % s.values.length]!,
              timestampMs: t,
            };
            if (s.lateEvery > 1 && k % s.lateEvery === 1) late.push(sample);
            else (batches[k] ??= []).push(sample);
          });
          endData = Math.max(endData, t);
          ends.push(t);
        });
        for (const l of c.lateNearEnd) {
          const i = l.series % c.series.length;
          late.push({
            name: 'dwcp_test_metric',
            labels: { node_id: c.series[i]!.node, series: String(i) },
            value: l.value,
            timestampMs: ends[i]! - l.backMs,
          });
        }
        const span = endData - T0;
        const nowMs = endData + 10 * MIN;
        const st = await openChunkedSqliteStore({
          path: join(dir, 'c.db'),
          walDir: join(dir, 'wal'),
          retentionMs: 30 * DAY,
          allowNonFinite: true,
          maxSamplesPerChunk: 16,
          maxRollupHoursPerRun: 24 * 30,
          queryCacheBytes: c.cacheBytes,
          queryResultCacheBytes: c.resultCacheBytes,
          now: () => nowMs,
        });
        try {
          for (const b of batches) if (b) await st.append(b);
          await st.applyRetention(T0 + c.rollUpAtFrac * span);
          const refs = await st.findSeries('dwcp_test_metric', {}, 100);
          const at = Math.floor(T0 + c.startFrac * span);
          const startMs =
            c.align === 'any' ? at : Math.floor(at / MIN) * MIN - (c.align === 'minute-1' ? 1 : 0);
          const endMs = Math.floor(startMs + Math.max(c.stepMs, c.lenFrac * span));
          const opts = {
            startMs,
            endMs,
            stepMs: c.stepMs,
            agg: c.agg,
            ...(c.byNode ? { by: ['node_id'] } : {}),
          };
          // The answers equal the uncached reference (read from the database) at every point: cold, warm, and
          // after late samples were stored and their hours rolled up again (cached rows rewritten).
          const check = async (): Promise<void> => {
            const ref = await referencePoints(st, refs, startMs, endMs, c.stepMs, c.max, nowMs);
            const stepped = await st.readForStep(refs, startMs, endMs, c.stepMs, c.max);
            assert.deepEqual(stepped.points, ref);
            const got = await st.queryRange(refs, opts, c.max);
            assert.deepEqual(got.series, aggregateSeries(ref, opts).series);
            assert.equal(
              got.truncated,
              ref.some((p) => p.timestampsMs.length >= c.max),
            );
            // The same query with its range moved (the steps' grid kept): cached steps reused where valid.
            const moved = {
              ...opts,
              startMs: startMs + c.shiftSteps * c.stepMs,
              endMs: endMs + c.shiftSteps * c.stepMs,
            };
            const mref = await referencePoints(st, refs, moved.startMs, moved.endMs, c.stepMs, c.max, nowMs);
            const mgot = await st.queryRange(refs, moved, c.max);
            assert.deepEqual(mgot.series, aggregateSeries(mref, moved).series);
          };
          if (c.queryBefore) await check();
          await st.append(late);
          if (c.checkpoint) await st.checkpoint();
          if (c.rollUpAgainFrac !== null)
            await st.applyRetention(T0 + (c.rollUpAtFrac + c.rollUpAgainFrac) * span);
          await check();
          await check();
          const cs = st.samples.rollups.rowCache.stats();
          assert.ok(cs.bytes <= cs.maxBytes, `cache holds ${cs.bytes} B over its bound ${cs.maxBytes}`);
          const rs = st.resultCache.stats();
          assert.ok(
            rs.bytes <= rs.maxBytes,
            `result cache holds ${rs.bytes} B over its bound ${rs.maxBytes}`,
          );
        } finally {
          await st.close();
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: Number(process.env.FC_RUNS ?? 40) },
    );
  });

  it('reads every raw sample once when the open chunk has a checkpoint copy in the database (the copy is skipped)', async () => {
    const dir = join(root, 'copy');
    const st = await openChunkedSqliteStore({
      path: join(dir, 'c.db'),
      walDir: join(dir, 'wal'),
      retentionMs: 30 * DAY,
      maxSamplesPerChunk: 10,
    });
    try {
      const want: { t: number; v: number }[] = [];
      const put = async (from: number, to: number): Promise<void> => {
        for (let k = from; k < to; k++) {
          const t = T0 + k * 1000;
          want.push({ t, v: k * 1.5 });
          await st.append([
            { name: 'dwcp_test_metric', labels: { node_id: 'a' }, value: k * 1.5, timestampMs: t },
          ]);
        }
      };
      await put(0, 25); // two cut chunks of 10 written, 5 in the open chunk
      await st.checkpoint(); // the open chunk's copy (5 samples) written as a row
      await put(25, 28); // the open chunk grows past its copy
      const [ref] = await st.findSeries('dwcp_test_metric', {}, 10);
      const [p] = await st.readPoints([ref!], T0 - 1, T0 + 60_000, 1000);
      assert.deepEqual(
        p!.timestampsMs,
        want.map((x) => x.t),
      );
      assert.deepEqual(
        p!.values,
        want.map((x) => x.v),
      );
      await st.checkpoint();
      await put(28, 29);
      const [q] = await st.readPoints([ref!], T0 + 3000, T0 + 26_000, 1000);
      assert.deepEqual(
        q!.timestampsMs,
        want.filter((x) => x.t >= T0 + 3000 && x.t <= T0 + 26_000).map((x) => x.t),
      );
    } finally {
      await st.close();
    }
  });

  it('dashboard widget queries read through queryRange with the same answer as points + aggregateSeries', async () => {
    const dir = join(root, 'dash');
    const nowMs = T0 + 3 * HOUR;
    const st = await openChunkedSqliteStore({
      path: join(dir, 'c.db'),
      walDir: join(dir, 'wal'),
      retentionMs: 30 * DAY,
      now: () => nowMs,
    });
    try {
      for (let t = T0; t < nowMs; t += 10_000) {
        await st.append(
          [1, 2, 3].map((n) => ({
            name: 'dwcp_amst_streams_active',
            labels: { node_id: `n${n}`, region: n < 3 ? 'eu' : 'us' },
            value: n * 1000 + Math.sin(t / 1e6),
            timestampMs: t,
          })),
        );
      }
      await st.applyRetention(T0 + 2 * HOUR + 10 * MIN);
      const pointsOnly = {
        findSeries: st.findSeries.bind(st),
        readPoints: st.readPoints.bind(st),
        readForStep: st.readForStep.bind(st),
      };
      const limits = { seriesMax: 100, rawPointsPerSeries: 20_000, targetPoints: 500 };
      for (const [agg, by] of [
        ['avg', []],
        ['p95', ['region']],
        ['rate', ['node_id']],
      ] as const) {
        const q = {
          kind: 'metric',
          refId: 'A',
          metric: 'dwcp_amst_streams_active',
          match: {},
          agg,
          by: [...by],
        } as unknown as MetricQuery;
        const w = { startMs: T0 + 7 * MIN, endMs: nowMs, stepMs: 2 * MIN };
        const got = await evaluateMetricQuery(q, { equal: {}, anyOf: {} }, w, { samples: st }, limits);
        const want = await evaluateMetricQuery(
          q,
          { equal: {}, anyOf: {} },
          w,
          { samples: pointsOnly },
          limits,
        );
        assert.ok(got.series.length > 0);
        assert.deepEqual(got, want);
      }
    } finally {
      await st.close();
    }
  });

  it('merges overlapping raw pieces as the stable sort by timestamp did (first piece wins a tie)', () => {
    const piece = fc
      .array(fc.tuple(fc.integer({ min: 0, max: 60 }), fc.double({ noNaN: true })), { maxLength: 30 })
      .map((xs): DecodedSamples => {
        // A chunk holds strictly increasing timestamps.
        const sorted = [...xs]
          .sort((a, b) => a[0] - b[0])
          .filter((x, i, arr) => i === 0 || arr[i - 1]![0] !== x[0]);
        return {
          timestampsMs: Float64Array.from(sorted.map((x) => x[0])),
          values: Float64Array.from(sorted.map((x) => x[1])),
        };
      });
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 5 }),
        fc.integer({ min: -5, max: 30 }),
        fc.integer({ min: 20, max: 70 }),
        fc.integer({ min: 1, max: 100 }),
        (pieces, from, to, max) => {
          const all: { t: number; v: number; order: number }[] = [];
          let order = 0;
          for (const p of pieces)
            for (let i = 0; i < p.timestampsMs.length; i++)
              all.push({ t: p.timestampsMs[i]!, v: p.values[i]!, order: order++ });
          all.sort((a, b) => a.t - b.t || a.order - b.order);
          const kept = all
            .filter((e, i) => i === 0 || all[i - 1]!.t !== e.t)
            .filter((e) => e.t >= from && e.t <= to);
          const want = kept.slice(Math.max(0, kept.length - max));
          const got = mergePieces(pieces, from, to, max);
          assert.deepEqual(got, { timestampsMs: want.map((e) => e.t), values: want.map((e) => e.v) });
        },
      ),
      { numRuns: 500 },
    );
  });
});
