/**
 * Series outside the catalog, on the real Debian `prometheus-node-exporter`: its exposition is scraped by the
 * monitor's scraper (family types included) and its series get their kinds by inference
 * (src/analysis/inference/series-kind.ts). Then, in virtual time, an idle host built from the exporter's own
 * series, labels, types and measured counter rates runs through the shipped pipeline (default detection
 * settings; test/helpers/node-host-model.ts): 60 idle minutes from a cold start raise nothing, a busy core, a
 * memory hog and a full disk are each one anomaly on their series, open while the fault lasts; an hourly 30 s
 * job on a host with a daily swing raises nothing. (The machine the tests run on is shared and busy, so
 * idleness is modelled rather than observed.)
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Anomaly } from '../../src/model/anomaly.ts';
import { DEFAULT_DETECTION_SETTINGS, type DetectionSettings } from '../../src/model/detection-settings.ts';
import { SCRAPE_SUCCESS } from '../../src/ingest/scrape-outcome.ts';
import { Scraper } from '../../src/ingest/scraper.ts';
import { buildPipeline } from '../../src/monitor/build-pipeline.ts';
import { SeriesTracker, type DetectionInput } from '../../src/monitor/series-tracker.ts';
import { requireBinary } from '../helpers/binaries.ts';
import {
  largestFilesystem,
  virtualHost,
  within,
  type HostModel,
  type RealScrape,
} from '../helpers/node-host-model.ts';
import { freePort, startServerProcess, type ServerProcess } from '../helpers/server-process.ts';

const binary = requireBinary('prometheus-node-exporter');
const skip = binary
  ? false
  : 'prometheus-node-exporter not installed (apt-get install prometheus-node-exporter)';

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 5);
/** Fault windows of the virtual run, minutes from the cold start. */
const BUSY_CORE = [60, 66] as const;
const MEMORY_HOG = [70, 76] as const;
const FULL_DISK = [80, 100] as const;
/** An hourly 30 s job (cron, backup): a busy share on every CPU and disk writes, at minute 17 of each hour. */
const HOURLY_JOB = { atMinute: 17, seconds: 30, busyShare: 0.3, writeBytesPerSecond: 5e6 } as const;

const inWindow = (ms: number, w: readonly [number, number]): boolean => within(T0, ms, w);

