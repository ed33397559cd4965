/**
 * Tail sampling in the monitor, after the OpenTelemetry Collector's `tail_sampling` processor: spans are
 * buffered per trace until `decisionWaitMs` after the trace's first span arrived, then the whole trace is kept
 * or dropped by these policies, in order:
 *  1. `error` — a span has status ERROR (Collector: `status_code` policy);
 *  2. `latency` — the root span (or, without one, the trace's extent) is longer than `latencyThresholdUs` when
 *     set, or than the recent quantile (p99) of its root operation (Collector: `latency`, with a fixed threshold;
 *     the learnt per-operation quantile has no Collector equivalent);
 *  3. `attribute` — a span or its resource has one of the configured attribute values (Collector:
 *     `string_attribute`);
 *  4. `probabilistic` — the rest, decided from the trace id with a probability that adapts to a spans/s target
 *     (./rate-control.ts) and capped by a token bucket (Collector: `probabilistic` + `rate_limiting`); a trace
 *     the bucket refuses is `rate_limited`, one the coin refuses `not_sampled`.
 * Spans arriving after their trace was decided follow the remembered decision (Collector: decision cache).
 *
 * Bounds: at most `maxTraces` traces, `maxSpans` spans and `maxBytes` estimated bytes are buffered; a span that
 * would exceed one makes the oldest buffered trace be decided at once (`forced`), and one trace buffers at most
 * `maxSpansPerTrace` spans (the rest are dropped, counted). Pure apart from the clock values passed in.
 * @see https://github.com/open-telemetry/opentelemetry-collector-contrib/tree/main/processor/tailsamplingprocessor
 */
import { InvalidInputError } from '../../errors.ts';
import { LruCache } from '../../store/lru-cache.ts';
import type { SpanRecord } from '../span.ts';
import { LatencyTracker } from './latency-tracker.ts';
import { AdaptiveProbability, TokenBucket, traceIdSampled } from './rate-control.ts';

/** Why a trace was kept (`error`, `latency`, `attribute`, `probabilistic`) or dropped (`rate_limited`, `not_sampled`). */
export const SAMPLING_POLICIES = [
  'error',
  'latency',
  'attribute',
  'probabilistic',
  'rate_limited',
  'not_sampled',
] as const;
export type SamplingPolicy = (typeof SAMPLING_POLICIES)[number];

/** Policies that keep a trace. */
const KEEPING: ReadonlySet<SamplingPolicy> = new Set(['error', 'latency', 'attribute', 'probabilistic']);

/**
 * Why spans were dropped without being stored: their trace was dropped by a policy (`not_sampled`,
 * `rate_limited`), they arrived after their trace was dropped (`late`), or their trace or the span alone exceeds
 * the per-trace or byte bound (`trace_too_large`).
 */
export const SAMPLER_DROP_REASONS = ['not_sampled', 'rate_limited', 'late', 'trace_too_large'] as const;
export type SamplerDropReason = (typeof SAMPLER_DROP_REASONS)[number];

/** An attribute policy: keep traces with a span (or resource) whose `key` has one of `values` (compared as text). */
export interface AttributeRule {
  readonly key: string;
  readonly values: readonly string[];
}

