import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { NOT_JUDGED } from '../../../../src/analysis/anomaly/detector.ts';
import type {
  DetectorSnapshot,
  PersistentDetector,
  Verdict,
} from '../../../../src/analysis/anomaly/detector.ts';
import { EnsembleDetector } from '../../../../src/analysis/anomaly/ensemble.ts';
import { InvalidInputError } from '../../../../src/errors.ts';

/** A scripted member: returns scores from a list, votes at score >= 0.5, counts samples in its state. */
class Scripted implements PersistentDetector {
  seen = 0;
  constructor(
    readonly name: string,
    private readonly scores: readonly number[],
    private readonly warm = 0,
  ) {}
  update(value: number): Verdict {
    const i = this.seen++;
    if (i < this.warm) return NOT_JUDGED;
    const s = this.scores[i % this.scores.length]!;
    return {
      ...NOT_JUDGED,
      warmingUp: false,
      anomalous: s >= 0.5,
      score: s,
      expected: 10,
      lower: 8,
      upper: 12,
      deviation: value - 10,
    };
  }
  stateBytes(): number {
    return 8;
  }
  snapshot(): DetectorSnapshot {
    return { detector: this.name, version: 1, state: { seen: this.seen } };
  }
  restore(s: DetectorSnapshot): void {
    const seen = (s.state as { seen?: unknown }).seen;
    if (s.detector !== this.name || typeof seen !== 'number') throw new InvalidInputError('bad');
    this.seen = seen;
  }
}

