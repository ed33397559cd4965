import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  computeRolloutStatus,
  slaMetAt,
  type RolloutReadSeries,
} from '../../../src/monitor/rollout-status.ts';
import type { EvidencePaths } from '../../../src/monitor/rollout-evidence.ts';
import { migrationResources } from '../../../src/sim/migration-resources.ts';
import { Prng } from '../../../src/sim/prng.ts';
import type { SeriesPoints } from '../../../src/store/types.ts';
import { histogramSeries, seriesPoints as sp } from '../../helpers/series-points.ts';

const T = 1_700_000_000_000;
const S = 5000;

describe('slaMetAt', () => {
  it('checks each SLA type over the window before each look (≥ target, or no data)', () => {
    const lat = sp(
      's',
      { sla_type: 'latency', node: 'a' },
      Array.from({ length: 10 }, (_, i) => [T + i * S, i === 5 ? 0 : 1] as const),
    );
    const thr = sp('s', { sla_type: 'throughput', node: 'a' }, [[T, 1]]);
    // window 20 s: looks at T+20 s (points 1..4 → met), T+30 s (points 3..6, one miss → 75 % < 99 %), T+50 s (7..10 → met)
    assert.deepEqual(slaMetAt([lat, thr], [T + 20_000, T + 30_000, T + 50_000], 20_000), [true, false, true]);
    assert.deepEqual(slaMetAt([], [T], 20_000), [true]);
  });
});

/**
 * 20 min of 5 s scrapes on 3 nodes: the rollout moves from 10 % to 25 % at T + 10 min. Before, v3 is 30 % slower
 * (the previous stage); after, `factor` × v1. Every node runs both versions; compression equal on both sides. With
 * `memory`, the guest-memory counters of the migrations too.
 */