/** Options of {@link TailSampler}. */
export interface TailSamplerOptions {
  /** Time from a trace's first span to its decision, ms (Collector: `decision_wait`). */
  readonly decisionWaitMs: number;
  /** Traces buffered at most (Collector: `num_traces`). */
  readonly maxTraces: number;
  /** Spans buffered at most over all traces. */
  readonly maxSpans: number;
  /** Estimated bytes buffered at most ({@link estimateSpanBytes}). */
  readonly maxBytes: number;
  /** Spans one trace may buffer. */
  readonly maxSpansPerTrace: number;
  /** Fixed latency threshold, µs: traces whose root is longer are kept (undefined: only the learnt quantile). */
  readonly latencyThresholdUs: number | undefined;
  /** Quantile of the learnt per-operation threshold (0.99); 0 turns the learnt threshold off. */
  readonly latencyQuantile: number;
  /** Recent root durations per operation the quantile is computed over. */
  readonly latencyWindow: number;
  /** Durations an operation needs before its learnt threshold applies. */
  readonly latencyMinSamples: number;
  /** Root operations tracked at most. */
  readonly maxOperations: number;
  /** Attribute policies (any match keeps the trace). */
  readonly attributes: readonly AttributeRule[];
  /** Starting (or, without `adaptive`, fixed) probability of the probabilistic share, (0, 1]. */
  readonly probability: number;
  /** Adapt the probability to `spansPerSecond`. */
  readonly adaptive: boolean;
  /** Target of the probabilistic share, spans/s: the adaptive target and the token bucket's rate. */
  readonly spansPerSecond: number;
  /** Interval of the adaptive recomputation, ms. */
  readonly adaptIntervalMs: number;
  /** Decisions remembered for late spans. */
  readonly decisionCacheSize: number;
}

/** Defaults: 10 s wait, 50k traces, 500k spans, 256 MiB, p99 over the last 1000 roots per operation, 500 spans/s. */
export const DEFAULT_TAIL_SAMPLER_OPTIONS: TailSamplerOptions = {
  decisionWaitMs: 10_000,
  maxTraces: 50_000,
  maxSpans: 500_000,
  maxBytes: 256 * 1024 * 1024,
  maxSpansPerTrace: 10_000,
  latencyThresholdUs: undefined,
  latencyQuantile: 0.99,
  latencyWindow: 1000,
  latencyMinSamples: 50,
  maxOperations: 1000,
  attributes: [],
  probability: 0.1,
  adaptive: true,
  spansPerSecond: 500,
  adaptIntervalMs: 10_000,
  decisionCacheSize: 200_000,
};

/** A decided trace. */
export interface TraceDecision {
  readonly traceId: string;
  readonly keep: boolean;
  readonly policy: SamplingPolicy;
  /** The spans buffered for it (to store when kept). */
  readonly spans: readonly SpanRecord[];
  /** Decided before its wait ended because a buffer bound was reached. */
  readonly forced: boolean;
}

/** What {@link TailSampler.add} did with a batch. */
export interface AddResult {
  /** Spans of traces decided earlier as kept: to store now. */
  readonly late: SpanRecord[];
  /** Traces decided early to make room. */
  readonly forced: TraceDecision[];
  /** Spans dropped at once, by reason (`late`, `trace_too_large`). */
  readonly dropped: ReadonlyMap<SamplerDropReason, number>;
}

interface Pending {
  readonly firstMs: number;
  readonly spans: SpanRecord[];
  bytes: number;
}

/**
 * Rough heap size of a span in bytes: a fixed overhead plus the lengths of its strings (UTF-16, 2 bytes per
 * unit). The byte bound of the buffer is in this unit.
 */
export function estimateSpanBytes(s: SpanRecord): number {
  let n = 400 + 2 * (s.name.length + s.statusMessage.length);
  for (const k in s.attributes) {
    const v = s.attributes[k]!;
    n +=
      48 +
      2 * k.length +
      (typeof v === 'string'
        ? 2 * v.length
        : Array.isArray(v)
          ? 16 * v.length + 2 * JSON.stringify(v).length
          : 16);
  }
  for (const e of s.events) n += 120 + 2 * e.name.length + 64 * Object.keys(e.attributes).length;
  return n + 120 * s.links.length;
}

