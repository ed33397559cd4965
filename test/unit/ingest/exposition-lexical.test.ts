import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  parseValue,
  parseValueAt,
  readLabelValue,
  secondsToMs,
  type LexCursor,
} from '../../../src/ingest/exposition-lexical.ts';

const digitsArb = (maxLength: number): fc.Arbitrary<string> =>
  fc.array(fc.constantFrom('0', '0', '1', '2', '5', '7', '9'), { maxLength }).map((d) => d.join(''));

/** Value tokens: plain decimals of every length around the fast path's limits, exponents, and junk of value characters. */
const tokenArb: fc.Arbitrary<string> = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('', '', '+', '-'),
      digitsArb(20),
      fc.option(digitsArb(26), { nil: undefined }),
      fc.option(fc.tuple(fc.constantFrom('e', 'E'), fc.constantFrom('', '+', '-'), digitsArb(3)), {
        nil: undefined,
      }),
    )
    .map(
      ([sign, int, frac, exp]) => sign + int + (frac === undefined ? '' : '.' + frac) + (exp?.join('') ?? ''),
    ),
  // small numbers: many decimals, few significant digits (the fast path's 22-decimal limit)
  fc
    .tuple(fc.constantFrom('', '-'), fc.nat(30), digitsArb(16))
    .map(([sign, zeros, d]) => `${sign}0.${'0'.repeat(zeros)}${d}`),
  fc
    .array(fc.constantFrom(...'0123456789.+-eEInfNa'), { minLength: 1, maxLength: 24 })
    .map((c) => c.join('')),
  fc.double().map(String),
  fc.constantFrom(
    'NaN',
    '+Inf',
    '-Inf',
    'inf',
    '-0',
    '0.0',
    '.5',
    '5.',
    '.',
    '+',
    '-',
    '1.2.3',
    '9007199254740993',
  ),
);

describe('exposition lexical pieces', () => {
  it('readLabelValue unescapes \\\\, \\" and \\n and stops after the closing quote', () => {
    const cur: LexCursor = { pos: 0 };
    const text = 'x="a\\\\b\\"c\\nd",y';
    assert.equal(readLabelValue(text, 3, text.length, cur), 'a\\b"c\nd');
    assert.equal(text[cur.pos], ',');
    assert.equal(readLabelValue('"plain" rest', 1, 12, cur), 'plain');
    assert.equal(cur.pos, 7);
  });

  it('readLabelValue reports an unknown escape at its backslash and a missing quote at the end', () => {
    const cur: LexCursor = { pos: 0 };
    assert.equal(readLabelValue('"a\\qb"', 1, 6, cur), undefined);
    assert.equal(cur.pos, 2);
    assert.equal(readLabelValue('"abc', 1, 4, cur), undefined);
    assert.equal(cur.pos, 4);
    assert.equal(readLabelValue('"a\\', 1, 3, cur), undefined, 'a lone final backslash is unterminated');
    assert.equal(cur.pos, 3);
    assert.equal(readLabelValue('"a"\n"b"', 1, 2, cur), undefined, 'never reads past end');
  });

  it('secondsToMs makes OpenMetrics seconds integer ms; refuses non-numbers, infinities and out-of-range values', () => {
    assert.equal(secondsToMs('1700000000.25'), 1_700_000_000_250);
    assert.equal(secondsToMs('1e3'), 1_000_000);
    assert.equal(secondsToMs('0.0004'), 0);
    assert.ok(Object.is(secondsToMs('-0.0001'), 0), 'no -0');
    for (const bad of ['', 'abc', '+Inf', 'NaN', '1e300', '0x10'])
      assert.equal(secondsToMs(bad), undefined, bad);
  });

  it('parseValueAt reads a value token in place exactly as parseValue reads it sliced (same double, -0 included)', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 4 }),
        tokenArb,
        fc.string({ maxLength: 4 }),
        (before, token, after) => {
          const text = before + token + after;
          const got = parseValueAt(text, before.length, before.length + token.length);
          const want = parseValue(token);
          assert.ok(Object.is(got, want), `${JSON.stringify(token)}: ${got} !== ${want}`);
        },
      ),
      { numRuns: 5000 },
    );
  });
});
