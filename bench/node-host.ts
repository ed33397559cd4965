/**
 * `npx tsx bench/node-host.ts`: series outside the catalog on a modelled node_exporter host in virtual time
 * (test/helpers/node-host-model.ts, built from three real scrapes of Debian's prometheus-node-exporter) through
 * the shipped pipeline with the default detection settings. Counts the anomalies opened per severity and
 * series, and when faults are modelled, the delay from each fault's start to its first anomaly and how many
 * anomalies each fault opened. Options: see {@link USAGE}.
 */
import { parseArgs } from 'node:util';
import { cpus, loadavg } from 'node:os';
import type { Anomaly } from '../src/model/anomaly.ts';
import { DEFAULT_DETECTION_SETTINGS, type DetectionSettings } from '../src/model/detection-settings.ts';
import { SCRAPE_SUCCESS } from '../src/ingest/scrape-outcome.ts';
import { Scraper } from '../src/ingest/scraper.ts';
import { buildPipeline } from '../src/monitor/build-pipeline.ts';
import { findBinary } from '../test/helpers/binaries.ts';
import {
  largestFilesystem,
  virtualHost,
  type HostModel,
  type RealScrape,
} from '../test/helpers/node-host-model.ts';
import { freePort, startServerProcess } from '../test/helpers/server-process.ts';

const USAGE = `Usage: npx tsx bench/node-host.ts [options]

Options:
  --hours <h>            virtual hours from a cold start (default 12)
  --job                  an hourly job (+0.3 busy share on every CPU, +5 MB/s disk writes) at minute 17
  --job-seconds <s>      how long the job runs (default 30)
  --swing <r>            daily swing of every counter rate, relative (default 0; the job model uses 0.5)
  --faults               a busy core at 60-66 min, a memory hog at 70-76 min, a full disk at 80-100 min
  --min-duration <ms>    detection.inferredMinDuration (default: the shipped default)
  --help                 this text`;

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 5);

async function realScrapes(): Promise<RealScrape[]> {
  const binary = findBinary('prometheus-node-exporter');
  if (binary === undefined) throw new Error('prometheus-node-exporter not installed');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/metrics`;
  const exporter = await startServerProcess(
    'node_exporter',
    binary,
    [`--web.listen-address=127.0.0.1:${port}`, '--no-collector.systemd', '--log.level=warn'],
    url,
  );
  const scrapes: RealScrape[] = [];
  try {
    const scraper = new Scraper({
      onSamples: (target, samples, atMs, outcome, types) => {
        if (outcome.result === 'success') scrapes.push({ target: { ...target }, samples, types, atMs });
      },
    });
    scraper.addTarget({ id: 'node', url, intervalMs: 1000, timeoutMs: 5000, labels: { job: 'node' } });
    for (let i = 0; i < 3; i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, 1500));
      await scraper.scrapeOnce('node');
    }
  } finally {
    await exporter.stop();
  }
  if (scrapes.length !== 3) throw new Error(`${scrapes.length} of 3 scrapes succeeded`);
  return scrapes;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      hours: { type: 'string', default: '12' },
      job: { type: 'boolean', default: false },
      'job-seconds': { type: 'string', default: '30' },
      swing: { type: 'string', default: '0' },
      faults: { type: 'boolean', default: false },
      'min-duration': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const hours = Number(values.hours);
  const swing = Number(values.swing);
  if (!(hours > 0 && hours <= 48) || !(swing >= 0 && swing < 1))
    throw new Error('--hours in (0, 48], --swing in [0, 1)');
  const settings: DetectionSettings =
    values['min-duration'] === undefined
      ? DEFAULT_DETECTION_SETTINGS
      : { ...DEFAULT_DETECTION_SETTINGS, inferredMinDuration: Number(values['min-duration']) };
  const scrapes = await realScrapes();
  const first = scrapes[0]!;
  const last = scrapes.at(-1)!;
  const faults = values.faults
    ? ({ busyCore: [60, 66], memoryHog: [70, 76], fullDisk: [80, 100] } as const)
    : {};
  const model: HostModel = {
    t0: T0,
    minutes: hours * 60,
    dailySwing: swing,
    ...(values.job
      ? {
          hourlyJob: {
            atMinute: 17,
            seconds: Number(values['job-seconds']),
            busyShare: 0.3,
            writeBytesPerSecond: 5e6,
          },
        }
      : {}),
    ...faults,
  };
  let nowMs = T0;
  const { pipeline, engine } = buildPipeline({
    detection: settings,
    store: null,
    sink: { handle: async () => undefined },
    clock: () => nowMs,
  });
  const opened: Anomaly[] = [];
  const cpu0 = process.cpuUsage();
  let samples = 0;
  for (const step of virtualHost(first, last, model)) {
    nowMs = step.atMs + 50;
    samples += step.samples.length;
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
  const cpu = process.cpuUsage(cpu0);
  const bySeverity = new Map<string, number>();
  for (const a of opened) bySeverity.set(a.severity, (bySeverity.get(a.severity) ?? 0) + 1);
  console.log(
    `model: ${hours} h, job ${values.job ? `${values['job-seconds']} s` : 'none'}, swing ${swing}, faults ${values.faults}; inferredMinDuration ${settings.inferredMinDuration} ms`,
  );
  console.log(
    `${engine.size} series analysed, ${samples} samples, CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s, load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} (${cpus().length} cores)`,
  );
  console.log(
    `anomalies: ${opened.length} (${[...bySeverity].map(([s, n]) => `${n} ${s}`).join(', ') || 'none'})`,
  );
  const bySeries = new Map<string, Anomaly[]>();
  for (const a of opened) bySeries.set(a.seriesKey, [...(bySeries.get(a.seriesKey) ?? []), a]);
  for (const [key, list] of bySeries)
    console.log(
      `  ${list.length} × ${key}: ${list.map((a) => `${((a.startedAtMs - T0) / MIN).toFixed(1)}m/${a.severity}`).join(' ')}`,
    );
  if (values.faults) {
    const disk = largestFilesystem(last);
    const rows: [string, readonly [number, number], (a: Anomaly) => boolean][] = [
      [
        'busy core',
        faults.busyCore!,
        (a) => a.metric === 'node_cpu_seconds_total' && a.labels.cpu === '0' && a.labels.mode === 'user',
      ],
      ['memory hog', faults.memoryHog!, (a) => a.metric === 'node_memory_used_ratio'],
      [
        'full disk',
        faults.fullDisk!,
        (a) => a.metric === 'node_filesystem_used_ratio' && a.labels.mountpoint === disk.mountpoint,
      ],
    ];
    for (const [what, [from, to], match] of rows) {
      const hits = opened.filter(
        (a) => match(a) && a.startedAtMs >= T0 + from * MIN && a.startedAtMs < T0 + (to + 5) * MIN,
      );
      const end = (a: Anomaly): string =>
        a.resolvedAtMs === null
          ? 'still open'
          : `resolved ${((a.resolvedAtMs - (T0 + to * MIN)) / 1000).toFixed(0)} s after the end`;
      const delay =
        hits.length > 0
          ? `${((hits[0]!.detectedAtMs - (T0 + from * MIN)) / 1000).toFixed(0)} s after the start (severity ${hits[0]!.severity}), ${end(hits.at(-1)!)}`
          : 'MISSED';
      console.log(`${what} (${to - from} min): ${hits.length} anomalies, first detected ${delay}`);
    }
  }
}

await main();