function validate(o: TailSamplerOptions): void {
  for (const k of [
    'maxTraces',
    'maxSpans',
    'maxBytes',
    'maxSpansPerTrace',
    'decisionCacheSize',
    'latencyWindow',
    'latencyMinSamples',
    'maxOperations',
  ] as const) {
    if (!Number.isInteger(o[k]) || o[k] < 1)
      throw new InvalidInputError(`tail sampling ${k} must be a positive integer, got ${o[k]}`);
  }
  if (!(o.decisionWaitMs >= 0))
    throw new InvalidInputError(`tail sampling decision wait must be >= 0, got ${o.decisionWaitMs}`);
  if (!(o.probability > 0 && o.probability <= 1))
    throw new InvalidInputError(`tail sampling probability must be in (0, 1], got ${o.probability}`);
  if (!(o.latencyQuantile >= 0 && o.latencyQuantile < 1))
    throw new InvalidInputError(`latency quantile must be in [0, 1), got ${o.latencyQuantile}`);
  if (o.latencyThresholdUs !== undefined && !(o.latencyThresholdUs > 0))
    throw new InvalidInputError('latency threshold must be > 0');
  for (const r of o.attributes)
    if (r.key === '' || r.values.length === 0)
      throw new InvalidInputError('an attribute policy needs a key and at least one value');
}

/** The tail sampler (one per monitor). */
export class TailSampler {
  private readonly opts: TailSamplerOptions;
  private readonly pending = new Map<string, Pending>();
  private readonly decisions: LruCache<string, boolean>;
  private readonly latency: LatencyTracker | undefined;
  private readonly adaptive: AdaptiveProbability;
  private readonly bucket: TokenBucket;
  private readonly attributeValues: ReadonlyMap<string, ReadonlySet<string>>;
  private spanCount = 0;
  private byteCount = 0;

  /** @throws InvalidInputError on invalid options. */
  constructor(opts: TailSamplerOptions) {
    validate(opts);
    this.opts = opts;
    this.decisions = new LruCache(Math.max(2, opts.decisionCacheSize));
    this.latency =
      opts.latencyQuantile > 0
        ? new LatencyTracker({
            quantile: opts.latencyQuantile,
            window: opts.latencyWindow,
            minSamples: Math.min(opts.latencyMinSamples, opts.latencyWindow),
            maxOperations: opts.maxOperations,
          })
        : undefined;
    this.adaptive = new AdaptiveProbability({
      initial: opts.probability,
      targetSpansPerSecond: opts.spansPerSecond,
      intervalMs: opts.adaptIntervalMs,
      enabled: opts.adaptive,
    });
    this.bucket = new TokenBucket(opts.spansPerSecond, opts.spansPerSecond);
    const byKey = new Map<string, Set<string>>();
    for (const r of opts.attributes) {
      let set = byKey.get(r.key);
      if (!set) byKey.set(r.key, (set = new Set()));
      for (const v of r.values) set.add(v);
    }
    this.attributeValues = byKey;
  }

  /** Buffered traces, spans and estimated bytes, and the current probability of the probabilistic share. */
  stats(): { traces: number; spans: number; bytes: number; probability: number } {
    return {
      traces: this.pending.size,
      spans: this.spanCount,
      bytes: this.byteCount,
      probability: this.adaptive.probability,
    };
  }

  /**
   * Buffers spans (of any traces) received at `nowMs` (Unix ms). Spans of a trace decided earlier follow its
   * decision: kept ones are returned for storage at once, dropped ones are counted.
   */
  add(spans: readonly SpanRecord[], nowMs: number): AddResult {
    const late: SpanRecord[] = [];
    const forced: TraceDecision[] = [];
    const dropped = new Map<SamplerDropReason, number>();
    const drop = (r: SamplerDropReason): void => void dropped.set(r, (dropped.get(r) ?? 0) + 1);
    const o = this.opts;
    for (const s of spans) {
      let p = this.pending.get(s.traceId);
      if (p === undefined) {
        const decided = this.decisions.get(s.traceId);
        if (decided !== undefined) {
          if (decided) late.push(s);
          else drop('late');
          continue;
        }
      } else if (p.spans.length >= o.maxSpansPerTrace) {
        drop('trace_too_large');
        continue;
      }
      const bytes = estimateSpanBytes(s);
      if (bytes > o.maxBytes) {
        drop('trace_too_large');
        continue;
      }
      const newTrace = p === undefined ? 1 : 0;
      while (
        this.pending.size + newTrace > o.maxTraces ||
        this.spanCount + 1 > o.maxSpans ||
        this.byteCount + bytes > o.maxBytes
      ) {
        forced.push(this.decideOldest(s.traceId, nowMs));
      }
      if (p !== undefined && !this.pending.has(s.traceId)) {
        // Room was made by deciding this very trace (the only one buffered): the span follows that decision.
        if (this.decisions.get(s.traceId) === true) late.push(s);
        else drop('late');
        continue;
      }
      if (p === undefined) this.pending.set(s.traceId, (p = { firstMs: nowMs, spans: [], bytes: 0 }));
      p.spans.push(s);
      p.bytes += bytes;
      this.spanCount++;
      this.byteCount += bytes;
    }
    return { late, forced, dropped };
  }

