/**
 * Continuous profiling: every `intervalMs`, a CPU profile of `cpuSeconds` and a heap profile of this process
 * and of every configured target (fetched from its Go-style `/debug/pprof` endpoints), stored in the bounded
 * ProfileStore. A round never overlaps the previous one; a CPU profile that finds the profiler busy (an
 * on-demand profile is running) is skipped for that round and reported, never queued. Remote bodies are
 * limited to {@link MAX_REMOTE_PROFILE_BYTES} and must decode as pprof before they are stored.
 * @see https://grafana.com/docs/pyroscope/latest/introduction/continuous-profiling/ (the approach)
 */
import { DwcpError, InvalidInputError, PayloadTooLargeError, ScrapeError } from '../errors.ts';
import { readPprof } from './pprof-read.ts';
import type { ProfileKind, ProfileStore, StoredProfileInfo } from './profile-store.ts';
import type { ProcessProfiler } from './runtime-profiler.ts';

/** Largest profile fetched from a target (32 MiB). */
export const MAX_REMOTE_PROFILE_BYTES = 32 * 1024 * 1024;
/** Targets profiled at most. */
export const MAX_PROFILE_TARGETS = 100;

/** A process with /debug/pprof endpoints. */
export interface ProfileTarget {
  readonly id: string;
  /** Base URL, e.g. `http://127.0.0.1:9100` (the paths /debug/pprof/... are appended). */
  readonly url: string;
}

/** Options of {@link ContinuousProfiler}. */
export interface ContinuousProfilerOptions {
  readonly store: ProfileStore;
  /** This process's profiler (stored with source `monitor`); omit to profile only targets. */
  readonly self?: ProcessProfiler;
  readonly targets?: readonly ProfileTarget[];
  /** Time between rounds, ms (60 000..86 400 000). */
  readonly intervalMs: number;
  /** Length of each CPU profile, s (1..60; less than the interval). */
  readonly cpuSeconds: number;
  /** Called after each stored profile (metrics). */
  readonly onStored?: (p: StoredProfileInfo) => void;
  /** Called for each failed capture or fetch; the round goes on. */
  readonly onError?: (source: string, kind: ProfileKind, err: unknown) => void;
  /** Injectable fetch (tests); default global fetch. */
  readonly fetch?: typeof fetch;
  /** Wall clock, Unix ms. */
  readonly now?: () => number;
}

/** Runs rounds on a timer; `runRound()` runs one now (tests, first round). */
export class ContinuousProfiler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private readonly abort = new AbortController();
  private readonly opts: ContinuousProfilerOptions;

  /** @throws InvalidInputError for an interval, CPU length or target list out of range. */
  constructor(opts: ContinuousProfilerOptions) {
    if (!Number.isInteger(opts.intervalMs) || opts.intervalMs < 60_000 || opts.intervalMs > 86_400_000)
      throw new InvalidInputError(`continuous profiling interval must be 1m..24h, got ${opts.intervalMs} ms`);
    if (
      !Number.isInteger(opts.cpuSeconds) ||
      opts.cpuSeconds < 1 ||
      opts.cpuSeconds > 60 ||
      opts.cpuSeconds * 1000 >= opts.intervalMs
    ) {
      throw new InvalidInputError(
        `continuous CPU profile length must be an integer 1..60 s and shorter than the interval, got ${opts.cpuSeconds}`,
      );
    }
    if ((opts.targets?.length ?? 0) > MAX_PROFILE_TARGETS)
      throw new InvalidInputError(`at most ${MAX_PROFILE_TARGETS} profile targets`);
    this.opts = opts;
  }

  /** Starts the timer (the first round runs after one interval). Idempotent. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      if (!this.running) this.running = this.runRound().finally(() => (this.running = undefined));
    }, this.opts.intervalMs);
    this.timer.unref();
  }

  /** Stops the timer, aborts a running CPU profile (its partial profile is still stored) and waits for the round. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.abort.abort();
    await this.running;
  }

  /** One round over this process and every target; resolves with what was stored. */
  async runRound(): Promise<StoredProfileInfo[]> {
    const stored: StoredProfileInfo[] = [];
    const { self, store } = this.opts;
    const keep = async (
      source: string,
      kind: ProfileKind,
      take: () => Promise<{ pprof: Uint8Array; startedAtMs: number; durationMs: number }>,
    ): Promise<void> => {
      try {
        const p = await take();
        const info = await store.insert({ kind, source, trigger: 'continuous', ...p });
        stored.push(info);
        this.opts.onStored?.(info);
      } catch (e) {
        this.opts.onError?.(source, kind, e);
      }
    };
    if (self) {
      await keep('monitor', 'cpu', () => self.cpu(this.opts.cpuSeconds, this.abort.signal));
      await keep('monitor', 'heap', () => self.heap());
    }
    for (const t of this.opts.targets ?? []) {
      if (this.abort.signal.aborted) break;
      await keep(t.id, 'cpu', () =>
        this.fetchProfile(
          t,
          `/debug/pprof/profile?seconds=${this.opts.cpuSeconds}`,
          (this.opts.cpuSeconds + 10) * 1000,
        ),
      );
      await keep(t.id, 'heap', () => this.fetchProfile(t, '/debug/pprof/heap', 10_000));
    }
    return stored;
  }

  private async fetchProfile(
    t: ProfileTarget,
    path: string,
    timeoutMs: number,
  ): Promise<{ pprof: Uint8Array; startedAtMs: number; durationMs: number }> {
    const now = this.opts.now ?? Date.now;
    const f = this.opts.fetch ?? fetch;
    const startedAtMs = now();
    const url = new URL(path, t.url.endsWith('/') ? t.url : t.url + '/').toString();
    const res = await f(url, {
      signal: AbortSignal.any([AbortSignal.timeout(timeoutMs), this.abort.signal]),
    });
    if (!res.ok) throw new ScrapeError(`GET ${url}: HTTP ${res.status}`);
    const declared = Number(res.headers.get('content-length') ?? NaN);
    if (declared > MAX_REMOTE_PROFILE_BYTES)
      throw new PayloadTooLargeError(MAX_REMOTE_PROFILE_BYTES, `profile from ${t.id}`);
    const body = new Uint8Array(await res.arrayBuffer());
    if (body.byteLength > MAX_REMOTE_PROFILE_BYTES)
      throw new PayloadTooLargeError(MAX_REMOTE_PROFILE_BYTES, `profile from ${t.id}`);
    try {
      const view = readPprof(body);
      return {
        pprof: body,
        startedAtMs: view.startedAtMs || startedAtMs,
        durationMs: view.durationMs || now() - startedAtMs,
      };
    } catch (e) {
      if (e instanceof DwcpError) throw new ScrapeError(`GET ${url}: ${e.message}`, { cause: e });
      throw e;
    }
  }
}