function series(factor: number, memory = false, resources = false): RolloutReadSeries {
  const rng = new Prng(11);
  const n = 240;
  const change = 120;
  const v1 = { sum: [] as SeriesPoints[], count: [] as SeriesPoints[] };
  const v3 = { sum: [] as SeriesPoints[], count: [] as SeriesPoints[] };
  const c1 = { sum: [] as SeriesPoints[], count: [] as SeriesPoints[] };
  const c3: SeriesPoints[] = [];
  const progress: SeriesPoints[] = [];
  const sla: SeriesPoints[] = [];
  const m1: SeriesPoints[] = [];
  const m3: SeriesPoints[] = [];
  const res = {
    v1Cpu: [] as SeriesPoints[],
    v3Cpu: [] as SeriesPoints[],
    v1HostMemory: { sum: [] as SeriesPoints[], count: [] as SeriesPoints[] },
    v3HostMemory: { sum: [] as SeriesPoints[], count: [] as SeriesPoints[] },
    v1Sent: [] as SeriesPoints[],
    v3Sent: [] as SeriesPoints[],
  };
  type Draw = readonly [number, number, number, number, number, number];
  const counter = (
    name: string,
    labels: Record<string, string>,
    deltas: readonly Draw[],
    at = 2,
  ): SeriesPoints => {
    let total = 0;
    return sp(name, labels, [[T, 0], ...deltas.map((d, i) => [T + (i + 1) * S, (total += d[at]!)] as const)]);
  };
  for (const node of ['a', 'b', 'c']) {
    const speed = 1 + rng.uniform(0, 3);
    // Per interval: duration sum, migrations, guest memory bytes, CPU seconds, peak host memory sum, bytes sent
    // (CPU and memory as the simulator models them: src/sim/migration-resources.ts; compression 3x).
    const draw = (k: number, f: number): Draw => {
      let s = 0;
      let b = 0;
      let cpu = 0;
      let peak = 0;
      for (let j = 0; j < k; j++) {
        const gib = [2, 8, 32][rng.int(0, 2)]!;
        const sec = (gib / speed) * f * (1 + rng.gaussian(0, 0.03));
        const r = migrationResources(gib * 2 ** 30, sec, 3, f);
        s += sec;
        b += gib * 2 ** 30;
        cpu += r.cpuSeconds;
        peak += r.hostMemoryPeakBytes;
      }
      return [s, k, b, cpu, peak, b / 3];
    };
    const d1 = Array.from({ length: n }, () => draw(16, 1));
    const d3 = Array.from({ length: n }, (_, i) => draw(i < change ? 2 : 5, i < change ? 1.3 : factor));
    const h1 = histogramSeries(
      'd1',
      { node, dwcp_enabled: 'true' },
      T,
      S,
      d1.map(([x, k]) => [x, k] as const),
    );
    const h3 = histogramSeries(
      'd3',
      { node_id: node },
      T,
      S,
      d3.map(([x, k]) => [x, k] as const),
    );
    m1.push(counter('m1', { node, dwcp_enabled: 'true' }, d1));
    m3.push(counter('m3', { node_id: node }, d3));
    if (resources) {
      res.v1Cpu.push(counter('cpu1', { node, dwcp_enabled: 'true' }, d1, 3));
      res.v3Cpu.push(counter('cpu3', { node_id: node }, d3, 3));
      res.v1Sent.push(counter('sent1', { node, dwcp_enabled: 'true' }, d1, 5));
      res.v3Sent.push(counter('sent3', { node_id: node }, d3, 5));
      const p1 = histogramSeries(
        'peak1',
        { node, dwcp_enabled: 'true' },
        T,
        S,
        d1.map((d) => [d[4], d[1]] as const),
      );
      const p3 = histogramSeries(
        'peak3',
        { node_id: node },
        T,
        S,
        d3.map((d) => [d[4], d[1]] as const),
      );
      res.v1HostMemory.sum.push(p1.sum);
      res.v1HostMemory.count.push(p1.count);
      res.v3HostMemory.sum.push(p3.sum);
      res.v3HostMemory.count.push(p3.count);
    }
    const hc = histogramSeries(
      'c1',
      { node },
      T,
      S,
      Array.from({ length: n }, () => [10 * 3 * (1 + rng.gaussian(0, 0.01)), 10] as const),
    );
    v1.sum.push(h1.sum);
    v1.count.push(h1.count);
    v3.sum.push(h3.sum);
    v3.count.push(h3.count);
    c1.sum.push(hc.sum);
    c1.count.push(hc.count);
    c3.push(
      sp(
        'c3',
        { node_id: node, algorithm: 'zstd' },
        Array.from({ length: n + 1 }, (_, i) => [T + i * S, 3 * (1 + rng.gaussian(0, 0.01))] as const),
      ),
    );
    progress.push(
      sp(
        'p',
        { node, stage: 'canary' },
        Array.from({ length: change }, (_, i) => [T + i * S, 10] as const),
      ),
    );
    progress.push(
      sp(
        'p',
        { node, stage: 'early_adopters' },
        Array.from({ length: n + 1 - change }, (_, i) => [T + (change + i) * S, 25] as const),
      ),
    );
    sla.push(
      sp(
        's',
        { node, sla_type: 'latency' },
        Array.from({ length: n + 1 }, (_, i) => [T + i * S, 1] as const),
      ),
    );
  }
  return {
    v1Migration: v1,
    v3Migration: v3,
    v1MigrationMemory: memory ? m1 : [],
    v3MigrationMemory: memory ? m3 : [],
    v1Compression: c1,
    v3Compression: c3,
    slaCompliance: sla,
    rolloutProgress: progress,
    v3Enabled: [],
    utilization: [],
    throughputTx: [],
    hdeOriginal: [],
    hdeCompressed: [],
    ...res,
  };
}

