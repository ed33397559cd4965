import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { applyTargetLabels, TargetLabelMemo } from '../../../src/ingest/relabel.ts';
import { labelScraped } from '../../../src/ingest/scrape-labels.ts';
import { checkScrapeLimits } from '../../../src/ingest/scrape-limits.ts';
import type { Labels, Sample } from '../../../src/model/sample.ts';
import { DEFAULT_SCRAPE_LIMITS, type ScrapeLimits } from '../../../src/model/scrape-limits.ts';

const TARGET = { job: 'dwcp', instance: 'h:9100' };

/** A few exposed label sets, frozen (as the series-text cache hands them out) or not. */
const SETS: Labels[] = [
  {},
  { a: '1' },
  { a: '1', job: 'inner' },
  { b: 'x'.repeat(12), c: '2' },
  { job: 'nightly', instance: '' },
  { d: '1', e: '2', f: '3' },
  { ['n'.repeat(9)]: 'v' },
];
const FROZEN = SETS.map((l) => Object.freeze({ ...l }));

const LIMITS: ScrapeLimits[] = [
  DEFAULT_SCRAPE_LIMITS,
  { sampleLimit: 0, labelLimit: 0, labelNameLengthLimit: 0, labelValueLengthLimit: 0 },
  { sampleLimit: 4, labelLimit: 4, labelNameLengthLimit: 8, labelValueLengthLimit: 10 },
  { sampleLimit: 0, labelLimit: 3, labelNameLengthLimit: 0, labelValueLengthLimit: 0 },
];

/** The result in comparable form: the labelled samples, or the failure's result and message. */
const view = (r: Sample[] | { result: string; error: Error }) =>
  Array.isArray(r)
    ? r.map((s) => [s.name, Object.entries(s.labels), s.value, s.timestampMs])
    : [r.result, r.error.message];

describe('labelScraped', () => {
  it('gives what applyTargetLabels then checkScrapeLimits give, scrape after scrape with one memo', () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.array(
          fc.record({
            limits: fc.integer({ min: 0, max: LIMITS.length - 1 }),
            samples: fc.array(
              fc.record({ set: fc.nat(SETS.length - 1), frozen: fc.boolean(), value: fc.nat(9) }),
              { maxLength: 7 },
            ),
          }),
          { minLength: 1, maxLength: 5 },
        ),
        (honor, scrapes) => {
          const memo = new TargetLabelMemo();
          for (const sc of scrapes) {
            const limits = LIMITS[sc.limits]!;
            const make = (): Sample[] =>
              sc.samples.map((x, i) => ({
                name: `dwcp_${i}`,
                labels: x.frozen ? FROZEN[x.set]! : { ...SETS[x.set]! },
                value: x.value,
                timestampMs: 5,
              }));
            const labelled = applyTargetLabels(make(), TARGET, honor);
            const expected = view(checkScrapeLimits(labelled, limits) ?? labelled);
            assert.deepEqual(view(labelScraped(make(), TARGET, honor, memo, limits, true)), expected);
            assert.deepEqual(view(labelScraped(make(), TARGET, honor, memo, limits, false)), expected);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a set remembered as within lenient limits is checked again under stricter ones', () => {
    const memo = new TargetLabelMemo();
    const s = (): Sample[] => [{ name: 'dwcp_x', labels: FROZEN[5]!, value: 1, timestampMs: 5 }];
    assert.ok(Array.isArray(labelScraped(s(), TARGET, false, memo, DEFAULT_SCRAPE_LIMITS, true)));
    assert.deepEqual(view(labelScraped(s(), TARGET, false, memo, LIMITS[3]!, true)), [
      'label_limit',
      'label_limit exceeded (metric: dwcp_x, number of labels: 5, limit: 3)',
    ]);
  });

  it('labels owned samples in place and leaves an in-process source’s samples unchanged', () => {
    const memo = new TargetLabelMemo();
    const mine: Sample[] = [{ name: 'dwcp_x', labels: FROZEN[1]!, value: 1, timestampMs: 5 }];
    const out = labelScraped(mine, TARGET, false, memo, DEFAULT_SCRAPE_LIMITS, true);
    assert.equal(out, mine);
    assert.deepEqual(mine[0]!.labels, { a: '1', job: 'dwcp', instance: 'h:9100' });
    const theirs: Sample[] = [{ name: 'dwcp_x', labels: FROZEN[1]!, value: 1, timestampMs: 5 }];
    const copy = labelScraped(theirs, TARGET, false, memo, DEFAULT_SCRAPE_LIMITS, false);
    assert.notEqual(copy, theirs);
    assert.equal(theirs[0]!.labels, FROZEN[1]);
    // the same labelled object for the same frozen set, scrape after scrape
    assert.equal((copy as Sample[])[0]!.labels, mine[0]!.labels);
  });
});
