/**
 * Per-version figures of a node canary (src/monitor/rollout-version-figures.ts): nodes that run one version in the
 * stage are compared against their own v1 baseline before it, relative to the v1 nodes' change over the same period
 * (difference in differences), so unlike nodes do not pose as a version effect.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { VersionFigure } from '../../../src/contract/rollout.ts';
import { computeRolloutStatus } from '../../../src/monitor/rollout-status.ts';
import { versionFiguresFromMigrations } from '../../../src/monitor/rollout-version-figures.ts';
import { Prng } from '../../../src/sim/prng.ts';
import { addMigrationRows, emptyMigrationSeries, type MigrationRow } from '../../helpers/migration-series.ts';
import { seriesPoints as sp } from '../../helpers/series-points.ts';

const T = 1_700_000_000_000;
const S = 5000;
const GIB = 2 ** 30;
const PRE = 60;
const STAGE = 60;
const START = T + PRE * S;
const END = START + STAGE * S;

/** v3 ÷ v1 per GiB on the canary nodes: migration time, CPU seconds, peak host memory, bytes sent. */
interface Truth {
  readonly time: number;
  readonly cpu: number;
  readonly memory: number;
  readonly sent: number;
}
const EQUAL: Truth = { time: 1, cpu: 1, memory: 1, sent: 1 };

/**
 * 3 + 3 unlike nodes (1-4 GiB/s, CPU 0.3-0.8 s/GiB, compression 2-4x): every node on v1 for {@link PRE} intervals
 * of 5 s, then the odd nodes switch to v3 for {@link STAGE} intervals while the even ones stay on v1. 4 migrations of
 * 2/8/32 GiB per interval, ±3 % per-migration jitter; in the stage every node is `trend` times slower and costlier
 * (load, time of day: the same for both versions).
 */
function nodeCanary(
  seed: number,
  truth: Truth,
  trend = 1,
): Parameters<typeof versionFiguresFromMigrations>[0] {
  const rng = new Prng(seed);
  const out = emptyMigrationSeries();
  const nodes = [
    { speed: 1, cpu: 0.3, ratio: 2 },
    { speed: 3.5, cpu: 0.8, ratio: 4 },
    { speed: 2, cpu: 0.5, ratio: 3 },
    { speed: 1.2, cpu: 0.4, ratio: 2.5 },
    { speed: 4, cpu: 0.7, ratio: 3.5 },
    { speed: 2.6, cpu: 0.6, ratio: 2 },
  ];
  const draw = (n: (typeof nodes)[number], t: Truth, f: number) => {
    const row = { sec: 0, mem: 0, cpu: 0, peak: 0, sent: 0 };
    for (let j = 0; j < 4; j++) {
      const gib = [2, 8, 32][rng.int(0, 2)]!;
      const jit = () => Math.max(0.05, 1 + rng.gaussian(0, 0.03));
      row.sec += (gib / n.speed) * t.time * f * jit();
      row.mem += gib * GIB;
      row.cpu += n.cpu * gib * t.cpu * f * jit();
      row.peak += 0.02 * n.speed * gib * GIB * t.memory * jit();
      row.sent += ((gib * GIB) / n.ratio) * t.sent;
    }
    return row;
  };
  const add = (v: 'v1' | 'v3', node: string, t0: number, rows: MigrationRow[]): void =>
    addMigrationRows(out, v, node, t0, S, 4, rows);
  nodes.forEach((n, i) => {
    const node = `n${i}`;
    const canary = i % 2 === 1;
    const before = Array.from({ length: PRE }, () => draw(n, EQUAL, 1));
    const during = Array.from({ length: STAGE }, () => draw(n, canary ? truth : EQUAL, trend));
    add('v1', node, T, canary ? before : [...before, ...during]);
    if (canary) add('v3', node, START, during);
  });
  return out;
}

const BASELINE = { stageStartMs: START, baselineStartMs: T } as const;
type Measured = Extract<VersionFigure, { state: 'measured' }>;
const measured = (fs: readonly VersionFigure[], f: VersionFigure['figure']): Measured => {
  const x = fs.find((y) => y.figure === f)!;
  assert.equal(x.state, 'measured', x.state === 'insufficient-data' ? x.missing : '');
  return x as Measured;
};
/**
 * The estimate within `tol` points of the truth; with `holds`, the interval holds the truth (a 95 % event per run,
 * asserted for equal versions), otherwise it excludes 0 (the effect is shown).
 */
