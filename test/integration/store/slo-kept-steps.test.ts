/**
 * The SLO evaluation that keeps its settled SLI steps (src/monitor/slo-incremental.ts) against the full read of
 * the window (`evaluateSlos`, the reference) on the chunked store, SQLite and PostgreSQL: after any generated
 * history of scrapes of the built-in SLOs' series (counters with resets, histogram sums and counts, buckets with
 * NaN and decreasing counts, gated gauges; nodes missing from scrapes), late samples, checkpoints, restarts,
 * retention and SLO configuration changes, every evaluation's overview is JSON-equal to the reference's. A
 * control runs the same property with the late samples hidden from the kept state and must find a
 * counterexample. The bound: at most one window of steps kept per SLO. The tail reads' raw points kept between
 * calls (on by default, so the property covers them): most tail reads are answered from them, fewer points are
 * read than without them, and they stay within their bound.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SLO_TEMPLATES, type Slo } from '../../../src/analysis/slo/definition.ts';
import type { Sample } from '../../../src/model/sample.ts';
import { createInsightsProvider } from '../../../src/monitor/rollout-provider.ts';
import {
  IncrementalSlos,
  SLO_MAX_KEPT_TAIL_POINTS,
  type IncrementalSloOptions,
} from '../../../src/monitor/slo-incremental.ts';
import type { RawChangeTracking } from '../../../src/store/raw-changes.ts';
import type { OpenedChunkedStore } from '../../../src/store/tsdb/open.ts';
import { chunkedStoreSuites, s, T0 } from './tsdb-store-suite.ts';

const NODES = ['n1', 'n2'] as const;
const STEP = 2000;
const LES = ['0.1', '0.5', '+Inf', 'bad'];

type Op =
  | { kind: 'tick'; seconds: number; present: boolean[]; reset: boolean[]; mode: number; value: number }
  | { kind: 'late'; node: number; metric: number; backMs: number; value: number }
  | { kind: 'eval'; windowMs: number; lagMs: number; maxPoints: number }
  | { kind: 'checkpoint' }
  | { kind: 'reopen' }
  | { kind: 'retention' }
  | { kind: 'config' };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('tick' as const),
      seconds: fc.integer({ min: 1, max: 6 }),
      present: fc.array(fc.boolean(), { minLength: 2, maxLength: 2 }),
      reset: fc.array(fc.boolean(), { minLength: 2, maxLength: 2 }),
      mode: fc.integer({ min: 0, max: 2 }),
      value: fc.integer({ min: 0, max: 50 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('late' as const),
      node: fc.integer({ min: 0, max: 1 }),
      metric: fc.integer({ min: 0, max: 8 }),
      backMs: fc.integer({ min: 1, max: 40_000 }),
      value: fc.integer({ min: 0, max: 500 }),
    }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('eval' as const),
      windowMs: fc.constantFrom(20_000, 45_000),
      lagMs: fc.constantFrom(0, 0, 700, 1500),
      maxPoints: fc.constantFrom(30, 1000),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'checkpoint' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'reopen' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'retention' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'config' as const }) },
);

/** The built-in SLOs, and the same with other objectives and thresholds (a configuration change). */
const CONFIGS: readonly (readonly Slo[])[] = [
  SLO_TEMPLATES,
  SLO_TEMPLATES.map((slo) =>
    slo.sli.type === 'threshold'
      ? { ...slo, objective: 0.9, sli: { ...slo.sli, threshold: slo.sli.threshold / 2 } }
      : { ...slo, objective: 0.95 },
  ),
];

/** Counter state per node: running totals, reset to small values on a reset tick. */
interface NodeState {
  c: number[];
}

