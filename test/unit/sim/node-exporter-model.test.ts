import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Anomaly } from '../../../src/model/anomaly.ts';
import type { TargetStatus } from '../../../src/model/status.ts';
import { DEFAULT_DETECTION_SETTINGS } from '../../../src/model/detection-settings.ts';
import { SCRAPE_SUCCESS } from '../../../src/ingest/scrape-outcome.ts';
import { buildPipeline } from '../../../src/monitor/build-pipeline.ts';
import { ModelledNodeExporter } from '../../../src/sim/node-exporter-model.ts';

const T0 = Date.UTC(2026, 0, 1);

test('the modelled node_exporter: a fixed set of series, counters that only go up, deterministic per seed', () => {
  const a = new ModelledNodeExporter({ seed: 3, dayMs: 300_000 });
  const b = new ModelledNodeExporter({ seed: 3, dayMs: 300_000 });
  let prev = a.samples(T0);
  assert.deepEqual(b.samples(T0), prev);
  for (let i = 1; i <= 100; i++) {
    const cur = a.samples(T0 + i * 1000);
    assert.equal(cur.length, prev.length, 'the same series every scrape (bounded)');
    cur.forEach((s, j) => {
      if (s.name.endsWith('_total')) assert.ok(s.value >= prev[j]!.value, `${s.name} went down`);
    });
    prev = cur;
  }
});

test("the modelled node_exporter through the shipped pipeline: its series are analysed as a real exporter's, and 40 idle minutes open nothing", async () => {
  const exporter = new ModelledNodeExporter({ seed: 1, dayMs: 1_800_000 });
  let nowMs = T0;
  const { pipeline, engine } = buildPipeline({
    detection: { ...DEFAULT_DETECTION_SETTINGS, seasonalPeriod: 1_800_000 },
    store: null,
    sink: { handle: async () => undefined },
    clock: () => nowMs,
  });
  const opened: Anomaly[] = [];
  const target: TargetStatus = {
    id: 'host',
    url: 'model',
    labels: { job: 'node', instance: 'h:9100' },
    health: 'up',
    lastScrapeMs: T0,
    lastScrapeDurationMs: 1,
    lastError: null,
    samplesLastScrape: 0,
  };
  for (let s = 0; s < 40 * 60; s++) {
    nowMs = T0 + s * 1000;
    const r = await pipeline.ingest({
      target: { ...target, lastScrapeMs: nowMs },
      samples: exporter.samples(nowMs),
      outcome: SCRAPE_SUCCESS,
    });
    for (const o of r.outcome?.opened ?? []) opened.push(o.anomaly as Anomaly);
  }
  assert.ok(engine.size >= 10, `${engine.size} series analysed`);
  assert.deepEqual(
    opened.map((a) => `${a.seriesKey} at ${(a.startedAtMs - T0) / 1000} s`),
    [],
  );
});
