/**
 * Node.js runtime metrics of the monitor and of SDK-instrumented processes: event-loop delay and utilisation
 * (Node's counterpart of Go's block profile: time the loop could not run callbacks) and GC pauses (the
 * counterpart of the mutex profile: time JavaScript was stopped), plus the profiler's own counters.
 * @see https://nodejs.org/docs/latest-v20.x/api/perf_hooks.html#perf_hooksmonitoreventloopdelayoptions
 * @see https://nodejs.org/docs/latest-v20.x/api/perf_hooks.html#performanceentrydetail (gc entries)
 */
import { exponentialBuckets } from './buckets.ts';
import type { MetricDef } from './types.ts';

const ELD = 'perf_hooks.monitorEventLoopDelay over a rolling window';
const GC = "perf_hooks PerformanceObserver entry type 'gc'";
const PROF = 'profiler (V8 inspector Profiler / HeapProfiler sampling, pprof output)';

export const RUNTIME_METRICS = [
  {
    name: 'dwcp_runtime_event_loop_delay_p50_seconds',
    type: 'gauge',
    help: 'Median event-loop delay over the last window (10 s by default).',
    unit: 'seconds',
    labels: [],
    group: 'runtime',
    area: 'monitor',
    anomalyKind: 'generic',
    source: ELD,
  },
  {
    name: 'dwcp_runtime_event_loop_delay_p99_seconds',
    type: 'gauge',
    help: '99th percentile of the event-loop delay over the last window.',
    unit: 'seconds',
    labels: [],
    group: 'runtime',
    area: 'monitor',
    anomalyKind: 'generic',
    source: ELD,
  },
  {
    name: 'dwcp_runtime_event_loop_delay_max_seconds',
    type: 'gauge',
    help: 'Largest event-loop delay over the last window.',
    unit: 'seconds',
    labels: [],
    group: 'runtime',
    area: 'monitor',
    anomalyKind: 'generic',
    source: ELD,
  },
  {
    name: 'dwcp_runtime_event_loop_utilization_ratio',
    type: 'gauge',
    help: 'Share of the last window the event loop was busy running callbacks (0..1).',
    unit: 'ratio',
    labels: [],
    group: 'runtime',
    area: 'monitor',
    anomalyKind: 'generic',
    source: 'perf_hooks performance.eventLoopUtilization',
  },
  {
    name: 'dwcp_runtime_gc_pause_seconds',
    type: 'histogram',
    help: 'Garbage-collection pauses by kind (minor, major, incremental, weakcb).',
    unit: 'seconds',
    labels: ['kind'],
    buckets: exponentialBuckets(0.0001, 2, 14),
    group: 'runtime',
    area: 'monitor',
    anomalyKind: 'generic',
    source: GC,
  },
  {
    name: 'dwcp_profiles_captured_total',
    type: 'counter',
    help: 'Profiles taken by kind (cpu, heap) and trigger (on_demand, continuous).',
    unit: 'count',
    labels: ['kind', 'trigger'],
    group: 'runtime',
    area: 'monitor',
    anomalyKind: 'generic',
    source: PROF,
  },
  {
    name: 'dwcp_profiles_rejected_total',
    type: 'counter',
    help: 'Profile requests refused by reason (busy: a CPU profile was running; bad_request).',
    unit: 'count',
    labels: ['reason'],
    group: 'runtime',
    area: 'monitor',
    anomalyKind: 'generic',
    source: PROF,
  },
] as const satisfies readonly MetricDef[];

/** Names of the runtime metrics (literal union). */
export type RuntimeMetricName = (typeof RUNTIME_METRICS)[number]['name'];
