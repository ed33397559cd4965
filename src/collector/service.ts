/**
 * The running host collector (`dwcp-monitor collect`): a cycle every `intervalMs` (1 s default) that collects,
 * then replaces the series of its const families in a prom-client registry (node_exporter names; a failed
 * collector exports nothing rather than stale or zero values, and vanished devices disappear), with
 * `node_scrape_collector_{duration_seconds,success}{collector}`, the cycle time histogram
 * `dwcp_collector_cycle_duration_seconds` and failure counters. The registry is what /metrics serves and what
 * is pushed to a Pushgateway (PUT: the group's previous series are replaced, so vanished devices disappear).
 * Cycles never overlap (a cycle still running when the timer fires is skipped), pushes never overlap, and a
 * failing collector or push is logged when its error first appears or changes, and when it recovers — never
 * once per second.
 * @see https://github.com/prometheus/pushgateway#put-method
 */
import { Pushgateway, type Registry } from 'prom-client';
import { getMetric, metricsOf, type MetricName } from '../catalog/index.ts';
import { InvalidInputError } from '../errors.ts';
import { createConstMetrics, type ConstMetrics } from '../sdk/const-metrics.ts';
import { createCatalogMetrics, type CatalogMetrics } from '../catalog/registry.ts';
import type { CycleResult, HostCollector } from './host-collector.ts';

/** Where and how to push. */
export interface PushTarget {
  /** Pushgateway base URL, e.g. http://127.0.0.1:9091. */
  readonly url: string;
  readonly job: string;
  /** Grouping labels after the job (e.g. `{instance: hostname}`). */
  readonly grouping: Readonly<Record<string, string>>;
  /** Push every this many ms (>= the cycle interval). */
  readonly intervalMs: number;
  /** Request timeout, ms (default 5000). */
  readonly timeoutMs?: number;
}

/** Options of {@link CollectorService}. */
export interface CollectorServiceOptions {
  readonly collector: HostCollector;
  readonly registry: Registry;
  /** Cycle interval, ms (100..3 600 000; default 1000). */
  readonly intervalMs?: number;
  readonly push?: PushTarget;
  /** Receives log lines (error appeared/changed/recovered, push failures). */
  readonly log?: (level: 'warn' | 'info', message: string) => void;
  /** Called after every cycle with its result and total time (collection + metric update), seconds. */
  readonly onCycle?: (r: CycleResult, totalSeconds: number) => void;
}

const SELF: ReadonlySet<MetricName> = new Set([
  getMetric('node_scrape_collector_duration_seconds').name,
  getMetric('node_scrape_collector_success').name,
  getMetric('dwcp_collector_cycle_duration_seconds').name,
  getMetric('dwcp_collector_errors_total').name,
  getMetric('dwcp_collector_pushes_total').name,
]);
/** The collected families (const metrics) and the collector's own metrics. */
const FAMILY_DEFS = metricsOf('node').filter((d) => !SELF.has(d.name));
const SELF_DEFS = metricsOf('node').filter((d) => SELF.has(d.name));

/** The collector loop with its metrics. */
export class CollectorService {
  readonly metrics: CatalogMetrics;
  private readonly families: ConstMetrics;
  private readonly opts: CollectorServiceOptions;
  private readonly intervalMs: number;
  private timer: NodeJS.Timeout | undefined;
  private cycle: Promise<void> | undefined;
  private pushing: Promise<void> | undefined;
  private lastPushMs = 0;
  private readonly gateway: Pushgateway<'text/plain; version=0.0.4; charset=utf-8'> | undefined;
  private readonly lastError = new Map<string, string>();
  private cycles = 0;

