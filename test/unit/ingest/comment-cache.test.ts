/**
 * The `#` lines a target's next body repeats (`# HELP`, `# TYPE`, other comments) are read once and kept with the
 * series-text cache (series-text-cache.ts `comment`, exposition-families.ts `applyComment` with its memo): a parse with
 * the cache must equal a full parse on every body of a scrape sequence, in both formats — same samples, families
 * (types and help), duplicates, exemplars, or the same error on the same line — while metadata lines change between
 * scrapes (a TYPE that changes, a HELP of the same length with other bytes, a counter family renamed by a TYPE line
 * elsewhere in the OpenMetrics body, lines moved, added and removed, malformed and repeated metadata).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseExposition } from '../../../src/ingest/exposition.ts';
import { applyComment, readComment, type ExpositionFamily } from '../../../src/ingest/exposition-families.ts';
import { parseOpenMetrics } from '../../../src/ingest/openmetrics.ts';
import { SeriesTextCachePool } from '../../../src/ingest/series-text-cache.ts';
import { parseWith } from '../../helpers/parse-outcome.ts';

const META = [
  '# HELP fam_a Help of a.',
  '# HELP fam_a Help of b.', // same length, other bytes
  '# HELP fam_a Escaped \\\\ and \\n help.',
  '# HELP fam_a',
  '#  HELP  fam_a   spaced help ',
  '# TYPE fam_a gauge',
  '# TYPE fam_a counter',
  '# TYPE fam_a histogram',
  '# TYPE fam_a summary',
  '# TYPE fam_a untyped',
  '# TYPE fam_a unknown', // OpenMetrics only
  '# TYPE fam_a stateset',
  '# TYPE fam_a bogus',
  '# TYPE fam_a',
  '#  TYPE   fam_a   gauge  ',
  '# HELP fam_a_total Help of a total.',
  '# TYPE fam_a_total counter',
  '# HELP fam_h Help of h.',
  '# TYPE fam_h histogram',
  '# TYPE fam_h summary',
  '# TYPE fam_h counter',
  '# HELP 9bad Bad name.',
  '# TYPE fam-x gauge',
  '# HELP',
  '#HELP fam_a glued',
  '# a plain comment',
  '#',
  '# UNIT fam_a seconds',
];
const SAMPLES = [
  'fam_a 1',
  'fam_a_total 2',
  'fam_a_created 3',
  'fam_a_bucket{le="1"} 4',
  'fam_a_sum 5',
  'fam_a_count 6',
  'fam_h_bucket{le="+Inf"} 7',
  'fam_h_bucket{x="1"} 8', // a bucket without le: an error once fam_h is a histogram
  'fam_h_sum 9',
  'fam_h_count 10',
  'fam_h_total 11',
  'other{a="1"} 12',
];

/** A line: an index into META (>= 0) or into SAMPLES (-1 - index). */
const lineArb = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 0, max: META.length - 1 }) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: SAMPLES.length - 1 }).map((i) => -1 - i) },
);

function render(lines: readonly number[], om: boolean): string {
  const text = lines.map((l) => (l >= 0 ? META[l]! : SAMPLES[-1 - l]!)).join('\n');
  return (lines.length > 0 ? text + '\n' : '') + (om ? '# EOF\n' : '');
}