/** One scrape of node `i` at `t`: every series the built-in SLOs read. */
function scrape(i: number, st: NodeState, o: Extract<Op, { kind: 'tick' }>, k: number, t: number): Sample[] {
  const node = NODES[i]!;
  const v = o.value + k + i;
  if (o.reset[i] && k === 0) st.c = st.c.map(() => 0);
  // Counters: errors, operations, successes, failures, duration sum, duration count, buckets 0.1 / 0.5 / +Inf.
  const inc = [v % 3, 5 + (v % 7), 1 + (v % 2), v % 5 === 0 ? 1 : 0, 0.5 * (v % 11), v % 4, v % 3, v % 5, 6];
  st.c = st.c.map((c, j) => c + inc[j]!);
  const [err, ops, ok, fail, sum, count, b1, b2, b3] = st.c as [number, ...number[]];
  const out: Sample[] = [
    s('dwcp_v3_component_errors_total', { node_id: node, component: 'amst', error_type: 'x' }, err, t),
    s('dwcp_v3_component_operations_total', { node_id: node, component: 'amst' }, ops!, t),
    s('dwcp_v3_migration_success_total', { node, mode: 'datacenter' }, ok!, t),
    s('dwcp_v3_migration_failures_total', { node, mode: 'datacenter' }, fail!, t),
    s('dwcp_v3_migration_duration_seconds_sum', { node }, sum! * 40, t),
    s('dwcp_v3_migration_duration_seconds_count', { node }, count!, t),
    // Buckets: a decrease with le now and then (raised to the running maximum), a bucket whose le is no number.
    s('dwcp_v3_migration_latency_seconds_bucket', { node, le: LES[0]! }, b1!, t),
    s(
      'dwcp_v3_migration_latency_seconds_bucket',
      { node, le: LES[1]! },
      v % 9 === 0 ? b1! - 1 : b1! + b2!,
      t,
    ),
    s('dwcp_v3_migration_latency_seconds_bucket', { node, le: LES[2]! }, b1! + b2! + b3!, t),
    s('dwcp_v3_migration_latency_seconds_bucket', { node, le: LES[3]! }, 1, t),
    s('dwcp_v3_throughput_bytes_per_second', { node, direction: 'tx', transport: 'tcp' }, v * 1e8, t),
  ];
  for (const [m, mode] of ['datacenter', 'internet', 'hybrid'].entries())
    out.push(s('dwcp_v3_current_mode', { node, node_id: node, mode }, m === o.mode ? 1 : 0, t));
  return out;
}

/** Late samples hidden: what kept steps that ignore them would answer (the control). */
const blind = (c: RawChangeTracking): RawChangeTracking => ({
  get rawLateEpoch() {
    return c.rawLateEpoch;
  },
  get rawDeletedBeforeMs() {
    return c.rawDeletedBeforeMs;
  },
  rawLateUnchangedSince: () => true,
});

/** The kept evaluation of the steady-scrape tests: the built-in SLOs, 50 series, 1,000 points, a 5 s lookback. */
const steadyEvaluation = (
  store: OpenedChunkedStore,
  tracking: RawChangeTracking,
  more: Partial<IncrementalSloOptions> = {},
): IncrementalSlos =>
  new IncrementalSlos(store, tracking, {
    slos: SLO_TEMPLATES,
    maxSeries: 50,
    maxPointsPerSeries: 1000,
    stepMs: STEP,
    evidence: {},
    lookbackMs: 5000,
    ...more,
  });

/** Both nodes scraped every second with every series present and no reset. */
const steadyScrapes = () => ({
  nodes: NODES.map((): NodeState => ({ c: new Array<number>(9).fill(0) })),
  tick: {
    kind: 'tick' as const,
    seconds: 1,
    present: [true, true],
    reset: [false, false],
    mode: 0,
    value: 3,
  },
});