describe('series outside the catalog on a real node_exporter', { skip }, () => {
  let exporter: ServerProcess | undefined;
  const scrapes: RealScrape[] = [];

  before(async () => {
    const port = await freePort();
    const metricsUrl = `http://127.0.0.1:${port}/metrics`;
    exporter = await startServerProcess(
      'node_exporter',
      binary!,
      [`--web.listen-address=127.0.0.1:${port}`, '--no-collector.systemd', '--log.level=warn'],
      metricsUrl,
    );
    const scraper = new Scraper({
      onSamples: (target, samples, atMs, outcome, types) => {
        if (outcome.result === 'success') scrapes.push({ target: { ...target }, samples, types, atMs });
      },
    });
    scraper.addTarget({
      id: 'node',
      url: metricsUrl,
      intervalMs: 1000,
      timeoutMs: 5000,
      labels: { job: 'node' },
    });
    for (let i = 0; i < 3; i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, 1500));
      await scraper.scrapeOnce('node');
    }
    assert.equal(scrapes.length, 3, `three successful scrapes of node_exporter: ${exporter.logs()}`);
  });
  after(() => exporter?.stop());

  it('the scraper hands on the family types the exposition declares', () => {
    const { types } = scrapes[0]!;
    assert.equal(types.get('node_cpu_seconds_total'), 'counter');
    assert.equal(types.get('node_memory_MemAvailable_bytes'), 'gauge');
    assert.equal(types.get('go_gc_duration_seconds'), 'summary');
  });

  it('infers the kind of every real series: busy CPU modes, used shares, I/O and errors; nothing for timestamps, info or self-instrumentation', () => {
    const tracker = new SeriesTracker(100_000, { inference: { enabled: true, rules: [] } });
    let inputs: DetectionInput[] = [];
    for (const sc of scrapes) inputs = tracker.admit(sc.samples, { types: sc.types }).inputs;
    const analysed = inputs.filter((i) => i.kind !== 'generic');
    const kindsOf = (metric: string): string[] => [
      ...new Set(analysed.filter((i) => i.metric === metric).map((i) => `${i.kind}/${i.transform}`)),
    ];

    const cpus = new Set(
      scrapes[0]!.samples.filter((s) => s.name === 'node_cpu_seconds_total').map((s) => s.labels.cpu),
    );
    const cpuInputs = analysed.filter((i) => i.metric === 'node_cpu_seconds_total');
    assert.deepEqual(kindsOf('node_cpu_seconds_total'), ['utilization/rate']);
    assert.ok(!cpuInputs.some((i) => i.labels.mode === 'idle'), 'idle is left out');
    assert.ok(
      cpuInputs.some((i) => i.labels.mode === 'user') && cpuInputs.length >= cpus.size * 3,
      `${cpuInputs.length} CPU inputs for ${cpus.size} CPUs`,
    );
    for (const i of cpuInputs)
      assert.ok(i.value >= 0 && i.value <= 1.05, `busy share ${i.value} of ${i.key}`);

    const mem = analysed.filter((i) => i.metric === 'node_memory_used_ratio');
    assert.equal(mem.length, 1);
    assert.ok(mem[0]!.value > 0 && mem[0]!.value < 1, `memory used ${mem[0]!.value}`);
    const disk = largestFilesystem(scrapes.at(-1)!);
    const fs = analysed.find(
      (i) => i.metric === 'node_filesystem_used_ratio' && i.labels.mountpoint === disk.mountpoint,
    );
    assert.ok(fs && fs.value >= 0 && fs.value <= 1, `filesystem ${disk.mountpoint} used ${fs?.value}`);
    assert.deepEqual(kindsOf('node_network_receive_bytes_total'), ['bandwidth/rate']);
    assert.deepEqual(kindsOf('node_network_receive_errs_total'), ['error_rate/rate']);

    for (const prefix of [
      'node_boot_time_seconds',
      'node_uname_info',
      'node_time_seconds',
      'scrape_',
      'node_scrape_collector_',
      'promhttp_',
      'go_',
      'node_timex_',
    ])
      assert.deepEqual(
        analysed.filter((i) => i.metric.startsWith(prefix)).map((i) => i.key),
        [],
        `${prefix} is not analysed`,
      );
    assert.ok(
      analysed.length >= 20 && analysed.length < inputs.length,
      `${analysed.length} of ${inputs.length} inputs analysed`,
    );
    assert.ok(analysed.every((i) => i.inferred !== undefined && i.def === undefined));
  });

  /** Runs the virtual host `model` through the shipped pipeline with `detection`; the anomalies it opened, with their resolution. */
  async function runVirtual(model: HostModel, detection: DetectionSettings = DEFAULT_DETECTION_SETTINGS) {
    let nowMs = T0;
    const { pipeline, engine } = buildPipeline({
      detection,
      store: null,
      sink: { handle: async () => undefined },
      clock: () => nowMs,
    });
    const last = scrapes.at(-1)!;
    const opened: Anomaly[] = [];
    for (const step of virtualHost(scrapes[0]!, last, model)) {
      nowMs = step.atMs + 50;
      const r = await pipeline.ingest({
        target: { ...last.target, lastScrapeMs: step.atMs },
        samples: step.samples,
        outcome: SCRAPE_SUCCESS,
        types: last.types,
      });
      for (const o of r.outcome?.opened ?? []) opened.push(o.anomaly as Anomaly);
      for (const x of r.outcome?.resolved ?? []) {
        const i = opened.findLastIndex((a) => a.seriesKey === x.key && a.resolvedAtMs === null);
        if (i >= 0) opened[i] = { ...opened[i]!, resolvedAtMs: x.resolvedAtMs };
      }
    }
    return { opened, engine };
  }
  const brief = (a: Anomaly): string =>
    `${a.seriesKey} ${a.severity} at ${((a.startedAtMs - T0) / MIN).toFixed(1)} min`;

  it('in virtual time, through the shipped pipeline: an idle hour raises nothing; a busy core, a memory hog and a full disk are each one anomaly, open while they last', async (t) => {
    const { opened, engine } = await runVirtual({
      t0: T0,
      minutes: FULL_DISK[1] + 10,
      busyCore: BUSY_CORE,
      memoryHog: MEMORY_HOG,
      fullDisk: FULL_DISK,
    });
    assert.deepEqual(
      opened.filter((a) => a.startedAtMs < T0 + BUSY_CORE[0] * MIN).map(brief),
      [],
      'nothing in the idle hour',
    );

    const disk = largestFilesystem(scrapes.at(-1)!);
    const minDuration = DEFAULT_DETECTION_SETTINGS.inferredMinDuration;
    const faults: [string, readonly [number, number], (a: Anomaly) => boolean][] = [
      [
        'busy core',
        BUSY_CORE,
        (a) => a.metric === 'node_cpu_seconds_total' && a.labels.cpu === '0' && a.labels.mode === 'user',
      ],
      ['memory hog', MEMORY_HOG, (a) => a.metric === 'node_memory_used_ratio'],
      [
        'full disk',
        FULL_DISK,
        (a) => a.metric === 'node_filesystem_used_ratio' && a.labels.mountpoint === disk.mountpoint,
      ],
    ];
    for (const [what, window, match] of faults) {
      const mine = opened.filter(match);
      assert.equal(
        mine.length,
        1,
        `${what}: one anomaly for one fault; opened: ${opened.map(brief).join('; ')}`,
      );
      const a = mine[0]!;
      assert.ok(inWindow(a.startedAtMs, window), `${what} starts in its window: ${brief(a)}`);
      const delay = a.detectedAtMs - (T0 + window[0] * MIN);
      assert.ok(
        delay >= minDuration && delay <= minDuration + MIN,
        `${what}: detected ${delay / 1000} s after the start`,
      );
      const end = T0 + window[1] * MIN;
      assert.ok(
        a.resolvedAtMs !== null && a.resolvedAtMs >= end && a.resolvedAtMs <= end + MIN,
        `${what}: open until the fault ends, resolved at ${a.resolvedAtMs === null ? 'never' : (a.resolvedAtMs - end) / 1000} s after`,
      );
      t.diagnostic(
        `${what} (${window[1] - window[0]} min): ${a.severity}, detected ${delay / 1000} s after the start, resolved ${(a.resolvedAtMs - end) / 1000} s after the end`,
      );
    }
    assert.equal(opened.length, faults.length, `only the faulted series: ${opened.map(brief).join('; ')}`);

    // Cost per series: the learned state each analysed series checkpoints (JSON, as stored) stays within 4 KB.
    const sizes = engine.snapshots(engine.size).map((s) => Buffer.byteLength(JSON.stringify(s.snapshot)));
    assert.ok(sizes.length > 20, `${sizes.length} snapshots`);
    const largest = Math.max(...sizes);
    t.diagnostic(
      `snapshot bytes per series: max ${largest}, mean ${(sizes.reduce((a, b) => a + b, 0) / sizes.length).toFixed(0)}`,
    );
    assert.ok(largest <= 4096, `largest detector snapshot ${largest} bytes`);
  });

  it('in virtual time: an hourly 30 s job on a host with a daily swing opens nothing (it held shorter than detection.inferredMinDuration), and did open one anomaly per job and series without the minimum', async (t) => {
    const model: HostModel = { t0: T0, minutes: 6 * 60, dailySwing: 0.5, hourlyJob: HOURLY_JOB };
    const { opened } = await runVirtual(model);
    assert.deepEqual(opened.map(brief), [], 'the job is normal');
    // The same host judged as soon as confirmed (no minimum duration): the job is a level break on its CPU and disk series.
    const eager = await runVirtual(model, { ...DEFAULT_DETECTION_SETTINGS, inferredMinDuration: 0 });
    const jobs = eager.opened.filter(
      (a) =>
        (a.startedAtMs - T0) % (60 * MIN) >= HOURLY_JOB.atMinute * MIN &&
        (a.startedAtMs - T0) % (60 * MIN) < HOURLY_JOB.atMinute * MIN + HOURLY_JOB.seconds * 1000,
    );
    assert.ok(jobs.length >= 6, `without a minimum duration the job opens ${jobs.length} anomalies`);
    t.diagnostic(
      `6 virtual hours: ${opened.length} anomalies; without a minimum duration ${eager.opened.length} (${jobs.length} at the job)`,
    );
  });
});