  /** Decides every trace whose wait has ended at `nowMs` (Unix ms), oldest first. */
  decideDue(nowMs: number): TraceDecision[] {
    const out: TraceDecision[] = [];
    for (const [traceId, p] of this.pending) {
      if (nowMs - p.firstMs < this.opts.decisionWaitMs) break; // insertion order = arrival order
      out.push(this.decide(traceId, p, nowMs, false));
    }
    return out;
  }

  /** Decides every buffered trace now (shutdown). */
  decideAll(nowMs: number): TraceDecision[] {
    return [...this.pending].map(([traceId, p]) => this.decide(traceId, p, nowMs, false));
  }

  /** Decides the oldest buffered trace, preferring one other than `current` (the trace being added to). */
  private decideOldest(current: string, nowMs: number): TraceDecision {
    let chosen: [string, Pending] | undefined;
    for (const e of this.pending) {
      chosen = e;
      if (e[0] !== current) break;
    }
    return this.decide(chosen![0], chosen![1], nowMs, true);
  }

  private attributeMatch(spans: readonly SpanRecord[]): boolean {
    if (this.attributeValues.size === 0) return false;
    for (const s of spans) {
      for (const [k, values] of this.attributeValues) {
        const v = s.attributes[k] ?? s.process.attributes[k];
        if (v !== undefined && !Array.isArray(v) && values.has(String(v))) return true;
      }
    }
    return false;
  }

  private decide(traceId: string, p: Pending, nowMs: number, forced: boolean): TraceDecision {
    this.pending.delete(traceId);
    this.spanCount -= p.spans.length;
    this.byteCount -= p.bytes;
    const spans = p.spans;
    let root: SpanRecord | undefined;
    let error = false;
    let minStart = Infinity;
    let maxEnd = -Infinity;
    for (const s of spans) {
      if (s.parentSpanId === null && (root === undefined || s.startUs < root.startUs)) root = s;
      if (s.status === 'error') error = true;
      if (s.startUs < minStart) minStart = s.startUs;
      if (s.startUs + s.durationUs > maxEnd) maxEnd = s.startUs + s.durationUs;
    }
    const first = root ?? spans.reduce((a, b) => (b.startUs < a.startUs ? b : a));
    const operation = `${first.process.service}\u0000${first.name}`;
    const duration = root ? root.durationUs : maxEnd - minStart;
    const learnt = this.latency?.threshold(operation);
    this.latency?.add(operation, duration);
    const fixed = this.opts.latencyThresholdUs;
    let policy: SamplingPolicy;
    if (error) policy = 'error';
    else if ((fixed !== undefined && duration > fixed) || (learnt !== undefined && duration > learnt))
      policy = 'latency';
    else if (this.attributeMatch(spans)) policy = 'attribute';
    else {
      this.adaptive.observe(spans.length, nowMs);
      if (!traceIdSampled(traceId, this.adaptive.probability)) policy = 'not_sampled';
      else policy = this.bucket.take(spans.length, nowMs) ? 'probabilistic' : 'rate_limited';
    }
    const keep = KEEPING.has(policy);
    this.decisions.set(traceId, keep);
    return { traceId, keep, policy, spans, forced };
  }
}
