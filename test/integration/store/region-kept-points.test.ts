/**
 * The regional health call with the points it read kept between calls (src/monitor/kept-window-points.ts)
 * against the full read of its window (the reference, `regionKeepPoints: false`) on the chunked store, SQLite and
 * PostgreSQL: after any generated history of scrapes of the regions' series (`up`, utilisation, latency sums and
 * counts per DWCP mode with mode changes, component errors and operations with counter resets, consensus health;
 * nodes missing from scrapes), late samples, scrapes stored after an evaluation at times before it, checkpoints,
 * restarts, retention and point limits, every evaluation's overview is JSON-equal to the reference's. A control
 * runs the same property with the late samples hidden from the kept points and must find a counterexample. The
 * bound: never more points kept than configured.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Sample } from '../../../src/model/sample.ts';
import { KeptWindowPoints } from '../../../src/monitor/kept-window-points.ts';
import { createInsightsProvider, type InsightsProvider } from '../../../src/monitor/rollout-provider.ts';
import type { OpenedChunkedStore } from '../../../src/store/tsdb/open.ts';
import type { SampleStore } from '../../../src/store/types.ts';
import { blind, counting } from './kept-read-wrappers.ts';
import { chunkedStoreSuites, s, T0 } from './tsdb-store-suite.ts';

const NODES = [
  { node: 'n1', region: 'us-east' },
  { node: 'n2', region: 'us-east' },
  { node: 'n3', region: 'eu-west' },
] as const;
const MODES = ['datacenter', 'internet', 'hybrid'] as const;
const HEALTH = { warmupMs: 4000, minLatencyObservations: 2 };

type Op =
  | { kind: 'tick'; seconds: number; present: boolean[]; reset: boolean[]; mode: number; value: number }
  | { kind: 'late'; node: number; metric: number; backMs: number; value: number }
  | { kind: 'eval'; windowMs: number; lagMs: number; maxPoints: number }
  | { kind: 'checkpoint' }
  | { kind: 'reopen' }
  | { kind: 'retention' };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('tick' as const),
      seconds: fc.integer({ min: 1, max: 6 }),
      present: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
      reset: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
      mode: fc.integer({ min: 0, max: 2 }),
      value: fc.integer({ min: 0, max: 50 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('late' as const),
      node: fc.integer({ min: 0, max: 2 }),
      metric: fc.integer({ min: 0, max: 6 }),
      backMs: fc.integer({ min: 1, max: 40_000 }),
      value: fc.integer({ min: 0, max: 500 }),
    }),
  },
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('eval' as const),
      windowMs: fc.constantFrom(20_000, 20_000, 20_000, 20_000, 20_000, 45_000),
      // A negative lag evaluates after the latest scrape: the next scrapes store samples inside the last window.
      lagMs: fc.constantFrom(0, 0, 0, 0, 0, 700, 1500, -1500),
      maxPoints: fc.constantFrom(30, 1000, 1000, 1000, 1000, 1000),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'checkpoint' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'reopen' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'retention' as const }) },
);

/** Counter state per node: errors, operations, latency sum and count per mode; reset to 0 on a reset tick. */
interface NodeState {
  c: number[];
}

/** The series of node `i` a late sample may go to (`metric` 0–6). */
function lateSeries(i: number, metric: number): readonly [string, Record<string, string>] {
  const { node, region } = NODES[i]!;
  const series: readonly (readonly [string, Record<string, string>])[] = [
    ['up', { node, region }],
    ['dwcp_v3_resource_utilization_percent', { node, region, resource_type: 'cpu' }],
    ['dwcp_v3_mode_latency_seconds_sum', { node, region, mode: 'datacenter' }],
    ['dwcp_v3_mode_latency_seconds_count', { node, region, mode: 'datacenter' }],
    ['dwcp_v3_component_errors_total', { node, region, component: 'amst' }],
    ['dwcp_v3_component_operations_total', { node, region, component: 'amst' }],
    ['dwcp_v3_component_health', { node, region, component: 'acp' }],
  ];
  return series[metric]!;
}

/** One scrape of node `i` at `t`: every series the regions call reads (latency only for the current mode). */
function scrape(i: number, st: NodeState, o: Extract<Op, { kind: 'tick' }>, k: number, t: number): Sample[] {
  const { node, region } = NODES[i]!;
  const v = o.value + k + i;
  if (o.reset[i] && k === 0) st.c = st.c.map(() => 0);
  const mode = MODES[(o.mode + i) % 3]!;
  const m = MODES.indexOf(mode);
  st.c[0]! += v % 3;
  st.c[1]! += 5 + (v % 7);
  st.c[2 + 2 * m]! += 0.01 * (1 + (v % 13));
  st.c[3 + 2 * m]! += 1 + (v % 2);
  return [
    s('up', { node, region }, v % 17 === 0 ? 0 : 1, t),
    s(
      'dwcp_v3_resource_utilization_percent',
      { node, region, resource_type: 'cpu' },
      20 + (v % 60) + 0.1 * i,
      t,
    ),
    s('dwcp_v3_resource_utilization_percent', { node, region, resource_type: 'memory' }, 40 + (v % 30), t),
    s('dwcp_v3_mode_latency_seconds_sum', { node, region, mode }, st.c[2 + 2 * m]!, t),
    s('dwcp_v3_mode_latency_seconds_count', { node, region, mode }, st.c[3 + 2 * m]!, t),
    s('dwcp_v3_component_errors_total', { node, region, component: 'amst' }, st.c[0]!, t),
    s('dwcp_v3_component_operations_total', { node, region, component: 'amst' }, st.c[1]!, t),
    s('dwcp_v3_component_health', { node, region, component: 'acp' }, v % 11 === 0 ? 1 : 2, t),
  ];
}

