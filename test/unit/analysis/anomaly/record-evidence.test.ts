import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';

import {
  RECORD_MARGIN,
  RECORD_SCALED_FROM,
  RecordEvidence,
  recordMargin,
} from '../../../../src/analysis/anomaly/record-evidence.ts';
import { InvalidInputError } from '../../../../src/errors.ts';
import { CorpusRandom } from '../../../../src/eval/corpus/random.ts';

describe('record evidence', () => {
  it('a deviation counts only after minSamples, and only at the margin over every earlier one', () => {
    const r = new RecordEvidence(3);
    assert.equal(r.observe(1), false, 'history too short');
    assert.equal(r.observe(2), false);
    assert.equal(r.observe(10), false, 'still within minSamples: learned, not a record');
    assert.equal(r.observe(19.9), false, 'below twice the maximum');
    assert.equal(r.observe(RECORD_MARGIN * 19.9), true);
    assert.equal(r.observe(RECORD_MARGIN * 19.9), false, 'equal to the last record is no new one');
    assert.equal(r.observe(Number.NaN), false);
    assert.equal(r.observe(Number.POSITIVE_INFINITY), false);
    assert.equal(r.observe(-100), false);
    assert.deepEqual(r.state(), { max: RECORD_MARGIN * 19.9, judged: 3 });
  });

  it('keeps two numbers whatever the history: judged is capped at minSamples', () => {
    const r = new RecordEvidence(50);
    for (let i = 0; i < 10_000; i++) r.observe(i % 7);
    assert.deepEqual(r.state(), { max: 6, judged: 50 });
  });

  it('records of any sequence grow by the margin each time: at most 1 + log₂(last / first) of them', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 400 }),
        fc.integer({ min: 1, max: 20 }),
        (xs, minSamples) => {
          const r = new RecordEvidence(minSamples);
          const records = xs.filter((x) => r.observe(x));
          for (let i = 1; i < records.length; i++)
            assert.ok(
              records[i]! >= RECORD_MARGIN * records[i - 1]!,
              `${records[i]} after ${records[i - 1]}`,
            );
          if (records.length > 0)
            assert.ok(records.length <= 1 + Math.log2(records.at(-1)! / records[0]!) + 1e-9);
        },
      ),
    );
  });

  it('heavy-tailed noise (Student-t, 3 degrees of freedom) sets few records over a long life', () => {
    const rng = new CorpusRandom(7);
    const r = new RecordEvidence(1000);
    let records = 0;
    for (let i = 0; i < 200_000; i++) {
      const z = rng.normal() / Math.sqrt((rng.normal() ** 2 + rng.normal() ** 2 + rng.normal() ** 2) / 3);
      if (r.observe(Math.abs(z))) records++;
    }
    assert.ok(records <= 2, `${records} records in 200,000 samples`);
  });

  it('refuses bad options and malformed states; an absent state starts the history afresh', () => {
    assert.throws(() => new RecordEvidence(0), InvalidInputError);
    assert.throws(() => new RecordEvidence(1.5), InvalidInputError);
    const r = new RecordEvidence(2);
    for (const bad of [
      null,
      3,
      { max: -1, judged: 0 },
      { max: Number.NaN, judged: 0 },
      { max: 1, judged: 3 },
    ])
      assert.throws(() => r.setState(bad, 'test'), InvalidInputError, JSON.stringify(bad));
    r.setState({ max: 4, judged: 2 }, 'test');
    assert.equal(r.observe(7.9), false, 'the restored maximum 4 holds');
    assert.equal(r.observe(15.8), true);
    r.setState(undefined, 'test');
    assert.deepEqual(r.state(), { max: 0, judged: 0 });
  });

  it('in control: a counted record stays out of the history, an unvoted sample beyond the margin joins it', () => {
    const r = new RecordEvidence(3, false, true);
    for (const x of [1, 2, 1]) assert.equal(r.observe(x), false);
    assert.equal(r.observe(40), true);
    assert.equal(r.observe(30), true, 'twice the in-control maximum 2, although under twice the record 40');
    assert.equal(r.state().max, 2, 'records are not the in-control history');
    assert.equal(r.observe(5, false), false, 'not voted: no record, and it joins the history');
    assert.equal(r.state().max, 5);
    assert.equal(r.observe(9.9), false, 'under twice 5: no record, and it joins the history');
    assert.equal(r.observe(19.8), true);
    const whole = new RecordEvidence(3);
    for (const x of [1, 2, 1]) whole.observe(x);
    assert.equal(whole.observe(40), true);
    assert.equal(whole.observe(30), false, 'the whole-history rule: the record 40 sets the bar at 80');
  });

  it('in control: every record beats the maximum of the samples before it that were no record, which is the state', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.double({ min: 0, max: 1e6, noNaN: true }), fc.boolean()), {
          minLength: 1,
          maxLength: 300,
        }),
        fc.integer({ min: 1, max: 20 }),
        (xs, minSamples) => {
          const r = new RecordEvidence(minSamples, false, true);
          let inControlMax = 0;
          xs.forEach(([x, voted], i) => {
            const record = r.observe(x, voted);
            if (record) {
              assert.ok(voted, 'a record only on a voted sample');
              assert.ok(i >= minSamples && x >= RECORD_MARGIN * inControlMax && x > 0);
            } else if (x > inControlMax) inControlMax = x;
            assert.equal(r.state().max, inControlMax);
          });
        },
      ),
    );
  });

  it('in control: under a power-law tail (Pareto, α = 1) records grow about logarithmically, not with the samples', () => {
    // Every sample a vote (the worst case). 40 series of 100,000 samples (seed 5): 142 records in [1,000, 10,000)
    // and 232 in the ten times longer [10,000, 100,000) — a constant rate would give 10×; the whole-history rule
    // gives 53 and 44.
    const rng = new CorpusRandom(5);
    let early = 0;
    let late = 0;
    for (let s = 0; s < 40; s++) {
      const r = new RecordEvidence(1000, false, true);
      for (let i = 0; i < 100_000; i++)
        if (r.observe(1 / (1 - rng.uniform(0, 1)))) {
          if (i < 10_000) early++;
          else late++;
        }
    }
    assert.ok(early > 0 && late <= 2.5 * early, `${early} then ${late}`);
  });

  it('scaled: before minSamples the margin keeps the budget minSamples⁻² of an exponential tail', () => {
    assert.equal(recordMargin(1000, 1000, true), RECORD_MARGIN);
    assert.equal(recordMargin(5000, 1000, false), RECORD_MARGIN);
    assert.ok(Math.abs(recordMargin(100, 1000, true) - 3) < 1e-12);
    assert.ok(Math.abs(recordMargin(300, 1000, true) - (2 * Math.log(1000)) / Math.log(300)) < 1e-12);
    assert.equal(recordMargin(RECORD_SCALED_FROM - 1, 1000, true), Number.POSITIVE_INFINITY);
    assert.equal(recordMargin(500, 1000, false), Number.POSITIVE_INFINITY);
    // n^−m(n) is the same at every history length.
    for (const n of [100, 200, 500, 999]) {
      const m = recordMargin(n, 1000, true);
      assert.ok(Math.abs(m * Math.log(n) - 2 * Math.log(1000)) < 1e-9, `n ${n}`);
    }
  });

  it('scaled: a record at 100 judged samples needs 3× the maximum; not before 100; a history of zeros is none', () => {
    const at = (x: number, scaled = true): boolean => {
      const r = new RecordEvidence(1000, scaled);
      for (let i = 0; i < 100; i++) r.observe(i === 50 ? 2 : 1);
      return r.observe(x);
    };
    assert.equal(at(5.99), false);
    assert.equal(at(6), true);
    assert.equal(at(6, false), false, 'off: no record before minSamples');
    const young = new RecordEvidence(1000, true);
    for (let i = 0; i < RECORD_SCALED_FROM - 1; i++) young.observe(1);
    assert.equal(young.observe(1e6), false, 'under 100 judged samples');
    const zeros = new RecordEvidence(1000, true);
    for (let i = 0; i < 500; i++) zeros.observe(0);
    assert.equal(zeros.observe(1), false, 'no tail to beat');
  });

  it('scaled: exponential noise (|Laplace|) sets records before minSamples at about the budget, not at 2×', () => {
    const rng = new CorpusRandom(11);
    let scaled = 0;
    let flat = 0;
    for (let s = 0; s < 1000; s++) {
      const a = new RecordEvidence(1000, true);
      // The flat margin 2 from 100 samples on: what the scaling is for.
      const b = new RecordEvidence(RECORD_SCALED_FROM);
      for (let i = 0; i < 1000; i++) {
        const z = -Math.log(1 - rng.uniform(0, 1));
        if (a.observe(z)) scaled++;
        if (b.observe(z)) flat++;
      }
    }
    // 900,000 samples in [100, 1000) (seed 11): 4 records scaled (≈ 4·10⁻⁶ per sample), 19 at a flat 2× (Σ n⁻²).
    assert.ok(scaled <= 8, `${scaled} records`);
    assert.ok(flat >= 12, `${flat} records at the flat margin`);
  });
});
