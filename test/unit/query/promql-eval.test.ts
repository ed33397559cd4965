import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { evaluate, type EvalResult } from '../../../src/query/promql/evaluate.ts';
import { toMatrix } from '../../../src/query/promql/format.ts';
import { at, counter, readerOf, vec } from '../../helpers/promql.ts';
import { parsePromQL } from '../../../src/query/promql/parse.ts';
import { PromQueryError } from '../../../src/query/promql/errors.ts';

const C = { __name__: 'c_total', job: 'j' };

describe('PromQL evaluation', () => {
  it('rate/increase of a steady counter extrapolate to the window (1 /s, 60 over 60 s)', async () => {
    const s = [
      counter(C, [
        [10, 10],
        [20, 20],
        [30, 30],
        [40, 40],
        [50, 50],
      ]),
    ];
    assert.deepEqual(vec(await at('rate(c_total[60s])', s, 60)), [[{ job: 'j' }, 1]]);
    assert.deepEqual(vec(await at('increase(c_total[60s])', s, 60)), [[{ job: 'j' }, 60]]);
  });

  it('corrects a counter reset (increase 25 sampled over 30 s → 33.33 over 40 s)', async () => {
    const s = [
      counter(C, [
        [10, 10],
        [20, 20],
        [30, 5],
        [40, 15],
      ]),
    ];
    const inc = vec(await at('increase(c_total[40s])', s, 40))[0]?.[1];
    assert.ok(Math.abs(inc! - (25 * 40) / 30) < 1e-9, String(inc));
    const rate = vec(await at('rate(c_total[40s])', s, 40))[0]?.[1];
    assert.ok(Math.abs(rate! - (25 * 40) / 30 / 40) < 1e-9, String(rate));
  });

  it('extrapolates by half an interval past a far edge, and not below zero', async () => {
    // 100 → 110 at 30 s and 40 s in [0, 60]: 10 over 10 s, +5 s at each far edge → 20.
    const far = [
      counter(C, [
        [30, 100],
        [40, 110],
      ]),
    ];
    assert.deepEqual(vec(await at('increase(c_total[60s])', far, 60)), [[{ job: 'j' }, 20]]);
    // 1 → 11 at 30 s and 40 s in [0, 40]: the counter was 0 one second before 30 s → 10 × 11/10 = 11.
    const zero = [
      counter(C, [
        [30, 1],
        [40, 11],
      ]),
    ];
    const v = vec(await at('increase(c_total[40s])', zero, 40))[0]?.[1];
    assert.ok(Math.abs(v! - 11) < 1e-9, String(v));
  });

  it('irate takes the last two samples (after a reset, the last value)', async () => {
    assert.deepEqual(
      vec(
        await at(
          'irate(c_total[1m])',
          [
            counter(C, [
              [20, 1],
              [30, 5],
              [40, 15],
            ]),
          ],
          40,
        ),
      ),
      [[{ job: 'j' }, 1]],
    );
    assert.deepEqual(
      vec(
        await at(
          'irate(c_total[1m])',
          [
            counter(C, [
              [30, 20],
              [40, 5],
            ]),
          ],
          40,
        ),
      ),
      [[{ job: 'j' }, 0.5]],
    );
    assert.deepEqual(vec(await at('rate(c_total[1m])', [counter(C, [[40, 5]])], 40)), []);
  });

  it('*_over_time functions over [t − range, t]; last_over_time keeps the metric name', async () => {
    const g = [
      counter({ __name__: 'g', n: '1' }, [
        [0, 9],
        [10, 3],
        [20, 6],
        [30, 1],
        [40, 4],
      ]),
    ];
    const one = async (q: string) => vec(await at(q, g, 40))[0]![1];
    // window [10, 40] holds 3, 6, 1, 4
    assert.equal(await one('avg_over_time(g[30s])'), 3.5);
    assert.equal(await one('min_over_time(g[30s])'), 1);
    assert.equal(await one('max_over_time(g[30s])'), 6);
    assert.equal(await one('sum_over_time(g[30s])'), 14);
    assert.equal(await one('count_over_time(g[30s])'), 4);
    assert.deepEqual(vec(await at('last_over_time(g[30s])', g, 40)), [[{ __name__: 'g', n: '1' }, 4]]);
    assert.deepEqual(vec(await at('sum_over_time(g[30s])', g, 40))[0]![0], { n: '1' });
  });

  it('an instant selector sees the latest sample within 5 minutes, inclusive', async () => {
    const g = [
      counter({ __name__: 'g' }, [
        [0, 7],
        [1, 8],
      ]),
    ];
    assert.deepEqual(vec(await at('g', g, 301)), [[{ __name__: 'g' }, 8]]);
    assert.deepEqual(vec(await at('g', g, 301.001)), []);
  });

  const three = [
    counter({ __name__: 'a', j: 'x', i: '1' }, [[0, 1]]),
    counter({ __name__: 'a', j: 'x', i: '2' }, [[0, 2]]),
    counter({ __name__: 'a', j: 'y', i: '3' }, [[0, 4]]),
  ];

  it('aggregates with by / without', async () => {
    assert.deepEqual(vec(await at('sum by (j) (a)', three, 10)), [
      [{ j: 'x' }, 3],
      [{ j: 'y' }, 4],
    ]);
    assert.deepEqual(vec(await at('avg without (i) (a)', three, 10)), [
      [{ j: 'x' }, 1.5],
      [{ j: 'y' }, 4],
    ]);
    assert.deepEqual(vec(await at('count(a)', three, 10)), [[{}, 3]]);
    assert.deepEqual(vec(await at('min(a)', three, 10)), [[{}, 1]]);
    assert.deepEqual(vec(await at('max by (i) (a)', three, 10)).length, 3);
  });

  it('matchers =, !=, =~ (anchored), !~', async () => {
    const ids = async (q: string) => vec(await at(q, three, 10)).map(([m]) => m['i']);
    assert.deepEqual(await ids('a{j="x"}'), ['1', '2']);
    assert.deepEqual(await ids('a{j!="x"}'), ['3']);
    assert.deepEqual(await ids('a{i=~"1|3"}'), ['1', '3']);
    assert.deepEqual(await ids('a{i=~"1."}'), []);
    assert.deepEqual(await ids('a{i=~""}'), []);
    assert.deepEqual(await ids('a{j=~"x|z"}'), ['1', '2']);
    assert.deepEqual(await ids('a{i!~"[12]"}'), ['3']);
    assert.deepEqual(await ids('a{k=""}'), ['1', '2', '3']);
    assert.deepEqual(await ids('{__name__="a",i="2"}'), ['2']);
  });

  it('arithmetic between a vector and a scalar drops the name; scalars stay scalars', async () => {
    assert.deepEqual(vec(await at('a{i="3"} * 2 + 1', three, 10)), [[{ j: 'y', i: '3' }, 9]]);
    assert.deepEqual(vec(await at('10 - a{i="3"}', three, 10)), [[{ j: 'y', i: '3' }, 6]]);
    assert.deepEqual(vec(await at('-a{i="3"} ^ 2', three, 10)), [[{ j: 'y', i: '3' }, -16]]);
    assert.deepEqual(await at('1 + 2 * 3', [], 10), { resultType: 'scalar', result: [10, '7'] });
    assert.deepEqual(await at('1 / 0', [], 10), { resultType: 'scalar', result: [10, '+Inf'] });
  });

  it('refuses more series than the limit with an execution error', async () => {
    await assert.rejects(
      at('a', three, 10, 2),
      (e: unknown) => e instanceof PromQueryError && e.errorType === 'execution',
    );
  });

  it('a range evaluation gives one value per step with a value', async () => {
    const g = [
      counter({ __name__: 'g' }, [
        [0, 1],
        [20, 2],
      ]),
    ];
    const r: EvalResult = await evaluate(parsePromQL('g'), readerOf(g), {
      startMs: 0,
      endMs: 40_000,
      stepMs: 10_000,
      lookbackMs: 15_000,
      maxSeries: 10,
    });
    assert.deepEqual(toMatrix(r, [0, 10_000, 20_000, 30_000, 40_000]).result, [
      {
        metric: { __name__: 'g' },
        values: [
          [0, '1'],
          [10, '1'],
          [20, '2'],
          [30, '2'],
        ],
      },
    ]);
  });

  it('property: sum of a selection equals the sum of its series', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 1, maxLength: 20 }),
        async (vals) => {
          const series = vals.map((v, k) => counter({ __name__: 'p', k: String(k) }, [[0, v]]));
          const r = vec(await at('sum(p)', series, 1));
          assert.equal(
            r[0]![1],
            vals.reduce((a, b) => a + b, 0),
          );
          const byK = vec(await at('sum by (k) (p)', series, 1));
          assert.equal(byK.length, vals.length);
        },
      ),
      { numRuns: 100 },
    );
  });
});
