/**
 * Summary API contract: GET /api/system/metrics (how the monitor itself performs) and GET /metrics/summary (the
 * production metrics summary over a recent window). Base units are in every field name; null where the window
 * or the runtime has no data.
 */
import { z } from 'zod';
import { listOf, maybeNumber, successOf } from './common.ts';

/** Runtime figures (event-loop delay in seconds, utilisation 0..1, GC pauses by kind). */
export const RuntimeFiguresSchema = z.strictObject({
  windowMs: z.number().nonnegative(),
  eventLoopDelayP50Seconds: maybeNumber,
  eventLoopDelayP99Seconds: maybeNumber,
  eventLoopDelayMaxSeconds: maybeNumber,
  eventLoopUtilization: maybeNumber,
  gc: z.record(
    z.string(),
    z.strictObject({ count: z.number().int().nonnegative(), seconds: z.number().nonnegative() }),
  ),
});
export type RuntimeFigures = z.infer<typeof RuntimeFiguresSchema>;

/** Pipeline counters since the monitor started. */
export const PipelineFiguresSchema = z.strictObject({
  series: z.number().int().nonnegative(),
  samplesIngested: z.number().nonnegative(),
  anomaliesOpened: z.number().nonnegative(),
  alertQueueLength: z.number().int().nonnegative(),
  targets: z.number().int().nonnegative(),
  targetsUp: z.number().int().nonnegative(),
});
export type PipelineFigures = z.infer<typeof PipelineFiguresSchema>;

/** Body `data` of GET /api/system/metrics. `cpuCores`: CPU time / wall time since the previous call (1 = one core). */
export const SystemMetricsSchema = z.strictObject({
  timestampMs: z.number(),
  uptimeSeconds: z.number().nonnegative(),
  process: z.strictObject({
    pid: z.number().int(),
    nodeVersion: z.string(),
    cpuSecondsTotal: z.number().nonnegative(),
    cpuCores: maybeNumber,
    residentMemoryBytes: z.number().nonnegative(),
    heapUsedBytes: z.number().nonnegative(),
    heapTotalBytes: z.number().nonnegative(),
    externalMemoryBytes: z.number().nonnegative(),
  }),
  runtime: RuntimeFiguresSchema,
  host: z.strictObject({
    cpus: z.number().int().nonnegative(),
    load1: z.number().nonnegative(),
    load5: z.number().nonnegative(),
    load15: z.number().nonnegative(),
    memoryTotalBytes: z.number().nonnegative(),
    memoryFreeBytes: z.number().nonnegative(),
  }),
  pipeline: PipelineFiguresSchema,
  profiler: z.strictObject({
    cpuProfileRunning: z.boolean(),
    storedProfiles: z.number().int().nonnegative().nullable(),
  }),
});
export type SystemMetrics = z.infer<typeof SystemMetricsSchema>;

/** Body `data` of GET /metrics/summary; SLA compliance flags are 1 (met) or 0 (violated) by `sla_type/metric`. */
export const MetricsSummarySchema = z.strictObject({
  windowSeconds: z.number().positive(),
  timestampMs: z.number(),
  migrationLatency: z.strictObject({
    p50Seconds: maybeNumber,
    p95Seconds: maybeNumber,
    p99Seconds: maybeNumber,
    count: z.number().nonnegative(),
  }),
  throughput: z.strictObject({
    totalBytesPerSecond: maybeNumber,
    byComponent: z.record(z.string(), z.number()),
  }),
  errors: z.strictObject({ perSecond: maybeNumber, byComponent: z.record(z.string(), z.number()) }),
  slaCompliance: z.record(z.string(), z.number()),
  anomalyDetections: maybeNumber,
  warnings: listOf(z.string()),
});
export type MetricsSummary = z.infer<typeof MetricsSummarySchema>;

/** Body of GET /api/system/metrics. */
export const SystemMetricsResponseSchema = successOf(SystemMetricsSchema);
export type SystemMetricsResponse = z.infer<typeof SystemMetricsResponseSchema>;
/** Body of GET /metrics/summary. */
export const MetricsSummaryResponseSchema = successOf(MetricsSummarySchema);
export type MetricsSummaryResponse = z.infer<typeof MetricsSummaryResponseSchema>;
