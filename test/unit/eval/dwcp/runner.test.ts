/** The virtual-time scenario runner (src/eval/dwcp/runner.ts) and its run options (src/eval/dwcp/options.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidInputError } from '../../../../src/errors.ts';
import { parseMonitorConfig } from '../../../../src/config.ts';
import { createScenarioNode } from '../../../../src/eval/dwcp/nodes.ts';
import {
  resolveRunOptions,
  runDetectionSettings,
  type DwcpRunOptions,
} from '../../../../src/eval/dwcp/options.ts';
import { runDwcpScenario } from '../../../../src/eval/dwcp/runner.ts';
import { DEFAULT_SEEDS, type DwcpScenario } from '../../../../src/eval/dwcp/scenario.ts';
import { runDwcpSuite } from '../../../../src/eval/dwcp/suite.ts';
import { DEFAULT_DETECTION_SETTINGS } from '../../../../src/model/detection-settings.ts';
import { detectionEngineOptions } from '../../../../src/monitor/detection-config.ts';
import { liveDetectorFactory } from '../../../../src/monitor/live-detector.ts';
import { SimNode } from '../../../../src/sim/node.ts';
import { STATISTICAL_RUN as OPTS, tinyScenario as tiny } from '../../../helpers/dwcp-scenario.ts';

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
      (e: Error) =>
        e instanceof InvalidInputError &&
        /detection\.confirmSamples/.test(e.message) &&
        /scrapeOffsetMs/.test(e.message),
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
