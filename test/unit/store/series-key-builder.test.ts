import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { seriesKey } from '../../../src/model/sample.ts';
import { SeriesKeyBuilder } from '../../../src/store/series-key-builder.ts';

describe('SeriesKeyBuilder', () => {
  it('gives exactly seriesKey for runs of one shape, shape changes and escapes', () => {
    const b = new SeriesKeyBuilder();
    const cases: [string, Record<string, string>][] = [
      ['m', {}],
      ['m', { b: '1', a: '2' }],
      ['m', { b: '3', a: 'x"y\\z\nw' }],
      ['m', { a: '3', b: '4' }],
      ['m', { b: '1' }],
      ['m', { b: '1', a: '2', c: '' }],
      ['n', { b: '1', a: '2', c: '' }],
      ['n', {}],
      ['n', { zz: 'é{},="', instance: 'h:1', job: 'j' }],
    ];
    for (const [name, labels] of [...cases, ...cases])
      assert.equal(b.key(name, labels), seriesKey(name, labels));
  });
});
