import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidInputError } from '../../../src/errors.ts';
import { InFlight } from '../../../src/sdk/in-flight.ts';
import {
  DEFAULT_STREAM_ID_LIMIT,
  LabelLimiter,
  OVERFLOW_LABEL_VALUE,
} from '../../../src/sdk/label-limiter.ts';

describe('LabelLimiter', () => {
  it('passes the first N distinct values, maps later new ones to overflow, warns once', () => {
    const warnings: string[] = [];
    const l = new LabelLimiter({ label: 'stream_id', limit: 3, warn: (m) => warnings.push(m) });
    assert.deepEqual(
      ['a', 'b', 'a', 'c'].map((v) => l.map(v)),
      ['a', 'b', 'a', 'c'],
    );
    assert.equal(l.map('d'), OVERFLOW_LABEL_VALUE);
    assert.equal(l.map('e'), OVERFLOW_LABEL_VALUE);
    assert.equal(l.map('b'), 'b', 'admitted values keep passing');
    assert.equal(l.size, 3);
    assert.equal(l.overflowed, 2);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /stream_id.*more than 3/);
  });

  it('holds its bound under many distinct values (default 64)', () => {
    const l = new LabelLimiter({ label: 'stream_id', warn: () => {} });
    assert.equal(l.limit, DEFAULT_STREAM_ID_LIMIT);
    const out = new Set<string>();
    for (let i = 0; i < 10_000; i++) out.add(l.map(`s-${i}`));
    assert.equal(l.size, 64);
    assert.equal(out.size, 65);
    assert.ok(out.has(OVERFLOW_LABEL_VALUE));
  });

  it('rejects bad limits', () => {
    for (const limit of [0, -1, 1.5, Number.NaN])
      assert.throws(() => new LabelLimiter({ label: 'x', limit }), InvalidInputError);
  });
});

describe('InFlight', () => {
  it('keeps at most `limit` ids, evicting the oldest', () => {
    const f = new InFlight(2);
    f.start('a', 1);
    f.start('b', 2);
    f.start('c', 3);
    assert.equal(f.size, 2);
    assert.equal(f.evicted, 1);
    assert.equal(f.end('a'), undefined);
    assert.equal(f.end('b'), 2);
    assert.equal(f.end('b'), undefined);
    for (let i = 0; i < 1000; i++) f.start(`x${i}`, i);
    assert.equal(f.size, 2);
  });
  it('rejects bad limits', () => {
    assert.throws(() => new InFlight(0), InvalidInputError);
  });
});
