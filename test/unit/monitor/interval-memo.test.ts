import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  intervalMeans,
  intervalSized,
  joinMeans,
  joinSized,
  type HistogramSeries,
} from '../../../src/monitor/rollout-inputs.ts';
import type { SeriesPoints } from '../../../src/store/types.ts';

const series = (node: string, t: number[], v: number[]): SeriesPoints => ({
  series: { id: 0, key: node, name: 'x', labels: { node } },
  timestampsMs: t,
  values: v,
});

/** Growing columns per node (sum, count, size), handed out as the same arrays while they grow (as bench/rollout-series.ts). */
const tick = fc.array(
  fc.record({
    node: fc.integer({ min: 0, max: 2 }),
    dt: fc.integer({ min: 0, max: 3 }),
    dSum: fc.double({ min: -1, max: 10, noNaN: true }),
    dCount: fc.integer({ min: -1, max: 3 }),
    dSize: fc.integer({ min: -1, max: 5 }),
    skip: fc.constantFrom('none', 'count', 'size'),
  }),
  { maxLength: 12 },
);

test('remembered joins equal a fresh join whenever the series grow in place, and callers cannot change them', () => {
  fc.assert(
    fc.property(fc.array(tick, { minLength: 1, maxLength: 12 }), (rounds) => {
      const cols = [0, 1, 2].map(() => ({
        st: [] as number[],
        sv: [] as number[],
        ct: [] as number[],
        cv: [] as number[],
        zt: [] as number[],
        zv: [] as number[],
        t: 1000,
        s: 0,
        c: 0,
        z: 0,
      }));
      const sum = cols.map((c, i) => series(`n${i}`, c.st, c.sv));
      const count = cols.map((c, i) => series(`n${i}`, c.ct, c.cv));
      const size = cols.map((c, i) => series(`n${i}`, c.zt, c.zv));
      // The same lists on every look: only the arrays inside grow.
      const h: HistogramSeries = { sum, count };
      for (const round of rounds) {
        for (const o of round) {
          const c = cols[o.node]!;
          c.t += o.dt + 1;
          c.s = o.dSum < 0 ? 0 : c.s + o.dSum;
          c.c = o.dCount < 0 ? 0 : c.c + o.dCount;
          c.z = o.dSize < 0 ? 0 : c.z + o.dSize;
          c.st.push(c.t);
          c.sv.push(c.s);
          if (o.skip !== 'count') {
            c.ct.push(c.t);
            c.cv.push(c.c);
          }
          if (o.skip !== 'size') {
            c.zt.push(c.t);
            c.zv.push(c.z);
          }
        }
        for (let k = 0; k < 2; k++) {
          const means = intervalMeans(h);
          assert.deepEqual(means, joinMeans(h));
          assert.deepEqual(intervalSized(h, size), joinSized(h, size));
          // A caller emptying its answer does not empty the next one.
          means.length = 0;
        }
      }
    }),
    { numRuns: 200, seed: 20261207 },
  );
});

test('a join is done once per series lists while they are unchanged', () => {
  const t = [1, 2, 3, 4];
  const sum = [series('a', t, [0, 1, 2, 3])];
  const count = [series('a', t, [0, 1, 2, 3])];
  const first = intervalMeans({ sum, count });
  const again = intervalMeans({ sum, count });
  assert.notEqual(again, first);
  // The same remembered objects, not a second join.
  assert.equal(again[0], first[0]);
  assert.notEqual(intervalMeans({ sum: [...sum], count })[0], first[0]);
});
