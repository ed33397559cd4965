import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';

import { RECORD_MARGIN, RecordEvidence } from '../../../../src/analysis/anomaly/record-evidence.ts';
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
});
