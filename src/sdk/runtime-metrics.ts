/**
 * Node.js runtime metrics for any registry: event-loop delay percentiles and utilisation over a rolling window
 * (perf_hooks.monitorEventLoopDelay, performance.eventLoopUtilization) and GC pauses by kind (a
 * PerformanceObserver on 'gc' entries). One sampler per process feeds every attached registry, so the many
 * simulated nodes of one process share one observer; the window is reset by the sampler's own timer (never by a
 * scrape), so /metrics scrapes and API reads see the same last-window figures.
 * @see https://nodejs.org/docs/latest-v20.x/api/perf_hooks.html
 */
import {
  constants,
  monitorEventLoopDelay,
  performance,
  PerformanceObserver,
  type EventLoopUtilization,
  type IntervalHistogram,
} from 'node:perf_hooks';
import type { Registry } from 'prom-client';
import { getMetric } from '../catalog/index.ts';
import { InvalidInputError, LimitExceededError } from '../errors.ts';
import { createCatalogMetrics, type CatalogMetrics } from '../catalog/registry.ts';

/** Registries one sampler feeds at most. */
export const MAX_RUNTIME_REGISTRIES = 256;

/** Figures of the last completed window. Seconds; null before the first window completed. */
export interface RuntimeSnapshot {
  readonly windowMs: number;
  readonly eventLoopDelayP50Seconds: number | null;
  readonly eventLoopDelayP99Seconds: number | null;
  readonly eventLoopDelayMaxSeconds: number | null;
  readonly eventLoopUtilization: number | null;
  /** GC pauses since the sampler started, by kind: count and total seconds. */
  readonly gc: Readonly<Record<GcKind, { readonly count: number; readonly seconds: number }>>;
}

/** GC kinds as the metric's `kind` label. */
export type GcKind = 'minor' | 'major' | 'incremental' | 'weakcb';

const GC_KINDS: ReadonlyMap<number, GcKind> = new Map([
  [constants.NODE_PERFORMANCE_GC_MINOR, 'minor'],
  [constants.NODE_PERFORMANCE_GC_MAJOR, 'major'],
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL, 'incremental'],
  [constants.NODE_PERFORMANCE_GC_WEAKCB, 'weakcb'],
]);

const DEFS = [
  getMetric('dwcp_runtime_event_loop_delay_p50_seconds'),
  getMetric('dwcp_runtime_event_loop_delay_p99_seconds'),
  getMetric('dwcp_runtime_event_loop_delay_max_seconds'),
  getMetric('dwcp_runtime_event_loop_utilization_ratio'),
  getMetric('dwcp_runtime_gc_pause_seconds'),
];

/** Options of {@link RuntimeMetrics}. */
export interface RuntimeMetricsOptions {
  /** Window of the event-loop figures (default 10 s; 1 s..10 min). */
  readonly windowMs?: number;
  /** Event-loop delay sampling resolution in ms (default 10, as prom-client's). */
  readonly resolutionMs?: number;
}

/** The process's runtime sampler. `start()` begins sampling; `stop()` ends it. */
export class RuntimeMetrics {
  private readonly windowMs: number;
  private readonly resolutionMs: number;
  private readonly sets: CatalogMetrics[] = [];
  private histogram: IntervalHistogram | undefined;
  private observer: PerformanceObserver | undefined;
  private timer: NodeJS.Timeout | undefined;
  private elu: EventLoopUtilization | undefined;
  private last: Omit<RuntimeSnapshot, 'gc' | 'windowMs'> = {
    eventLoopDelayP50Seconds: null,
    eventLoopDelayP99Seconds: null,
    eventLoopDelayMaxSeconds: null,
    eventLoopUtilization: null,
  };
  private readonly gc: Record<GcKind, { count: number; seconds: number }> = {
    minor: { count: 0, seconds: 0 },
    major: { count: 0, seconds: 0 },
    incremental: { count: 0, seconds: 0 },
    weakcb: { count: 0, seconds: 0 },
  };

  /** @throws InvalidInputError for a window or resolution out of range. */
  constructor(opts: RuntimeMetricsOptions = {}) {
    this.windowMs = opts.windowMs ?? 10_000;
    this.resolutionMs = opts.resolutionMs ?? 10;
    if (!Number.isInteger(this.windowMs) || this.windowMs < 1000 || this.windowMs > 600_000)
      throw new InvalidInputError(`windowMs must be an integer 1000..600000, got ${this.windowMs}`);
    if (!Number.isInteger(this.resolutionMs) || this.resolutionMs < 1 || this.resolutionMs > 1000)
      throw new InvalidInputError(`resolutionMs must be an integer 1..1000, got ${this.resolutionMs}`);
  }