describe('EnsembleDetector', () => {
  it('mean, max and vote combinations (hand-computed)', () => {
    const mk = (combine: 'mean' | 'max' | 'vote'): EnsembleDetector =>
      new EnsembleDetector(
        [{ detector: new Scripted('a', [0.2]) }, { detector: new Scripted('b', [0.8]), weight: 3 }],
        { combine, threshold: 0.99 },
      );
    // mean: (0.2 + 3 × 0.8) / 4 = 0.65
    assert.ok(Math.abs(mk('mean').update(1, 0).score - 0.65) < 1e-12);
    assert.equal(mk('max').update(1, 0).score, 0.8);
    // vote: b votes (weight 3 of 4): 0.9 × 0.75 + 0.1 × 0.65 = 0.74
    assert.ok(Math.abs(mk('vote').update(1, 0).score - 0.74) < 1e-12);
  });

  it('calibrated: each score mapped through its own threshold; 0.5 = some member reached its threshold', () => {
    const e = new EnsembleDetector(
      [
        { detector: new Scripted('a', [0.6]), voteThreshold: 0.8 },
        { detector: new Scripted('b', [0.95]), voteThreshold: 0.9 },
      ],
      { combine: 'calibrated', threshold: 0.5 },
    );
    // a: 0.5 × 0.6 / 0.8 = 0.375; b: 0.5 + 0.5 × 0.05 / 0.1 = 0.75 → max 0.75
    const v = e.update(1, 0);
    assert.ok(Math.abs(v.score - 0.75) < 1e-12);
    assert.equal(v.anomalous, true);
    assert.throws(
      () => new EnsembleDetector([{ detector: new Scripted('a', [0]) }], { combine: 'calibrated' }),
      InvalidInputError,
    );
  });

  it('explains itself: votes per member, band from the first member that has one, deviation against that band', () => {
    const e = new EnsembleDetector(
      [{ detector: new Scripted('a', [0.2]) }, { detector: new Scripted('b', [0.9]) }],
      { threshold: 0.5 },
    );
    const v = e.update(15, 0);
    assert.deepEqual(v.votes, [
      { detector: 'a', score: 0.2, voted: false },
      { detector: 'b', score: 0.9, voted: true },
    ]);
    assert.equal(v.anomalous, true);
    // 3 σ-equivalents per half-width beyond the expected value: 3 × (15 − 10) / 2.
    assert.deepEqual([v.expected, v.lower, v.upper, v.deviation], [10, 8, 12, 7.5]);
  });

  it('needs minVotes members to vote and respects per-member vote thresholds', () => {
    const members = () => [
      { detector: new Scripted('a', [0.6]) },
      { detector: new Scripted('b', [0.6]), voteThreshold: 0.7 },
    ];
    assert.equal(
      new EnsembleDetector(members(), { threshold: 0.5, minVotes: 2 }).update(1, 0).anomalous,
      false,
    );
    assert.equal(
      new EnsembleDetector(members(), { threshold: 0.5, minVotes: 1 }).update(1, 0).anomalous,
      true,
    );
  });

  it('mutes muteSamples samples after an alarm (score 0, no alarm), then alarms again', () => {
    const e = new EnsembleDetector([{ detector: new Scripted('a', [1]) }], {
      threshold: 0.9,
      muteSamples: 3,
    });
    const out = Array.from({ length: 6 }, (_, i) => e.update(1, i));
    assert.deepEqual(
      out.map((v) => v.anomalous),
      [true, false, false, false, true, false],
    );
    assert.deepEqual(
      out.map((v) => v.muted),
      [false, true, true, true, false, true],
    );
    assert.deepEqual(
      out.map((v) => v.score),
      [1, 0, 0, 0, 1, 0],
    );
  });

  it('does not alarm while every member warms up; ignores non-finite input', () => {
    const a = new Scripted('a', [1], 2);
    const e = new EnsembleDetector([{ detector: a }], { threshold: 0.5 });
    assert.equal(e.update(1, 0).warmingUp, true);
    assert.equal(e.update(Number.NaN, 1).anomalous, false);
    assert.equal(a.seen, 1, 'NaN is not passed to members');
    assert.equal(e.update(1, 2).anomalous, false);
    assert.equal(e.update(1, 3).anomalous, true);
  });

  it('snapshot/restore round trip; a mismatched snapshot throws and changes nothing', () => {
    const a = new Scripted('a', [1, 0]);
    const e = new EnsembleDetector([{ detector: a }, { detector: new Scripted('b', [0]) }], {
      threshold: 0.4,
      muteSamples: 5,
    });
    e.update(1, 0);
    const snap = JSON.parse(JSON.stringify(e.snapshot())) as DetectorSnapshot;
    const f = new EnsembleDetector(
      [{ detector: new Scripted('a', [1, 0]) }, { detector: new Scripted('b', [0]) }],
      { threshold: 0.4, muteSamples: 5 },
    );
    f.restore(snap);
    for (let i = 1; i < 10; i++) assert.deepEqual(f.update(1, i), e.update(1, i));
    const before = JSON.stringify(f.snapshot());
    assert.throws(() => f.restore({ ...snap, version: 99 }), InvalidInputError);
    assert.throws(() => f.restore({ ...snap, state: { mute: 0, members: [snap] } }), InvalidInputError);
    // Second member rejects its state: the first one is rolled back.
    const bad = {
      ...snap,
      state: {
        mute: 0,
        members: [
          (snap.state as { members: DetectorSnapshot[] }).members[0],
          { detector: 'x', version: 1, state: {} },
        ],
      },
    };
    assert.throws(() => f.restore(bad), InvalidInputError);
    assert.equal(JSON.stringify(f.snapshot()), before);
  });

  it('rejects bad options', () => {
    const one = [{ detector: new Scripted('a', [0]) }];
    assert.throws(() => new EnsembleDetector([]), InvalidInputError);
    assert.throws(() => new EnsembleDetector(one, { threshold: 0 }), InvalidInputError);
    assert.throws(() => new EnsembleDetector(one, { minVotes: 2 }), InvalidInputError);
    assert.throws(() => new EnsembleDetector(one, { muteSamples: -1 }), InvalidInputError);
    assert.throws(() => new EnsembleDetector(one, { combine: 'median' as 'mean' }), InvalidInputError);
    assert.throws(
      () => new EnsembleDetector([{ detector: new Scripted('a', [0]), weight: 0 }]),
      InvalidInputError,
    );
    assert.throws(
      () => new EnsembleDetector([{ detector: new Scripted('a', [0]), voteThreshold: 2 }]),
      InvalidInputError,
    );
    assert.throws(
      () => new EnsembleDetector([{ detector: new Scripted('a', [0]), scored: false }]),
      InvalidInputError,
    );
  });
});

describe('EnsembleDetector.predict', () => {
  it('returns the first member expectation that exists, null when none', () => {
    const p = (e: { expected: number; lower: number; upper: number } | null) => ({
      ...new Scripted('p', [0]),
      name: 'p',
      update: () => NOT_JUDGED,
      stateBytes: () => 0,
      predict: () => e,
    });
    const none = new EnsembleDetector([{ detector: p(null) }, { detector: new Scripted('a', [0]) }]);
    assert.equal(none.predict(0), null);
    const some = new EnsembleDetector([
      { detector: p(null) },
      { detector: p({ expected: 5, lower: 4, upper: 6 }) },
    ]);
    assert.deepEqual(some.predict(0), { expected: 5, lower: 4, upper: 6 });
  });
});
