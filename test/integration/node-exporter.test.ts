/**
 * Series outside the catalog, on the real Debian `prometheus-node-exporter`: its exposition is scraped by the
 * monitor's scraper (family types included) and its series get their kinds by inference
 * (src/analysis/inference/series-kind.ts). Then, in virtual time, an idle host built from the exporter's own
 * series, labels, types and measured counter rates runs through the shipped pipeline (default detection
 * settings): 60 idle minutes from a cold start raise nothing, and a busy core, a memory hog and a full disk are
 * each found on their series. (The machine the tests run on is shared and busy, so idleness is modelled rather
 * than observed.)
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Anomaly } from '../../src/model/anomaly.ts';
import { DEFAULT_DETECTION_SETTINGS } from '../../src/model/detection-settings.ts';
import { seriesKey, type Sample } from '../../src/model/sample.ts';
import type { TargetStatus } from '../../src/model/status.ts';
import { SCRAPE_SUCCESS } from '../../src/ingest/scrape-outcome.ts';
import { Scraper, type FamilyTypes } from '../../src/ingest/scraper.ts';
import { buildPipeline } from '../../src/monitor/build-pipeline.ts';
import { familyType } from '../../src/monitor/inferred-inputs.ts';
import { SeriesTracker, type DetectionInput } from '../../src/monitor/series-tracker.ts';
import { Prng } from '../../src/sim/prng.ts';
import { requireBinary } from '../helpers/binaries.ts';
import { freePort, startServerProcess, type ServerProcess } from '../helpers/server-process.ts';

const binary = requireBinary('prometheus-node-exporter');
const skip = binary ? false : 'prometheus-node-exporter not installed (apt-get install prometheus-node-exporter)';

interface RealScrape {
  readonly target: TargetStatus;
  readonly samples: readonly Sample[];
  readonly types: FamilyTypes;
  readonly atMs: number;
}

const MIN = 60_000;
const STEP_MS = 15_000;
const T0 = Date.UTC(2026, 0, 5);
/** Fault windows of the virtual run, minutes from the cold start. */
const BUSY_CORE = [60, 66] as const;
const MEMORY_HOG = [70, 76] as const;
const FULL_DISK = [80, 100] as const;
/** Busy shares of an idle host's CPU modes (idle is the rest). */
const IDLE_HOST_MODES: Readonly<Record<string, number>> = { user: 0.03, system: 0.01, iowait: 0.002, softirq: 0.002, steal: 0.001 };

const within = (ms: number, [from, to]: readonly [number, number]): boolean => ms >= T0 + from * MIN && ms < T0 + to * MIN;

/** Whether a sample of the exporter only goes up (counters, histogram/summary sums, counts and buckets). */
function isMonotone(name: string, types: FamilyTypes): boolean {
  const t = familyType(name, types);
  if (t === 'counter') return true;
  if ((t === 'histogram' || t === 'summary') && /_(sum|count|bucket)$/.test(name)) return true;
  return t === undefined && name.endsWith('_total');
}

/**
 * The virtual idle host: every series of the real last scrape, counters advancing at their measured rate (CPU
 * modes at {@link IDLE_HOST_MODES}) with ±30 % noise, gauges steady (memory and filesystem availability with
 * ±0.3 % noise), plus the faults of the windows above.
 */
