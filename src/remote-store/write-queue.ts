/**
 * The sending side of remote storage: a bounded queue of samples sent as Prometheus remote-write 1.0 requests
 * (src/ingest/remote-write/encode.ts) by one sender, in batches of at most `maxSamplesPerSend` (a partial batch
 * goes after `batchDeadlineMs`). As Prometheus' own queue manager: a 5xx, a 429 or a network error is retried
 * with exponential backoff (`minBackoffMs` doubling up to `maxBackoffMs`) until it succeeds; any other 4xx is
 * not retried (the batch is counted as failed, reason `unauthorized` for 401 and 403, else `rejected`). When the
 * queue is full, new samples are dropped and counted (the caller learns how many were taken). Memory: at most
 * `capacity` samples. Credentials (basic auth, bearer token) go in the `Authorization` header, never in the URL.
 * @see https://prometheus.io/docs/concepts/remote_write_spec/ (retries and backoff)
 * @see https://prometheus.io/docs/practices/remote_write/ (queue configuration)
 */
import { setTimeout as delay } from 'node:timers/promises';
import { InvalidInputError } from '../errors.ts';
import { encodeRemoteWrite, REMOTE_WRITE_HEADERS } from '../ingest/remote-write/encode.ts';
import type { Sample } from '../model/sample.ts';
import { redactAuthorization } from './redact.ts';

/**
 * Why samples were given up after they were queued: `rejected` (a 4xx other than 401, 403 and 429),
 * `unauthorized` (401 or 403: the endpoint refused the credentials, or a credentials file could not be read),
 * `shutdown` (still queued or in flight at shutdown).
 */
export type RemoteWriteFailure = 'rejected' | 'unauthorized' | 'shutdown';

/** Counters of the queue (the monitor's `dwcp_monitor_remote_storage_*` metrics, ./metrics.ts). */
export interface RemoteWriteQueueMetrics {
  sent(n: number): void;
  failed(reason: RemoteWriteFailure, n: number): void;
  dropped(n: number): void;
  retried(): void;
  /** Samples queued and in flight now. */
  queued(n: number): void;
}

/** Options of {@link RemoteWriteQueue}. */
export interface RemoteWriteQueueOptions {
  /** The remote-write endpoint, e.g. `http://127.0.0.1:8428/api/v1/write`. */
  readonly url: string;
  /** Samples held at most (queued and in flight); beyond it new samples are dropped. */
  readonly capacity: number;
  /** Samples per request at most. */
  readonly maxSamplesPerSend: number;
  /** A partial batch is sent after waiting this long, ms. */
  readonly batchDeadlineMs: number;
  /** First retry delay, ms; doubled per retry up to `maxBackoffMs`. */
  readonly minBackoffMs: number;
  readonly maxBackoffMs: number;
  /** Timeout of one request, ms. */
  readonly timeoutMs: number;
  /**
   * The `Authorization` header value of each request (basic auth or a bearer token), asked before every request
   * so that a rotated secret file is picked up; when it throws, the batch fails as `unauthorized`.
   */
  readonly authorization?: () => Promise<string | undefined>;
  readonly metrics?: RemoteWriteQueueMetrics;
  /** Told of every failed attempt (for the log); the queue goes on. */
  readonly onError?: (e: Error) => void;
  /** Waits `ms` unless `signal` aborts (default: a timer); tests record the backoff with it. */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

const defaultSleep = (ms: number, signal: AbortSignal): Promise<void> =>
  delay(ms, undefined, { signal }).catch(() => undefined);

/** A non-2xx answer of the remote endpoint. */
export class RemoteWriteHttpError extends Error {
  readonly status: number;
  constructor(status: number, body: string) {
    const why =
      status === 401 || status === 403
        ? ' (the endpoint refused the credentials: check the storage basicAuth, bearerToken or bearerTokenFile)'
        : '';
    super(`remote write answered ${status}${why}: ${body.slice(0, 300)}`);
    this.status = status;
  }
}

/** The credentials of a request could not be read (e.g. an unreadable bearer token file); never retried. */
export class RemoteWriteCredentialsError extends Error {}

/** Whether an attempt that failed with `e` is retried: network errors, timeouts, 5xx and 429. */
export function retryable(e: unknown): boolean {
  if (e instanceof RemoteWriteCredentialsError) return false;
  return !(e instanceof RemoteWriteHttpError) || e.status >= 500 || e.status === 429;
}

/** The failure reason of an attempt that is not retried: `unauthorized` for 401, 403 and unreadable credentials. */
export function failureReason(e: unknown): RemoteWriteFailure {
  if (e instanceof RemoteWriteCredentialsError) return 'unauthorized';
  return e instanceof RemoteWriteHttpError && (e.status === 401 || e.status === 403)
    ? 'unauthorized'
    : 'rejected';
}

/** Bounded remote-write queue with one sender. */
export class RemoteWriteQueue {
  private readonly o: RemoteWriteQueueOptions;
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  private chunks: Sample[][] = [];
  private queuedCount = 0;
  private inFlight = 0;
  private oldestAt = 0;
  private wake: (() => void) | undefined;
  private idle: (() => void)[] = [];
  private flushing = 0;
  private stopping = false;
  private readonly abort = new AbortController();
  private readonly loop: Promise<void>;

  /** @throws InvalidInputError when a size or time is not positive, or `minBackoffMs` > `maxBackoffMs`. */
  constructor(opts: RemoteWriteQueueOptions) {
    for (const [k, v] of Object.entries({
      capacity: opts.capacity,
      maxSamplesPerSend: opts.maxSamplesPerSend,
      batchDeadlineMs: opts.batchDeadlineMs,
      minBackoffMs: opts.minBackoffMs,
      timeoutMs: opts.timeoutMs,
    })) {
      if (!Number.isInteger(v) || v <= 0)
        throw new InvalidInputError(`remote write ${k} must be a positive integer, got ${v}`);
    }
    if (!(opts.maxBackoffMs >= opts.minBackoffMs))
      throw new InvalidInputError('remote write maxBackoffMs must be >= minBackoffMs');
    this.o = opts;
    this.sleep = opts.sleep ?? defaultSleep;
    this.loop = this.run();
  }

