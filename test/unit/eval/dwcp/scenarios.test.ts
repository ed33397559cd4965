/**
 * The DWCP labelled-scenario catalogue and its virtual-time runner (src/eval/dwcp/), and the benign level-shift
 * hook of the simulator (src/sim/events.ts, SimNode `levelShifts`).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KIND_DEFAULTS } from '../../../../src/analysis/anomaly/statistical.ts';
import { requireMetric } from '../../../../src/catalog/index.ts';
import { InvalidInputError } from '../../../../src/errors.ts';
import { parseMonitorConfig } from '../../../../src/config.ts';
import { aggregateRuns } from '../../../../src/eval/dwcp/aggregate.ts';
import { DWCP_SCENARIOS } from '../../../../src/eval/dwcp/catalogue.ts';
import { createScenarioNode, scenarioLabels } from '../../../../src/eval/dwcp/nodes.ts';
import { resolveRunOptions, runDetectionSettings, type DwcpRunOptions } from '../../../../src/eval/dwcp/options.ts';
import { runDwcpScenario } from '../../../../src/eval/dwcp/runner.ts';
import { DEFAULT_SEEDS, isBenign, validateScenario, type DwcpScenario } from '../../../../src/eval/dwcp/scenario.ts';
import { runDwcpSuite } from '../../../../src/eval/dwcp/suite.ts';
import { FAULT_KINDS, type FaultKind } from '../../../../src/model/anomaly.ts';
import { DEFAULT_DETECTION_SETTINGS } from '../../../../src/model/detection-settings.ts';
import { detectionEngineOptions } from '../../../../src/monitor/detection-config.ts';
import { liveDetectorFactory } from '../../../../src/monitor/live-detector.ts';
import { withLevelShifts, type LevelShift } from '../../../../src/sim/events.ts';
import { movedMetrics, NO_FAULT } from '../../../../src/sim/faults.ts';
import { linkProfile, SimNode } from '../../../../src/sim/node.ts';
import { Prng } from '../../../../src/sim/prng.ts';

const OPTS: DwcpRunOptions = { detection: { detector: 'statistical' } };

function tiny(over: Partial<DwcpScenario> = {}): DwcpScenario {
  return {
    name: 'tiny',
    description: 'test',
    nodes: 1,
    durationSeconds: 90,
    warmupSeconds: 30,
    daySeconds: 86400,
    faults: [{ kind: 'throughput_drop', node: 0, startMs: 50_000, durationMs: 20_000, magnitude: 0.7 }],
    levelShifts: [],
    restarts: [],
    ...over,
  };
}

// ---- selector reading for the "labels really move" check ----

interface Row {
  readonly labels: Record<string, string | number>;
  readonly value: number;
  readonly metricName?: string;
}

function parseSelector(sel: string): { metric: string; matchers: [string, string][] } {
  const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)\{(.*)\}$/.exec(sel);
  assert.ok(m, `selector ${sel}`);
  const matchers = [...m[2]!.matchAll(/([a-zA-Z_]+)="([^"]*)"/g)].map(
    (x) => [x[1]!, x[2]!] as [string, string],
  );
  return { metric: m[1]!, matchers };
}

/**
 * Per label set of `metric` matching `matchers`: the window aggregate over ticks [from, to) — gauge: mean
 * value; counter: increase; histogram: Δsum / Δcount.
 */
async function windowValues(
  node: SimNode,
  metric: string,
  matchers: readonly [string, string][],
  fromS: number,
  toS: number,
  t0: number,
): Promise<Map<string, number>> {
  const type = requireMetric(metric).type;
  const at = new Map<string, { sum: number; count: number; first?: { sum: number; count: number } }>();
  const read = async (): Promise<Map<string, { sum: number; count: number }>> => {
    const rows = (await node.registry.getSingleMetric(metric)!.get()).values as Row[];
    const out = new Map<string, { sum: number; count: number }>();
    for (const r of rows) {
      if (!matchers.every(([k, v]) => String(r.labels[k]) === v)) continue;
      const name = r.metricName ?? metric;
      if (name.endsWith('_bucket')) continue;
      const key = JSON.stringify(Object.entries(r.labels).sort());
      const e = out.get(key) ?? { sum: 0, count: 0 };
      if (type === 'histogram') {
        if (name.endsWith('_sum')) e.sum = r.value;
        else e.count = r.value;
      } else {
        e.sum = r.value;
        e.count = 1;
      }
      out.set(key, e);
    }
    return out;
  };
  for (let s = 0; s < toS; s++) {
    node.tick(t0 + s * 1000);
    if (s < fromS - 1) continue;
    const now = await read();
    for (const [k, v] of now) {
      let e = at.get(k);
      if (!e) at.set(k, (e = { sum: 0, count: 0 }));
      if (s === fromS - 1) e.first = { ...v };
      else if (type === 'gauge') {
        e.sum += v.sum;
        e.count++;
      } else {
        e.sum = v.sum;
        e.count = v.count;
      }
    }
  }
  const out = new Map<string, number>();
  for (const [k, e] of at) {
    if (type === 'gauge') out.set(k, e.sum / e.count);
    else if (type === 'counter') out.set(k, e.sum - (e.first?.sum ?? 0));
    else {
      const dc = e.count - (e.first?.count ?? 0);
      out.set(k, dc > 0 ? (e.sum - (e.first?.sum ?? 0)) / dc : Number.NaN);
    }
  }
  return out;
}

