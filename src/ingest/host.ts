/**
 * Built-in host collector: CPU, memory, filesystem and network metrics of the machine the monitor runs on,
 * read from /proc and statfs (no shelling out). The parsers are pure functions over the file text so they are
 * tested on fixtures; `createHostCollector` adds the I/O and the CPU delta state. Formats: proc(5) man page
 * (/proc/stat, /proc/meminfo, /proc/net/dev); naming follows node_exporter (see `src/catalog/host.ts`).
 */
import { readFileSync, statfsSync } from 'node:fs';
import { join } from 'node:path';
import { getMetric } from '../catalog/index.ts';
import { InvalidInputError } from '../errors.ts';
import type { Sample } from '../model/sample.ts';

/** Aggregate CPU counters of the `cpu` line of /proc/stat, in USER_HZ ticks. */
export interface CpuTimes {
  /** Ticks not idle and not iowait (user + nice + system + irq + softirq + steal). */
  readonly busy: number;
  /** All ticks (busy + idle + iowait); guest time is already inside user/nice and is not added again. */
  readonly total: number;
}

/** Memory figures of /proc/meminfo in bytes. */
export interface MemInfo {
  readonly totalBytes: number;
  readonly availableBytes: number;
}

/** Byte counters of one interface of /proc/net/dev. */
export interface NetDevCounters {
  readonly device: string;
  readonly rxBytes: number;
  readonly txBytes: number;
}

function nonNegInt(tok: string | undefined, what: string): number {
  if (tok === undefined || !/^\d+$/.test(tok))
    throw new InvalidInputError(`${what}: expected a non-negative integer, got ${JSON.stringify(tok ?? '')}`);
  return Number(tok);
}

/**
 * Parses the aggregate `cpu` line of /proc/stat
 * (`cpu user nice system idle iowait irq softirq steal guest guest_nice`, at least the first 4 fields).
 * @throws InvalidInputError when there is no `cpu ` line or a field is not a non-negative integer.
 */
export function parseProcStat(text: string): CpuTimes {
  const line = text.split('\n').find((l) => l.startsWith('cpu ') || l.startsWith('cpu\t'));
  if (!line) throw new InvalidInputError('/proc/stat: no aggregate "cpu" line');
  const f = line.trim().split(/\s+/).slice(1);
  if (f.length < 4)
    throw new InvalidInputError(`/proc/stat: cpu line has ${f.length} fields, expected at least 4`);
  const v = f.slice(0, 8).map((t, i) => nonNegInt(t, `/proc/stat cpu field ${i + 1}`));
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = v;
  const busy = user + nice + system + irq + softirq + steal;
  return { busy, total: busy + idle + iowait };
}

/**
 * CPU utilisation between two /proc/stat readings: Δbusy / Δtotal in 0..1.
 * Returns undefined when no time passed or the counters went backwards (e.g. a different host or a reset).
 */
export function cpuUtilization(prev: CpuTimes, cur: CpuTimes): number | undefined {
  const dt = cur.total - prev.total;
  const db = cur.busy - prev.busy;
  if (dt <= 0 || db < 0) return undefined;
  return Math.min(1, db / dt);
}

/**
 * Parses /proc/meminfo (`Key:   value kB` lines) for MemTotal and MemAvailable (kB = 1024 bytes).
 * @throws InvalidInputError when either key is missing, not an integer, or MemAvailable > MemTotal.
 */
export function parseMeminfo(text: string): MemInfo {
  const want = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^(MemTotal|MemAvailable):\s*(\S*)\s*(\S*)\s*$/.exec(line);
    if (!m) continue;
    const n = nonNegInt(m[2], `/proc/meminfo ${m[1]}`);
    const unit = m[3] ?? '';
    if (unit !== 'kB' && unit !== '')
      throw new InvalidInputError(`/proc/meminfo ${m[1]}: unknown unit ${JSON.stringify(unit)}`);
    want.set(m[1]!, unit === 'kB' ? n * 1024 : n);
  }
  const totalBytes = want.get('MemTotal');
  const availableBytes = want.get('MemAvailable');
  if (totalBytes === undefined) throw new InvalidInputError('/proc/meminfo: MemTotal missing');
  if (availableBytes === undefined) throw new InvalidInputError('/proc/meminfo: MemAvailable missing');
  if (availableBytes > totalBytes)
    throw new InvalidInputError('/proc/meminfo: MemAvailable exceeds MemTotal');
  return { totalBytes, availableBytes };
}

/**
 * Parses /proc/net/dev: two header lines, then `iface: rx_bytes rx_packets ... (8 rx fields) tx_bytes ...`
 * (16 numeric fields). Skips `lo`. Returns at most `maxDevices` interfaces (in file order).
 * @throws InvalidInputError when an interface line lacks a `:` or has fewer than 16 integer fields.
 */
