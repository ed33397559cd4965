/**
 * The SLA a simulated node reports (`dwcp_v3_sla_compliance`), judged the way its SLA is written: over the
 * last {@link SLA_WINDOW_TICKS} ticks in the current mode, against that mode's own objectives
 * (./mode-params.ts `sla`). Latency is the window's p95 of the operation latencies (the series' `metric` is
 * `p95_transfer_latency`), throughput the window's mean, the error rate from the failed and all consensus rounds
 * of the window. One tick's sample is not a p95, and one failed round out of two is not a 1 % error rate:
 * judging single ticks marked healthy nodes violated a few percent of the time.
 * A mode switch starts a new window (the previous mode's samples say nothing about the new mode's objective).
 * Memory is fixed: one ring of {@link SLA_WINDOW_TICKS} entries.
 * @see Google SRE book, "Service Level Objectives" (an SLI is measured over a window; percentiles, not single
 *   samples, for latency)
 */
import { InvalidInputError } from '../errors.ts';
import { quantileSorted } from '../math/quantile.ts';
import type { Mode } from '../model/dwcp.ts';

/** Ticks in the window (5 min at the simulator's 1 s tick: 600 consensus rounds, enough to tell a 0.1 % error rate from the 1 % objective). */
export const SLA_WINDOW_TICKS = 300;

/** One tick's SLA inputs. */
export interface SlaSample {
  /** Operation latency, seconds. */
  readonly latencySeconds: number;
  /** Transfer throughput, bytes/s. */
  readonly throughputBytesPerSecond: number;
  /** Consensus rounds of the tick, and how many of them failed or timed out. */
  readonly rounds: number;
  readonly errors: number;
}

/** The window's figures after a tick. */
export interface SlaReading {
  /** p95 of the window's operation latencies, seconds (R-7 quantile). */
  readonly p95LatencySeconds: number;
  /** Mean throughput over the window, bytes/s. */
  readonly meanThroughputBytesPerSecond: number;
  /** Consensus rounds in the window, and how many of them failed or timed out. */
  readonly rounds: number;
  readonly errors: number;
  /** Ticks in the window (1..capacity). */
  readonly ticks: number;
}

/** Sliding SLA window of one node (ring buffer; a mode switch empties it). */
export class SlaWindow {
  private readonly latency: Float64Array;
  private readonly throughput: Float64Array;
  private readonly rounds: Float64Array;
  private readonly errors: Float64Array;
  private next = 0;
  private n = 0;
  private mode: Mode | undefined;

  /** @throws InvalidInputError when capacity is not an integer >= 1. */
  constructor(readonly capacity: number = SLA_WINDOW_TICKS) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new InvalidInputError(`SLA window must be an integer >= 1 ticks, got ${capacity}`);
    this.latency = new Float64Array(capacity);
    this.throughput = new Float64Array(capacity);
    this.rounds = new Float64Array(capacity);
    this.errors = new Float64Array(capacity);
  }

  /** Ticks held (at most `capacity`). */
  get size(): number {
    return this.n;
  }

  /** Adds the tick's sample in `mode` (emptying the window first when the mode changed) and returns the window's figures. */
  add(mode: Mode, s: SlaSample): SlaReading {
    if (mode !== this.mode) {
      this.mode = mode;
      this.n = 0;
      this.next = 0;
    }
    this.latency[this.next] = s.latencySeconds;
    this.throughput[this.next] = s.throughputBytesPerSecond;
    this.rounds[this.next] = s.rounds;
    this.errors[this.next] = s.errors;
    this.next = (this.next + 1) % this.capacity;
    if (this.n < this.capacity) this.n++;
    const lat = Array.from(this.latency.subarray(0, this.n)).sort((a, b) => a - b);
    let thr = 0;
    let rounds = 0;
    let errors = 0;
    for (let i = 0; i < this.n; i++) {
      thr += this.throughput[i]!;
      rounds += this.rounds[i]!;
      errors += this.errors[i]!;
    }
    return {
      p95LatencySeconds: quantileSorted(lat, 0.95),
      meanThroughputBytesPerSecond: thr / this.n,
      rounds,
      errors,
      ticks: this.n,
    };
  }
}
