import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseExposition } from '../../../src/ingest/exposition.ts';
import { parseOpenMetrics } from '../../../src/ingest/openmetrics.ts';
import { MATCH_WINDOW, SeriesTextCachePool } from '../../../src/ingest/series-text-cache.ts';
import type { Sample } from '../../../src/model/sample.ts';
import { parseWith } from '../../helpers/parse-outcome.ts';

/** Series texts (name + label set) in several spellings of the same and of different series, some malformed. */
const SERIES = [
  'dwcp_a{node="n1",region="us"}',
  'dwcp_a{region="us",node="n1"}', // same series, other label order
  'dwcp_a {node="n1",region="us"}', // blank before {
  'dwcp_a{node="n1",region="us",}', // trailing comma
  'dwcp_a{ node = "n1" , region="us" }',
  'dwcp_a{node="n2",region="us"}',
  'dwcp_a{node="n\\"q\\\\",region="us"}', // escapes
  'dwcp_a{node="n}1",region="us"}', // } inside a value
  'dwcp_a{node="n\\n1"}',
  'dwcp_a{}',
  'dwcp_a',
  'dwcp_b_total{path="x"}',
  'dwcp_b_total{path="y"}',
  'dwcp_h_bucket{le="1"}',
  'dwcp_h_bucket{le="+Inf"}',
  'dwcp_h_bucket{path="x"}', // a bucket without le: an error once dwcp_h is a histogram
  'dwcp_h_sum',
  'dwcp_h_count',
  'dwcp_a{__reserved="1"}', // bad: reserved label name
  'dwcp_a{node="1",node="2"}', // bad: duplicate label name
  'dwcp_a{node="1"', // bad: unterminated
  'dwcp_a{node="\\q"}', // bad: escape
  'dwcp_a{node=1}', // bad: unquoted
  '9bad{a="1"}', // bad name
];
const VALUES = ['1', '2.5', '-3e2', 'NaN', '+Inf', '0', 'x1', ''];
const COMMENTS = [
  '# HELP dwcp_a Help text.',
  '# TYPE dwcp_a gauge',
  '# TYPE dwcp_h histogram',
  '# TYPE dwcp_b counter',
  '# a comment',
  '',
];

type Line =
  | {
      readonly kind: 'sample';
      readonly series: number;
      readonly value: number;
      readonly ts: number;
      readonly glue: boolean;
    }
  | { readonly kind: 'comment'; readonly text: number };

const lineArb: fc.Arbitrary<Line> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('sample' as const),
      series: fc.integer({ min: 0, max: SERIES.length - 1 }),
      value: fc.integer({ min: 0, max: VALUES.length - 1 }),
      ts: fc.integer({ min: 0, max: 3 }),
      glue: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('comment' as const),
      text: fc.integer({ min: 0, max: COMMENTS.length - 1 }),
    }),
  },
);

/** A body: its lines, and which of the last scrape's lines change value (so most lines repeat their text). */
const bodyArb = fc.array(lineArb, { maxLength: 18 });

/** Renders lines in the text format (timestamps ms) or OpenMetrics (seconds, `# EOF`, sometimes an exemplar). */
function render(lines: readonly Line[], om: boolean): string {
  const out = lines.map((l) => {
    if (l.kind === 'comment') return COMMENTS[l.text]!;
    const ts = l.ts === 0 ? '' : om ? ` ${1_700_000_000 + l.ts}` : ` ${1_700_000_000_000 + l.ts}`;
    // glue: no blank before the value (an error: the series text is followed by the value directly)
    const sep = l.glue && l.ts === 3 ? '' : ' ';
    const exemplar = om && l.ts === 2 ? ' # {trace_id="t1"} 1' : '';
    return `${SERIES[l.series]}${sep}${VALUES[l.value]}${ts}${exemplar}`;
  });
  return out.join('\n') + (om ? '\n# EOF\n' : '\n');
}