describe('computeRolloutStatus', () => {
  const end = T + 240 * S;
  const window = { startMs: end - 600_000, endMs: end };

  it('judges the current stage only, from its start: an equal-or-better v3 reaches GO, with the time to decision', () => {
    const warnings: string[] = [];
    const r = computeRolloutStatus(series(0.85), window, T, { maxPoints: 4000 }, [], warnings);
    const e = r.evidence;
    assert.equal(e.stageStartMs, T + 120 * S);
    assert.equal(e.startObserved, true);
    assert.equal(e.startMs, T + 120 * S);
    assert.equal(e.elapsedMs, 600_000);
    assert.equal(e.looks, 40);
    assert.equal(e.method, 'mixture-sprt');
    assert.deepEqual([e.alpha, e.marginPercent, e.thresholdPercent], [0.02, 7.5, 10]);
    assert.equal(r.decision, 'GO', r.summary);
    assert.equal(e.decision, 'GO');
    assert.equal(e.firstDecision!.decision, 'GO');
    assert.ok(e.firstDecision!.afterMs > 0 && e.firstDecision!.afterMs <= 600_000);
    assert.equal(e.firstGoAtMs, e.firstDecision!.atMs);
    const mig = e.metrics.find((m) => m.metric === 'migration_duration')!;
    assert.equal(mig.state, 'non-inferior');
    assert.ok(mig.degradationPercent! < -5 && mig.degradationPercent! > -25, `${mig.degradationPercent}`); // true −15 %
    assert.equal(mig.strata, 3);
    assert.equal(mig.needed, null);
    assert.equal(e.metrics.find((m) => m.metric === 'compression')!.state, 'non-inferior');
    assert.equal(r.rolloutPercent, 25);
    assert.ok(r.comparison.migrationSpeedup! > 1.05, `${r.comparison.migrationSpeedup}`); // v1 ÷ v3 mean time, ≈ 1/0.85
    assert.deepEqual(r.figures.nodes, { v1: 0, v3: 0 });
    assert.deepEqual(r.figures.notes, [
      'nodes report no v3_enabled feature flag: throughput, CPU, memory and bandwidth saved cannot be put on a version',
    ]);
    // No per-migration counters: every per-version figure says what is missing.
    assert.deepEqual(
      r.figures.perVersion.map((f) => [f.figure, f.state === 'insufficient-data' ? f.missing : f.state]),
      [
        [
          'throughput',
          'v1 agents export no dwcp_migration_memory_bytes_total; v3 agents export no dwcp_v3_migration_memory_bytes_total',
        ],
        [
          'cpu',
          'v1 agents export no dwcp_migration_cpu_seconds_total; v3 agents export no dwcp_v3_migration_cpu_seconds_total',
        ],
        [
          'memory',
          'v1 agents export no dwcp_migration_host_memory_peak_bytes; v3 agents export no dwcp_v3_migration_host_memory_peak_bytes',
        ],
        [
          'bandwidth_saved',
          'v1 agents export no dwcp_migration_sent_bytes_total; v3 agents export no dwcp_v3_migration_sent_bytes_total',
        ],
      ],
    );
    assert.deepEqual(r.regressions, []);
    assert.deepEqual(warnings, []);
  });

  it('with the guest-memory counters judges migration time per GiB and fills the per-version migration throughput', () => {
    const r = computeRolloutStatus(series(0.85, true), window, T, { maxPoints: 4000 }, [], []);
    assert.equal(r.decision, 'GO', r.summary);
    const mig = r.evidence.metrics[0]!;
    assert.equal(mig.metric, 'migration_time_per_gib');
    assert.equal(mig.unit, 's/GiB');
    assert.equal(mig.v3Events, 3 * 120 * 5); // migrations, not GiB
    assert.ok(Math.abs(mig.degradationPercent! + 15) < 1.5, `${mig.degradationPercent}`); // true −15 %
    // Per-GiB bounds are far tighter than per migration (the VM-size spread is gone).
    const perMigration = computeRolloutStatus(series(0.85), window, T, { maxPoints: 4000 }, [], []).evidence
      .metrics[0]!;
    assert.ok(
      mig.upperPercent! - mig.lowerPercent! < (perMigration.upperPercent! - perMigration.lowerPercent!) / 3,
      `${mig.lowerPercent}..${mig.upperPercent} vs ${perMigration.lowerPercent}..${perMigration.upperPercent}`,
    );
    // Throughput per version: memory migrated per second of migration, v3 1/0.85 − 1 ≈ 17.6 % better.
    const c = r.comparison;
    assert.ok(Math.abs(c.throughputImprovementPercent! - 17.6) < 2, `${c.throughputImprovementPercent}`);
    assert.ok(c.v1.throughputMeanMbps! > 0 && c.v3.throughputMeanMbps! > c.v1.throughputMeanMbps!);
    assert.match(
      r.figures.notes[1]!,
      /^throughput: per version from the per-migration counters, node-stratified/,
    );
    assert.equal(c.cpuImprovementPercent, null); // no CPU counters: CPU and memory stay empty
    // A 20 % slower v3 is a regression per GiB too.
    const bad = computeRolloutStatus(series(1.2, true), window, T, { maxPoints: 4000 }, [], []);
    assert.equal(bad.decision, 'NO-GO', bad.summary);
    assert.equal(bad.regressions[0]!.metric, 'migration_time_per_gib');
  });

  it('with the per-migration resource counters fills CPU, memory and bandwidth saved per version, with intervals', () => {
    const r = computeRolloutStatus(series(0.85, true, true), window, T, { maxPoints: 4000 }, [], []);
    const c = r.comparison;
    // The simulator's model: CPU ∝ the work factor (0.85) → +15 %; peak memory grows less than the duration.
    assert.ok(Math.abs(c.cpuImprovementPercent! - 15) < 1.5, `${c.cpuImprovementPercent}`);
    assert.ok(
      c.memoryImprovementPercent! > 0 && c.memoryImprovementPercent! < 15,
      `${c.memoryImprovementPercent}`,
    );
    // Compression 3x on both sides: v3 saves 2/3 of its guest memory.
    assert.ok(Math.abs(c.bandwidthSavedPercent! - 100 * (2 / 3)) < 1e-6, `${c.bandwidthSavedPercent}`);
    assert.ok(c.bandwidthSavedGb > 0 && c.costSavingsUsd === c.bandwidthSavedGb * c.pricePerGb);
    const cpu = r.figures.perVersion.find((f) => f.figure === 'cpu')!;
    assert.equal(cpu.state, 'measured');
    if (cpu.state === 'measured') {
      assert.ok(cpu.lowerPercent < 15 && cpu.upperPercent > 15, `${cpu.lowerPercent}..${cpu.upperPercent}`);
      assert.equal(cpu.strata, 3);
    }
    assert.match(r.figures.notes.at(-1)!, /^throughput, CPU, memory, bandwidth saved: per version/);
    // A 20 % slower v3 (20 % more work) costs 20 % more CPU.
    const bad = computeRolloutStatus(series(1.2, true, true), window, T, { maxPoints: 4000 }, [], []);
    assert.ok(
      Math.abs(bad.comparison.cpuImprovementPercent! + 20) < 2,
      `${bad.comparison.cpuImprovementPercent}`,
    );
    assert.ok(bad.comparison.memoryImprovementPercent! < 0);
  });

  it('a v3 20 % slower in the current stage is NO-GO with a regression; early in a stage it is CAUTION with the evidence needed', () => {
    const bad = computeRolloutStatus(series(1.2), window, T, { maxPoints: 4000 }, [], []);
    assert.equal(bad.decision, 'NO-GO', bad.summary);
    assert.equal(bad.forced, true);
    assert.equal(bad.evidence.firstDecision!.decision, 'NO-GO');
    assert.equal(bad.regressions[0]!.metric, 'migration_duration');
    assert.ok(bad.regressions[0]!.degradationPercent > 10);
    // 30 s into the stage: not enough migrations yet.
    const early = computeRolloutStatus(
      series(1),
      { startMs: T + 126 * S - 600_000, endMs: T + 126 * S },
      T,
      { maxPoints: 4000 },
      [],
      [],
    );
    assert.equal(early.decision, 'CAUTION');
    assert.equal(early.evidence.elapsedMs, 30_000);
    const mig = early.evidence.metrics[0]!;
    assert.equal(mig.state, 'insufficient');
    assert.ok(mig.needed !== null && (mig.needed.moreMs === null || mig.needed.moreMs > 0));
    assert.equal(early.evidence.firstDecision, null);
  });
});

