/**
 * Parsers of /proc/stat (per-CPU times and the kernel activity counters) and /proc/loadavg into node_exporter's
 * families (collectors `cpu`, `stat`, `loadavg`). Pure functions of the file text.
 * @see https://man7.org/linux/man-pages/man5/proc_stat.5.html
 * @see https://man7.org/linux/man-pages/man5/proc_loadavg.5.html
 * @see https://github.com/prometheus/node_exporter/blob/master/collector/cpu_linux.go (modes, USER_HZ = 100)
 */
import { InvalidInputError } from '../errors.ts';
import { decimal, FamilyBuilder, uint, type Family } from './family.ts';

/** Clock ticks per second of /proc/stat (USER_HZ; 100 on every Linux architecture node_exporter supports). */
export const USER_HZ = 100;

const CPU_MODES = ['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal'] as const;

/** CPUs reported at most (lines beyond are ignored). */
export const MAX_CPUS = 1024;

/**
 * `node_cpu_seconds_total{cpu,mode}` and `node_cpu_guest_seconds_total{cpu,mode}` from the `cpuN` lines.
 * @throws InvalidInputError when there is no `cpuN` line or a field is not a non-negative integer.
 */
export function parseCpuTimes(text: string): Family[] {
  const f = new FamilyBuilder();
  let cpus = 0;
  for (const line of text.split('\n')) {
    const m = /^cpu(\d+)\s+(.*)$/.exec(line);
    if (!m) continue;
    if (++cpus > MAX_CPUS) break;
    const cpu = m[1]!;
    const v = m[2]!.trim().split(/\s+/);
    if (v.length < 4)
      throw new InvalidInputError(`/proc/stat cpu${cpu}: ${v.length} fields, expected at least 4`);
    CPU_MODES.forEach((mode, i) => {
      if (i < v.length)
        f.add('node_cpu_seconds_total', uint(v[i], `/proc/stat cpu${cpu} ${mode}`) / USER_HZ, { cpu, mode });
    });
    if (v.length >= 10) {
      f.add('node_cpu_guest_seconds_total', uint(v[8], `/proc/stat cpu${cpu} guest`) / USER_HZ, {
        cpu,
        mode: 'user',
      });
      f.add('node_cpu_guest_seconds_total', uint(v[9], `/proc/stat cpu${cpu} guest_nice`) / USER_HZ, {
        cpu,
        mode: 'nice',
      });
    }
  }
  if (cpus === 0) throw new InvalidInputError('/proc/stat: no per-CPU "cpuN" lines');
  return f.families();
}

/**
 * Boot time, context switches, forks, interrupts, running and blocked processes from /proc/stat.
 * @throws InvalidInputError when `btime` or `ctxt` is missing or a value is not an integer.
 */
export function parseStatCounters(text: string): Family[] {
  const f = new FamilyBuilder();
  const seen = new Set<string>();
  for (const line of text.split('\n')) {
    const [key, first] = line.trim().split(/\s+/, 2);
    const put = (name: Parameters<FamilyBuilder['add']>[0]) => {
      f.add(name, uint(first, `/proc/stat ${key}`));
      seen.add(key!);
    };
    switch (key) {
      case 'btime':
        put('node_boot_time_seconds');
        break;
      case 'ctxt':
        put('node_context_switches_total');
        break;
      case 'processes':
        put('node_forks_total');
        break;
      case 'intr':
        put('node_intr_total');
        break;
      case 'procs_running':
        put('node_procs_running');
        break;
      case 'procs_blocked':
        put('node_procs_blocked');
        break;
    }
  }
  for (const k of ['btime', 'ctxt'])
    if (!seen.has(k)) throw new InvalidInputError(`/proc/stat: no "${k}" line`);
  return f.families();
}

/**
 * `node_load1`, `node_load5`, `node_load15` from /proc/loadavg (`0.50 0.40 0.30 1/234 5678`).
 * @throws InvalidInputError when the first three fields are not decimal numbers.
 */
export function parseLoadavg(text: string): Family[] {
  const v = text.trim().split(/\s+/);
  const f = new FamilyBuilder();
  f.add('node_load1', decimal(v[0], '/proc/loadavg 1m'));
  f.add('node_load5', decimal(v[1], '/proc/loadavg 5m'));
  f.add('node_load15', decimal(v[2], '/proc/loadavg 15m'));
  return f.families();
}
