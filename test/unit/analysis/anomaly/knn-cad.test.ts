import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { Matrix, inverse } from 'ml-matrix';

import {
  KNN_CAD_DEFAULTS,
  createKnnCadDetector,
  knnCadNabProbation,
} from '../../../../src/analysis/anomaly/knn-cad.ts';
import type { KnnCadOptions } from '../../../../src/analysis/anomaly/knn-cad.ts';
import type { DetectorSnapshot, Verdict } from '../../../../src/analysis/anomaly/detector.ts';
import { InvalidInputError } from '../../../../src/errors.ts';
import { Prng } from '../../../../src/sim/prng.ts';

/** Deterministic pseudo-random numbers (mulberry32, the simulator's Prng). */
function rng(seed: number): () => number {
  const p = new Prng(seed);
  return () => p.next();
}

function series(n: number, seed: number): number[] {
  const r = rng(seed);
  const out: number[] = [];
  let level = 10;
  for (let i = 0; i < n; i++) {
    level += r() - 0.5;
    out.push(level + Math.sin(i / 5) + (i % 97 === 96 ? 8 : 0));
  }
  return out;
}

/**
 * Naive reference written straight from the method description: lists of lag vectors, the quadratic form
 * (a − b)ᵀ M (a − b) with M = (XᵀX)⁻¹, full sorts.
 */
function naiveKnnCad(values: readonly number[], lag: number, k: number, P: number): number[] {
  const buf: number[] = [];
  let training: number[][] = [];
  const calibration: number[][] = [];
  let scores: number[] = [];
  let M: number[][] = Array.from({ length: lag }, (_, i) =>
    Array.from({ length: lag }, (_, j) => (i === j ? 1 : 0)),
  );
  let pred = 0;
  const dist = (a: number[], b: number[]): number => {
    const d = a.map((x, i) => x - b[i]!);
    let s = 0;
    for (let i = 0; i < lag; i++) for (let j = 0; j < lag; j++) s += d[i]! * M[i]![j]! * d[j]!;
    return s;
  };
  const ncm = (v: number[], m: number): number =>
    training
      .map((t) => dist(t, v))
      .sort((a, b) => a - b)
      .slice(0, m)
      .reduce((a, b) => a + b, 0);
  const out: number[] = [];
  for (const x of values) {
    buf.push(x);
    const n = buf.length;
    if (n < lag) {
      out.push(0);
      continue;
    }
    const item = buf.slice(n - lag);
    if (n < P) {
      training.push(item);
      out.push(0);
      continue;
    }
    if (n % P === 0 || n % P === Math.floor(P / 2)) {
      try {
        M = inverse(new Matrix(training).transpose().mmul(new Matrix(training))).to2DArray();
      } catch {
        // singular: keep M
      }
    }
    if (scores.length === 0) scores = training.map((t) => ncm(t, k + 1));
    const s = ncm(item, k);
    const result = scores.filter((c) => c < s).length / scores.length;
    if (n >= 2 * P) {
      training = training.slice(1);
      training.push(calibration.shift()!);
    }
    scores = scores.slice(1);
    scores.push(s);
    calibration.push(item);
    if (pred > 0) {
      pred--;
      out.push(0.5);
    } else {
      if (result >= 0.9965) pred = Math.floor(P / 5);
      out.push(result);
    }
  }
  return out;
}

const run = (opts: Partial<KnnCadOptions>, values: readonly number[]): Verdict[] => {
  const d = createKnnCadDetector(opts);
  return values.map((v, i) => d.update(v, i * 1000));
};

