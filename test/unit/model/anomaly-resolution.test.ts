import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import fc from 'fast-check';

import {
  backInsideBand,
  conditionCleared,
  judgedNormal,
  parseResolution,
} from '../../../src/model/anomaly.ts';

const FC = { numRuns: 2000 } as const;
const COUNTED = [backInsideBand, judgedNormal, conditionCleared] as const;

describe('anomaly resolutions', () => {
  it('counted reasons name their samples, singular for one', () => {
    assert.equal(backInsideBand(3), 'back inside the band for 3 samples');
    assert.equal(judgedNormal(1), 'judged normal for 1 sample');
    assert.equal(conditionCleared(0), 'condition cleared for 0 samples');
    assert.equal(backInsideBand(2.7), 'back inside the band for 2 samples', 'whole scrapes');
  });

  it('every reason the monitor writes reads back as itself (fast-check)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...COUNTED), fc.nat({ max: 1e9 }), (f, n) => {
        assert.equal(parseResolution(f(n)), f(n));
      }),
      FC,
    );
    for (const r of ['new level accepted', 'monitor restarted without its state', 'target answering again'])
      assert.equal(parseResolution(r), r);
  });

  it('text that is no known reason is refused (fast-check over any string, and near misses)', () => {
    const known = new Set([
      'new level accepted',
      'monitor restarted without its state',
      'target answering again',
    ]);
    const counted =
      /^(back inside the band|judged normal|condition cleared) for (1 sample|(0|[2-9]|[1-9]\d+) samples)$/;
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (s) => {
        const r = parseResolution(s);
        if (r !== undefined) assert.ok(known.has(s) || counted.test(s), s);
      }),
      FC,
    );
    for (const s of [
      '',
      'resolved',
      'New level accepted',
      'back inside the band for 1 samples',
      'back inside the band for 3 sample',
      'back inside the band for 03 samples',
      'back inside the band for -1 samples',
      'back inside the band for 3 samples ',
      'judged normal for 1e3 samples',
    ])
      assert.equal(parseResolution(s), undefined, JSON.stringify(s));
  });
});