chunkedStoreSuites('SLO steps kept between evaluations', ({ open, reopen, test }) => {
  /**
   * Runs `ops`; every evaluation is compared with the reference; returns how many SLO evaluations kept steps and
   * how many tail reads were answered from kept points.
   */
  const run = async (
    ops: readonly Op[],
    wrap: (c: RawChangeTracking) => RawChangeTracking,
  ): Promise<{ keptEvaluations: number; keptTailReads: number }> => {
    // Raw retention of 1 min: the 45 s windows reach before what retention may delete.
    let st: OpenedChunkedStore = await open({ retentionMs: 60_000 });
    let config = 0;
    const kept = new Map<number, IncrementalSlos>();
    const keptFor = (maxPoints: number): IncrementalSlos => {
      let k = kept.get(maxPoints);
      if (k === undefined) {
        k = new IncrementalSlos(st, wrap(st), {
          slos: CONFIGS[config]!,
          maxSeries: 50,
          maxPointsPerSeries: maxPoints,
          stepMs: STEP,
          evidence: { minObservedMs: 10_000 },
          lookbackMs: 20_000,
        });
        kept.set(maxPoints, k);
      }
      return k;
    };
    const nodes: NodeState[] = NODES.map(() => ({ c: new Array<number>(9).fill(0) }));
    let t = T0 + 333;
    let evaluations = 0;
    let tailReads = 0;
    const keptCalls = (): number => [...kept.values()].reduce((a, k) => a + k.calls.kept, 0);
    const keptTail = (): number => [...kept.values()].reduce((a, k) => a + k.tailReads().kept, 0);
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
          const node = NODES[o.node]!;
          const names = [
            ['dwcp_v3_component_errors_total', { node_id: node, component: 'amst', error_type: 'x' }],
            ['dwcp_v3_component_operations_total', { node_id: node, component: 'amst' }],
            ['dwcp_v3_migration_success_total', { node, mode: 'datacenter' }],
            ['dwcp_v3_migration_failures_total', { node, mode: 'datacenter' }],
            ['dwcp_v3_migration_duration_seconds_sum', { node }],
            ['dwcp_v3_migration_duration_seconds_count', { node }],
            ['dwcp_v3_migration_latency_seconds_bucket', { node, le: '+Inf' }],
            ['dwcp_v3_throughput_bytes_per_second', { node, direction: 'tx', transport: 'tcp' }],
            ['dwcp_v3_current_mode', { node, node_id: node, mode: 'datacenter' }],
          ] as const;
          const [name, labels] = names[o.metric]!;
          await st.append([s(name, labels, o.value, t - o.backMs)]);
        } else if (o.kind === 'checkpoint') await st.checkpoint();
        else if (o.kind === 'retention') await st.applyRetention(t);
        else if (o.kind === 'reopen' || o.kind === 'config') {
          evaluations += keptCalls();
          tailReads += keptTail();
          if (o.kind === 'reopen') st = await reopen(st, { retentionMs: 60_000 });
          else config = 1 - config;
          kept.clear();
        } else {
          const now = t - o.lagMs;
          const want = await createInsightsProvider(st, {
            slos: CONFIGS[config]!,
            maxSeries: 50,
            maxPointsPerSeries: o.maxPoints,
            sloStepMs: STEP,
            sloEvidence: { minObservedMs: 10_000 },
            sloKeepSteps: false,
          }).slo(o.windowMs, now);
          const got = await keptFor(o.maxPoints).evaluate(o.windowMs, now);
          assert.equal(JSON.stringify(got), JSON.stringify(want));
        }
      }
    } finally {
      await st.close();
    }
    return { keptEvaluations: evaluations + keptCalls(), keptTailReads: tailReads + keptTail() };
  };

  test('every evaluation equals the full read of its window, through late samples, restarts, retention and configuration changes', async () => {
    let keptEvaluations = 0;
    let keptTailReads = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 10, maxLength: 70 }), async (ops) => {
        const r = await run(ops, (c) => c);
        keptEvaluations += r.keptEvaluations;
        keptTailReads += r.keptTailReads;
      }),
      // A fixed seed: how many evaluations reach the kept path varies by history (40 to over 100 in 30 random runs), so
      // the coverage check below holds for these histories, not by luck, and a run's time on PostgreSQL is known.
      { numRuns: 30, seed: 20261205 },
    );
    // The histories reach the kept path, not only full reads. With this seed SQLite counts 164; PostgreSQL counted 117
    // and, in one fresh-clone CI run under load, 90 — the count varies between runs of the same histories there (why
    // was not established), so the check asks for well over none rather than a figure one run happened to give.
    assert.ok(keptEvaluations > 50, `${keptEvaluations} SLO evaluations from kept steps`);
    // Most kept evaluations read their tail (up to 3 series sets per SLO) from kept points.
    assert.ok(keptTailReads > 50, `${keptTailReads} tail reads from kept points`);
  });

  test('control: kept steps blind to late samples answer differently', async () => {
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

  test('at most one window of steps is kept per SLO', async () => {
    const st = await open();
    try {
      const inc = steadyEvaluation(st, st);
      const { nodes, tick } = steadyScrapes();
      const windowMs = 20_000;
      let t = T0 + 333;
      for (let k = 0; k < 90; k++) {
        t += 1000;
        await st.append(NODES.flatMap((_, i) => scrape(i, nodes[i]!, tick, k, t + i * 137)));
        if (k % 3 === 2) await inc.evaluate(windowMs, t);
        for (const [name, n] of inc.keptSteps(windowMs))
          assert.ok(n <= windowMs / STEP + 1, `${name}: ${n} steps kept`);
      }
      assert.ok(inc.calls.kept > 0, 'steps were kept');
      assert.ok([...inc.keptSteps(windowMs).values()].some((n) => n >= windowMs / STEP - 2));
    } finally {
      await st.close();
    }
  });
  test('an evaluation from kept steps looks each series set up once (tail and head share it)', async () => {
    const st = await open();
    try {
      let lookups = 0;
      const counted = Object.create(st) as OpenedChunkedStore;
      counted.findSeries = async (...a) => {
        lookups++;
        return st.findSeries(...a);
      };
      const inc = steadyEvaluation(counted, st);
      const { nodes, tick } = steadyScrapes();
      // Window starts never on a step boundary: every kept evaluation also reads the head.
      let t = T0 + 333;
      let perFull = 0;
      for (let k = 0; k < 60; k++) {
        t += 1000;
        await st.append(NODES.flatMap((_, i) => scrape(i, nodes[i]!, tick, k, t + i * 137)));
        if (k % 3 !== 2) continue;
        const before = { ...inc.calls };
        lookups = 0;
        await inc.evaluate(20_000, t);
        if (inc.calls.full > before.full) perFull = Math.max(perFull, lookups);
        else assert.ok(lookups <= perFull, `kept evaluation: ${lookups} lookups, a full read ${perFull}`);
      }
      assert.ok(perFull > 0 && inc.calls.kept > 5, `kept ${inc.calls.kept}`);
    } finally {
      await st.close();
    }
  });

  test('tail points kept between calls: the same overviews from fewer points read, within their bound', async () => {
    const st = await open();
    try {
      let points = 0;
      const counted = Object.create(st) as OpenedChunkedStore;
      counted.readPoints = async (...a) => {
        const r = await st.readPoints(...a);
        for (const p of r) points += p.timestampsMs.length;
        return r;
      };
      const bound = 150;
      const variants = {
        kept: steadyEvaluation(counted, st),
        full: steadyEvaluation(counted, st, { keepTailPoints: false }),
        bounded: steadyEvaluation(counted, st, { maxKeptTailPoints: bound }),
      };
      const read = { kept: 0, full: 0, bounded: 0 };
      const { nodes, tick } = steadyScrapes();
      const windowMs = 20_000;
      let t = T0 + 333;
      let most = 0;
      for (let k = 0; k < 60; k++) {
        t += 1000;
        await st.append(NODES.flatMap((_, i) => scrape(i, nodes[i]!, tick, k, t + i * 137)));
        if (k % 3 !== 2) continue;
        const got: string[] = [];
        for (const [name, inc] of Object.entries(variants)) {
          points = 0;
          got.push(JSON.stringify(await inc.evaluate(windowMs, t)));
          read[name as keyof typeof read] += points;
        }
        assert.equal(got[0], got[1]);
        assert.equal(got[2], got[1]);
        const bounded = variants.bounded.keptTailPoints(windowMs);
        assert.ok(bounded <= bound, `${bounded} tail points kept over a bound of ${bound}`);
        most = Math.max(most, variants.kept.keptTailPoints(windowMs));
      }
      assert.equal(variants.full.keptTailPoints(windowMs), 0);
      assert.ok(most > bound, `at most ${most} tail points kept without the small bound`);
      const tail = variants.kept.tailReads();
      assert.ok(tail.kept > 3 * tail.full, `tail reads kept ${tail.kept}, full ${tail.full}`);
      assert.ok(read.kept < 0.8 * read.full, `points read: kept ${read.kept}, full ${read.full}`);
      assert.ok(SLO_MAX_KEPT_TAIL_POINTS >= 100_000, 'the default bound holds a 12-node tail');
      for (const bad of [0, 1.5, -1])
        assert.throws(() => steadyEvaluation(st, st, { maxKeptTailPoints: bad }), RangeError);
    } finally {
      await st.close();
    }
  });

  test('a late sample inside the kept tail, after the settled steps, is read', async () => {
    const st = await open();
    try {
      const inc = steadyEvaluation(st, st);
      const reference = (now: number) =>
        createInsightsProvider(st, {
          slos: SLO_TEMPLATES,
          maxSeries: 50,
          maxPointsPerSeries: 1000,
          sloStepMs: STEP,
          sloKeepSteps: false,
        }).slo(20_000, now);
      const { nodes, tick } = steadyScrapes();
      let t = T0 + 333;
      let lateKept = 0;
      for (let k = 0; k < 45; k++) {
        t += 1000;
        await st.append(NODES.flatMap((_, i) => scrape(i, nodes[i]!, tick, k, t + i * 137)));
        if (k % 3 !== 2) continue;
        if (k > 10) {
          // Before the last call's newest point of n1 (read then and kept), after the steps it settled (a step
          // starts 333 or 1,333 ms before it).
          const late = t - 3000 - 200;
          await st.append([
            s('dwcp_v3_migration_latency_seconds_bucket', { node: 'n1', le: '+Inf' }, 1e6 + k, late),
            s(
              'dwcp_v3_component_errors_total',
              { node_id: 'n1', component: 'amst', error_type: 'x' },
              k,
              late,
            ),
          ]);
        }
        const before = inc.tailReads().kept;
        const got = await inc.evaluate(20_000, t);
        if (k > 10 && inc.tailReads().kept > before) lateKept++;
        assert.equal(JSON.stringify(got), JSON.stringify(await reference(t)));
      }
      assert.ok(lateKept > 3, `${lateKept} evaluations with a late sample read kept tail points`);
    } finally {
      await st.close();
    }
  });
});