describe('DWCP scenario catalogue', () => {
  it('has >= 20 valid scenarios with unique kebab-case names', () => {
    assert.ok(DWCP_SCENARIOS.length >= 20, `${DWCP_SCENARIOS.length} scenarios`);
    const names = DWCP_SCENARIOS.map((s) => s.name);
    assert.equal(new Set(names).size, names.length);
    for (const s of DWCP_SCENARIOS) {
      validateScenario(s);
      assert.ok(s.description.length > 10, s.name);
    }
  });

  it('covers every fault kind alone, milder variants, overlaps, the seasonal peak and restarts', () => {
    const single = DWCP_SCENARIOS.filter((s) => s.faults.length === 1);
    for (const kind of FAULT_KINDS) {
      const withKind = single.filter((s) => s.faults[0]!.kind === kind && s.levelShifts.length === 0);
      assert.ok(withKind.length >= 1, `no scenario with ${kind} alone`);
    }
    const kindsWithMild = new Set<FaultKind>();
    for (const kind of FAULT_KINDS) {
      const mags = new Set(
        single.filter((s) => s.faults[0]!.kind === kind).map((s) => s.faults[0]!.magnitude),
      );
      if (mags.size >= 2) kindsWithMild.add(kind);
    }
    assert.ok(kindsWithMild.size >= 4, `milder variants for ${[...kindsWithMild].join(', ')}`);
    const overlapping = DWCP_SCENARIOS.filter((s) =>
      s.faults.some((a, i) =>
        s.faults.some(
          (b, j) =>
            i < j &&
            a.node !== b.node &&
            a.startMs < b.startMs + b.durationMs &&
            b.startMs < a.startMs + a.durationMs,
        ),
      ),
    );
    assert.ok(overlapping.length >= 2, 'overlapping faults on different nodes');
    const atPeak = DWCP_SCENARIOS.filter((s) =>
      s.faults.some((f) => Math.abs(Math.sin((2 * Math.PI * f.startMs) / 1000 / s.daySeconds) - 1) < 1e-9),
    );
    assert.ok(atPeak.length >= 2, 'faults at the seasonal peak');
    assert.ok(
      DWCP_SCENARIOS.some((s) => s.restarts.length > 0 && !isBenign(s)),
      'restart with downtime',
    );
    assert.ok(
      DWCP_SCENARIOS.some((s) => s.restarts.length > 0 && isBenign(s)),
      'restart without downtime',
    );
  });

  it('has >= 2 no-fault days with a full daily cycle and >= 2 benign level-shift scenarios', () => {
    const days = DWCP_SCENARIOS.filter(
      (s) =>
        isBenign(s) &&
        s.levelShifts.length === 0 &&
        s.restarts.length === 0 &&
        s.daySeconds <= s.durationSeconds,
    );
    assert.ok(days.length >= 2, `${days.length} no-fault days`);
    const shifts = DWCP_SCENARIOS.filter((s) => isBenign(s) && s.levelShifts.length > 0);
    assert.ok(shifts.length >= 2);
    // At least one step in the good direction of latency (down) and one of throughput (up).
    assert.ok(shifts.some((s) => s.levelShifts.every((e) => e.target === 'latency' && e.factor < 1)));
    assert.ok(shifts.some((s) => s.levelShifts.every((e) => e.target === 'throughput' && e.factor > 1)));
  });

  it('fault scenarios have one label per fault with the metrics the kind moves; benign ones have none', () => {
    for (const s of DWCP_SCENARIOS) {
      const labels = scenarioLabels(s);
      assert.equal(labels.length, s.faults.length, s.name);
      if (isBenign(s)) continue;
      s.faults.forEach((f, i) => {
        const l = labels[i]!;
        assert.equal(l.kind, f.kind);
        assert.equal(l.node, `node-${f.node + 1}`);
        assert.deepEqual(l.metrics, [...movedMetrics(f.kind)]);
        assert.equal(l.endMs - l.startMs, f.durationMs);
        assert.ok(
          l.startMs >= Date.UTC(2026, 0, 1) + s.warmupSeconds * 1000,
          `${s.name}: starts after warm-up`,
        );
      });
    }
  });

  it('every labelled fault really moves its selector series on its node (faulted vs clean twin)', async () => {
    const t0 = Date.UTC(2026, 0, 1);
    for (const s of DWCP_SCENARIOS) {
      const labels = scenarioLabels(s);
      for (let i = 0; i < s.faults.length; i++) {
        const f = s.faults[i]!;
        const fromS = f.startMs / 1000 + 1;
        const toS = (f.startMs + f.durationMs) / 1000;
        if (f.kind === 'node_down') {
          const node = createScenarioNode(s, 1, f.node);
          for (let t = 0; t < toS + 1; t++) {
            node.tick(t0 + t * 1000);
            assert.equal(node.currentEffects.down, t >= fromS - 1 && t < toS, `${s.name} down at ${t}`);
          }
          continue;
        }
        const { metric, matchers } = parseSelector(labels[i]!.selector);
        const only: DwcpScenario = { ...s, faults: [f], restarts: [] };
        const clean: DwcpScenario = { ...s, faults: [], restarts: [] };
        const faulted = await windowValues(
          createScenarioNode(only, 1, f.node),
          metric,
          matchers,
          fromS,
          toS,
          t0,
        );
        const base = await windowValues(
          createScenarioNode(clean, 1, f.node),
          metric,
          matchers,
          fromS,
          toS,
          t0,
        );
        const dir = KIND_DEFAULTS[requireMetric(metric).anomalyKind].direction;
        let moved = false;
        for (const [k, v] of faulted) {
          const b = base.get(k) ?? 0;
          const rel = (v - b) / Math.max(Math.abs(b), 1e-12);
          if (
            (dir === 'up' && rel > 0.05) ||
            (dir === 'down' && rel < -0.05) ||
            (dir === 'both' && Math.abs(rel) > 0.05)
          )
            moved = true;
        }
        assert.ok(moved, `${s.name}: ${f.kind} does not move ${labels[i]!.selector} by > 5 % (${dir})`);
      }
    }
  });
});