export function parseNetDev(text: string, maxDevices = 64): NetDevCounters[] {
  const out: NetDevCounters[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '' || line.includes('|')) continue; // header lines contain '|'
    const colon = line.indexOf(':');
    if (colon < 0) throw new InvalidInputError(`/proc/net/dev line ${i + 1}: no "iface:" prefix`);
    const device = line.slice(0, colon).trim();
    if (device === '') throw new InvalidInputError(`/proc/net/dev line ${i + 1}: empty interface name`);
    const f = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/);
    if (f.length < 16)
      throw new InvalidInputError(`/proc/net/dev line ${i + 1}: ${f.length} fields, expected 16`);
    const rxBytes = nonNegInt(f[0], `/proc/net/dev ${device} rx_bytes`);
    const txBytes = nonNegInt(f[8], `/proc/net/dev ${device} tx_bytes`);
    if (device === 'lo') continue;
    if (out.length >= maxDevices) break;
    out.push({ device, rxBytes, txBytes });
  }
  return out;
}

/** Options of {@link createHostCollector}. */
export interface HostCollectorOptions {
  /** Root of the proc filesystem (default `/proc`; tests point it at a fixture directory). */
  readonly procRoot?: string;
  /** Mount points reported by the filesystem metrics (default `['/']`); at most 32. */
  readonly mountpoints?: readonly string[];
  /** At most this many network interfaces are reported (default 64). */
  readonly maxDevices?: number;
}

/** An in-process scrape target: returns the current samples (the scraper adds target labels). */
export interface HostCollector {
  /**
   * Reads /proc and statfs and returns samples stamped `nowMs`. CPU utilisation needs two readings: the
   * first call returns no CPU sample. A source that cannot be read or parsed is skipped and reported in
   * `lastErrors` (the other sources still produce samples); when every source fails it throws.
   * @throws InvalidInputError when no source could be read.
   */
  collect(nowMs: number): Sample[];
  /** Problems of the last collect, one message per failing source (empty when all worked). */
  readonly lastErrors: readonly string[];
}

/**
 * Creates the host collector (memory, CPU delta, filesystems, network interfaces). State: the previous
 * /proc/stat reading only (O(1) memory).
 */
export function createHostCollector(opts: HostCollectorOptions = {}): HostCollector {
  const procRoot = opts.procRoot ?? '/proc';
  const mountpoints = opts.mountpoints ?? ['/'];
  if (mountpoints.length > 32)
    throw new InvalidInputError(`at most 32 mountpoints, got ${mountpoints.length}`);
  const maxDevices = opts.maxDevices ?? 64;
  const cpuRatio = getMetric('dwcp_host_cpu_utilization_ratio').name;
  const memUsed = getMetric('dwcp_host_memory_used_bytes').name;
  const memRatio = getMetric('dwcp_host_memory_utilization_ratio').name;
  const fsSize = getMetric('dwcp_host_filesystem_size_bytes').name;
  const fsFree = getMetric('dwcp_host_filesystem_free_bytes').name;
  const rx = getMetric('dwcp_host_network_receive_bytes_total').name;
  const tx = getMetric('dwcp_host_network_transmit_bytes_total').name;
  let prevCpu: CpuTimes | undefined;
  let errors: string[] = [];

  const collector: HostCollector = {
    get lastErrors() {
      return errors;
    },
    collect(nowMs: number): Sample[] {
      const out: Sample[] = [];
      const errs: string[] = [];
      let sources = 0;
      const attempt = (what: string, fn: () => void) => {
        sources++;
        try {
          fn();
        } catch (e) {
          errs.push(`${what}: ${e instanceof Error ? e.message : String(e)}`);
        }
      };
      const s = (name: string, value: number, labels: Record<string, string> = {}) =>
        out.push({ name, labels, value, timestampMs: nowMs });
      attempt('cpu', () => {
        const cur = parseProcStat(readFileSync(join(procRoot, 'stat'), 'utf8'));
        if (prevCpu) {
          const u = cpuUtilization(prevCpu, cur);
          if (u !== undefined) s(cpuRatio, u);
        }
        prevCpu = cur;
      });
      attempt('memory', () => {
        const m = parseMeminfo(readFileSync(join(procRoot, 'meminfo'), 'utf8'));
        const used = m.totalBytes - m.availableBytes;
        s(memUsed, used);
        s(memRatio, m.totalBytes > 0 ? used / m.totalBytes : 0);
      });
      for (const mp of mountpoints) {
        attempt(`filesystem ${mp}`, () => {
          const st = statfsSync(mp);
          s(fsSize, st.blocks * st.bsize, { mountpoint: mp });
          s(fsFree, st.bfree * st.bsize, { mountpoint: mp });
        });
      }
      attempt('network', () => {
        for (const d of parseNetDev(readFileSync(join(procRoot, 'net', 'dev'), 'utf8'), maxDevices)) {
          s(rx, d.rxBytes, { device: d.device });
          s(tx, d.txBytes, { device: d.device });
        }
      });
      errors = errs;
      if (errs.length === sources)
        throw new InvalidInputError(`host collector: every source failed: ${errs.join('; ')}`);
      return out;
    },
  };
  return collector;
}