const near = (x: Measured, truth: number, tol: number, holds = truth === 0): void => {
  assert.ok(Math.abs(x.improvementPercent - truth) < tol, `${x.figure} ${x.improvementPercent} vs ${truth}`);
  const ok = holds
    ? x.lowerPercent <= truth && x.upperPercent >= truth
    : x.lowerPercent > 0 || x.upperPercent < 0;
  assert.ok(ok, `${x.figure} [${x.lowerPercent}, ${x.upperPercent}] vs ${truth}`);
};

describe('versionFiguresFromMigrations in a node canary', () => {
  it('equal versions on unlike nodes: every figure about 0 % with an interval holding 0, each node against its own baseline', () => {
    // A 5 % slowdown and CPU increase of every node in the stage is removed by the v1 nodes.
    const fs = versionFiguresFromMigrations(nodeCanary(31, EQUAL, 1.05), START, END, BASELINE);
    for (const f of ['throughput', 'cpu', 'memory', 'bandwidth_saved'] as const) {
      const x = measured(fs, f);
      near(x, 0, 1.5);
      assert.equal(x.baselineNodes, 6, f);
      assert.deepEqual([x.v1Observations, x.v3Observations, x.strata], [3 * STAGE, 3 * STAGE, 1], f);
    }
    // The means stay the nodes' raw figures (different nodes per version), only the change is compared.
    const cpu = measured(fs, 'cpu');
    assert.ok(Math.abs(cpu.v1Mean - cpu.v3Mean) > 0.05, `${cpu.v1Mean} ${cpu.v3Mean}`);
  });

  it('v3 10 % better or worse: throughput and CPU about ±10 %, intervals excluding 0', () => {
    const better = versionFiguresFromMigrations(
      nodeCanary(32, { time: 0.9, cpu: 0.9, memory: 0.9, sent: 0.9 }, 1.05),
      START,
      END,
      BASELINE,
    );
    near(measured(better, 'throughput'), 100 * (1 / 0.9 - 1), 1.5);
    near(measured(better, 'cpu'), 10, 1.5);
    near(measured(better, 'memory'), 10, 1.5);
    near(measured(better, 'bandwidth_saved'), 10, 1.5);
    const worse = versionFiguresFromMigrations(
      nodeCanary(33, { time: 1.1, cpu: 1.1, memory: 1, sent: 1 }),
      START,
      END,
      BASELINE,
    );
    near(measured(worse, 'throughput'), 100 * (1 / 1.1 - 1), 1.5);
    near(measured(worse, 'cpu'), -10, 1.5);
    near(measured(worse, 'memory'), 0, 1.5);
  });

  it('without a baseline: insufficient-data naming the missing baseline', () => {
    const rs = nodeCanary(34, EQUAL);
    const check = (fs: readonly VersionFigure[]): void => {
      for (const f of fs) {
        assert.equal(f.state, 'insufficient-data', f.figure);
        if (f.state !== 'insufficient-data') continue;
        assert.match(f.missing, /3 intervals \(at least 100 in 10 needed\)/, f.missing);
        assert.match(f.missing, /6 nodes run one version without a v1 baseline before the stage/, f.missing);
        assert.equal(f.baselineNodes, 0);
      }
    };
    // Stage start not observed.
    check(versionFiguresFromMigrations(rs, START, END));
    // Fewer than 10 v1 intervals per node before the stage.
    check(versionFiguresFromMigrations(rs, START, END, { ...BASELINE, baselineStartMs: START - 9 * S }));
  });

  it('the rollout status passes the observed stage start: the comparison takes the baseline figures', () => {
    const rs = nodeCanary(35, { time: 0.9, cpu: 0.9, memory: 1, sent: 1 });
    const progress = [0, 1, 2, 3, 4, 5].map((i) =>
      sp('progress', { node: `n${i}` }, [
        [T, 0],
        [START - S, 0],
        [START, i % 2 === 1 ? 100 : 0],
        [END, i % 2 === 1 ? 100 : 0],
      ]),
    );
    const r = computeRolloutStatus(
      {
        ...rs,
        slaCompliance: [],
        rolloutProgress: progress,
        v3Enabled: [],
        utilization: [],
        throughputTx: [],
        hdeOriginal: [],
        hdeCompressed: [],
      },
      { startMs: START, endMs: END },
      T,
      { maxPoints: 10_000 },
      [],
      [],
    );
    assert.equal(r.evidence.startObserved, true);
    const cpu = measured(r.figures.perVersion, 'cpu');
    near(cpu, 10, 1.5);
    assert.equal(cpu.baselineNodes, 6);
    assert.ok(
      Math.abs(r.comparison.cpuImprovementPercent! - 10) < 1.5,
      `${r.comparison.cpuImprovementPercent}`,
    );
    assert.ok(
      r.figures.notes.some((n) => n.includes('against its own v1 baseline before the stage')),
      r.figures.notes.join(' | '),
    );
  });
});