describe('runDwcpScenario', () => {
  it('finds the fault of a tiny scenario with the live statistical detector', async () => {
    const r = await runDwcpScenario(tiny(), 7, OPTS);
    assert.equal(r.labels.length, 1);
    assert.equal(r.evaluation.totals.recall, 1);
    const delay = r.evaluation.faults[0]!.firstDetectionDelayMs!;
    assert.ok(delay >= 1000 && delay <= 5000, `delay ${delay}`);
    assert.ok(r.detections.length > 0);
    assert.equal(r.detections.length, r.anomalies.length);
    for (const d of r.detections) assert.ok(d.startedAtMs >= r.evalStartMs);
    assert.ok(r.analysedSeries > 50);
  });

  it('is deterministic for a seed', async () => {
    const s = tiny({
      nodes: 2,
      faults: [{ kind: 'latency_spike', node: 1, startMs: 50_000, durationMs: 15_000, magnitude: 3 }],
    });
    const a = await runDwcpScenario(s, 3, OPTS);
    const b = await runDwcpScenario(s, 3, OPTS);
    assert.deepEqual(a.anomalies, b.anomalies);
    assert.deepEqual(a.evaluation, b.evaluation);
    assert.equal(a.samples, b.samples);
    assert.equal(a.warmupAnomalies, b.warmupAnomalies);
  });

  it('json sampling gives the same anomalies as rendering + parsing every sample; restarts and node_down work', async () => {
    const s = tiny({
      nodes: 2,
      faults: [
        { kind: 'throughput_drop', node: 0, startMs: 45_000, durationMs: 15_000, magnitude: 0.5 },
        { kind: 'node_down', node: 1, startMs: 60_000, durationMs: 4_000, magnitude: 1 },
      ],
      restarts: [{ node: 1, atMs: 64_000 }],
    });
    const json = await runDwcpScenario(s, 5, { ...OPTS, sampling: 'json' });
    const text = await runDwcpScenario(s, 5, { ...OPTS, sampling: 'exposition' });
    assert.deepEqual(json.anomalies, text.anomalies);
    assert.equal(json.inputs, text.inputs);
    assert.ok(
      text.samples > 2 * json.samples,
      'exposition delivers every sample, json only analysed families',
    );
    const down = json.evaluation.faults[1]!;
    assert.equal(down.detected, true);
    assert.ok(json.anomalies.some((a) => a.metric === 'up' && a.labels.node === 'node-2'));
  });

  it('a restart between two scrapes resets counters without breaking derived rates', async () => {
    // Same node run with and without a restart: the restarted process exposes smaller counters, yet the
    // tracker's reset handling keeps the byte-rate inputs in the same range.
    const s = tiny({ faults: [], restarts: [{ node: 0, atMs: 60_000 }] });
    const node = createScenarioNode(s, 1, 0);
    const fresh = createScenarioNode(s, 1, 0, { generation: 1 });
    for (let t = 0; t < 60; t++) node.tick(Date.UTC(2026, 0, 1) + t * 1000);
    fresh.tick(Date.UTC(2026, 0, 1) + 60_000);
    const total = async (n: SimNode): Promise<number> => {
      const rows = (await n.registry.getSingleMetric('dwcp_v3_bytes_transferred_total')!.get()).values;
      return rows.reduce((a, r) => a + r.value, 0);
    };
    assert.ok((await total(fresh)) < (await total(node)) / 10, 'counters start over after a restart');
    const r = await runDwcpScenario(s, 1, OPTS);
    assert.equal(r.labels.length, 0);
    assert.equal(r.evaluation.totals.recall, null);
    const atRestart = r.anomalies.filter(
      (a) => a.seriesKey.startsWith('rate(') && a.startedAtMs === r.startMs + 60_500,
    );
    assert.deepEqual(atRestart, [], 'no counter-rate anomaly from the reset itself');
  });

  it('throws InvalidInputError for bad options and bad scenarios', async () => {
    const s = tiny();
    const factory = liveDetectorFactory('statistical', 86_400_000);
    const bad: [string, unknown, DwcpScenario?][] = [
      ['candidate without factory', { candidate: { name: 'x' } }],
      ['empty candidate name', { candidate: { factory, name: ' ' } }],
      ['unknown option', { ...OPTS, foo: 1 }],
      ['confirmSamples 0', { detection: { confirmSamples: 0 } }],
      ['unknown detection option', { detection: { factory } }],
      ['unknown detector', { detection: { detector: 'knn' } }],
      ['minConfidence 2', { detection: { minConfidence: 2 } }],
      ['cooldown -1', { detection: { cooldown: -1 } }],
      ['maxSeries 0.5', { detection: { maxSeries: 0.5 } }],
      ['sampling', { ...OPTS, sampling: 'xml' }],
      ['offset', { ...OPTS, scrapeOffsetMs: 1000 }],
      ['rollout', { ...OPTS, rolloutPercent: 101 }],
      ['grace', { ...OPTS, evaluate: { graceMs: -1 } }],
      ['node label names', { ...OPTS, evaluate: { nodeLabelNames: 'node' } }],
      ['fault before warm-up', OPTS, tiny({ faults: [{ ...s.faults[0]!, startMs: 10_000 }] })],
      ['fault after end', OPTS, tiny({ faults: [{ ...s.faults[0]!, durationMs: 60_000 }] })],
      ['fault node', OPTS, tiny({ faults: [{ ...s.faults[0]!, node: 1 }] })],
      ['magnitude', OPTS, tiny({ faults: [{ ...s.faults[0]!, magnitude: 1.5 }] })],
      [
        'shift factor',
        OPTS,
        tiny({ faults: [], levelShifts: [{ target: 'latency', node: 0, startMs: 0, factor: 0 }] }),
      ],
      ['restart outside', OPTS, tiny({ restarts: [{ node: 0, atMs: 90_000 }] })],
      ['restart fraction', OPTS, tiny({ restarts: [{ node: 0, atMs: 40_500 }] })],
      ['name', OPTS, tiny({ name: 'Not Kebab' })],
      ['warm-up', OPTS, tiny({ warmupSeconds: 90 })],
      ['day', OPTS, tiny({ daySeconds: 0 })],
    ];
    for (const [what, opts, scen] of bad) {
      await assert.rejects(runDwcpScenario(scen ?? s, 1, opts as DwcpRunOptions), InvalidInputError, what);
    }
    await assert.rejects(runDwcpScenario(s, 1.5, OPTS), InvalidInputError);
    await assert.rejects(runDwcpSuite([s, s], [1], OPTS), InvalidInputError, 'duplicate names');
    await assert.rejects(runDwcpSuite([s], [], OPTS), InvalidInputError, 'no seeds');
    await assert.rejects(runDwcpSuite([s], [1, 1], OPTS), InvalidInputError, 'duplicate seeds');
    await assert.rejects(runDwcpSuite([], [1], OPTS), InvalidInputError, 'no scenarios');
    await assert.rejects(runDwcpSuite([s], [1], { ...OPTS, sampling: 'x' as 'json' }), InvalidInputError);
  });

  it('names every bad field in one error', () => {
    assert.throws(
      () => resolveRunOptions({ detection: { confirmSamples: 0 }, scrapeOffsetMs: -1 } as DwcpRunOptions),
      (e: Error) => e instanceof InvalidInputError && /detection\.confirmSamples/.test(e.message) && /scrapeOffsetMs/.test(e.message),
    );
  });

  it('builds the engine from the monitor configuration defaults, with the scenario day as seasonal period', () => {
    const configDefaults = parseMonitorConfig({}).detection;
    for (const k of Object.keys(DEFAULT_DETECTION_SETTINGS) as (keyof typeof DEFAULT_DETECTION_SETTINGS)[]) {
      assert.deepEqual(configDefaults[k], DEFAULT_DETECTION_SETTINGS[k], `config default of detection.${k}`);
    }
    const s = tiny({ daySeconds: 600 });
    const settings = runDetectionSettings(s, resolveRunOptions({}));
    assert.deepEqual(settings, { ...DEFAULT_DETECTION_SETTINGS, seasonalPeriod: 600_000 });
    const o = detectionEngineOptions(settings);
    assert.equal(o.minConfidence, 0.8);
    assert.equal(o.confirmSamples, 2);
    assert.equal(o.cooldownMs, 300_000);
    assert.equal(o.resolveAfterSamples, 3);
    assert.equal(o.maxSeries, 50_000);
    assert.equal(o.detectorName, 'ensemble-statistical');
    assert.ok(o.kinds.has('latency') && !o.kinds.has('generic'));
    assert.deepEqual(
      runDetectionSettings(s, resolveRunOptions({ detection: { detector: 'statistical', cooldown: 1000 } })),
      { ...DEFAULT_DETECTION_SETTINGS, seasonalPeriod: 600_000, detector: 'statistical', cooldown: 1000 },
    );
    assert.deepEqual([...DEFAULT_SEEDS].length, 3);
  });

  it('a candidate with the shipped factory finds exactly what the shipped detector finds', async () => {
    const s = tiny();
    const shipped = await runDwcpScenario(s, 2, OPTS);
    const candidate = await runDwcpScenario(s, 2, {
      ...OPTS,
      candidate: { factory: liveDetectorFactory('statistical', 86_400_000), name: 'statistical' },
    });
    assert.ok(shipped.anomalies.length > 0);
    assert.deepEqual(candidate.anomalies, shipped.anomalies);
  });
});

