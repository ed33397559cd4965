/**
 * The demo's short faults through the monitor's shipped pipeline (the labelled-scenario runner: simulator →
 * scraper → series tracker → detection engine with the default detector and settings), and a healthy start.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runDwcpScenario } from '../../../src/eval/dwcp/runner.ts';
import type { DwcpScenario } from '../../../src/eval/dwcp/scenario.ts';
import { DetectionEngine } from '../../../src/monitor/detection-engine.ts';
import { detectionEngineOptions } from '../../../src/monitor/detection-config.ts';
import { DEFAULT_DETECTION_SETTINGS } from '../../../src/model/detection-settings.ts';
import { getMetric } from '../../../src/catalog/index.ts';
import type { DetectionInput } from '../../../src/monitor/detection-input.ts';
import { Prng } from '../../../src/sim/prng.ts';

/** One datacenter node (lz4 ratio ~2.6, dictionary efficiency ~82 %), the demo's 8 s compression fault at 129 s. */
const COMPRESSION_8S: DwcpScenario = {
  name: 'compression-eight-seconds',
  description: 'compression_degradation to ratio 1.2 for 8 s on a datacenter node, as in the demo scenario',
  nodes: 1,
  durationSeconds: 150,
  warmupSeconds: 100,
  daySeconds: 1800,
  faults: [{ kind: 'compression_degradation', node: 0, startMs: 129_000, durationMs: 8_000, magnitude: 1.2 }],
  levelShifts: [],
  restarts: [],
};

test('an 8 s compression fault is found by the ratio gauge and the dictionary efficiency, within 2.5 s, at least medium', async () => {
  for (const seed of [1, 7]) {
    const r = await runDwcpScenario(COMPRESSION_8S, seed);
    const by = (m: string) => r.anomalies.filter((a) => a.metric === m);
    const ratio = by(getMetric('dwcp_v3_compression_ratio').name);
    const dict = by(getMetric('dwcp_hde_dictionary_efficiency_percent').name);
    assert.ok(ratio.length >= 1, `seed ${seed}: the v3 compression ratio (2.6 -> 1.2) opened nothing`);
    assert.ok(dict.length >= 1, `seed ${seed}: the dictionary efficiency (82 -> 35 %) opened nothing`);
    for (const a of [...ratio, ...dict]) {
      assert.ok(a.detectedAtMs - (r.startMs + 129_000) <= 2_500, `seed ${seed}: ${a.metric} found late`);
    }
    for (const a of dict) assert.notEqual(a.severity, 'low', `seed ${seed}: a 45-point drop is not low`);
    assert.equal(r.evaluation.totals.falsePositiveDetections, 0, `seed ${seed}: false detections`);
    assert.equal(r.warmupAnomalies, 0, `seed ${seed}: anomalies before the fault`);
  }
});

test("a healthy hybrid node's first network-utilisation mode change in its first 2 minutes raises nothing", () => {
  const engine = new DetectionEngine(
    detectionEngineOptions({ ...DEFAULT_DETECTION_SETTINGS, seasonalPeriod: 1_800_000 }),
  );
  const def = getMetric('dwcp_v3_resource_utilization_percent');
  const labels = { node: 'node-6', resource_type: 'network' };
  const rng = new Prng(3);
  const opened: string[] = [];
  // 58.7 % ± 0.4 in one link mode, then the second mode at 54.5 % from 82 s (the demo's false positive).
  for (let i = 0; i < 120; i++) {
    const input: DetectionInput = {
      key: `${def.name}{node="node-6",resource_type="network"}`,
      metric: def.name,
      labels,
      kind: 'utilization',
      transform: 'value',
      def,
      value: (i < 82 ? 58.7 : 54.5) + 0.4 * rng.gaussian(),
      timestampMs: 1e12 + i * 1000,
    };
    for (const o of engine.process([input], input.timestampMs).opened)
      opened.push(`${i}: ${o.anomaly.observed}`);
  }
  assert.deepEqual(opened, []);
});