chunkedStoreSuites('regional health from kept points', ({ open, reopen, test }) => {
  /** Runs `ops`; every evaluation is compared with the reference; returns how many evaluations kept points. */
  const run = async (ops: readonly Op[], wrap: (st: OpenedChunkedStore) => SampleStore): Promise<number> => {
    // Raw retention of 1 min: the 45 s windows reach before what retention may delete.
    let st: OpenedChunkedStore = await open({ retentionMs: 60_000 });
    const seen = { from: 0, tail: false };
    let kept = new Map<number, InsightsProvider>();
    const keptFor = (maxPoints: number): InsightsProvider => {
      let k = kept.get(maxPoints);
      if (k === undefined) {
        k = createInsightsProvider(counting(wrap(st), seen), {
          maxSeries: 50,
          maxPointsPerSeries: maxPoints,
          regionHealth: HEALTH,
        });
        kept.set(maxPoints, k);
      }
      return k;
    };
    const nodes: NodeState[] = NODES.map(() => ({ c: new Array<number>(8).fill(0) }));
    let t = T0 + 333;
    let keptEvaluations = 0;
    try {
      for (const o of ops) {
        if (o.kind === 'tick') {
          for (let k = 0; k < o.seconds; k++) {
            t += 1000;
            const batch = NODES.flatMap((_, i) =>
              o.present[i] ? scrape(i, nodes[i]!, o, k, t + i * 137) : [],
            );
            if (batch.length > 0) await st.append(batch);
          }
        } else if (o.kind === 'late') {
          const [name, labels] = lateSeries(o.node, o.metric);
          await st.append([s(name, labels, o.value, t - o.backMs)]);
        } else if (o.kind === 'checkpoint') await st.checkpoint();
        else if (o.kind === 'retention') await st.applyRetention(t);
        else if (o.kind === 'reopen') {
          st = await reopen(st, { retentionMs: 60_000 });
          kept = new Map();
        } else {
          const now = t - o.lagMs;
          const want = await createInsightsProvider(st, {
            maxSeries: 50,
            maxPointsPerSeries: o.maxPoints,
            regionHealth: HEALTH,
            regionKeepPoints: false,
          }).regions(o.windowMs, now);
          seen.from = now - o.windowMs;
          seen.tail = false;
          const got = await keptFor(o.maxPoints).regions(o.windowMs, now);
          if (seen.tail) keptEvaluations++;
          assert.equal(JSON.stringify(got), JSON.stringify(want));
        }
      }
    } finally {
      await st.close();
    }
    return keptEvaluations;
  };

  test('every evaluation equals the full read of its window, through late samples, gaps, resets, restarts and retention', async () => {
    let keptEvaluations = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 10, maxLength: 60 }), async (ops) => {
        keptEvaluations += await run(ops, (st) => st);
      }),
      // A fixed seed: the coverage check below holds for these histories, and the time on PostgreSQL is known.
      { numRuns: 25, seed: 20261205 },
    );
    // The histories reach the kept path, not only full reads.
    assert.ok(keptEvaluations > 40, `${keptEvaluations} evaluations from kept points`);
  });

  test('control: kept points blind to late samples answer differently', async () => {
    await assert.rejects(
      fc.assert(
        fc.asyncProperty(fc.array(op, { minLength: 10, maxLength: 70 }), async (ops) => {
          await run(ops, blind);
        }),
        { numRuns: 200, seed: 7, endOnFailure: true },
      ),
      // A mismatch with the reference, not any other failure.
      (e: Error) => /strictly equal/.test(`${e.message} ${String(e.cause)}`),
    );
  });

  test('never more points kept than the bound, and reads over it answer as the full read', async () => {
    const st = await open();
    try {
      const bound = 400;
      const small = new KeptWindowPoints(st, st, { maxKeptPoints: bound });
      const large = new KeptWindowPoints(st, st);
      const nodes: NodeState[] = NODES.map(() => ({ c: new Array<number>(8).fill(0) }));
      const tick = {
        kind: 'tick' as const,
        seconds: 1,
        present: [true, true, true],
        reset: [false, false, false],
      };
      let t = T0 + 333;
      const names = ['up', 'dwcp_v3_resource_utilization_percent', 'dwcp_v3_component_operations_total'];
      for (let k = 0; k < 120; k++) {
        t += 1000;
        await st.append(
          NODES.flatMap((_, i) => scrape(i, nodes[i]!, { ...tick, mode: 0, value: 3 }, k, t + i * 137)),
        );
        if (k % 3 !== 2) continue;
        for (const name of names) {
          const want = await st.readPoints(await st.findSeries(name, {}, 50), t - 60_000, t, 1000);
          for (const kp of [small, large]) {
            const got = await kp.read(name, {}, 50, t - 60_000, t, 1000);
            assert.deepEqual(got.points, want);
          }
        }
        assert.ok(small.keptPoints <= bound, `${small.keptPoints} points kept`);
      }
      // 60 s of 3 (up), 6 (utilisation) and 3 (operations) series: ~720 points, over the bound of 400.
      assert.ok(large.keptPoints > bound, `${large.keptPoints} points kept without the bound`);
      assert.ok(
        small.calls.kept > 0 && large.calls.kept > small.calls.kept,
        JSON.stringify([small.calls, large.calls]),
      );
    } finally {
      await st.close();
    }
  });
});
