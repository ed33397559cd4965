/** Conversions of untrusted values never run the value's own methods and never throw. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { numberOfUntrusted, textOfUntrusted } from '../../../src/model/untrusted-value.ts';

test('text and number of plain values', () => {
  assert.deepEqual(['a', 1.5, true, 10n, null, undefined].map(textOfUntrusted), [
    'a',
    '1.5',
    'true',
    '10',
    '',
    '',
  ]);
  assert.equal(textOfUntrusted({ toString: false }), '{"toString":false}');
  assert.equal(textOfUntrusted([1, 'x']), '[1,"x"]');
  assert.deepEqual([2, '3', ' 4 ', 'x'].map(numberOfUntrusted), [2, 3, 4, NaN]);
  assert.ok(Number.isNaN(numberOfUntrusted({ valueOf: 1 })));
  assert.ok(Number.isNaN(numberOfUntrusted(null)));
});

test('fuzz: no JSON value makes them throw', () => {
  fc.assert(
    fc.property(fc.jsonValue(), (v) => {
      assert.equal(typeof textOfUntrusted(v), 'string');
      assert.equal(typeof numberOfUntrusted(v), 'number');
    }),
    { numRuns: 1000 },
  );
});
