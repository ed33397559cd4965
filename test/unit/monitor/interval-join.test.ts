import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { seriesKey, type Labels } from '../../../src/model/sample.ts';
import { strictlyIncreasing } from '../../../src/monitor/interval-join.ts';
import {
  intervalMeans,
  intervalSized,
  type HistogramSeries,
  type IntervalSized,
} from '../../../src/monitor/rollout-inputs.ts';
import type { SeriesPoints } from '../../../src/store/types.ts';

const increase = (prev: number, cur: number): number => (cur >= prev ? cur - prev : cur);

/** The map join the merge replaced (rollout-inputs.ts before it), kept as the reference. */
function mapJoin(
  h: HistogramSeries,
  sizeOf?: (labelsKey: string) => ReadonlyMap<number, number> | undefined,
): {
  tMs: number;
  mean: number;
  sumDelta: number;
  countDelta: number;
  labelsKey: string;
  labels: Labels;
  sizeDelta?: number;
}[] {
  const counts = new Map<string, SeriesPoints>();
  for (const c of h.count) counts.set(seriesKey('', c.series.labels), c);
  const out: ReturnType<typeof mapJoin> = [];
  for (const s of h.sum) {
    const key = seriesKey('', s.series.labels);
    const c = counts.get(key);
    if (!c) continue;
    const sizeAt = sizeOf?.(key);
    if (sizeOf && !sizeAt) continue;
    const countAt = new Map<number, number>();
    c.timestampsMs.forEach((t, i) => countAt.set(t, c.values[i]!));
    let prev: { sum: number; count: number; size: number } | null = null;
    for (let i = 0; i < s.timestampsMs.length; i++) {
      const t = s.timestampsMs[i]!;
      const sum = s.values[i]!;
      const count = countAt.get(t);
      const size = sizeAt ? sizeAt.get(t) : 0;
      if (count === undefined || size === undefined || !Number.isFinite(sum) || !Number.isFinite(count))
        continue;
      if (prev !== null) {
        const ds = count >= prev.count && sum >= prev.sum ? sum - prev.sum : sum;
        const dc = increase(prev.count, count);
        const m = {
          tMs: t,
          mean: ds / dc,
          sumDelta: ds,
          countDelta: dc,
          labelsKey: key,
          labels: s.series.labels,
        };
        if (dc > 0) out.push(sizeAt ? { ...m, sizeDelta: increase(prev.size, size) } : m);
      }
      prev = { sum, count, size };
    }
  }
  return out;
}

function mapSized(h: HistogramSeries, size: readonly SeriesPoints[]): IntervalSized[] {
  const sizes = new Map<string, Map<number, number>>();
  for (const c of size) {
    const at = new Map<number, number>();
    c.timestampsMs.forEach((t, i) => Number.isFinite(c.values[i]!) && at.set(t, c.values[i]!));
    sizes.set(seriesKey('', c.series.labels), at);
  }
  const out: IntervalSized[] = [];
  for (const m of mapJoin(h, (key) => sizes.get(key)))
    if (m.sizeDelta !== undefined && m.sizeDelta > 0) out.push({ ...m, sizeDelta: m.sizeDelta });
  return out;
}

let id = 1;
const value = fc.oneof(
  { weight: 12, arbitrary: fc.integer({ min: 0, max: 4 }) },
  { weight: 1, arbitrary: fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -1) },
);
/** One column of a series: which of the shared timestamps it has, and its increments (resets where lower). */
const column = fc.record({
  keep: fc.array(fc.boolean(), { minLength: 25, maxLength: 25 }),
  incs: fc.array(value, { minLength: 25, maxLength: 25 }),
  disorder: fc.constantFrom('none', 'none', 'none', 'none', 'reverse', 'nan-ts', 'swap'),
});
/**
 * A histogram's `_sum`, `_count` and a size counter over a few label sets sharing timestamps, as stored (ordered),
 * sometimes with points missing on one side, duplicated, unordered or non-finite.
 */
const histogram = fc.array(
  fc.record({
    node: fc.constantFrom('a', 'b', 'c'),
    steps: fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 25 }),
    sum: column,
    count: column,
    size: column,
  }),
  { maxLength: 4 },
);

function build(
  name: string,
  node: string,
  steps: readonly number[],
  col: { keep: boolean[]; incs: number[]; disorder: string },
): SeriesPoints {
  let t = 0;
  let acc = 0;
  const ts: number[] = [];
  const vs: number[] = [];
  steps.forEach((d, i) => {
    t += d; // a step of 0 repeats the timestamp
    const v = col.incs[i]!;
    acc = Number.isFinite(v) && v >= 0 && i % 9 !== 8 ? acc + v : v; // every 9th a reset to the raw value
    if (col.keep[i] || i % 3 === 0) {
      ts.push(t * 1000);
      vs.push(acc);
    }
  });
  if (col.disorder === 'reverse') ts.reverse();
  if (col.disorder === 'nan-ts' && ts.length > 0) ts[ts.length - 1] = Number.NaN;
  if (col.disorder === 'swap' && ts.length > 2) [ts[0], ts[1]] = [ts[1]!, ts[0]!];
  const labels = { node };
  return { series: { id: id++, key: seriesKey(name, labels), name, labels }, timestampsMs: ts, values: vs };
}

const parts = (rows: typeof histogram extends fc.Arbitrary<infer R> ? R : never) => ({
  sum: rows.map((r) => build('h_sum', r.node, r.steps, r.sum)),
  count: rows.map((r) => build('h_count', r.node, r.steps, r.count)),
  size: rows.map((r) => build('size_total', r.node, r.steps, r.size)),
});

test('interval means by the merge equal the map join on random stored and unordered series', () => {
  let nonEmpty = 0;
  fc.assert(
    fc.property(histogram, (rows) => {
      const { sum, count } = parts(rows);
      const got = intervalMeans({ sum, count });
      if (got.length > 0) nonEmpty++;
      assert.deepEqual(got, mapJoin({ sum, count }));
    }),
    { numRuns: 400 },
  );
  assert.ok(nonEmpty > 100, `${nonEmpty} of 400 runs gave means`);
});

test('sized interval means by the merge equal the map join on random series', () => {
  let nonEmpty = 0;
  fc.assert(
    fc.property(histogram, (rows) => {
      const { sum, count, size } = parts(rows);
      const got = intervalSized({ sum, count }, size);
      if (got.length > 0) nonEmpty++;
      assert.deepEqual(got, mapSized({ sum, count }, size));
    }),
    { numRuns: 400 },
  );
  assert.ok(nonEmpty > 100, `${nonEmpty} of 400 runs gave sized means`);
});

test('only strictly increasing timestamps without NaN count as ordered', () => {
  assert.equal(strictlyIncreasing([]), true);
  assert.equal(strictlyIncreasing([1, 2, 5]), true);
  assert.equal(strictlyIncreasing([1, 1]), false);
  assert.equal(strictlyIncreasing([2, 1]), false);
  assert.equal(strictlyIncreasing([Number.NaN]), false);
});
