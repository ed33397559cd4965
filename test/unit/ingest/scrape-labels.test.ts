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

  it('takes the labelled set by position only when the same frozen set is there, and starts over with the target', () => {
    const TARGETS: Labels[] = [TARGET, { job: 'dwcp', instance: 'h:9200' }, { ...TARGET }];
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            target: fc.nat(TARGETS.length - 1),
            honor: fc.boolean(),
            sets: fc.array(fc.record({ set: fc.nat(SETS.length - 1), frozen: fc.boolean() }), {
              maxLength: 9,
            }),
          }),
          { minLength: 1, maxLength: 8 },
        ),
        (scrapes) => {
          const memo = new TargetLabelMemo();
          // The labelled object each frozen set got in the current context (target object and honor) and in the
          // one before it: one object per series scrape after scrape (the series tracker's handles recognise a
          // series by it); a new context starts over (its sets are made and checked anew), as the weak map does.
          let context: [Labels, boolean] | undefined;
          let seen = new Map<number, Labels>();
          let before = new Map<number, Labels>();
          for (const sc of scrapes) {
            const target = TARGETS[sc.target]!;
            if (context === undefined || context[0] !== target || context[1] !== sc.honor) {
              if (context !== undefined) before = seen;
              seen = new Map();
              context = [target, sc.honor];
            }
            const samples: Sample[] = sc.sets.map((x, i) => ({
              name: `dwcp_${i}`,
              labels: x.frozen ? FROZEN[x.set]! : { ...SETS[x.set]! },
              value: i,
              timestampMs: 5,
            }));
            const expected = view(applyTargetLabels(samples, target, sc.honor));
            const got = labelScraped(samples.slice(), target, sc.honor, memo, DEFAULT_SCRAPE_LIMITS, false);
            assert.deepEqual(view(got), expected);
            (got as Sample[]).forEach((s, i) => {
              const x = sc.sets[i]!;
              if (!x.frozen) {
                assert.equal(Object.isFrozen(s.labels), false);
                return;
              }
              const mine = seen.get(x.set);
              if (mine !== undefined) assert.equal(s.labels, mine);
              else assert.notEqual(s.labels, before.get(x.set));
              seen.set(x.set, s.labels);
            });
            assert.ok(memo.positions <= samples.length);
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('holds positions for at most the last scrape’s samples', () => {
    const memo = new TargetLabelMemo();
    const many: Sample[] = Array.from({ length: 500 }, (_, i) => ({
      name: 'dwcp_x',
      labels: Object.freeze({ i: String(i) }),
      value: 1,
      timestampMs: 5,
    }));
    assert.ok(Array.isArray(labelScraped(many, TARGET, false, memo, DEFAULT_SCRAPE_LIMITS, false)));
    assert.equal(memo.positions, 500);
    assert.ok(
      Array.isArray(labelScraped(many.slice(0, 3), TARGET, false, memo, DEFAULT_SCRAPE_LIMITS, false)),
    );
    assert.equal(memo.positions, 3);
    assert.ok(Array.isArray(labelScraped([], TARGET, false, memo, DEFAULT_SCRAPE_LIMITS, false)));
    assert.equal(memo.positions, 0);
  });
});
