/**
 * The monitor pipeline (src/monitor/pipeline.ts, build-pipeline.ts, pipeline-metrics.ts): scrape batch →
 * tracker → SQLite store → detection → anomaly sink, with a fake clock and timer.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { metricsOf } from '../../../src/catalog/index.ts';
import { ScrapeError, StoreError } from '../../../src/errors.ts';
import { SCRAPE_SUCCESS, type ScrapeOutcome } from '../../../src/ingest/scrape-outcome.ts';
import type { Sample } from '../../../src/model/sample.ts';
import type { TargetStatus } from '../../../src/model/status.ts';
import { AnomalySink, type NotificationQueue } from '../../../src/monitor/anomaly-sink.ts';
import { buildPipeline } from '../../../src/monitor/build-pipeline.ts';
import { DEFAULT_DETECTION_SETTINGS } from '../../../src/model/detection-settings.ts';
import { MonitorPipeline, type OutcomeSink, type PipelineObserver } from '../../../src/monitor/pipeline.ts';
import { SeriesTracker } from '../../../src/monitor/series-tracker.ts';
import { catalogPipelineMetrics, type PipelineMetrics } from '../../../src/monitor/pipeline-metrics.ts';
import { createCatalogMetrics } from '../../../src/catalog/registry.ts';
import { openSqliteStore, type OpenedStore } from '../../../src/store/sqlite.ts';

const T0 = Date.UTC(2026, 0, 1);
const LABELS = { job: 'dwcp', instance: '127.0.0.1:9101', region: 'us-east', node: 'node-1' };
const MEM = 'dwcp_v3_resource_utilization_percent';

function target(health: TargetStatus['health'], atMs: number): TargetStatus {
  return {
    id: 'node-1',
    url: 'http://127.0.0.1:9101/metrics',
    labels: LABELS,
    health,
    lastScrapeMs: atMs,
    lastScrapeDurationMs: 12,
    lastError: health === 'down' ? 'connection refused' : null,
    samplesLastScrape: 0,
  };
}

function batch(up: 0 | 1, atMs: number, extra: Sample[] = []) {
  const outcome: ScrapeOutcome =
    up === 1 ? SCRAPE_SUCCESS : { result: 'connection_error', error: new ScrapeError('connection refused') };
  const samples: Sample[] = [...extra, { name: 'up', labels: LABELS, value: up, timestampMs: atMs }];
  return { target: target(up === 1 ? 'up' : 'down', atMs), samples, outcome };
}

const mem = (value: number, atMs: number): Sample => ({
  name: MEM,
  labels: { ...LABELS, resource_type: 'memory' },
  value,
  timestampMs: atMs,
});

/** A PipelineMetrics that records every call. */
function recordingMetrics(): PipelineMetrics & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    scrape: (t, r, up, d) => void calls.push(`scrape ${t} ${r} ${up ? 1 : 0} ${d}`),
    ingested: (n) => void calls.push(`ingested ${n}`),
    rejected: (reason, n, t) => void calls.push(`rejected ${reason} ${n} ${t}`),
    skipped: (t) => void calls.push(`skipped ${t}`),
    overloaded: (on) => void calls.push(`overloaded ${on ? 1 : 0}`),
    series: (n) => void calls.push(`series ${n}`),
    detection: (s, n) => void calls.push(`detection ${s} ${n}`),
  };
}

