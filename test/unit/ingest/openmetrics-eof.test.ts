/**
 * The OpenMetrics parser finds a body's `# EOF` at its end without searching the whole body (openmetrics.ts
 * `finalEof`); an earlier `# EOF` line is seen by the line parser, and any failure of the parse asks the full search
 * first. The errors must be the full search's, which comes before every other check of the body: checked here against
 * a copy of that search (the reference) on random bodies in random pieces, with `# EOF` lines anywhere, in their
 * near-miss spellings, and malformed lines before and after them.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ExpositionParseError } from '../../../src/errors.ts';
import { parseOpenMetrics } from '../../../src/ingest/openmetrics.ts';
import { SeriesTextCachePool, type SeriesTextCache } from '../../../src/ingest/series-text-cache.ts';
import { parseOutcome as outcome } from '../../helpers/parse-outcome.ts';

/**
 * The reference: where the samples end (the first line that is exactly `# EOF`, `\r` allowed before its newline),
 * or the error, as the parser's search over the whole body says it.
 */
function referenceEof(body: string): number {
  const lines = (text: string): number => text.split('\n').length - 1;
  for (let k = body.indexOf('# EOF'); k >= 0; k = body.indexOf('# EOF', k + 1)) {
    if (k > 0 && body[k - 1] !== '\n') continue;
    let e = k + 5;
    if (body[e] === '\r' && (e + 1 === body.length || body[e + 1] === '\n')) e++;
    if (e < body.length && body[e] !== '\n') continue;
    if (e + 1 < body.length)
      throw new ExpositionParseError(lines(body.slice(0, k)) + 2, 'content after # EOF');
    return k;
  }
  const n = lines(body);
  throw new ExpositionParseError(
    n > 0 && body.endsWith('\n') ? n : n + 1,
    'OpenMetrics exposition does not end with # EOF',
  );
}

const LINES = [
  '# EOF',
  '# EOF\r',
  '# EOF ',
  ' # EOF',
  '# EOFX',
  '#EOF',
  '# TYPE a counter',
  '# HELP a Help.',
  'a_total 1',
  'a_total{x="1"} 2 1700000000.5',
  'b 3 # {t="1"} 1',
  'bad line',
  'a_total{x="1"} x',
  '# TYPE a gauge',
  '',
];
const ENDS = [
  '# EOF\n',
  '# EOF',
  '# EOF\r\n',
  '# EOF\r',
  '# EOF\n\n',
  '# EOF\r\r\n',
  '',
  'a 1\n',
  '# EOF\n# EOF\n',
];

describe('OpenMetrics # EOF at the end of the body', () => {
  it("gives the full search's end or error on random bodies in random pieces, with or without the cache", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: LINES.length - 1 }), { maxLength: 10 }),
        fc.integer({ min: 0, max: ENDS.length - 1 }),
        fc.array(fc.nat(), { maxLength: 4 }),
        fc.boolean(),
        (picked, end, cuts, cached) => {
          const body = picked.map((i) => LINES[i]! + '\n').join('') + ENDS[end]!;
          const ends = [...body.matchAll(/\n/g)].map((m) => m.index + 1).filter((at) => at < body.length);
          const at = [...new Set(cuts.map((c) => ends[c % Math.max(1, ends.length)]!))]
            .filter((x) => x !== undefined)
            .sort((a, b) => a - b);
          const pieces = [0, ...at].map((from, i) => body.slice(from, at[i] ?? body.length));
          const cache: SeriesTextCache | undefined = cached
            ? new SeriesTextCachePool(100).get('t')
            : undefined;
          const opts = { defaultTimestampMs: 0, ...(cache ? { seriesCache: cache } : {}) };
          const got = outcome(() => parseOpenMetrics(pieces, opts));
          let k: number;
          try {
            k = referenceEof(body);
          } catch (e) {
            assert.deepEqual(got, { error: 'ExpositionParseError', message: (e as Error).message }, body);
            return;
          }
          // the same samples, families and errors as the body cut at the reference's end, with a plain # EOF line
          const plain = body.slice(0, k) + '# EOF\n';
          assert.deepEqual(
            got,
            outcome(() => parseOpenMetrics(plain, { defaultTimestampMs: 0 })),
            body,
          );
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('an earlier # EOF line fails as content after it, before a malformed line and in a later piece', () => {
    const err = (pieces: string[]): string => {
      const r = outcome(() => parseOpenMetrics(pieces, { defaultTimestampMs: 0 })) as { message?: string };
      return r.message ?? 'parsed';
    };
    assert.equal(err(['bad line\n# EOF\na 1\n# EOF\n']), 'exposition line 3: content after # EOF');
    assert.equal(err(['a 1\n', '# EOF\n', 'bad line\n# EOF\n']), 'exposition line 3: content after # EOF');
    assert.equal(err(['a 1\n# EOF\n', 'b 2\n# EOF\n']), 'exposition line 3: content after # EOF');
    assert.equal(err(['a 1\n', 'bad line\n# EOF\n']), 'exposition line 2: bad number "line" as value of bad');
  });
});
