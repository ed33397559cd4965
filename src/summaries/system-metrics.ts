/**
 * GET /api/system/metrics: how the monitor itself performs — process CPU and memory, the Node.js runtime
 * (event-loop delay and utilisation, GC pauses), the host it runs on (load, memory, CPUs), the pipeline's
 * counters and the profiler's state. Built from small readers the composition root passes in; the CPU share is
 * the process's CPU time over wall time since the previous call (or since start on the first call).
 * @see seed 004 (Health and Status API: GET /api/system/metrics)
 * @see https://nodejs.org/docs/latest-v20.x/api/process.html#processcpuusagepreviousvalue
 */
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import type { PipelineFigures, RuntimeFigures, SystemMetrics } from '../contract/summaries.ts';

export type { PipelineFigures, RuntimeFigures, SystemMetrics };

/** What {@link createSystemMetrics} reads. */
export interface SystemMetricsSources {
  readonly runtime: () => RuntimeFigures;
  readonly pipeline: () => PipelineFigures;
  readonly cpuProfileRunning: () => boolean;
  /** Stored profiles, or null without a profile store. */
  readonly storedProfiles: () => Promise<number | null>;
  readonly startedAtMs: number;
  readonly now?: () => number;
}

/** A reader of {@link SystemMetrics} that remembers the previous CPU reading. */
export function createSystemMetrics(src: SystemMetricsSources): () => Promise<SystemMetrics> {
  const now = src.now ?? Date.now;
  let prev = { cpu: process.cpuUsage(), at: performance.now() };
  return async () => {
    const cpu = process.cpuUsage();
    const at = performance.now();
    const dCpu = (cpu.user - prev.cpu.user + cpu.system - prev.cpu.system) / 1e6;
    const dWall = (at - prev.at) / 1000;
    prev = { cpu, at };
    const mem = process.memoryUsage();
    const [l1 = 0, l5 = 0, l15 = 0] = loadavg();
    return {
      timestampMs: now(),
      uptimeSeconds: (now() - src.startedAtMs) / 1000,
      process: {
        pid: process.pid,
        nodeVersion: process.version,
        cpuSecondsTotal: (cpu.user + cpu.system) / 1e6,
        cpuCores: dWall > 0.01 ? dCpu / dWall : null,
        residentMemoryBytes: mem.rss,
        heapUsedBytes: mem.heapUsed,
        heapTotalBytes: mem.heapTotal,
        externalMemoryBytes: mem.external,
      },
      runtime: src.runtime(),
      host: {
        cpus: cpus().length,
        load1: l1,
        load5: l5,
        load15: l15,
        memoryTotalBytes: totalmem(),
        memoryFreeBytes: freemem(),
      },
      pipeline: src.pipeline(),
      profiler: { cpuProfileRunning: src.cpuProfileRunning(), storedProfiles: await src.storedProfiles() },
    };
  };
}
