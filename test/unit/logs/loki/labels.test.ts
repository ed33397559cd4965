/** Loki's label-string syntax (Prometheus label text) as the push receivers read it. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseLabelString } from '../../../../src/logs/loki/labels.ts';

describe('parseLabelString', () => {
  it('reads Prometheus label text with escapes and refuses anything else', () => {
    assert.deepEqual(parseLabelString(' {a="x", b_2="q\\"uote\\n"} '), { a: 'x', b_2: 'q"uote\n' });
    assert.deepEqual(parseLabelString('{}'), {});
    for (const bad of [
      '',
      '{a=x}',
      '{a="x"',
      '{a="x",}',
      '{1a="x"}',
      '{a="x"} y',
      '{a="x", a="y"}',
      '{a=`x`}',
    ])
      assert.equal(parseLabelString(bad), undefined, bad);
  });
});
