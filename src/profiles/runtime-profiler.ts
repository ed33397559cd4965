/**
 * On-demand CPU and heap profiles of this Node.js process through the V8 inspector (`node:inspector/promises`
 * Session: Profiler for CPU sampling, HeapProfiler sampling for live heap), returned as gzip-compressed pprof
 * (what Go's /debug/pprof endpoints serve). One CPU profile at a time per process: a second request while one
 * runs gets LimitExceededError (HTTP 429). Heap sampling runs from `start()` until `close()` (V8's sampling
 * heap profiler records only allocations made while it runs), so a heap profile shows live objects allocated
 * since then.
 * @see https://nodejs.org/docs/latest-v20.x/api/inspector.html
 * @see https://pkg.go.dev/net/http/pprof (endpoint behaviour and format)
 */
import { Session } from 'node:inspector/promises';
import { gzipSync } from 'node:zlib';
import { InvalidInputError, LimitExceededError } from '../errors.ts';
import { cpuProfileToPprof, heapProfileToPprof } from './pprof-convert.ts';
import type { V8CpuProfile, V8HeapProfile } from './v8-profile.ts';

/** Longest CPU profile (seconds), as a bound on how long a request may hold the profiler. */
export const MAX_CPU_PROFILE_SECONDS = 300;

/** Options of {@link RuntimeProfiler}. */
export interface RuntimeProfilerOptions {
  /** CPU sampling interval in µs (default 1000 = 1 kHz; 100..100 000). */
  readonly cpuIntervalMicros?: number;
  /** Mean heap sampling interval in bytes (default 512 KiB, V8's default; 1 KiB..64 MiB). */
  readonly heapIntervalBytes?: number;
  /** Comment written into every profile (e.g. `dwcp-monitor pid 123`). */
  readonly comment?: string;
  /** Wall clock, Unix ms (default Date.now). */
  readonly now?: () => number;
}

/** A finished profile. */
export interface CapturedProfile {
  readonly kind: 'cpu' | 'heap';
  /** gzip-compressed profile.proto. */
  readonly pprof: Buffer;
  readonly startedAtMs: number;
  readonly durationMs: number;
}

/** What the HTTP handlers and the continuous profiler need. */
export interface ProcessProfiler {
  /** Whether a CPU profile is running now. */
  readonly cpuBusy: boolean;
  /**
   * Samples the CPU for `seconds` and returns the profile; `signal` aborts early (the partial profile is returned).
   * @throws InvalidInputError when seconds is not an integer 1..{@link MAX_CPU_PROFILE_SECONDS}
   * @throws LimitExceededError while another CPU profile runs
   */
  cpu(seconds: number, signal?: AbortSignal): Promise<CapturedProfile>;
  /** The live-heap profile (allocations sampled since `start`). */
  heap(): Promise<CapturedProfile>;
}

function checkRange(name: string, v: number, lo: number, hi: number): number {
  if (!Number.isFinite(v) || v < lo || v > hi)
    throw new InvalidInputError(`${name} must be ${lo}..${hi}, got ${v}`);
  return v;
}

/**
 * Profiler of the current process. Call `start()` once (connects the inspector session, starts heap sampling),
 * `close()` when done.
 */
export class RuntimeProfiler implements ProcessProfiler {
  private readonly session = new Session();
  private readonly cpuInterval: number;
  private readonly heapInterval: number;
  private readonly comment: string;
  private readonly now: () => number;
  private started = false;
  private closed = false;
  private cpuRunning = false;

  /** @throws InvalidInputError for intervals out of range. */
  constructor(opts: RuntimeProfilerOptions = {}) {
    this.cpuInterval = checkRange('cpuIntervalMicros', opts.cpuIntervalMicros ?? 1000, 100, 100_000);
    this.heapInterval = checkRange(
      'heapIntervalBytes',
      opts.heapIntervalBytes ?? 512 * 1024,
      1024,
      64 * 1024 * 1024,
    );
    this.comment = opts.comment ?? `node ${process.version} pid ${process.pid}`;
    this.now = opts.now ?? Date.now;
  }

  get cpuBusy(): boolean {
    return this.cpuRunning;
  }

  /** Connects the inspector session and starts heap sampling. Idempotent. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.session.connect();
    await this.session.post('HeapProfiler.enable');
    await this.session.post('HeapProfiler.startSampling', { samplingInterval: this.heapInterval });
    await this.session.post('Profiler.enable');
    await this.session.post('Profiler.setSamplingInterval', { interval: this.cpuInterval });
  }

  async cpu(seconds: number, signal?: AbortSignal): Promise<CapturedProfile> {
    if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_CPU_PROFILE_SECONDS) {
      throw new InvalidInputError(`seconds must be an integer 1..${MAX_CPU_PROFILE_SECONDS}, got ${seconds}`);
    }
    if (this.cpuRunning)
      throw new LimitExceededError(
        'a CPU profile is already running in this process; retry when it finishes',
      );
    this.cpuRunning = true;
    try {
      await this.start();
      const startedAtMs = this.now();
      await this.session.post('Profiler.start');
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', done);
          resolve();
        };
        const timer = setTimeout(done, seconds * 1000);
        if (signal?.aborted) done();
        else signal?.addEventListener('abort', done, { once: true });
      });
      const { profile } = await this.session.post('Profiler.stop');
      const durationMs = this.now() - startedAtMs;
      const pprof = cpuProfileToPprof(profile as V8CpuProfile, this.cpuInterval, {
        startedAtMs,
        comments: [this.comment],
      });
      return { kind: 'cpu', pprof: gzipSync(pprof.encode()), startedAtMs, durationMs };
    } finally {
      this.cpuRunning = false;
    }
  }

  async heap(): Promise<CapturedProfile> {
    await this.start();
    const startedAtMs = this.now();
    const { profile } = await this.session.post('HeapProfiler.getSamplingProfile');
    const pprof = heapProfileToPprof(profile as unknown as V8HeapProfile, this.heapInterval, {
      startedAtMs,
      comments: [this.comment],
    });
    return { kind: 'heap', pprof: gzipSync(pprof.encode()), startedAtMs, durationMs: 0 };
  }

  /** Stops heap sampling and disconnects. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.started) {
      await this.session.post('HeapProfiler.stopSampling').catch(() => undefined);
      await this.session.post('Profiler.disable').catch(() => undefined);
      await this.session.post('HeapProfiler.disable').catch(() => undefined);
      this.session.disconnect();
    }
  }
}

let shared: RuntimeProfiler | undefined;

/**
 * The process-wide profiler (created on first use with default options), so that every HTTP server of a process
 * (the monitor's API, simulated nodes' metrics servers) shares one CPU-profile slot: one CPU profile at a time
 * per process, whichever endpoint asked.
 */
export function processProfiler(): RuntimeProfiler {
  shared ??= new RuntimeProfiler();
  return shared;
}