  /**
   * Registers the node_exporter families and the collector's own metrics in `registry`.
   * @throws InvalidInputError for an interval out of range or a push interval shorter than the cycle.
   */
  constructor(opts: CollectorServiceOptions) {
    this.intervalMs = opts.intervalMs ?? 1000;
    if (!Number.isInteger(this.intervalMs) || this.intervalMs < 100 || this.intervalMs > 3_600_000)
      throw new InvalidInputError(`collection interval must be 100 ms..1 h, got ${this.intervalMs} ms`);
    if (opts.push && (!Number.isInteger(opts.push.intervalMs) || opts.push.intervalMs < this.intervalMs))
      throw new InvalidInputError('push interval must be at least the collection interval');
    this.opts = opts;
    this.families = createConstMetrics(opts.registry, FAMILY_DEFS);
    this.metrics = createCatalogMetrics(opts.registry, SELF_DEFS);
    if (opts.push) {
      this.gateway = new Pushgateway(
        opts.push.url,
        { timeout: opts.push.timeoutMs ?? 5000 },
        opts.registry as Registry<'text/plain; version=0.0.4; charset=utf-8'>,
      );
    }
  }

  /** Cycles completed so far. */
  get completedCycles(): number {
    return this.cycles;
  }

  /** Runs one cycle now (the first one at start, and tests). */
  async runCycle(): Promise<CycleResult> {
    const t0 = performance.now();
    const r = await this.opts.collector.collect();
    this.families.replaceAll(r.families);
    for (const o of r.outcomes) {
      this.metrics
        .gauge('node_scrape_collector_duration_seconds')
        .set({ collector: o.collector }, o.durationSeconds);
      this.metrics.gauge('node_scrape_collector_success').set({ collector: o.collector }, o.success ? 1 : 0);
      if (!o.success) this.metrics.counter('dwcp_collector_errors_total').inc({ collector: o.collector });
      this.noteError(`collector ${o.collector}`, o.error);
    }
    const total = (performance.now() - t0) / 1000;
    this.metrics.histogram('dwcp_collector_cycle_duration_seconds').observe(total);
    this.cycles++;
    this.opts.onCycle?.(r, total);
    return r;
  }

  /** Starts the loop (first cycle immediately). Idempotent. */
  start(): void {
    if (this.timer) return;
    const tick = (): void => {
      if (!this.cycle) {
        this.cycle = this.runCycle()
          .then(() => this.maybePush())
          .catch((e: unknown) =>
            this.opts.log?.('warn', `cycle failed: ${e instanceof Error ? e.message : String(e)}`),
          )
          .finally(() => (this.cycle = undefined));
      }
    };
    tick();
    this.timer = setInterval(tick, this.intervalMs);
  }

  /** Stops the loop and waits for a running cycle and push. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.cycle;
    await this.pushing;
  }

  /**
   * Pushes the registry now (PUT to /metrics/job/<job>/<label>/<value>...).
   * @throws the push error (HTTP status or connection error); InvalidInputError without a push target.
   */
  async pushNow(): Promise<void> {
    const p = this.opts.push;
    if (!p || !this.gateway) throw new InvalidInputError('no Pushgateway configured');
    try {
      await this.gateway.push({ jobName: p.job, groupings: { ...p.grouping } });
      this.metrics.counter('dwcp_collector_pushes_total').inc({ result: 'success' });
      this.noteError('push', undefined);
    } catch (e) {
      this.metrics.counter('dwcp_collector_pushes_total').inc({ result: 'error' });
      this.noteError('push', `to ${p.url}: ${e instanceof Error ? e.message : String(e)}`);
      throw e;
    }
  }

  private maybePush(): void {
    const p = this.opts.push;
    if (!p || this.pushing) return;
    const now = Date.now();
    if (now - this.lastPushMs < p.intervalMs) return;
    this.lastPushMs = now;
    this.pushing = this.pushNow()
      .catch(() => undefined) // counted and logged by pushNow
      .finally(() => (this.pushing = undefined));
  }

  private noteError(what: string, error: string | undefined): void {
    const prev = this.lastError.get(what);
    if (error === prev) return;
    if (error === undefined) {
      this.lastError.delete(what);
      this.opts.log?.('info', `${what} recovered`);
    } else {
      this.lastError.set(what, error);
      this.opts.log?.('warn', `${what} failed: ${error}`);
    }
  }
}
