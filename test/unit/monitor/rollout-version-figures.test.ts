/**
 * Throughput, CPU, memory and bandwidth saved per version from the per-migration counters
 * (src/monitor/rollout-version-figures.ts): each figure is measured with a node-stratified interval when both
 * versions have enough migrations, and `insufficient-data` naming what is missing otherwise.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { VersionFigure } from '../../../src/contract/rollout.ts';
import { versionFiguresFromMigrations } from '../../../src/monitor/rollout-version-figures.ts';
import { Prng } from '../../../src/sim/prng.ts';
import { addMigrationRows, emptyMigrationSeries } from '../../helpers/migration-series.ts';

const T = 1_700_000_000_000;
const S = 5000;
const GIB = 2 ** 30;

interface Truth {
  /** v3 ÷ v1 migration time per GiB. */
  readonly time: number;
  /** v3 ÷ v1 CPU seconds per GiB. */
  readonly cpu: number;
  /** v3 ÷ v1 peak host memory per GiB. */
  readonly memory: number;
  /** Compression ratio of v1 and v3 (bytes sent = memory ÷ ratio). */
  readonly ratio: readonly [number, number];
}

type Rs = Parameters<typeof versionFiguresFromMigrations>[0];

/**
 * 2 nodes of unlike speed, both versions on each, `n` intervals of 5 s with `k` migrations per version each (VM
 * sizes 2/8/32 GiB, ±5 % per-migration jitter); `omit` drops the named series.
 */
function build(truth: Truth, n = 60, k = 4, omit: readonly (keyof Rs)[] = []): Rs {
  const rng = new Prng(7);
  const out = emptyMigrationSeries();
  for (const [node, speed] of [
    ['a', 1],
    ['b', 3],
  ] as const) {
    for (const v of ['v1', 'v3'] as const) {
      const f = (x: number): number => (v === 'v3' ? x : 1);
      const rows = Array.from({ length: n }, () => {
        let sec = 0;
        let mem = 0;
        let cpu = 0;
        let peak = 0;
        for (let j = 0; j < k; j++) {
          const gib = [2, 8, 32][rng.int(0, 2)]!;
          const jit = () => 1 + rng.gaussian(0, 0.05);
          sec += (gib / speed) * f(truth.time) * jit();
          mem += gib * GIB;
          cpu += 0.5 * gib * f(truth.cpu) * jit();
          peak += 0.02 * gib * GIB * f(truth.memory) * jit();
        }
        return { sec, mem, cpu, peak, sent: mem / truth.ratio[v === 'v1' ? 0 : 1] };
      });
      addMigrationRows(out, v, node, T, S, k, rows);
    }
  }
  const empty = { sum: [], count: [] };
  for (const key of omit) {
    const cur = out[key as keyof typeof out];
    (out as Record<string, unknown>)[key] = Array.isArray(cur) ? [] : empty;
  }
  return out;
}

const EQUAL: Truth = { time: 1, cpu: 1, memory: 1, ratio: [3, 3] };
const END = T + 60 * S;

const get = (fs: readonly VersionFigure[], f: VersionFigure['figure']): VersionFigure =>
  fs.find((x) => x.figure === f)!;
const measured = (x: VersionFigure): Extract<VersionFigure, { state: 'measured' }> => {
  assert.equal(x.state, 'measured', x.state === 'insufficient-data' ? x.missing : '');
  return x as Extract<VersionFigure, { state: 'measured' }>;
};