  /** Samples queued and in flight. */
  get size(): number {
    return this.queuedCount + this.inFlight;
  }

  /**
   * Queues as many of `samples` as fit (in order) and returns how many; the rest are dropped and counted.
   * After {@link close} nothing is taken.
   */
  push(samples: readonly Sample[]): number {
    const room = this.stopping ? 0 : Math.max(0, this.o.capacity - this.size);
    const taken = Math.min(room, samples.length);
    if (taken < samples.length) this.o.metrics?.dropped(samples.length - taken);
    if (taken === 0) return 0;
    if (this.queuedCount === 0) this.oldestAt = performance.now();
    this.chunks.push(samples.slice(0, taken));
    this.queuedCount += taken;
    this.o.metrics?.queued(this.size);
    this.wake?.();
    return taken;
  }

  /**
   * Resolves when every sample queued so far has been sent or given up (partial batches go at once).
   * Waits at most `timeoutMs`; returns whether the queue emptied.
   */
  async flush(timeoutMs: number): Promise<boolean> {
    if (this.size === 0) return true;
    this.flushing++;
    this.wake?.();
    try {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<false>((r) => (timer = setTimeout(() => r(false), timeoutMs)));
      const emptied = new Promise<true>((r) => this.idle.push(() => r(true)));
      const done = await Promise.race([emptied, timedOut]);
      clearTimeout(timer);
      return done;
    } finally {
      this.flushing--;
    }
  }

  /**
   * Sends what is queued for at most `deadlineMs`, then stops the sender: samples still queued or in flight
   * are counted as failed (`shutdown`). Idempotent.
   */
  async close(deadlineMs: number): Promise<void> {
    if (!this.stopping) {
      await this.flush(deadlineMs);
      this.stopping = true;
      this.abort.abort();
      this.wake?.();
    }
    await this.loop;
  }

  private take(): Sample[] {
    const out: Sample[] = [];
    const max = this.o.maxSamplesPerSend;
    while (out.length < max && this.chunks.length > 0) {
      const c = this.chunks[0]!;
      const n = Math.min(max - out.length, c.length);
      for (let i = 0; i < n; i++) out.push(c[i]!);
      if (n === c.length) this.chunks.shift();
      else this.chunks[0] = c.slice(n);
    }
    this.queuedCount -= out.length;
    this.oldestAt = performance.now();
    return out;
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      const full = this.queuedCount >= this.o.maxSamplesPerSend;
      const waited = performance.now() - this.oldestAt;
      if (this.queuedCount > 0 && (full || this.flushing > 0 || waited >= this.o.batchDeadlineMs)) {
        const batch = this.take();
        this.inFlight = batch.length;
        await this.sendWithRetry(batch);
        this.inFlight = 0;
        this.o.metrics?.queued(this.size);
        if (this.size === 0) for (const r of this.idle.splice(0)) r();
        continue;
      }
      const wait = this.queuedCount > 0 ? this.o.batchDeadlineMs - waited : this.o.batchDeadlineMs;
      await new Promise<void>((resolve) => {
        const t = setTimeout(
          () => {
            this.wake = undefined;
            resolve();
          },
          Math.max(1, wait),
        );
        this.wake = () => {
          clearTimeout(t);
          this.wake = undefined;
          resolve();
        };
      });
    }
    const left = this.queuedCount;
    this.chunks = [];
    this.queuedCount = 0;
    if (left > 0) this.o.metrics?.failed('shutdown', left);
    this.o.metrics?.queued(0);
    for (const r of this.idle.splice(0)) r();
  }

  private async sendWithRetry(batch: Sample[]): Promise<void> {
    const body = new Uint8Array(encodeRemoteWrite(batch));
    let backoff = this.o.minBackoffMs;
    for (;;) {
      try {
        await this.post(body);
        this.o.metrics?.sent(batch.length);
        return;
      } catch (e) {
        const err = e instanceof Error ? e : new Error(String(e));
        this.o.onError?.(err);
        if (!retryable(err)) {
          this.o.metrics?.failed(failureReason(err), batch.length);
          return;
        }
        if (this.stopping) {
          this.o.metrics?.failed('shutdown', batch.length);
          return;
        }
        this.o.metrics?.retried();
        await this.sleep(backoff, this.abort.signal);
        backoff = Math.min(backoff * 2, this.o.maxBackoffMs);
      }
    }
  }

  private async post(body: Uint8Array<ArrayBuffer>): Promise<void> {
    const signal = AbortSignal.any([AbortSignal.timeout(this.o.timeoutMs), this.abort.signal]);
    const authorization = await this.credentials();
    const headers =
      authorization === undefined ? REMOTE_WRITE_HEADERS : { ...REMOTE_WRITE_HEADERS, authorization };
    const res = await fetch(this.o.url, { method: 'POST', headers, body, signal });
    const text = await res.text();
    if (res.status < 200 || res.status > 299)
      throw new RemoteWriteHttpError(res.status, redactAuthorization(text, authorization));
  }

  private async credentials(): Promise<string | undefined> {
    if (!this.o.authorization) return undefined;
    try {
      return await this.o.authorization();
    } catch (e) {
      throw new RemoteWriteCredentialsError(`remote write credentials unavailable: ${(e as Error).message}`, {
        cause: e,
      });
    }
  }
}