describe('runDwcpSuite', () => {
  it('aggregates per scenario and in total, and reports progress', async () => {
    const fault = tiny({ name: 'tiny-fault', durationSeconds: 80 });
    const benign = tiny({ name: 'tiny-benign', durationSeconds: 80, faults: [] });
    const seen: string[] = [];
    const res = await runDwcpSuite([fault, benign], [1, 2], OPTS, (p) =>
      seen.push(`${p.done}/${p.total} ${p.scenario}`),
    );
    assert.deepEqual(seen, ['1/4 tiny-fault', '2/4 tiny-fault', '3/4 tiny-benign', '4/4 tiny-benign']);
    assert.equal(res.scenarios.length, 2);
    const [f, b] = res.scenarios;
    assert.equal(f!.faults, 2);
    assert.equal(f!.benignFalseAlerts, 0);
    assert.equal(b!.faults, 0);
    assert.equal(b!.recall, null);
    assert.equal(b!.benignFalseAlerts, b!.detections);
    assert.equal(res.total.runs, 4);
    assert.equal(res.total.benignRuns, 2);
    assert.equal(res.total.detections, f!.detections + b!.detections);
    assert.equal(res.total.benignFalseAlerts, b!.detections);
    assert.deepEqual(aggregateRuns([...f!.results, ...b!.results]).f1, res.total.f1);
  });

  it('aggregateRuns pools counts and delays (nearest rank)', () => {
    const run = (faults: (number | null)[], detections: number, matched: number) =>
      ({
        anomalies: new Array(detections).fill({}),
        warmupAnomalies: 1,
        evaluation: {
          faults: faults.map((d) => ({ detected: d !== null, firstDetectionDelayMs: d })),
          totals: {
            faults: faults.length,
            detectedFaults: faults.filter((d) => d !== null).length,
            detections,
            matchedDetections: matched,
          },
        },
      }) as unknown as Parameters<typeof aggregateRuns>[0][number];
    const a = aggregateRuns([run([1000, null], 4, 3), run([3000], 2, 1), run([], 2, 0)]);
    assert.equal(a.faults, 3);
    assert.equal(a.detectedFaults, 2);
    assert.equal(a.detections, 8);
    assert.equal(a.matchedDetections, 4);
    assert.equal(a.precision, 0.5);
    assert.equal(a.recall, 2 / 3);
    assert.equal(a.f1, (2 * 0.5 * (2 / 3)) / (0.5 + 2 / 3));
    assert.equal(a.delayP50Ms, 1000);
    assert.equal(a.delayP95Ms, 3000);
    assert.equal(a.anomaliesPerRun, 8 / 3);
    assert.equal(a.warmupAnomaliesPerRun, 1);
    const none = aggregateRuns([]);
    assert.equal(none.precision, null);
    assert.equal(none.f1, null);
  });
});