describe('comment lines kept between scrapes', () => {
  it('a parse with kept # lines equals a full parse over random scrape sequences (text format and OpenMetrics)', () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.array(lineArb, { maxLength: 12 }),
        fc.array(
          fc.record({
            replace: fc.array(fc.tuple(fc.nat(), lineArb), { maxLength: 3 }),
            remove: fc.array(fc.nat(), { maxLength: 2 }),
            add: fc.array(fc.tuple(fc.nat(), lineArb), { maxLength: 2 }),
            swap: fc.option(fc.tuple(fc.nat(), fc.nat())),
          }),
          { minLength: 1, maxLength: 6 },
        ),
        (om, first, edits) => {
          const cache = new SeriesTextCachePool(1000).get('t');
          let lines = first;
          const check = (): void => {
            const body = render(lines, om);
            assert.deepEqual(parseWith(body, om, cache), parseWith(body, om, undefined), body);
          };
          check();
          check(); // the same body again: every # line from the cache
          for (const e of edits) {
            lines = [...lines];
            for (const [at, l] of e.replace) if (lines.length > 0) lines[at % lines.length] = l;
            for (const at of e.remove) if (lines.length > 0) lines.splice(at % lines.length, 1);
            for (const [at, l] of e.add) lines.splice(at % (lines.length + 1), 0, l);
            if (e.swap && lines.length > 1) {
              const [i, j] = [e.swap[0] % lines.length, e.swap[1] % lines.length];
              [lines[i], lines[j]] = [lines[j]!, lines[i]!];
            }
            check();
            check();
          }
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('a TYPE line that changes between scrapes changes the family, its samples and the counter name', () => {
    const cache = new SeriesTextCachePool(100).get('t');
    const body = (type: string): string => `# HELP fam_a Help.\n# TYPE fam_a ${type}\nfam_a_total 1\n# EOF\n`;
    const first = parseOpenMetrics(body('counter'), { defaultTimestampMs: 0, seriesCache: cache });
    assert.deepEqual([...first.families], [['fam_a_total', { type: 'counter', help: 'Help.' }]]);
    const second = parseOpenMetrics(body('gauge'), { defaultTimestampMs: 0, seriesCache: cache });
    assert.deepEqual([...second.families], [['fam_a', { type: 'gauge', help: 'Help.' }]]);
    const third = parseOpenMetrics(body('counter'), { defaultTimestampMs: 0, seriesCache: cache });
    assert.deepEqual([...third.families], [['fam_a_total', { type: 'counter', help: 'Help.' }]]);
    // a histogram's suffixed names are checked again when its TYPE line is kept but its samples came first
    const hist = (before: boolean): string =>
      before ? 'fam_h_sum 1\n# TYPE fam_h histogram\n' : '# TYPE fam_h histogram\nfam_h_sum 1\n';
    parseExposition(hist(false), { defaultTimestampMs: 0, seriesCache: cache });
    assert.throws(
      () => parseExposition(hist(true), { defaultTimestampMs: 0, seriesCache: cache }),
      /line 2: TYPE line for fam_h after its samples/,
    );
  });

  it('keeps # lines within the bound of the pool, counted with the series texts, and drops them with the target', () => {
    const pool = new SeriesTextCachePool(3);
    const cache = pool.get('t');
    const body = '# HELP a A.\n# TYPE a gauge\na{x="1"} 1\n# HELP b B.\n# TYPE b gauge\nb{x="1"} 2\n';
    const r = parseExposition(body, { defaultTimestampMs: 0, seriesCache: cache });
    assert.equal(r.samples.length, 2);
    assert.equal(cache.size, 3); // two # lines and one series text, then the bound
    assert.equal(pool.size, 3);
    const again = parseExposition(body, { defaultTimestampMs: 0, seriesCache: cache });
    assert.deepEqual([...again.families], [...r.families]);
    assert.equal(pool.size, 3);
    // a body with fewer # lines keeps only its own (the last body's are not held)
    parseExposition('# HELP a A.\na{x="1"} 1\n', { defaultTimestampMs: 0, seriesCache: cache });
    assert.equal(cache.size, 2);
    assert.equal(pool.size, 2);
    pool.forget('t');
    assert.equal(pool.size, 0);
    const none = new SeriesTextCachePool(0).get('u');
    parseExposition(body, { defaultTimestampMs: 0, seriesCache: none });
    assert.equal(none.size, 0);
  });

  it("a kept TYPE line's memo is used only for the same family and type (a dialect may map them otherwise)", () => {
    const line = { ...readComment('# TYPE fam_h x', 1, 14), memo: null };
    const apply = (type: string, sampleNames: string[]): Map<string, ExpositionFamily> => {
      const families = new Map<string, ExpositionFamily>();
      const dialect = { familyName: (n: string) => n, typeName: () => type };
      applyComment(line, 1, families, new Set(), new Set(), new Set(sampleNames), dialect);
      return families;
    };
    assert.equal(apply('gauge', ['fam_h_sum']).get('fam_h')?.type, 'gauge');
    assert.ok(line.memo !== null);
    // the same line now stands for a histogram: its _sum seen before it is an error, as without the memo
    assert.throws(() => apply('histogram', ['fam_h_sum']), /TYPE line for fam_h after its samples/);
    assert.equal(apply('histogram', []).get('fam_h')?.type, 'histogram');
    assert.throws(() => apply('histogram', ['fam_h_bucket']), /TYPE line for fam_h after its samples/);
    // a name the dialect maps elsewhere is checked again
    const renamed = new Map<string, ExpositionFamily>();
    assert.throws(
      () =>
        applyComment(line, 2, renamed, new Set(), new Set(), new Set(), {
          familyName: () => 'bad-name',
          typeName: () => 'gauge',
        }),
      /line 2: invalid metric name "bad-name"/,
    );
  });
});
