/**
 * A modelled node_exporter of an idle host, for the healthy soak: the series a real node_exporter exposes for
 * CPU time per mode (2 CPUs), load, memory, one filesystem, one network device and one disk, under their
 * node_exporter names (the catalog's, src/catalog/node-exporter.ts), so that they run through the monitor's
 * inference as a real exporter's do. Counter rates are an idle host's (busy shares user 3 %, system 1 %, iowait
 * 0.2 %; a few kB/s of traffic and writes) with ±30 % noise and a daily swing of ±`dailySwing`; gauges are steady
 * with ±0.3 % noise. Seeded and deterministic; O(series) memory (26 series).
 */
import { getMetric } from '../catalog/index.ts';
import type { Sample } from '../model/sample.ts';
import { Prng } from './prng.ts';

/** Options of {@link ModelledNodeExporter}. */
export interface NodeExporterModelOptions {
  readonly seed: number;
  /** Period of the daily swing, ms. */
  readonly dayMs: number;
  /** Relative amplitude of the daily swing of counter rates (default 0.5). */
  readonly dailySwing?: number;
}

interface Counter {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Per-second rate of an idle host. */
  readonly rate: number;
  value: number;
}

interface Gauge {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly level: number;
  /** Relative noise (σ). */
  readonly noise: number;
}

const GIB = 2 ** 30;
const BUSY_SHARES: Readonly<Record<string, number>> = {
  user: 0.03,
  system: 0.01,
  iowait: 0.002,
  idle: 0.958,
};

/** One modelled host's node_exporter; `samples(tMs)` advances it to `tMs` (non-decreasing) and returns a scrape. */
export class ModelledNodeExporter {
  private readonly rng: Prng;
  private readonly counters: Counter[] = [];
  private readonly gauges: Gauge[] = [];
  private lastMs: number | undefined;
  private readonly opts: Required<NodeExporterModelOptions>;

  constructor(opts: NodeExporterModelOptions) {
    this.opts = { dailySwing: 0.5, ...opts };
    this.rng = new Prng(opts.seed);
    const cpu = getMetric('node_cpu_seconds_total').name;
    for (const c of ['0', '1'])
      for (const [mode, share] of Object.entries(BUSY_SHARES))
        this.counters.push({ name: cpu, labels: { cpu: c, mode }, rate: share, value: 1e5 * share });
    const dev = { device: 'eth0' };
    const disk = { device: 'vda' };
    this.counters.push(
      { name: getMetric('node_network_receive_bytes_total').name, labels: dev, rate: 4000, value: 1e9 },
      { name: getMetric('node_network_transmit_bytes_total').name, labels: dev, rate: 2500, value: 6e8 },
      { name: getMetric('node_network_receive_packets_total').name, labels: dev, rate: 30, value: 1e6 },
      { name: getMetric('node_disk_written_bytes_total').name, labels: disk, rate: 20_000, value: 5e9 },
      { name: getMetric('node_disk_writes_completed_total').name, labels: disk, rate: 3, value: 1e6 },
      { name: getMetric('node_context_switches_total').name, labels: {}, rate: 400, value: 1e8 },
    );
    const fs = { device: '/dev/vda1', fstype: 'ext4', mountpoint: '/' };
    this.gauges.push(
      { name: getMetric('node_memory_MemTotal_bytes').name, labels: {}, level: 8 * GIB, noise: 0 },
      { name: getMetric('node_memory_MemAvailable_bytes').name, labels: {}, level: 6 * GIB, noise: 0.003 },
      { name: getMetric('node_filesystem_size_bytes').name, labels: fs, level: 100 * GIB, noise: 0 },
      { name: getMetric('node_filesystem_avail_bytes').name, labels: fs, level: 60 * GIB, noise: 0.003 },
      { name: getMetric('node_load1').name, labels: {}, level: 0.08, noise: 0.3 },
      { name: getMetric('node_procs_running').name, labels: {}, level: 1, noise: 0 },
    );
  }

  /** The scrape at `tMs` (Unix ms; counters advanced from the previous call at their rates). */
  samples(tMs: number): Sample[] {
    const dtS = this.lastMs === undefined ? 0 : Math.max(0, tMs - this.lastMs) / 1000;
    this.lastMs = tMs;
    const swing = 1 + this.opts.dailySwing * Math.sin((2 * Math.PI * tMs) / this.opts.dayMs);
    const out: Sample[] = [];
    for (const c of this.counters) {
      const idle = c.labels.mode === 'idle';
      c.value += (idle ? c.rate : c.rate * swing * Math.max(0, 1 + 0.3 * this.rng.gaussian())) * dtS;
      out.push({ name: c.name, labels: c.labels, value: c.value, timestampMs: tMs });
    }
    for (const g of this.gauges)
      out.push({
        name: g.name,
        labels: g.labels,
        value: Math.max(0, g.level * (1 + g.noise * this.rng.gaussian())),
        timestampMs: tMs,
      });
    return out;
  }
}
