import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readLabelValue, secondsToMs, type LexCursor } from '../../../src/ingest/exposition-lexical.ts';

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
});
