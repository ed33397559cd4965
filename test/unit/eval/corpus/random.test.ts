import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { InvalidInputError } from '../../../../src/errors.ts';
import { CorpusRandom } from '../../../../src/eval/corpus/random.ts';

describe('corpus random numbers', () => {
  it('are deterministic per seed and have the right first two moments', () => {
    const a = new CorpusRandom(1);
    const b = new CorpusRandom(1);
    for (let i = 0; i < 10; i++) assert.equal(a.next(), b.next());
    const r = new CorpusRandom(99);
    const moments = (f: () => number): [number, number] => {
      let s = 0;
      let s2 = 0;
      const n = 200_000;
      for (let i = 0; i < n; i++) {
        const x = f();
        s += x;
        s2 += x * x;
      }
      return [s / n, s2 / n - (s / n) ** 2];
    };
    const [mn, vn] = moments(() => r.normal());
    assert.ok(Math.abs(mn) < 0.01 && Math.abs(vn - 1) < 0.02, `normal ${mn} ${vn}`);
    const [ml, vl] = moments(() => r.laplace(1));
    assert.ok(Math.abs(ml) < 0.02 && Math.abs(vl - 2) < 0.05, `laplace ${ml} ${vl}`); // Var = 2b²
    const [mt, vt] = moments(() => r.studentT(8));
    assert.ok(Math.abs(mt) < 0.02 && Math.abs(vt - 8 / 6) < 0.05, `t8 ${mt} ${vt}`); // Var = ν/(ν − 2)
    const [mg] = moments(() => r.gamma(3));
    assert.ok(Math.abs(mg - 3) < 0.02, `gamma ${mg}`);
    assert.throws(() => new CorpusRandom(1.5), InvalidInputError);
  });
});