  /**
   * Registers the runtime metrics in `registry` and feeds them from now on.
   * @throws LimitExceededError beyond {@link MAX_RUNTIME_REGISTRIES}; prom-client's Error when the registry
   *   already has these names.
   */
  attach(registry: Registry): void {
    if (this.sets.length >= MAX_RUNTIME_REGISTRIES)
      throw new LimitExceededError(`runtime metrics feed at most ${MAX_RUNTIME_REGISTRIES} registries`);
    const set = createCatalogMetrics(registry, DEFS);
    this.sets.push(set);
    this.write(set);
  }

  /** Stops feeding `registry` (its metrics stay registered with their last values). */
  detach(registry: Registry): void {
    const i = this.sets.findIndex((s) => s.registry === registry);
    if (i >= 0) this.sets.splice(i, 1);
  }

  /** Starts sampling (idempotent). The timer does not keep the process alive. */
  start(): void {
    if (this.timer) return;
    this.histogram = monitorEventLoopDelay({ resolution: this.resolutionMs });
    this.histogram.enable();
    this.elu = performance.eventLoopUtilization();
    this.observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) this.recordGc((e as { detail?: unknown }).detail, e.duration);
    });
    this.observer.observe({ entryTypes: ['gc'] });
    this.timer = setInterval(() => this.roll(), this.windowMs);
    this.timer.unref();
  }

  /** Stops sampling (idempotent). */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.histogram?.disable();
    this.observer?.disconnect();
    this.histogram = undefined;
    this.observer = undefined;
  }

  /** The last completed window and the GC totals. */
  snapshot(): RuntimeSnapshot {
    return {
      windowMs: this.windowMs,
      ...this.last,
      gc: {
        minor: { ...this.gc.minor },
        major: { ...this.gc.major },
        incremental: { ...this.gc.incremental },
        weakcb: { ...this.gc.weakcb },
      },
    };
  }

  /** Closes the current window now (also called by the timer). Exposed for tests. */
  roll(): void {
    const h = this.histogram;
    if (!h) return;
    const ns = 1e-9;
    const has = h.count > 0;
    const now = performance.eventLoopUtilization();
    const delta = this.elu ? performance.eventLoopUtilization(now, this.elu) : now;
    this.elu = now;
    this.last = {
      eventLoopDelayP50Seconds: has ? h.percentile(50) * ns : null,
      eventLoopDelayP99Seconds: has ? h.percentile(99) * ns : null,
      eventLoopDelayMaxSeconds: has ? h.max * ns : null,
      eventLoopUtilization: Number.isFinite(delta.utilization) ? delta.utilization : null,
    };
    h.reset();
    for (const s of this.sets) this.write(s);
  }

  private recordGc(detail: unknown, durationMs: number): void {
    const kindNum =
      typeof detail === 'object' && detail !== null ? (detail as { kind?: unknown }).kind : undefined;
    const kind = typeof kindNum === 'number' ? GC_KINDS.get(kindNum) : undefined;
    if (!kind || !Number.isFinite(durationMs) || durationMs < 0) return;
    const seconds = durationMs / 1000;
    this.gc[kind].count++;
    this.gc[kind].seconds += seconds;
    for (const s of this.sets) s.histogram('dwcp_runtime_gc_pause_seconds').observe({ kind }, seconds);
  }

  private write(set: CatalogMetrics): void {
    const put = (name: Parameters<CatalogMetrics['gauge']>[0], v: number | null): void => {
      if (v !== null) set.gauge(name).set(v);
    };
    put('dwcp_runtime_event_loop_delay_p50_seconds', this.last.eventLoopDelayP50Seconds);
    put('dwcp_runtime_event_loop_delay_p99_seconds', this.last.eventLoopDelayP99Seconds);
    put('dwcp_runtime_event_loop_delay_max_seconds', this.last.eventLoopDelayMaxSeconds);
    put('dwcp_runtime_event_loop_utilization_ratio', this.last.eventLoopUtilization);
  }
}

let shared: RuntimeMetrics | undefined;

/** The process-wide sampler (created and started on first use with default options). */
export function processRuntimeMetrics(): RuntimeMetrics {
  if (!shared) {
    shared = new RuntimeMetrics();
    shared.start();
  }
  return shared;
}
