/**
 * The tail-sampling stage between the OTLP receiver and the trace store: accepted spans go into the
 * {@link TailSampler}'s buffer; {@link SamplingSink.flush} (run every second by the monitor) decides the traces
 * whose wait has ended and stores the kept ones. Every decision and every dropped span is counted in the
 * monitor's own metrics (`dwcp_monitor_trace_sampling_*`).
 *
 * Failure semantics: a store failure while storing spans that must be stored now (late spans of kept traces,
 * traces decided early to make room) fails the request (503); the request's own spans are then already buffered
 * and a retry is harmless (the store ignores a span it already has). A store failure in `flush` loses the kept
 * spans of those traces; they are counted as dropped (`store_error`) and the error is rethrown for the log.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import { getMetric } from '../../catalog/index.ts';
import type { SpanSink } from '../receiver.ts';
import type { SpanRecord } from '../span.ts';
import type { TailSampler, TraceDecision } from './tail-sampler.ts';

type SamplingCounter =
  | 'dwcp_monitor_trace_sampling_traces_total'
  | 'dwcp_monitor_trace_sampling_forced_decisions_total'
  | 'dwcp_monitor_trace_sampling_spans_dropped_total';
type SamplingGauge =
  | 'dwcp_monitor_trace_sampling_buffered_spans'
  | 'dwcp_monitor_trace_sampling_buffered_traces'
  | 'dwcp_monitor_trace_sampling_probability';

function counter(registry: Registry, name: SamplingCounter): Counter {
  const def = getMetric(name);
  const existing = registry.getSingleMetric(def.name);
  if (existing instanceof Counter) return existing;
  return new Counter({ name: def.name, help: def.help, labelNames: [...def.labels], registers: [registry] });
}

function gauge(registry: Registry, name: SamplingGauge, read: () => number): void {
  const def = getMetric(name);
  registry.removeSingleMetric(def.name);
  new Gauge({
    name: def.name,
    help: def.help,
    registers: [registry],
    collect() {
      this.set(read());
    },
  });
}

/** Options of {@link SamplingSink}. */
export interface SamplingSinkOptions {
  readonly registry: Registry;
  /** Wall clock, Unix ms; default Date.now. */
  readonly now?: () => number;
}

/** A {@link SpanSink} that tail-samples before storing. */
export class SamplingSink implements SpanSink {
  private readonly store: SpanSink;
  private readonly sampler: TailSampler;
  private readonly now: () => number;
  private readonly traces: Counter;
  private readonly forcedCount: Counter;
  private readonly dropped: Counter;

  constructor(store: SpanSink, sampler: TailSampler, opts: SamplingSinkOptions) {
    this.store = store;
    this.sampler = sampler;
    this.now = opts.now ?? Date.now;
    this.traces = counter(opts.registry, 'dwcp_monitor_trace_sampling_traces_total');
    this.forcedCount = counter(opts.registry, 'dwcp_monitor_trace_sampling_forced_decisions_total');
    this.dropped = counter(opts.registry, 'dwcp_monitor_trace_sampling_spans_dropped_total');
    gauge(opts.registry, 'dwcp_monitor_trace_sampling_buffered_spans', () => sampler.stats().spans);
    gauge(opts.registry, 'dwcp_monitor_trace_sampling_buffered_traces', () => sampler.stats().traces);
    gauge(opts.registry, 'dwcp_monitor_trace_sampling_probability', () => sampler.stats().probability);
  }

  /**
   * Buffers the spans for tail sampling; stores at once the late spans of kept traces and the traces decided
   * early to make room.
   * @returns the number of spans accepted (buffered or stored)
   * @throws what the store throws (see the file comment)
   */
  async insertSpans(spans: readonly SpanRecord[]): Promise<number> {
    const r = this.sampler.add(spans, this.now());
    for (const [reason, n] of r.dropped) this.dropped.inc({ reason }, n);
    if (r.forced.length > 0) this.forcedCount.inc(r.forced.length);
    const toStore = [...r.late, ...this.kept(r.forced)];
    if (toStore.length > 0) await this.store.insertSpans(toStore);
    return spans.length;
  }

  /**
   * Decides the traces whose wait has ended and stores the kept ones.
   * @returns spans stored
   * @throws what the store throws (those spans are counted as dropped with reason `store_error`)
   */
  flush(): Promise<number> {
    return this.storeKept(this.sampler.decideDue(this.now()));
  }

  /** Decides every buffered trace now and stores the kept ones (at shutdown). @throws as {@link flush} */
  drain(): Promise<number> {
    return this.storeKept(this.sampler.decideAll(this.now()));
  }

  private async storeKept(decisions: readonly TraceDecision[]): Promise<number> {
    const spans = this.kept(decisions);
    if (spans.length === 0) return 0;
    try {
      await this.store.insertSpans(spans);
    } catch (e) {
      this.dropped.inc({ reason: 'store_error' }, spans.length);
      throw e;
    }
    return spans.length;
  }

  /** Counts the decisions and returns the spans of the kept traces. */
  private kept(decisions: readonly TraceDecision[]): SpanRecord[] {
    const out: SpanRecord[] = [];
    for (const d of decisions) {
      this.traces.inc({ policy: d.policy });
      if (d.keep) out.push(...d.spans);
      else this.dropped.inc({ reason: d.policy }, d.spans.length);
    }
    return out;
  }
}