describe('benign level shifts (src/sim/events.ts) in SimNode', () => {
  const T0 = Date.UTC(2026, 0, 1);
  const make = (levelShifts?: LevelShift[]): SimNode =>
    new SimNode({
      id: 'node-1',
      region: 'us-east',
      profile: linkProfile('datacenter', new Prng(3)),
      seed: 11,
      rolloutPercent: 25,
      daySeconds: 86400,
      startMs: T0,
      faults: [],
      ...(levelShifts ? { levelShifts } : {}),
      peers: ['node-2'],
      remoteRegions: ['eu-west'],
      warn: () => {},
    });

  it('changes nothing before the step and applies the factor for good after it', async () => {
    const plain = make();
    const shifted = make([{ target: 'latency', node: 0, startMs: 10_000, factor: 0.8 }]);
    for (let t = 0; t < 10; t++) {
      plain.tick(T0 + t * 1000);
      shifted.tick(T0 + t * 1000);
      assert.deepEqual(shifted.currentEffects, NO_FAULT);
    }
    assert.equal(await shifted.registry.metrics(), await plain.registry.metrics());
    for (let t = 10; t < 40; t++) {
      shifted.tick(T0 + t * 1000);
      assert.equal(shifted.currentEffects.latencyFactor, 0.8);
      assert.equal(shifted.currentEffects.throughputFactor, 1);
    }
  });

  it('combines with faults and with each other multiplicatively', () => {
    const shifts: LevelShift[] = [
      { target: 'latency', node: 0, startMs: 0, factor: 0.8 },
      { target: 'throughput', node: 0, startMs: 1000, factor: 1.15 },
    ];
    const e = withLevelShifts({ ...NO_FAULT, latencyFactor: 5 }, shifts, 2000);
    assert.equal(e.latencyFactor, 4);
    assert.equal(e.throughputFactor, 1.15);
    assert.equal(withLevelShifts(NO_FAULT, shifts, -1), NO_FAULT);
  });

  it('rejects bad level shifts', () => {
    for (const s of [
      { target: 'cpu', node: 0, startMs: 0, factor: 1.1 },
      { target: 'latency', node: -1, startMs: 0, factor: 1.1 },
      { target: 'latency', node: 0, startMs: Number.NaN, factor: 1.1 },
      { target: 'latency', node: 0, startMs: 0, factor: 0 },
      { target: 'latency', node: 0, startMs: 0, factor: 11 },
    ]) {
      assert.throws(() => make([s as LevelShift]), InvalidInputError, JSON.stringify(s));
    }
  });
});