describe('versionFiguresFromMigrations', () => {
  it('measures each figure per GiB, node-stratified, with an interval around the true effect', () => {
    const fs = versionFiguresFromMigrations(
      build({ time: 0.9, cpu: 1.2, memory: 0.8, ratio: [2, 4] }),
      T,
      END,
    );
    assert.deepEqual(
      fs.map((f) => f.figure),
      ['throughput', 'cpu', 'memory', 'bandwidth_saved'],
    );
    const thr = measured(get(fs, 'throughput'));
    // 1/0.9 − 1 = +11.1 % throughput
    assert.ok(thr.lowerPercent < 11.1 && thr.upperPercent > 11.1, `${thr.lowerPercent}..${thr.upperPercent}`);
    assert.ok(thr.lowerPercent > 5, 'the interval excludes 0');
    assert.equal(thr.strata, 2);
    assert.equal(thr.v3Events, 2 * 60 * 4);
    const cpu = measured(get(fs, 'cpu'));
    assert.equal(cpu.unit, 's/GiB');
    // v3 needs 1.2x the CPU: −20 % (worse)
    assert.ok(cpu.lowerPercent < -20 && cpu.upperPercent > -20, `${cpu.lowerPercent}..${cpu.upperPercent}`);
    assert.ok(cpu.upperPercent < -15);
    assert.ok(
      Math.abs(cpu.v1Mean - 0.5) < 0.02 && Math.abs(cpu.v3Mean - 0.6) < 0.02,
      `${cpu.v1Mean} ${cpu.v3Mean}`,
    );
    const mem = measured(get(fs, 'memory'));
    assert.ok(mem.lowerPercent < 20 && mem.upperPercent > 20, `${mem.lowerPercent}..${mem.upperPercent}`);
    assert.equal(mem.unit, 'MiB/GiB');
    const bw = measured(get(fs, 'bandwidth_saved'));
    // v1 saves 50 %, v3 75 %, v3 sends half the bytes per GiB: +50 %
    assert.ok(
      Math.abs(bw.v1Mean - 50) < 1e-9 && Math.abs(bw.v3Mean - 75) < 1e-9,
      `${bw.v1Mean} ${bw.v3Mean}`,
    );
    assert.ok(Math.abs(bw.improvementPercent - 50) < 1e-9);
  });

  it('equal versions: every interval contains 0', () => {
    for (const f of versionFiguresFromMigrations(build(EQUAL), T, END)) {
      const x = measured(f);
      assert.ok(
        x.lowerPercent <= 1e-9 && x.upperPercent >= -1e-9,
        `${f.figure} ${x.lowerPercent}..${x.upperPercent}`,
      );
    }
  });

  it('too few migrations: insufficient-data with the counts needed', () => {
    // 5 intervals of 4 migrations: 20 per version and node, fewer than 100
    const fs = versionFiguresFromMigrations(build(EQUAL, 5), T, T + 5 * S);
    for (const f of fs) {
      assert.equal(f.state, 'insufficient-data', f.figure);
      assert.match(
        f.state === 'insufficient-data' ? f.missing : '',
        /v1 has 40 migrations in 10 intervals \(at least 100 in 10 needed\)/,
      );
    }
  });

  it('a version without a resource counter: insufficient-data naming the metric; without guest memory, CPU and memory per migration', () => {
    const fs = versionFiguresFromMigrations(build(EQUAL, 60, 4, ['v3Cpu', 'v1Sent']), T, END);
    const cpu = get(fs, 'cpu');
    assert.equal(cpu.state, 'insufficient-data');
    assert.match(
      cpu.state === 'insufficient-data' ? cpu.missing : '',
      /^v3 agents export no dwcp_v3_migration_cpu_seconds_total$/,
    );
    const bw = get(fs, 'bandwidth_saved');
    assert.match(
      bw.state === 'insufficient-data' ? bw.missing : '',
      /v1 agents export no dwcp_migration_sent_bytes_total/,
    );
    assert.equal(get(fs, 'memory').state, 'measured');
    const noGib = versionFiguresFromMigrations(
      build({ ...EQUAL, cpu: 1.2 }, 60, 4, ['v1MigrationMemory', 'v3MigrationMemory']),
      T,
      END,
    );
    const perMigration = measured(get(noGib, 'cpu'));
    assert.equal(perMigration.unit, 's/migration');
    assert.ok(perMigration.improvementPercent < -5, `${perMigration.improvementPercent}`);
    assert.equal(measured(get(noGib, 'memory')).unit, 'MiB/migration');
    for (const f of ['throughput', 'bandwidth_saved'] as const) {
      const x = get(noGib, f);
      assert.match(
        x.state === 'insufficient-data' ? x.missing : '',
        /agents export no dwcp_(v3_)?migration_memory_bytes_total/,
      );
    }
  });
});