describe('series-text cache', () => {
  it('a parse with the cache equals a full parse over random scrape sequences (text format and OpenMetrics)', () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        bodyArb,
        fc.array(
          fc.record({
            // each next scrape: the last body with values changed, some lines replaced, removed or added
            revalue: fc.array(fc.integer({ min: 0, max: VALUES.length - 1 }), {
              minLength: 18,
              maxLength: 18,
            }),
            replace: fc.array(fc.tuple(fc.nat(), lineArb), { maxLength: 3 }),
            remove: fc.array(fc.nat(), { maxLength: 3 }),
            add: fc.array(fc.tuple(fc.nat(), lineArb), { maxLength: 3 }),
          }),
          { minLength: 1, maxLength: 6 },
        ),
        (om, first, edits) => {
          const cache = new SeriesTextCachePool(1000).get('t');
          let lines: Line[] = first;
          const check = (): void => {
            const body = render(lines, om);
            assert.deepEqual(parseWith(body, om, cache), parseWith(body, om, undefined), body);
          };
          check();
          check(); // the same body again: every line from the cache
          for (const e of edits) {
            lines = lines.map((l, i) => (l.kind === 'sample' ? { ...l, value: e.revalue[i % 18]! } : l));
            for (const [at, l] of e.replace) if (lines.length > 0) lines[at % lines.length] = l;
            for (const at of e.remove) if (lines.length > 0) lines.splice(at % lines.length, 1);
            for (const [at, l] of e.add) lines.splice(at % (lines.length + 1), 0, l);
            check();
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('a body parsed in pieces split at line ends equals the whole body (errors and their lines included)', () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.array(bodyArb, { minLength: 1, maxLength: 3 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        (om, bodies, cuts) => {
          const whole = new SeriesTextCachePool(1000).get('t');
          const pieced = new SeriesTextCachePool(1000).get('t');
          for (const lines of bodies) {
            const body = render(lines, om);
            // cut after random line ends: every piece but the last ends with a newline
            const ends = [...body.matchAll(/\n/g)].map((m) => m.index + 1);
            const at = [...new Set(cuts.map((c) => ends[c % ends.length]!))].sort((a, b) => a - b);
            const pieces = [0, ...at].map((from, i) => body.slice(from, at[i] ?? body.length));
            if (pieces.length > 1 && pieces[pieces.length - 1] === '') pieces.pop();
            assert.deepEqual(
              parseWith(pieces, om, pieced),
              parseWith(body, om, whole),
              JSON.stringify(pieces),
            );
            assert.deepEqual(parseWith(pieces, om, undefined), parseWith(body, om, undefined));
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('an OpenMetrics body in pieces names the line of a misplaced or missing # EOF as the whole body does', () => {
    const cases = [
      ['a 1\n', '# EOF\n', 'b 2\n', '# EOF\n'],
      ['a 1\n# EOF\nb 2\n', '# EOF\n'],
      ['a 1\n', 'b 2\n'],
      ['a 1\n', 'b 2'],
    ];
    for (const pieces of cases) {
      const got = parseWith(pieces, true, undefined);
      assert.deepEqual(got, parseWith(pieces.join(''), true, undefined));
      assert.equal((got as { error?: string }).error, 'ExpositionParseError');
    }
  });

  it('hands out the same frozen label object for an unchanged series text', () => {
    const cache = new SeriesTextCachePool(100).get('t');
    const a = parseExposition('x{a="1"} 1\ny{b="2"} 2\n', {
      defaultTimestampMs: 0,
      seriesCache: cache,
    }).samples;
    const b = parseExposition('x{a="1"} 5\nz{c="3"} 1\ny{b="2"} 6\n', {
      defaultTimestampMs: 0,
      seriesCache: cache,
    }).samples;
    assert.equal(b[0]!.labels, a[0]!.labels);
    assert.equal(b[2]!.labels, a[1]!.labels); // realigned after an added line
    assert.ok(Object.isFrozen(b[1]!.labels));
    assert.deepEqual(
      b.map((s) => s.value),
      [5, 1, 6],
    );
  });

  it('a body that fails to parse leaves the cache of the last good body', () => {
    const cache = new SeriesTextCachePool(100).get('t');
    const a = parseExposition('x{a="1"} 1\n', { defaultTimestampMs: 0, seriesCache: cache }).samples;
    assert.throws(
      () => parseExposition('y{b="1"} 1\nx{a="1"} bad\n', { defaultTimestampMs: 0, seriesCache: cache }),
      /line 2: bad number "bad"/,
    );
    assert.equal(cache.size, 1);
    const b = parseExposition('x{a="1"} 2\n', { defaultTimestampMs: 0, seriesCache: cache }).samples;
    assert.equal(b[0]!.labels, a[0]!.labels);
  });

  it('holds at most maxEntries entries over all targets, least recently parsed targets dropped first', () => {
    const pool = new SeriesTextCachePool(5);
    const body = (p: string, n: number): string =>
      Array.from({ length: n }, (_, i) => `${p}{i="${i}"} ${i}`).join('\n') + '\n';
    // one body longer than the bound: its first 5 series cached, the result still complete
    const r = parseExposition(body('a', 8), { defaultTimestampMs: 0, seriesCache: pool.get('t1') });
    assert.equal(r.samples.length, 8);
    assert.equal(pool.size, 5);
    assert.equal(pool.get('t1').size, 5);
    // a second target: the first one (least recently parsed) is dropped
    parseExposition(body('b', 3), { defaultTimestampMs: 0, seriesCache: pool.get('t2') });
    assert.ok(pool.size <= 5, `size ${pool.size}`);
    assert.equal(pool.get('t1').size, 0);
    assert.equal(pool.targetCount, 2);
    parseExposition(body('a', 2), { defaultTimestampMs: 0, seriesCache: pool.get('t1') });
    assert.ok(pool.size <= 5, `size ${pool.size}`);
    // a removed target's entries are released; a cache forgotten while parsing keeps nothing
    const t2 = pool.get('t2');
    pool.forget('t2');
    parseExposition(body('b', 3), { defaultTimestampMs: 0, seriesCache: t2 });
    assert.equal(t2.size, 0);
    assert.equal(pool.size, pool.get('t1').size);
    assert.throws(() => new SeriesTextCachePool(-1), RangeError);
  });

  it('matches a line exactly when it starts with the series text of an entry (startsWith), also at the end of a text', () => {
    // Entries from one body; then random texts (entry texts, their prefixes, extensions and edits) matched at
    // random positions: a hit must be the first entry of the window whose text starts there, as startsWith says.
    const texts = ['a{x="1"}', 'a{x="1",y="2"}', 'a{x="10"}', 'bb{x="1"}', 'a{x="1"} ', 'a'];
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...texts.slice(0, 4)), { minLength: 1, maxLength: 6 }),
        fc.array(
          fc.oneof(
            fc.constantFrom(...texts),
            fc.constantFrom(...texts).map((t) => t.slice(0, -1)),
            fc.string({ unit: fc.constantFrom('a', 'b', '{', '}', 'x', '=', '"', '1', ',', ' ') }),
          ),
          { minLength: 1, maxLength: 4 },
        ),
        fc.nat(40),
        (entryTexts, parts, at0) => {
          const cache = new SeriesTextCachePool(100).get('t');
          cache.begin();
          for (const t of entryTexts) {
            const read = parseExposition(`${t} 1\n`, { defaultTimestampMs: 0 }).samples[0]!;
            cache.record(read.name, t, 0, t.length, { ...read.labels }, true);
          }
          cache.commit(0);
          cache.begin();
          const text = parts.join('');
          const at = Math.min(at0, text.length);
          const window = entryTexts.slice(0, MATCH_WINDOW);
          const want = window.findIndex((t) => text.startsWith(t, at));
          const got = cache.match(text, at);
          assert.equal(got?.series, want < 0 ? undefined : window[want]);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('with a bound of 0 caches nothing and parses the same', () => {
    const pool = new SeriesTextCachePool(0);
    const r = parseExposition('x{a="1"} 1\n', { defaultTimestampMs: 0, seriesCache: pool.get('t') });
    assert.equal(r.samples.length, 1);
    assert.equal(pool.size, 0);
    assert.ok(!Object.isFrozen(r.samples[0]!.labels));
  });

  it("keeps only the last body's lines after a shorter body (a line dropped and back is read in full again)", () => {
    const pool = new SeriesTextCachePool(100);
    const cache = pool.get('t');
    const lines = ['x{a="1"} 1', 'x{a="2"} 2', 'x{a="3"} 3', 'x{a="4"} 4'];
    const parse = (n: number): Sample[] =>
      parseExposition(lines.slice(0, n).join('\n') + '\n', { defaultTimestampMs: 0, seriesCache: cache })
        .samples;
    const long = parse(4);
    const twice = parse(4); // the arrays of the two parses have traded places: every line matched
    assert.ok(twice.every((s, i) => s.labels === long[i]!.labels));
    const short = parse(1);
    assert.equal(short[0]!.labels, long[0]!.labels);
    assert.equal(cache.size, 1);
    assert.equal(pool.size, 1);
    const back = parse(4);
    assert.equal(back[0]!.labels, long[0]!.labels);
    // the three lines the short body dropped are new entries, not the ones of the long body
    for (let i = 1; i < 4; i++) assert.notEqual(back[i]!.labels, long[i]!.labels);
    assert.deepEqual(
      back.map((s) => s.labels),
      long.map((s) => s.labels),
    );
    assert.equal(cache.size, 4);
    assert.equal(pool.size, 4);
  });

  it("sizes a parse's sample array from the target's last body: exact samples as bodies grow and shrink", () => {
    const cache = new SeriesTextCachePool(100).get('t');
    // lines with and without a label set, and a duplicate series (left out of the samples)
    const line = (i: number): string => (i % 5 === 4 ? `y${i} ${i}` : `x{a="${i % 7}",b="${i}"} ${i}`);
    const body = (n: number, dup: boolean): string =>
      Array.from({ length: n }, (_, i) => line(i)).join('\n') + (dup && n > 0 ? `\n${line(0)}` : '') + '\n';
    const want = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
    for (const [n, dup] of [
      [0, false],
      [6, true],
      [40, false],
      [3, true],
      [3, false],
      [25, true],
      [1, false],
    ] as const) {
      for (const om of [false, true]) {
        const text = om ? body(n, dup) + '# EOF\n' : body(n, dup);
        const r = om
          ? parseOpenMetrics(text, { defaultTimestampMs: 0, seriesCache: cache })
          : parseExposition(text, { defaultTimestampMs: 0, seriesCache: cache });
        assert.equal(r.samples.length, n, `${n} lines (${om ? 'OpenMetrics' : 'text'})`);
        assert.equal(Object.keys(r.samples).length, n, 'no holes');
        assert.deepEqual(
          r.samples.map((s) => s.value),
          want(n),
        );
        assert.equal(r.duplicates, dup && n > 0 ? 1 : 0);
        assert.equal(cache.lastSamples, n);
      }
    }
    // a body that fails to parse leaves the last good body's count
    assert.throws(() => parseExposition('x{a="1"} 1\nx{ 2\n', { defaultTimestampMs: 0, seriesCache: cache }));
    assert.equal(cache.lastSamples, 1);
  });
});
