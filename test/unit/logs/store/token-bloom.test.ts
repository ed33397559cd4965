/**
 * The token Bloom filter of stored lines (src/logs/store/token-bloom.ts): a line holding a `|=` needle has every
 * bit its prefilter words require (fast-check over lines with mixed case, digits, punctuation and non-ASCII text),
 * and a line filter over a node's streams on SQLite — which skips entries by the filter in the (stream id, time)
 * index — returns exactly what a plain scan of the same entries with the substring check returns.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { LogQuery } from '../../../../src/logs/logql/ast.ts';
import { prefilterWords } from '../../../../src/logs/logql/pipeline.ts';
import { openSqliteLogStore } from '../../../../src/logs/store/open.ts';
import { tokenBloom, tokenBloomMask } from '../../../../src/logs/store/token-bloom.ts';
import { DAY, logRecord, NOW } from '../../../helpers/log-store-fixtures.ts';

const RETENTION = { debug: DAY, info: DAY, warn: DAY, error: DAY, fatal: DAY };

/** The words a `|= needle` query requires of every line it passes. */
const wordsOf = (needle: string): string[] =>
  prefilterWords({
    kind: 'log',
    selector: [],
    pipeline: [{ kind: 'line', op: '|=', value: needle }],
  } as unknown as LogQuery);

/** Pieces of lines: words in any case, digits, separators, non-ASCII letters and punctuation. */
const piece = fc.constantFrom(
  'timed',
  'Timed',
  'TIMED',
  'out',
  'Out',
  'peer',
  'quorum',
  'lost',
  'x9',
  '42',
  'é',
  'ß',
  'Ωmega',
  '—',
  '\u00a0',
  '😀',
  ' ',
  ' ',
  '"',
  ':',
  '-',
  '_',
  '=',
  '{',
  '}',
);
const lineArb = fc.array(piece, { minLength: 0, maxLength: 24 }).map((ps) => ps.join(''));

const has = (bloom: bigint, mask: bigint): boolean => (bloom & mask) === mask;

describe('tokenBloom', () => {
  it('a line holding a needle has every bit of the needle’s prefilter words', () => {
    fc.assert(
      fc.property(lineArb, fc.nat(), fc.nat(), (line, a, b) => {
        const [from, to] = [a % (line.length + 1), b % (line.length + 1)].sort((x, y) => x - y);
        const needle = line.slice(from!, to!);
        assert.ok(has(tokenBloom(line), tokenBloomMask(wordsOf(needle))), JSON.stringify({ line, needle }));
      }),
      { numRuns: 2000 },
    );
  });

  it('sets bits for letter tokens only and skips lines without the words', () => {
    assert.equal(tokenBloom(''), 0n);
    assert.equal(tokenBloom('123 4f5e 6 -- é'), 0n, 'runs with digits and non-ASCII text set no bit');
    assert.equal(tokenBloomMask(['x9', 'é']), 0n, 'words with digits or non-ASCII letters require nothing');
    assert.equal(tokenBloom('Transfer TIMED out'), tokenBloom('transfer timed out'));
    const m = tokenBloomMask(['timed', 'out']);
    assert.notEqual(m, 0n);
    assert.ok(has(tokenBloom('{"msg":"transfer timed out"}'), m));
    // at least one of these lines lacks a bit of the mask (each lacks both words; 64 bits, one per token)
    const without = [
      'peer connected',
      'leader elected',
      'mode switched',
      'quorum lost',
      'checkpoint written',
    ];
    assert.ok(
      without.some((l) => !has(tokenBloom(l), m)),
      'the filter excludes some lines',
    );
  });
});

describe('line filter over streams with the token Bloom filter (SQLite)', () => {
  // 8 nodes × 2 levels: one node's streams are under a quarter of all, so the scan walks them by stream
  const entryArb = fc.record({
    node: fc.integer({ min: 0, max: 7 }),
    level: fc.constantFrom('info' as const, 'error' as const),
    agoMs: fc.integer({ min: 0, max: 600_000 }),
    body: lineArb,
  });

  it('returns what a plain scan with the substring check returns', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(entryArb, { minLength: 1, maxLength: 120 }),
        fc.nat(),
        fc.nat(),
        fc.nat(),
        fc.integer({ min: 1, max: 30 }),
        // forward scans walk the node's streams with the filter; backward ones with words take the full-text path
        fc.constantFrom('backward' as const, 'forward' as const, 'forward' as const),
        async (entries, pick, a, b, limit, direction) => {
          const st = await openSqliteLogStore(':memory:', { retentionMs: RETENTION });
          try {
            // every node and level present, so the stream count does not depend on the draw
            const fill = Array.from({ length: 16 }, (_, i) =>
              logRecord(700_000, {
                nodeId: `n${i % 8}`,
                level: i < 8 ? 'info' : 'error',
                body: 'x',
              }),
            );
            // stored in time order: a backward scan with rare words takes the newest-arrived matches (the
            // full-text path), which are the newest by time only when entries arrive in order
            const records = entries
              .map((e) => logRecord(e.agoMs, { nodeId: `n${e.node}`, level: e.level, body: e.body }))
              .sort((x, y) => x.timeUs - y.timeUs);
            await st.insertLogs([...fill, ...records]);
            // cut at code points: a lone surrogate is not a substring SQLite can look for in UTF-8 text
            const source = [...entries[pick % entries.length]!.body];
            const [from, to] = [a % (source.length + 1), b % (source.length + 1)].sort((x, y) => x - y);
            const needle = source.slice(from!, to!).join('');
            if (needle === '') return;
            const node = `n${entries[pick % entries.length]!.node}`;
            const got = await st.scan({
              startUs: (NOW - 650_000) * 1000,
              endUs: (NOW + 1) * 1000,
              labels: [{ label: 'node_id', in: [node] }],
              contains: [needle],
              containsWords: wordsOf(needle),
              direction,
              limit,
              maxScan: 100_000,
            });
            const all = await st.scan({
              startUs: (NOW - 650_000) * 1000,
              endUs: (NOW + 1) * 1000,
              labels: [],
              direction,
              limit: 100_000,
              maxScan: 100_000,
            });
            const want = all.entries
              .filter((e) => e.nodeId === node && e.body.includes(needle))
              .slice(0, limit);
            assert.deepEqual(
              got.entries.map((e) => e.id),
              want.map((e) => e.id),
              JSON.stringify({ needle, words: wordsOf(needle) }),
            );
          } finally {
            await st.close();
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});