describe('knn-cad: known answers', () => {
  it('lag 1, k 1, P 4 on 1, 2, 4, 10, 3, 2 (hand-computed, M = 1/21)', () => {
    // Training {1, 2, 4}; at n = 4 M = 1/(1 + 4 + 16) = 1/21; calibration NCMs (self + nearest) = 1/21, 1/21, 4/21.
    // x = 10: nearest is 4 at 36/21 > every calibration score → 1. Scores become [1/21, 4/21, 36/21].
    // x = 3: nearest 2 or 4 at 1/21; no score is < 1/21 → 0. Scores [4/21, 36/21, 1/21].
    // x = 2 (n = 6 = P + ⌊P/2⌋: M recomputed from the same training, unchanged): distance 0 → 0.
    const v = run({ lag: 1, k: 1, probation: 4, refractorySamples: 0 }, [1, 2, 4, 10, 3, 2]);
    assert.deepEqual(
      v.map((x) => x.score),
      [0, 0, 0, 1, 0, 0],
    );
    assert.deepEqual(
      v.map((x) => x.warmingUp),
      [true, true, true, false, false, false],
    );
    assert.equal(v[3]!.anomalous, true);
    assert.equal(v[3]!.severity, 'high');
    assert.equal(v[4]!.anomalous, false);
    assert.equal(v[4]!.resolved, true);
    assert.ok(Number.isNaN(v[3]!.expected));
  });

  it('x = 1.5 after 1, 2, 4 sits between calibration scores: 2/3', () => {
    // nearest of 1.5 is 1 or 2 at 0.25/21; calibration [1/21, 1/21, 4/21] → none below → 0.
    // x = 3.2: nearest 4 at 0.64/21, scores now [1/21, 4/21, 0.25/21] → one below → 1/3.
    const v = run({ lag: 1, k: 1, probation: 4, refractorySamples: 0 }, [1, 2, 4, 1.5, 3.2]);
    assert.equal(v[3]!.score, 0);
    assert.equal(v[4]!.score, 1 / 3);
  });

  it('refractory: after a score ≥ 0.9965 the next ⌊P/5⌋ samples output 0.5', () => {
    const values = [1, 2, 4, 3, 2, 1, 2, 3, 4, 3, 2, 1, 2, 3, 50, 3, 2, 1, 2, 3];
    const v = run({ lag: 1, k: 1, probation: 10 }, [...values.slice(0, 9), ...values.slice(9)]);
    const i = v.findIndex((x) => x.score === 1);
    assert.equal(i, 14);
    assert.deepEqual(
      v.slice(15, 17).map((x) => x.score),
      [0.5, 0.5],
    );
    assert.notEqual(v[17]!.score, 0.5);
  });

  it('a constant series keeps M = identity (singular XᵀX) and scores 0; a jump scores 1', () => {
    const values = [...Array.from({ length: 60 }, () => 5), 9];
    const v = run({ lag: 3, k: 2, probation: 30 }, values);
    for (let i = 29; i < 60; i++) assert.equal(v[i]!.score, 0);
    assert.equal(v[60]!.score, 1);
  });

  it('matches a naive reference (quadratic form, full sort) row for row, including M updates and sliding', () => {
    for (const [lag, k, P, seed] of [
      [3, 2, 24, 1],
      [5, 4, 40, 2],
      [1, 1, 6, 3],
    ] as const) {
      const values = series(400, seed);
      const ref = naiveKnnCad(values, lag, k, P);
      const got = run({ lag, k, probation: P }, values).map((x) => x.score);
      assert.equal(got.length, ref.length);
      for (let i = 0; i < ref.length; i++)
        assert.equal(got[i], ref[i], `lag ${lag} row ${i}: ${got[i]} vs ${ref[i]}`);
    }
  });

  it("NAB's probation rule", () => {
    assert.equal(knnCadNabProbation(4032), 604);
    assert.equal(knnCadNabProbation(1882), 282);
    assert.equal(knnCadNabProbation(15902), 750);
  });
});