function* virtualHost(first: RealScrape, last: RealScrape, minutes: number): Generator<{ atMs: number; samples: Sample[] }> {
  const rng = new Prng(7);
  const dt = (last.atMs - first.atMs) / 1000;
  const firstByKey = new Map(first.samples.map((s) => [seriesKey(s.name, s.labels), s.value]));
  const memTotal = last.samples.find((s) => s.name === 'node_memory_MemTotal_bytes')!.value;
  const memAvail = last.samples.find((s) => s.name === 'node_memory_MemAvailable_bytes')!.value;
  const disk = largestFilesystem(last);
  const series = last.samples.map((s) => {
    const monotone = isMonotone(s.name, last.types);
    const before = firstByKey.get(seriesKey(s.name, s.labels));
    let rate = monotone && before !== undefined && dt > 0 ? Math.max(0, (s.value - before) / dt) : 0;
    if (s.name === 'node_cpu_seconds_total') rate = s.labels.mode === 'idle' ? 1 : (IDLE_HOST_MODES[s.labels.mode ?? ''] ?? 0);
    return { s, monotone, rate, value: s.value };
  });
  for (let atMs = T0; atMs < T0 + minutes * MIN; atMs += STEP_MS) {
    const out: Sample[] = [];
    for (const x of series) {
      const { s } = x;
      if (x.monotone) {
        let r = x.rate * Math.max(0, 1 + 0.3 * rng.gaussian());
        if (s.name === 'node_cpu_seconds_total' && s.labels.cpu === '0' && within(atMs, BUSY_CORE)) r = s.labels.mode === 'user' ? r + 0.95 : s.labels.mode === 'idle' ? Math.max(0, r - 0.95) : r;
        x.value += r * (STEP_MS / 1000);
        out.push({ ...s, value: x.value, timestampMs: atMs });
        continue;
      }
      let v = x.value;
      if (s.name === 'node_memory_MemAvailable_bytes') v = memAvail * (1 + 0.003 * rng.gaussian()) - (within(atMs, MEMORY_HOG) ? Math.min(0.35 * memTotal, 0.8 * memAvail) : 0);
      if (s.name === 'node_filesystem_avail_bytes' && seriesKey(s.name, s.labels) === disk.availKey) v = within(atMs, FULL_DISK) ? 0.005 * disk.size : x.value * (1 + 0.003 * rng.gaussian());
      out.push({ ...s, value: v, timestampMs: atMs });
    }
    yield { atMs, samples: out };
  }
}

/** The largest filesystem of a scrape: its `avail` series key, size and mount point. */
function largestFilesystem(sc: RealScrape): { availKey: string; size: number; mountpoint: string } {
  const sizes = sc.samples.filter((s) => s.name === 'node_filesystem_size_bytes' && s.value > 0).sort((a, b) => b.value - a.value);
  assert.ok(sizes.length > 0, 'node_exporter reports a filesystem');
  const top = sizes[0]!;
  return { availKey: seriesKey('node_filesystem_avail_bytes', top.labels), size: top.value, mountpoint: top.labels.mountpoint ?? '' };
}

