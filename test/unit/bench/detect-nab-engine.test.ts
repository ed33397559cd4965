import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EngineAsDetector, nabEngineEntry } from '../../../bench/detect-nab-engine.ts';
import { createEnsemble } from '../../../src/analysis/anomaly/presets.ts';

const STEP_MS = 60_000;
const N = 3000;

/** A minute-level series of Gaussian-ish noise (σ ≈ 1 around 100, deterministic) with `bump` added where given. */
function series(bump: (i: number) => number): number[] {
  let s = 12345;
  const u = (): number => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32;
  };
  return Array.from({ length: N }, (_, i) => {
    const z = (u() + u() + u() + u() + u() + u() - 3) * Math.SQRT2;
    return 100 + z + bump(i);
  });
}

/** Rows on which `d` reports an anomaly. */
function alarms(
  d: { update(v: number, t: number): { anomalous: boolean } },
  xs: readonly number[],
): number[] {
  const out: number[] = [];
  xs.forEach((x, i) => {
    if (d.update(x, i * STEP_MS).anomalous) out.push(i);
  });
  return out;
}

const AT = 2500;

describe('NAB through the monitor engine (bench/detect-nab-engine.ts)', () => {
  it('a one-sample spike: the detector alarms, the engine (2-sample confirmation) opens nothing unless it is a record', () => {
    // The first spike doubles every deviation of the series' history (1,000 samples and more): record evidence
    // (record-evidence.ts) pages it as a catalog series. A record stays out of the in-control history, so a
    // second spike of the same size is a record too; a 5.5 σ spike, a vote under twice the in-control tail, is not.
    const EARLIER = 1500;
    const xs = series((i) => (i === AT || i === EARLIER ? 40 : 0));
    assert.deepEqual(alarms(createEnsemble({ kind: 'generic' }, { preset: 'live' }), xs), [EARLIER, AT]);
    assert.deepEqual(alarms(new EngineAsDetector('catalog'), xs), [EARLIER, AT]);
    const small = series((i) => (i === EARLIER ? 40 : i === AT ? 5.5 : 0));
    assert.deepEqual(alarms(createEnsemble({ kind: 'generic' }, { preset: 'live' }), small), [EARLIER, AT]);
    assert.deepEqual(alarms(new EngineAsDetector('catalog'), small), [EARLIER]);
    // Outside the catalog the one sample (60 s) does not stand for the 3-min minimum duration.
    assert.deepEqual(alarms(new EngineAsDetector('inferred'), xs), []);
  });

  it('an 8-sample step: opened on its first sample (a record); outside the catalog one anomaly, after the minimum duration', () => {
    const xs = series((i) => (i >= AT && i < AT + 8 ? 40 : 0));
    // As a catalog series one anomaly: held open through the step, resolved at the third sample back inside the
    // band it opened against; the level member, re-anchored to the step, judges the return a step the other way,
    // but a return inside that band opens nothing (it opened a second anomaly at AT + 9 before that rule). Its
    // first sample doubles every deviation the series has shown, so it opens there (record evidence; AT + 1, the
    // confirmation's second sample, before it).
    assert.deepEqual(alarms(new EngineAsDetector('catalog'), xs), [AT]);
    // Default minimum duration 3 min: the episode's first sample at AT, open at AT + 3 (60 s scrapes).
    assert.deepEqual(alarms(new EngineAsDetector('inferred'), xs), [AT + 3]);
  });

  it('names the entry after the bench row and scores alerts at a fixed threshold', () => {
    const e = nabEngineEntry('ensemble-statistical', 'ensemble', 'inferred');
    assert.equal(e.name, 'ensemble-statistical (anomalies the engine opens, series outside the catalog)');
    assert.equal(e.use, 'alerts');
    assert.equal(e.usesLookAhead, false);
  });
});