describe('MonitorPipeline', () => {
  let store: OpenedStore;
  let nowMs: number;
  let tick: number;
  const clock = () => nowMs;
  /** A timer that advances 2 ms per reading: every stage takes 2 ms. */
  const timer = () => (tick += 2);

  beforeEach(async () => {
    store = await openSqliteStore({ path: ':memory:', retentionMs: 3600_000 });
    nowMs = T0;
    tick = 0;
  });
  afterEach(async () => {
    await store.close();
  });

  function sinkOn(payloads: unknown[]) {
    const sender: NotificationQueue = {
      receiver: 'test',
      enqueue: (p) => void payloads.push(p),
      get queueLength() {
        return payloads.length;
      },
    };
    const metrics = createCatalogMetrics(new Registry(), metricsOf('monitor'));
    return new AnomalySink({
      store,
      metrics,
      publish: () => undefined,
      senders: [sender],
      externalUrl: 'http://x',
      maxOpen: 10,
      onError: (e) => assert.fail(String(e)),
    });
  }

  it('stores admitted samples, counts and reports them, and runs detection at the clock time', async () => {
    const payloads: unknown[] = [];
    const metrics = recordingMetrics();
    const { pipeline } = buildPipeline({
      detection: DEFAULT_DETECTION_SETTINGS,
      store,
      sink: sinkOn(payloads),
      clock,
      timer,
      metrics,
    });
    const first = await pipeline.ingest(batch(1, T0, [mem(40, T0)]));
    assert.deepEqual([first.admitted, first.stored, first.trackMs, first.detectMs], [2, 2, 2, 2]);
    assert.equal(await store.countSamples(), 2);
    assert.deepEqual(metrics.calls, [
      'overloaded 0',
      'scrape node-1 success 1 0.012',
      'ingested 2',
      'series 2',
      'detection 0.002 2',
    ]);
    assert.equal(first.warning, null);

    // The target stops answering: one failed scrape is not yet an outage (confirmSamples = 2); the second
    // `up == 0` batch opens the target-health anomaly, from the first failure, naming the target; stored and notified.
    nowMs = T0 + 1500;
    const once = await pipeline.ingest(batch(0, T0 + 1000));
    assert.equal(once.outcome?.opened.length, 0);
    nowMs = T0 + 2500;
    const down = await pipeline.ingest(batch(0, T0 + 2000));
    assert.equal(down.outcome?.opened.length, 1);
    const [stored] = await store.list({ limit: 10 });
    assert.equal(stored?.metric, 'up');
    assert.equal(stored?.startedAtMs, T0 + 1000);
    assert.equal(stored?.detectedAtMs, T0 + 2500, 'detection time is the injected clock');
    assert.equal(stored?.labels['target'], 'node-1');
    assert.equal(stored?.severity, 'critical');
    assert.ok(Number.isNaN(stored?.deviation), 'a state, not a deviation');
    assert.equal(payloads.length, 1);
    const c = pipeline.counters();
    assert.deepEqual(c.scrapes, { success: 1, connection_error: 2 });
    assert.deepEqual(
      [
        c.samplesReceived,
        c.samplesIngested,
        c.series,
        c.inputsProcessed,
        c.anomaliesOpened,
        c.alertQueueLength,
      ],
      [4, 4, 2, 4, 1, 1],
    );
  });

  it('counts rejected samples by reason and never stores them', async () => {
    const metrics = recordingMetrics();
    const sink: OutcomeSink = { handle: () => Promise.resolve() };
    const { pipeline } = buildPipeline({
      detection: DEFAULT_DETECTION_SETTINGS,
      store,
      sink,
      clock,
      timer,
      metrics,
    });
    await pipeline.ingest(batch(1, T0 + 2000, [mem(40, T0 + 2000)]));
    const late = await pipeline.ingest(batch(1, T0 + 1000, [mem(41, T0 + 1000)]));
    assert.equal(late.admitted, 0);
    assert.deepEqual(pipeline.counters().samplesRejected, { out_of_order: 2 });
    assert.ok(metrics.calls.includes('rejected out_of_order 2 node-1'));
    assert.equal(await store.countSamples(), 2);
  });

  it('keeps the series limit of the settings', async () => {
    const sink: OutcomeSink = { handle: () => Promise.resolve() };
    const { pipeline } = buildPipeline({
      detection: { ...DEFAULT_DETECTION_SETTINGS, maxSeries: 3 },
      store,
      sink,
      clock,
    });
    const many = Array.from({ length: 10 }, (_, i): Sample => ({
      name: MEM,
      labels: { ...LABELS, resource_type: `r${i}` },
      value: 1,
      timestampMs: T0,
    }));
    await pipeline.ingest(batch(1, T0, many));
    const c = pipeline.counters();
    assert.equal(c.series, 3);
    assert.equal(c.samplesRejected.series_limit, 8);
    assert.equal(c.samplesIngested, 3);
  });

  it('shares the series budget fairly: a noisy target is refused and warned, a quiet one keeps its share', async () => {
    const sink: OutcomeSink = { handle: () => Promise.resolve() };
    const metrics = recordingMetrics();
    const { pipeline } = buildPipeline({
      detection: { ...DEFAULT_DETECTION_SETTINGS, maxSeries: 10 },
      store,
      sink,
      clock,
      metrics,
    });
    pipeline.tracker.budget.register('noisy');
    pipeline.tracker.budget.register('quiet');
    const series = (prefix: string, n: number, labels: Record<string, string>): Sample[] =>
      Array.from({ length: n }, (_, i): Sample => ({
        name: MEM,
        labels: { ...labels, resource_type: `${prefix}${i}` },
        value: 1,
        timestampMs: T0,
      }));
    const noisyTarget = { ...target('up', T0), id: 'noisy', labels: { ...LABELS, node: 'noisy' } };
    const quietTarget = { ...target('up', T0), id: 'quiet', labels: { ...LABELS, node: 'quiet' } };
    const noisy = await pipeline.ingest({
      target: noisyTarget,
      samples: series('n', 20, noisyTarget.labels),
      outcome: SCRAPE_SUCCESS,
    });
    assert.equal(noisy.admitted, 5, 'the noisy target gets its share (10 / 2), the rest is reserved');
    assert.match(
      noisy.warning ?? '',
      /^15 samples of new series refused: series budget \(10\) full or over this target's share \(5; holds 5\)/,
    );
    assert.ok(metrics.calls.includes('rejected series_limit 15 noisy'));
    const quiet = await pipeline.ingest({
      target: quietTarget,
      samples: series('q', 4, quietTarget.labels),
      outcome: SCRAPE_SUCCESS,
    });
    assert.deepEqual([quiet.admitted, quiet.warning], [4, null]);
  });

  it('rejects samples outside the time window with counts and a warning', async () => {
    const sink: OutcomeSink = { handle: () => Promise.resolve() };
    const { pipeline } = buildPipeline({
      detection: DEFAULT_DETECTION_SETTINGS,
      store,
      sink,
      clock,
      window: { maxSampleAgeMs: 3_600_000, maxSampleAheadMs: 600_000 },
    });
    const step = await pipeline.ingest(
      batch(1, T0, [mem(1, T0 - 3_600_001), mem(2, T0 + 600_001), mem(3, T0 + 600_000)]),
    );
    assert.equal(step.admitted, 2);
    assert.deepEqual(pipeline.counters().samplesRejected, { too_old: 1, too_far_ahead: 1 });
    assert.equal(step.warning, '2 samples outside the accepted time window (too old: 1, too far ahead: 1)');
  });

  it('a scrape skipped for overload is counted, changes no health and sets the overload gauge', async () => {
    const order: string[] = [];
    const metrics = recordingMetrics();
    const sink: OutcomeSink = { handle: () => Promise.resolve() };
    const observer: PipelineObserver = { scraped: (t) => void order.push(`scraped ${t.health}`) };
    const { pipeline } = buildPipeline({
      detection: DEFAULT_DETECTION_SETTINGS,
      store,
      sink,
      clock,
      metrics,
      observers: [observer],
    });
    const step = await pipeline.ingest({
      target: target('up', T0),
      samples: [],
      outcome: { result: 'skipped_overload', lateMs: 400 },
    });
    assert.deepEqual([step.admitted, step.outcome], [0, null]);
    assert.deepEqual(order, [], 'target health observers see nothing');
    assert.deepEqual(metrics.calls, ['skipped node-1', 'overloaded 1']);
    nowMs = T0 + 1000;
    await pipeline.ingest(batch(1, T0 + 1000));
    assert.equal(metrics.calls[2], 'overloaded 1', 'still overloaded within the hold time');
    nowMs = T0 + 61_000;
    await pipeline.ingest(batch(1, T0 + 61_000));
    assert.ok(metrics.calls.includes('overloaded 0'));
    assert.deepEqual(pipeline.counters().scrapes, { skipped_overload: 1, success: 2 });
    assert.equal(await store.countSamples(), 2, 'nothing stored for the skipped scrape');
  });

  it('with detection disabled still tracks and stores, but never detects', async () => {
    let handled = 0;
    const sink: OutcomeSink = { handle: () => Promise.resolve(void handled++) };
    const { pipeline, engine } = buildPipeline({
      detection: { ...DEFAULT_DETECTION_SETTINGS, enabled: false },
      store,
      sink,
      clock,
    });
    const step = await pipeline.ingest(batch(0, T0));
    assert.equal(step.outcome, null);
    assert.equal(handled, 0);
    assert.equal(engine.size, 0);
    assert.equal(await store.countSamples(), 1);
  });

  it('runs without a store (the evaluator) and calls observers before storing', async () => {
    const order: string[] = [];
    const observer: PipelineObserver = {
      scraped: (t, at) => void order.push(`scraped ${t.health} ${at}`),
      admitted: (s) => void order.push(`admitted ${s.length}`),
    };
    const sink: OutcomeSink = {
      handle: (o) => Promise.resolve(void order.push(`handled ${o.opened.length}`)),
    };
    const { pipeline } = buildPipeline({
      detection: DEFAULT_DETECTION_SETTINGS,
      store: null,
      sink,
      clock,
      observers: [observer],
    });
    const step = await pipeline.ingest(batch(0, T0));
    assert.equal(step.stored, 0);
    await pipeline.ingest(batch(0, T0 + 1000));
    assert.deepEqual(order, [
      `scraped down ${T0}`,
      'admitted 1',
      'handled 0',
      `scraped down ${T0}`,
      'admitted 1',
      'handled 1',
    ]); // observers get the clock time
    assert.equal(pipeline.counters().samplesIngested, 0);
  });

  it('a store failure rejects the batch before detection', async () => {
    let handled = 0;
    const failing = { append: () => Promise.reject(new StoreError('disk full')) };
    const sink: OutcomeSink = { handle: () => Promise.resolve(void handled++) };
    const { pipeline } = buildPipeline({
      detection: DEFAULT_DETECTION_SETTINGS,
      store: failing,
      sink,
      clock,
    });
    await assert.rejects(pipeline.ingest(batch(0, T0)), StoreError);
    assert.equal(handled, 0);
    assert.equal(pipeline.counters().anomaliesOpened, 0);
  });

  it("settles a stored batch's admission (its change records reused), and reverts one the store refused", async () => {
    const sink: OutcomeSink = { handle: () => Promise.resolve() };
    const tracker = new SeriesTracker(100);
    let fail = false;
    const appends: number[] = [];
    const flaky = {
      append: (samples: readonly Sample[]) => {
        if (fail) return Promise.reject(new StoreError('disk full'));
        appends.push(samples.length);
        return Promise.resolve({ stored: samples.length, rejected: {} });
      },
    };
    const pipeline = new MonitorPipeline({ tracker, engine: null, store: flaky, sink, clock });
    await pipeline.ingest(batch(1, T0, [mem(40, T0)]));
    assert.equal(tracker.spareChangeRecords, 1);
    await pipeline.ingest(batch(1, T0 + 1000, [mem(41, T0 + 1000)]));
    assert.equal(tracker.spareChangeRecords, 1, 'the records were taken again and given back');
    fail = true;
    await assert.rejects(pipeline.ingest(batch(1, T0 + 2000, [mem(42, T0 + 2000)])), StoreError);
    fail = false;
    // reverted: the same samples are admitted again, not refused as duplicates
    const retry = await pipeline.ingest(batch(1, T0 + 2000, [mem(42, T0 + 2000)]));
    assert.equal(retry.admitted, 2);
    assert.deepEqual(appends, [2, 2, 2]);
    // without a store the admission is settled too
    const bare = new SeriesTracker(100);
    await new MonitorPipeline({ tracker: bare, engine: null, store: null, sink, clock }).ingest(batch(1, T0));
    assert.equal(bare.spareChangeRecords, 1);
  });

  it('exports its counters as the catalog self-metrics', async () => {
    const registry = new Registry();
    const metrics = catalogPipelineMetrics(createCatalogMetrics(registry, metricsOf('monitor')));
    const sink: OutcomeSink = { handle: () => Promise.resolve() };
    const { pipeline } = buildPipeline({
      detection: DEFAULT_DETECTION_SETTINGS,
      store,
      sink,
      clock,
      metrics,
    });
    await pipeline.ingest(batch(1, T0, [mem(40, T0)]));
    await pipeline.ingest(batch(0, T0 + 1000));
    const text = await registry.metrics();
    assert.match(text, /dwcp_monitor_scrapes_total\{target="node-1",result="success"\} 1/);
    assert.match(text, /dwcp_monitor_scrapes_total\{target="node-1",result="connection_error"\} 1/);
    assert.match(text, /dwcp_monitor_target_up\{target="node-1"\} 0/);
    assert.match(text, /dwcp_monitor_samples_ingested_total 3/);
    assert.match(text, /dwcp_monitor_series 2/);
    assert.match(text, /dwcp_metrics_processed_total 3/);
    assert.match(text, /dwcp_anomaly_detection_latency_seconds_count 2/);
  });
});