describe('series outside the catalog on a real node_exporter', { skip }, () => {
  let exporter: ServerProcess | undefined;
  const scrapes: RealScrape[] = [];

  before(async () => {
    const port = await freePort();
    const metricsUrl = `http://127.0.0.1:${port}/metrics`;
    exporter = await startServerProcess('node_exporter', binary!, [`--web.listen-address=127.0.0.1:${port}`, '--no-collector.systemd', '--log.level=warn'], metricsUrl);
    const scraper = new Scraper({
      onSamples: (target, samples, atMs, outcome, types) => {
        if (outcome.result === 'success') scrapes.push({ target: { ...target }, samples, types, atMs });
      },
    });
    scraper.addTarget({ id: 'node', url: metricsUrl, intervalMs: 1000, timeoutMs: 5000, labels: { job: 'node' } });
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
    const kindsOf = (metric: string): string[] => [...new Set(analysed.filter((i) => i.metric === metric).map((i) => `${i.kind}/${i.transform}`))];

    const cpus = new Set(scrapes[0]!.samples.filter((s) => s.name === 'node_cpu_seconds_total').map((s) => s.labels.cpu));
    const cpuInputs = analysed.filter((i) => i.metric === 'node_cpu_seconds_total');
    assert.deepEqual(kindsOf('node_cpu_seconds_total'), ['utilization/rate']);
    assert.ok(!cpuInputs.some((i) => i.labels.mode === 'idle'), 'idle is left out');
    assert.ok(cpuInputs.some((i) => i.labels.mode === 'user') && cpuInputs.length >= cpus.size * 3, `${cpuInputs.length} CPU inputs for ${cpus.size} CPUs`);
    for (const i of cpuInputs) assert.ok(i.value >= 0 && i.value <= 1.05, `busy share ${i.value} of ${i.key}`);

    const mem = analysed.filter((i) => i.metric === 'node_memory_used_ratio');
    assert.equal(mem.length, 1);
    assert.ok(mem[0]!.value > 0 && mem[0]!.value < 1, `memory used ${mem[0]!.value}`);
    const disk = largestFilesystem(scrapes.at(-1)!);
    const fs = analysed.find((i) => i.metric === 'node_filesystem_used_ratio' && i.labels.mountpoint === disk.mountpoint);
    assert.ok(fs && fs.value >= 0 && fs.value <= 1, `filesystem ${disk.mountpoint} used ${fs?.value}`);
    assert.deepEqual(kindsOf('node_network_receive_bytes_total'), ['bandwidth/rate']);
    assert.deepEqual(kindsOf('node_network_receive_errs_total'), ['error_rate/rate']);

    for (const prefix of ['node_boot_time_seconds', 'node_uname_info', 'node_time_seconds', 'scrape_', 'node_scrape_collector_', 'promhttp_', 'go_', 'node_timex_'])
      assert.deepEqual(analysed.filter((i) => i.metric.startsWith(prefix)).map((i) => i.key), [], `${prefix} is not analysed`);
    assert.ok(analysed.length >= 20 && analysed.length < inputs.length, `${analysed.length} of ${inputs.length} inputs analysed`);
    assert.ok(analysed.every((i) => i.inferred !== undefined && i.def === undefined));
  });

  it('in virtual time, through the shipped pipeline: an idle hour raises nothing; a busy core, a memory hog and a full disk are found', async (t) => {
    let nowMs = T0;
    const { pipeline, engine } = buildPipeline({ detection: DEFAULT_DETECTION_SETTINGS, store: null, sink: { handle: async () => undefined }, clock: () => nowMs });
    const first = scrapes[0]!;
    const last = scrapes.at(-1)!;
    const opened: Anomaly[] = [];
    for (const step of virtualHost(first, last, FULL_DISK[1])) {
      nowMs = step.atMs + 50;
      const r = await pipeline.ingest({ target: { ...last.target, lastScrapeMs: step.atMs }, samples: step.samples, outcome: SCRAPE_SUCCESS, types: last.types });
      for (const o of r.outcome?.opened ?? []) opened.push(o.anomaly as Anomaly);
    }
    const brief = (a: Anomaly): string => `${a.seriesKey} ${a.severity} at ${((a.startedAtMs - T0) / MIN).toFixed(1)} min`;
    assert.deepEqual(opened.filter((a) => a.startedAtMs < T0 + BUSY_CORE[0] * MIN).map(brief), [], 'nothing in the idle hour');

    const disk = largestFilesystem(last);
    const found = (what: string, window: readonly [number, number], match: (a: Anomaly) => boolean): Anomaly => {
      const a = opened.find((x) => match(x) && within(x.startedAtMs, window));
      assert.ok(a, `${what} not found; opened: ${opened.map(brief).join('; ')}`);
      return a;
    };
    found('busy core', BUSY_CORE, (a) => a.metric === 'node_cpu_seconds_total' && a.labels.cpu === '0' && a.labels.mode === 'user');
    found('memory hog', MEMORY_HOG, (a) => a.metric === 'node_memory_used_ratio');
    found('full disk', FULL_DISK, (a) => a.metric === 'node_filesystem_used_ratio' && a.labels.mountpoint === disk.mountpoint);
    const faulted = new Set(['node_cpu_seconds_total', 'node_memory_used_ratio', 'node_filesystem_used_ratio']);
    assert.deepEqual(opened.filter((a) => !faulted.has(a.metric)).map(brief), [], 'only the faulted series');
    t.diagnostic(`${engine.size} series analysed; opened: ${opened.map(brief).join('; ')}`);

    // Cost per series: the learned state each analysed series checkpoints (JSON, as stored) stays within 4 KB.
    const sizes = engine.snapshots(engine.size).map((s) => Buffer.byteLength(JSON.stringify(s.snapshot)));
    assert.ok(sizes.length > 20, `${sizes.length} snapshots`);
    const largest = Math.max(...sizes);
    t.diagnostic(`snapshot bytes per series: max ${largest}, mean ${(sizes.reduce((a, b) => a + b, 0) / sizes.length).toFixed(0)}`);
    assert.ok(largest <= 4096, `largest detector snapshot ${largest} bytes`);
  });
});
