/**
 * A task run every `intervalMs` on an unref'd timer, at most one run at a time: a tick that finds the previous
 * run still going is skipped. `stop()` clears the timer and waits for the run in flight, so nothing the task
 * uses (a store) is closed under it.
 */

/** The timer functions used (injectable for tests). */
export interface IntervalTimers {
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

const NODE_TIMERS: IntervalTimers = {
  setInterval(fn, ms) {
    const t = setInterval(fn, ms);
    t.unref();
    return t;
  },
  clearInterval: (h) => clearInterval(h as NodeJS.Timeout),
};

/** Options of {@link PeriodicTask}. */
export interface PeriodicTaskOptions {
  readonly intervalMs: number;
  readonly run: () => Promise<unknown> | void;
  /** Receives what a run threw or rejected with (the task keeps its schedule). Must not throw. */
  readonly onError: (err: unknown) => void;
  readonly timers?: IntervalTimers;
}

/** One periodic task. */
export class PeriodicTask {
  private readonly opts: PeriodicTaskOptions;
  private readonly timers: IntervalTimers;
  private handle: unknown = undefined;
  private inFlight: Promise<void> | null = null;

  /** @throws RangeError when `intervalMs` is not a positive finite number. */
  constructor(opts: PeriodicTaskOptions) {
    if (!(Number.isFinite(opts.intervalMs) && opts.intervalMs > 0))
      throw new RangeError(`intervalMs must be > 0, got ${opts.intervalMs}`);
    this.opts = opts;
    this.timers = opts.timers ?? NODE_TIMERS;
  }

  /** Whether a run is in flight. */
  get running(): boolean {
    return this.inFlight !== null;
  }

  /** Starts the schedule (the first run after one interval). Idempotent. */
  start(): void {
    if (this.handle !== undefined) return;
    this.handle = this.timers.setInterval(() => void this.runNow(), this.opts.intervalMs);
  }

  /** Runs the task now unless a run is in flight (then returns that run). Never rejects. */
  runNow(): Promise<void> {
    this.inFlight ??= (async () => {
      try {
        await this.opts.run();
      } catch (e) {
        this.opts.onError(e);
      }
    })().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  /** Stops the schedule and waits for the run in flight. Idempotent. */
  async stop(): Promise<void> {
    if (this.handle !== undefined) this.timers.clearInterval(this.handle);
    this.handle = undefined;
    await this.inFlight;
  }
}
