/**
 * Rate control of the tail sampler's probabilistic share: a token bucket that caps the spans/s it keeps (the
 * OpenTelemetry Collector's `rate_limiting` policy), an adaptive controller that moves the sampling probability
 * so the expected kept rate meets a spans/s target (after Jaeger's adaptive sampling, which recomputes
 * probabilities from the observed throughput at a fixed interval), and the trace-id based coin. Pure; the clock
 * is passed in.
 * @see https://github.com/open-telemetry/opentelemetry-collector-contrib/tree/main/processor/tailsamplingprocessor
 * @see https://www.jaegertracing.io/docs/latest/sampling/#adaptive-sampling
 */
import { InvalidInputError } from '../../errors.ts';

/** A token bucket of `ratePerSecond` tokens per second holding at most `burst` tokens (starts full). */
export class TokenBucket {
  private tokens: number;
  private lastMs: number | undefined;
  readonly ratePerSecond: number;
  readonly burst: number;

  /** @throws InvalidInputError for a rate or burst that is not > 0. */
  constructor(ratePerSecond: number, burst: number) {
    if (!(ratePerSecond > 0) || !(burst > 0))
      throw new InvalidInputError('token bucket rate and burst must be > 0');
    this.ratePerSecond = ratePerSecond;
    this.burst = burst;
    this.tokens = burst;
  }

  /** Takes `n` tokens at `nowMs` (Unix ms) if that many are available; returns whether it did. */
  take(n: number, nowMs: number): boolean {
    if (this.lastMs !== undefined && nowMs > this.lastMs)
      this.tokens = Math.min(this.burst, this.tokens + ((nowMs - this.lastMs) / 1000) * this.ratePerSecond);
    this.lastMs = this.lastMs === undefined ? nowMs : Math.max(this.lastMs, nowMs);
    if (this.tokens < n) return false;
    this.tokens -= n;
    return true;
  }
}

/** Options of {@link AdaptiveProbability}. */
export interface AdaptiveOptions {
  /** Starting probability in (0, 1]. */
  readonly initial: number;
  /** Spans/s the probabilistic share should keep. */
  readonly targetSpansPerSecond: number;
  /** How often the probability is recomputed, ms. */
  readonly intervalMs: number;
  /** Lowest probability (default 1e-4). */
  readonly min?: number;
  /** Largest change per interval as a factor (default 2: at most doubled or halved). */
  readonly maxStep?: number;
  /** false: the probability stays at `initial`. */
  readonly enabled: boolean;
}

/**
 * The probability of the probabilistic share. Feed it every candidate trace's span count (`observe`); at the
 * end of each interval it sets p ← clamp(target ÷ observed candidate spans/s, p ÷ maxStep, p × maxStep),
 * within [min, 1]. The step bound keeps one burst from swinging the probability.
 */
export class AdaptiveProbability {
  private p: number;
  private readonly opts: AdaptiveOptions;
  private windowStartMs: number | undefined;
  private spansInWindow = 0;

  /** @throws InvalidInputError for an initial probability outside (0, 1], a non-positive target or interval. */
  constructor(opts: AdaptiveOptions) {
    if (!(opts.initial > 0 && opts.initial <= 1))
      throw new InvalidInputError(`initial probability must be in (0, 1], got ${opts.initial}`);
    if (!(opts.targetSpansPerSecond > 0)) throw new InvalidInputError('target spans per second must be > 0');
    if (!(opts.intervalMs > 0)) throw new InvalidInputError('adaptive interval must be > 0');
    this.opts = opts;
    this.p = opts.initial;
  }

  /** The current probability. */
  get probability(): number {
    return this.p;
  }

  /** Records a candidate trace of `spans` spans at `nowMs` (Unix ms); recomputes the probability at interval ends. */
  observe(spans: number, nowMs: number): void {
    if (!this.opts.enabled) return;
    if (this.windowStartMs === undefined) this.windowStartMs = nowMs;
    const elapsed = nowMs - this.windowStartMs;
    if (elapsed >= this.opts.intervalMs) {
      const rate = this.spansInWindow / (elapsed / 1000);
      const step = this.opts.maxStep ?? 2;
      const want = rate > 0 ? this.opts.targetSpansPerSecond / rate : 1;
      this.p = Math.min(
        1,
        Math.max(this.opts.min ?? 1e-4, Math.min(this.p * step, Math.max(this.p / step, want))),
      );
      this.windowStartMs = nowMs;
      this.spansInWindow = 0;
    }
    this.spansInWindow += spans;
  }
}

/**
 * Whether a trace falls in a probabilistic sample of probability `p`, decided from its id alone (so replicas of
 * the monitor, and late spans, agree): the 32-bit FNV-1a hash of the id's hex digits as a fraction of 2^32.
 * Hashing (as the Collector's probabilistic sampler does) rather than reading the id's last digits keeps the
 * share right for ids that are not random, e.g. counters.
 * @see http://www.isthe.com/chongo/tech/comp/fnv/ (FNV-1a)
 */
export function traceIdSampled(traceId: string, p: number): boolean {
  if (p >= 1) return true;
  let h = 0x811c9dc5;
  for (let i = 0; i < traceId.length; i++) h = Math.imul(h ^ traceId.charCodeAt(i), 0x01000193);
  return (h >>> 0) / 4294967296 < p;
}