describe('knn-cad: options and input', () => {
  it('defaults are NAB’s', () => {
    const d = createKnnCadDetector();
    assert.equal(d.name, 'knn-cad');
    assert.equal(KNN_CAD_DEFAULTS.lag, 19);
    assert.equal(KNN_CAD_DEFAULTS.k, 27);
    assert.equal(KNN_CAD_DEFAULTS.probation, 750);
    assert.equal(KNN_CAD_DEFAULTS.refractoryThreshold, 0.9965);
  });

  it('bad options throw InvalidInputError', () => {
    const bad: Partial<KnnCadOptions>[] = [
      { lag: 0 },
      { lag: 1.5 },
      { k: 0 },
      { probation: 47 }, // < lag + k + 2 = 48
      { probation: 20_001 },
      { alertThreshold: Number.NaN },
      { refractoryThreshold: Number.POSITIVE_INFINITY },
      { refractorySamples: -1 },
    ];
    for (const o of bad) assert.throws(() => createKnnCadDetector(o), InvalidInputError, JSON.stringify(o));
    assert.doesNotThrow(() => createKnnCadDetector({ probation: 48 }));
  });

  it('non-finite values are not judged and leave the state unchanged', () => {
    const values = series(300, 7);
    const opts = { lag: 4, k: 3, probation: 40 };
    const clean = run(opts, values);
    const d = createKnnCadDetector(opts);
    const dirty: Verdict[] = [];
    values.forEach((v, i) => {
      if (i % 13 === 0) {
        const nj = d.update(i % 2 === 0 ? Number.NaN : Number.POSITIVE_INFINITY, i);
        assert.equal(nj.warmingUp, true);
        assert.equal(nj.score, 0);
      }
      dirty.push(d.update(v, i));
    });
    assert.deepEqual(dirty, clean);
  });

  it('state stays bounded on a long stream (cap test)', () => {
    const d = createKnnCadDetector({ lag: 5, k: 4, probation: 60 });
    const values = series(30_000, 11);
    let bytes = 0;
    values.forEach((v, i) => {
      d.update(v, i);
      if (i === 500) bytes = d.stateBytes();
    });
    assert.equal(d.stateBytes(), bytes);
    const st = d.snapshot().state as { values: unknown[]; scores: unknown[] };
    assert.equal(st.values.length, 120); // 2P
    assert.equal(st.scores.length, 55); // P − lag
    assert.ok(createKnnCadDetector().stateBytes() < 300_000);
  });
});

describe('knn-cad: snapshot / restore', () => {
  const opts = { lag: 4, k: 3, probation: 40 };
  const values = series(600, 5);

  it('round trip through JSON gives identical subsequent verdicts (warm-up, calibrated, sliding, refractory)', () => {
    for (const cut of [0, 2, 20, 39, 40, 41, 60, 85, 200, 333]) {
      const a = createKnnCadDetector(opts);
      for (let i = 0; i < cut; i++) a.update(values[i]!, i);
      const snap = JSON.parse(JSON.stringify(a.snapshot())) as DetectorSnapshot;
      const b = createKnnCadDetector(opts);
      b.update(123, 0); // some state to overwrite
      b.restore(snap);
      for (let i = cut; i < values.length; i++)
        assert.deepEqual(b.update(values[i]!, i), a.update(values[i]!, i), `cut ${cut} row ${i}`);
    }
  });

  it('bad snapshots throw and leave the state unchanged', () => {
    const a = createKnnCadDetector(opts);
    const twin = createKnnCadDetector(opts);
    for (let i = 0; i < 100; i++) {
      a.update(values[i]!, i);
      twin.update(values[i]!, i);
    }
    const good = a.snapshot();
    const st = good.state as Record<string, unknown>;
    const bads: DetectorSnapshot[] = [
      { ...good, detector: 'windowed-gaussian' },
      { ...good, version: 2 },
      { ...good, state: null },
      { ...good, state: { ...st, lag: 5 } },
      { ...good, state: { ...st, n: -1 } },
      { ...good, state: { ...st, n: 1.5 } },
      { ...good, state: { ...st, values: (st['values'] as number[]).slice(1) } },
      { ...good, state: { ...st, values: [...(st['values'] as number[]).slice(1), null] } },
      { ...good, state: { ...st, scores: [] } },
      { ...good, state: { ...st, metric: [1, 2, 3] } },
      { ...good, state: { ...st, refractory: 999 } },
      { ...good, state: { ...st, lastAnomalous: 'no' } },
    ];
    for (const s of bads) assert.throws(() => a.restore(s), InvalidInputError);
    for (let i = 100; i < values.length; i++)
      assert.deepEqual(a.update(values[i]!, i), twin.update(values[i]!, i));
  });
});