/** The points of every series of `rs` at or before `endMs` (what a read up to `endMs` returns). */
function upTo(rs: RolloutReadSeries, endMs: number): RolloutReadSeries {
  const cut = (l: readonly SeriesPoints[]): SeriesPoints[] =>
    l.map((s) => {
      const n = s.timestampsMs.filter((t) => t <= endMs).length;
      return { ...s, timestampsMs: s.timestampsMs.slice(0, n), values: s.values.slice(0, n) };
    });
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(rs))
    out[k] = Array.isArray(v) ? cut(v) : { sum: cut(v.sum), count: cut(v.count) };
  return out as unknown as RolloutReadSeries;
}

describe('computeRolloutStatus with the effect paths kept between calls', () => {
  it('every call every 15 s (and an off-grid one) is the status computed without them; settled looks are reused', () => {
    for (const memory of [false, true]) {
      const all = series(1.02, memory);
      const paths: EvidencePaths = new Map();
      const ends = Array.from({ length: 30 }, (_, i) => T + 125 * S + i * 15_000);
      ends.splice(12, 0, T + 125 * S + 11 * 15_000 + 7000);
      for (const end of ends) {
        const rs = upTo(all, end);
        const w = { startMs: end - 600_000, endMs: end };
        const kept = computeRolloutStatus(rs, w, T, { maxPoints: 4000, paths }, [], []);
        const full = computeRolloutStatus(rs, w, T, { maxPoints: 4000 }, [], []);
        assert.deepStrictEqual(kept, full, `end ${end - T}`);
      }
      const calls = [...paths.values()].map((p) => p.calls);
      assert.equal(calls.length, 2);
      for (const c of calls) assert.ok(c.reused >= 25 && c.full >= 1, JSON.stringify(c));
    }
  });
});
