/**
 * Network mode selection as in the original `upgrade/mode_detector.go` (inventory 7.2): average the last 10
 * latency and bandwidth samples; datacenter when latency < 10 ms and bandwidth >= 1 Gbps; internet when
 * latency > 50 ms or bandwidth < 1 Gbps; hybrid otherwise. The detector starts in hybrid.
 */
import { InvalidInputError } from '../errors.ts';
import type { Mode } from '../model/dwcp.ts';

/** Samples averaged by the original detector. */
export const MODE_WINDOW = 10;
export const DATACENTER_MAX_LATENCY_MS = 10;
export const INTERNET_MIN_LATENCY_MS = 50;
/** 1 Gbps in bits per second. */
export const GBPS = 1e9;

/**
 * Mode for average latency (ms) and bandwidth (bits per second).
 * @throws InvalidInputError on negative or non-finite input.
 */
export function selectMode(avgLatencyMs: number, avgBandwidthBps: number): Mode {
  if (!Number.isFinite(avgLatencyMs) || avgLatencyMs < 0)
    throw new InvalidInputError(`latency must be a finite number >= 0 ms, got ${avgLatencyMs}`);
  if (!Number.isFinite(avgBandwidthBps) || avgBandwidthBps < 0)
    throw new InvalidInputError(`bandwidth must be a finite number >= 0 bit/s, got ${avgBandwidthBps}`);
  if (avgLatencyMs < DATACENTER_MAX_LATENCY_MS && avgBandwidthBps >= GBPS) return 'datacenter';
  if (avgLatencyMs > INTERNET_MIN_LATENCY_MS || avgBandwidthBps < GBPS) return 'internet';
  return 'hybrid';
}

/** Sliding-window mode detector (ring buffers of `window` samples; memory is fixed). */
export class ModeDetector {
  private readonly lat: Float64Array;
  private readonly bw: Float64Array;
  private n = 0;
  private i = 0;
  private current: Mode = 'hybrid';

  /** @throws InvalidInputError when window is not an integer >= 1. */
  constructor(readonly window: number = MODE_WINDOW) {
    if (!Number.isInteger(window) || window < 1)
      throw new InvalidInputError(`mode window must be an integer >= 1, got ${window}`);
    this.lat = new Float64Array(window);
    this.bw = new Float64Array(window);
  }

  /**
   * Adds a sample (latency ms, bandwidth bit/s) and returns the mode chosen from the window's averages.
   * @throws InvalidInputError on negative or non-finite input (the sample is not added).
   */
  observe(latencyMs: number, bandwidthBps: number): Mode {
    selectMode(latencyMs, bandwidthBps);
    this.lat[this.i] = latencyMs;
    this.bw[this.i] = bandwidthBps;
    this.i = (this.i + 1) % this.window;
    if (this.n < this.window) this.n++;
    let sl = 0;
    let sb = 0;
    for (let k = 0; k < this.n; k++) {
      sl += this.lat[k]!;
      sb += this.bw[k]!;
    }
    this.current = selectMode(sl / this.n, sb / this.n);
    return this.current;
  }

  /** The current mode (hybrid before the first sample). */
  get mode(): Mode {
    return this.current;
  }

  /** Samples held (at most `window`). */
  get size(): number {
    return this.n;
  }
}
