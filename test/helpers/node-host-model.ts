/**
 * A modelled node_exporter host in virtual time, built from real scrapes of Debian's prometheus-node-exporter:
 * every series of the last scrape, counters advancing at their measured rate (CPU modes at an idle host's busy
 * shares) with ±30 % noise, gauges steady (memory and filesystem availability with ±0.3 % noise). Options add a
 * daily swing of the counter rates, an hourly short job (busy share on every CPU and disk writes) and faults
 * (a busy core, a memory hog, a full disk) in given windows. Used by test/integration/node-exporter.test.ts and
 * bench/node-host.ts (the test machine is shared and busy, so idleness is modelled rather than observed).
 */
import assert from 'node:assert/strict';
import type { FamilyTypes } from '../../src/ingest/scraper.ts';
import { familyType } from '../../src/monitor/inferred-inputs.ts';
import { seriesKey, type Sample } from '../../src/model/sample.ts';
import type { TargetStatus } from '../../src/model/status.ts';
import { Prng } from '../../src/sim/prng.ts';

/** One real scrape of the exporter. */
export interface RealScrape {
  readonly target: TargetStatus;
  readonly samples: readonly Sample[];
  readonly types: FamilyTypes;
  readonly atMs: number;
}

/** A fault window in minutes from the start of the virtual run: [from, to). */
export type Window = readonly [number, number];

/** Options of {@link virtualHost}. */
export interface HostModel {
  /** Start of the virtual run (Unix ms). */
  readonly t0: number;
  readonly minutes: number;
  /** Scrape interval, ms (default 15 s). */
  readonly stepMs?: number;
  /** Relative amplitude of a daily sine on every counter rate (default 0: none). */
  readonly dailySwing?: number;
  /**
   * A short job each hour: from `atMinute` for `seconds`, `busyShare` more user CPU on every CPU and
   * `writeBytesPerSecond` more writes on every disk.
   */
  readonly hourlyJob?: {
    readonly atMinute: number;
    readonly seconds: number;
    readonly busyShare: number;
    readonly writeBytesPerSecond: number;
  };
  /** One CPU (cpu="0") busy in user mode (+0.95 share). */
  readonly busyCore?: Window;
  /** MemAvailable down by min(35 % of MemTotal, 80 % of MemAvailable). */
  readonly memoryHog?: Window;
  /** The largest filesystem at 0.5 % available. */
  readonly fullDisk?: Window;
  /** PRNG seed (default 7). */
  readonly seed?: number;
}

/** Busy shares of an idle host's CPU modes (idle is the rest). */
export const IDLE_HOST_MODES: Readonly<Record<string, number>> = {
  user: 0.03,
  system: 0.01,
  iowait: 0.002,
  softirq: 0.002,
  steal: 0.001,
};

const MIN = 60_000;
const DAY = 86_400_000;
const HOUR = 3_600_000;

/** Whether `ms` lies in the window (minutes from `t0`). */
export function within(t0: number, ms: number, w: Window | undefined): boolean {
  return w !== undefined && ms >= t0 + w[0] * MIN && ms < t0 + w[1] * MIN;
}

/** Whether a sample of the exporter only goes up (counters, histogram/summary sums, counts and buckets). */
function isMonotone(name: string, types: FamilyTypes): boolean {
  const t = familyType(name, types);
  if (t === 'counter') return true;
  if ((t === 'histogram' || t === 'summary') && /_(sum|count|bucket)$/.test(name)) return true;
  return t === undefined && name.endsWith('_total');
}

/** The largest filesystem of a scrape: its `avail` series key, size and mount point. */
export function largestFilesystem(sc: RealScrape): { availKey: string; size: number; mountpoint: string } {
  const sizes = sc.samples
    .filter((s) => s.name === 'node_filesystem_size_bytes' && s.value > 0)
    .sort((a, b) => b.value - a.value);
  assert.ok(sizes.length > 0, 'node_exporter reports a filesystem');
  const top = sizes[0]!;
  return {
    availKey: seriesKey('node_filesystem_avail_bytes', top.labels),
    size: top.value,
    mountpoint: top.labels.mountpoint ?? '',
  };
}

/** The virtual host's scrapes, one per step, from the real scrapes `first` and `last` (counter rates between them). */
export function* virtualHost(
  first: RealScrape,
  last: RealScrape,
  m: HostModel,
): Generator<{ atMs: number; samples: Sample[] }> {
  const rng = new Prng(m.seed ?? 7);
  const stepMs = m.stepMs ?? 15_000;
  const dt = (last.atMs - first.atMs) / 1000;
  const firstByKey = new Map(first.samples.map((s) => [seriesKey(s.name, s.labels), s.value]));
  const memTotal = last.samples.find((s) => s.name === 'node_memory_MemTotal_bytes')!.value;
  const memAvail = last.samples.find((s) => s.name === 'node_memory_MemAvailable_bytes')!.value;
  const disk = largestFilesystem(last);
  const series = last.samples.map((s) => {
    const monotone = isMonotone(s.name, last.types);
    const before = firstByKey.get(seriesKey(s.name, s.labels));
    let rate = monotone && before !== undefined && dt > 0 ? Math.max(0, (s.value - before) / dt) : 0;
    if (s.name === 'node_cpu_seconds_total')
      rate = s.labels.mode === 'idle' ? 1 : (IDLE_HOST_MODES[s.labels.mode ?? ''] ?? 0);
    return { s, monotone, rate, value: s.value };
  });
  const job = m.hourlyJob;
  for (let atMs = m.t0; atMs < m.t0 + m.minutes * MIN; atMs += stepMs) {
    const swing = 1 + (m.dailySwing ?? 0) * Math.sin((2 * Math.PI * (atMs - m.t0)) / DAY);
    const inHour = (atMs - m.t0) % HOUR;
    const jobOn =
      job !== undefined && inHour >= job.atMinute * MIN && inHour < job.atMinute * MIN + job.seconds * 1000;
    const out: Sample[] = [];
    for (const x of series) {
      const { s } = x;
      if (x.monotone) {
        let r = x.rate * swing * Math.max(0, 1 + 0.3 * rng.gaussian());
        if (s.name === 'node_cpu_seconds_total') {
          const extra =
            (jobOn ? job.busyShare : 0) + (s.labels.cpu === '0' && within(m.t0, atMs, m.busyCore) ? 0.95 : 0);
          if (s.labels.mode === 'user') r += extra;
          else if (s.labels.mode === 'idle') r = Math.max(0, r - extra);
        }
        if (jobOn && s.name === 'node_disk_written_bytes_total') r += job.writeBytesPerSecond;
        x.value += r * (stepMs / 1000);
        out.push({ ...s, value: x.value, timestampMs: atMs });
        continue;
      }
      let v = x.value;
      if (s.name === 'node_memory_MemAvailable_bytes')
        v =
          memAvail * (1 + 0.003 * rng.gaussian()) -
          (within(m.t0, atMs, m.memoryHog) ? Math.min(0.35 * memTotal, 0.8 * memAvail) : 0);
      if (s.name === 'node_filesystem_avail_bytes' && seriesKey(s.name, s.labels) === disk.availKey)
        v = within(m.t0, atMs, m.fullDisk) ? 0.005 * disk.size : x.value * (1 + 0.003 * rng.gaussian());
      out.push({ ...s, value: v, timestampMs: atMs });
    }
    yield { atMs, samples: out };
  }
}
