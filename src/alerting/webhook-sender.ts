/**
 * Delivers webhook notifications (Alertmanager format, see `alertmanager-payload.ts`) to one receiver URL.
 *
 * - Bounded in-memory queue (default 10,000 notifications). When full, the oldest waiting notification is
 *   dropped (`dwcp_monitor_alerts_dropped_total{reason="queue_full"}`); the one being delivered counts towards
 *   the bound but is only dropped when it is the sole notification and the bound is 1.
 * - In-order delivery: the head of the queue is retried until it is delivered, rejected or expired; later
 *   notifications wait behind it.
 * - Retries use exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"):
 *   delay = random() × min(maxBackoffMs, initialBackoffMs × 2^attempt), defaults 500 ms and 30 s.
 * - A notification older than `maxAgeMs` (default 15 min) is dropped (`reason="expired"`), so a receiver
 *   that is down for up to ~14 minutes loses nothing.
 * - Each attempt is a JSON POST with a timeout. 2xx = delivered (`dwcp_monitor_alerts_sent_total`). Any other
 *   outcome counts one `dwcp_monitor_alerts_failed_total`. A 4xx other than 408 and 429 means the receiver
 *   will never accept this body, so it is not retried: dropped with `reason="rejected"`. Network errors,
 *   timeouts, 408, 429 and 5xx are retried.
 * - Nothing is persisted: notifications still queued when the process stops are lost.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import { getMetric, type MetricName } from '../catalog/index.ts';
import { InvalidInputError } from '../errors.ts';
import { createCatalogMetrics } from '../catalog/registry.ts';

/** Options of {@link WebhookSender}. Durations in ms. */
export interface WebhookSenderOptions {
  /** Receiver URL (http or https). */
  readonly url: string;
  /** Receiver name, the `receiver` label of the metrics. */
  readonly receiver: string;
  /** The monitor's registry; the four alert metrics are registered in it (or reused if already there). */
  readonly registry: Registry;
  /** Default 10,000. */
  readonly maxQueue?: number;
  /** Default 15 min. */
  readonly maxAgeMs?: number;
  /** Default 500. */
  readonly initialBackoffMs?: number;
  /** Default 30,000. */
  readonly maxBackoffMs?: number;
  /** Per-request timeout, default 10,000. */
  readonly requestTimeoutMs?: number;
  /** Extra request headers (e.g. Authorization). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Clock in Unix ms (default Date.now). */
  readonly now?: () => number;
  /** Waits `ms` or until `signal` aborts, whichever is first; must not reject (default: setTimeout). */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Uniform random in [0, 1) for the jitter (default Math.random). */
  readonly random?: () => number;
}

interface Item {
  readonly body: string;
  readonly enqueuedAtMs: number;
}

interface AlertMetrics {
  readonly sent: Counter<string>;
  readonly failed: Counter<string>;
  readonly dropped: Counter<string>;
  readonly queue: Gauge<string>;
}

const SENT = 'dwcp_monitor_alerts_sent_total';
const FAILED = 'dwcp_monitor_alerts_failed_total';
const DROPPED = 'dwcp_monitor_alerts_dropped_total';
const QUEUE = 'dwcp_monitor_alert_queue_length';

/** Registers the alert metrics in `registry`, or reuses them when another sender already did. */
function alertMetrics(registry: Registry): AlertMetrics {
  const names: readonly MetricName[] = [SENT, FAILED, DROPPED, QUEUE];
  const existing = names.map((n) => registry.getSingleMetric(getMetric(n).name));
  if (existing.every((m) => m === undefined)) {
    const m = createCatalogMetrics(registry, names.map((n) => getMetric(n)));
    return { sent: m.counter(SENT), failed: m.counter(FAILED), dropped: m.counter(DROPPED), queue: m.gauge(QUEUE) };
  }
  const [sent, failed, dropped, queue] = existing;
  if (!(sent instanceof Counter && failed instanceof Counter && dropped instanceof Counter && queue instanceof Gauge)) {
    throw new InvalidInputError('the registry holds some but not all alert metrics, or with other types');
  }
  return { sent, failed, dropped, queue };
}

/**
 * Full-jitter backoff delay before retry number `attempt` (0-based).
 * @returns ms in [0, min(maxMs, initialMs × 2^attempt))
 */
export function backoffDelayMs(attempt: number, initialMs: number, maxMs: number, random: () => number): number {
  const cap = Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 52));
  return random() * cap;
}

function defaultSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Outcome of one POST. */
type Attempt = 'delivered' | 'rejected' | 'retry';

/** Ring buffer of fixed capacity. */
class Ring<T> {
  private readonly buf: (T | undefined)[];
  private head = 0;
  private n = 0;
  constructor(readonly capacity: number) {
    this.buf = new Array<T | undefined>(capacity);
  }
  get length(): number {
    return this.n;
  }
  push(v: T): void {
    this.buf[(this.head + this.n) % this.capacity] = v;
    this.n++;
  }
  shift(): T | undefined {
    if (this.n === 0) return undefined;
    const v = this.buf[this.head];
    this.buf[this.head] = undefined;
    this.head = (this.head + 1) % this.capacity;
    this.n--;
    return v;
  }
}

function positiveInt(name: string, v: number): number {
  if (!Number.isSafeInteger(v) || v < 1) throw new InvalidInputError(`${name} must be a positive integer, got ${v}`);
  return v;
}

/** Queued, retrying, in-order webhook delivery to one receiver (see the module comment for the semantics). */
export class WebhookSender {
  private readonly url: string;
  readonly receiver: string;
  private readonly maxQueue: number;
  private readonly maxAgeMs: number;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly requestTimeoutMs: number;
  private readonly headers: Readonly<Record<string, string>>;
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  private readonly random: () => number;
  private readonly metrics: AlertMetrics;
  private readonly waiting: Ring<Item>;
  private current: Item | null = null;
  private currentAbandoned = false;
  private readonly stopController = new AbortController();
  private wake: (() => void) | null = null;
  private readonly worker: Promise<void>;

  /**
   * Creates the sender and starts its delivery loop.
   * @throws InvalidInputError for a non-http(s) URL, an empty receiver or non-positive limits/durations;
   *   InvalidInputError when the registry holds only some of the alert metrics
   */
  constructor(opts: WebhookSenderOptions) {
    let parsed: URL;
    try {
      parsed = new URL(opts.url);
    } catch (err) {
      throw new InvalidInputError(`webhook url "${opts.url}" is not a URL`, { cause: err });
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new InvalidInputError(`webhook url must be http or https, got ${parsed.protocol}`);
    }
    if (opts.receiver === '') throw new InvalidInputError('receiver must not be empty');
    this.url = parsed.toString();
    this.receiver = opts.receiver;
    this.maxQueue = positiveInt('maxQueue', opts.maxQueue ?? 10_000);
    this.maxAgeMs = positiveInt('maxAgeMs', opts.maxAgeMs ?? 15 * 60_000);
    this.initialBackoffMs = positiveInt('initialBackoffMs', opts.initialBackoffMs ?? 500);
    this.maxBackoffMs = positiveInt('maxBackoffMs', opts.maxBackoffMs ?? 30_000);
    this.requestTimeoutMs = positiveInt('requestTimeoutMs', opts.requestTimeoutMs ?? 10_000);
    this.headers = opts.headers ?? {};
    this.now = opts.now ?? Date.now;
    this.sleep = opts.sleep ?? defaultSleep;
    this.random = opts.random ?? Math.random;
    this.metrics = alertMetrics(opts.registry);
    this.waiting = new Ring<Item>(this.maxQueue);
    this.metrics.queue.set({ receiver: this.receiver }, 0);
    this.worker = this.run();
  }

  /** Notifications waiting or being delivered (never more than `maxQueue`). */
  get queueLength(): number {
    return this.waiting.length + (this.current !== null && !this.currentAbandoned ? 1 : 0);
  }

  /**
   * Queues one notification (serialised to JSON now). When the queue is full, the oldest notification is
   * dropped and counted with `reason="queue_full"`. After `stop()` the notification is dropped the same way.
   * @throws TypeError when `payload` cannot be serialised (e.g. a BigInt or a cycle)
   */
  enqueue(payload: unknown): void {
    const body = JSON.stringify(payload);
    if (this.stopController.signal.aborted) {
      this.metrics.dropped.inc({ receiver: this.receiver, reason: 'queue_full' });
      return;
    }
    if (this.queueLength >= this.maxQueue) {
      if (this.waiting.length > 0) this.waiting.shift();
      else this.abandonCurrent();
      this.metrics.dropped.inc({ receiver: this.receiver, reason: 'queue_full' });
    }
    this.waiting.push({ body, enqueuedAtMs: this.now() });
    this.updateGauge();
    this.wake?.();
  }

  /**
   * Stops delivery: aborts the request and backoff in progress and waits for the loop to end.
   * Undelivered notifications are NOT persisted; they are discarded (not counted as dropped).
   */
  async stop(): Promise<void> {
    this.stopController.abort();
    this.wake?.();
    await this.worker;
    while (this.waiting.shift() !== undefined) {
      // discard
    }
    this.current = null;
    this.updateGauge();
  }

  private abandonCurrent(): void {
    this.currentAbandoned = true;
    this.attemptController?.abort();
    this.backoffController?.abort();
  }

  private attemptController: AbortController | null = null;
  private backoffController: AbortController | null = null;

  private updateGauge(): void {
    this.metrics.queue.set({ receiver: this.receiver }, this.queueLength);
  }

  private async run(): Promise<void> {
    const stop = this.stopController.signal;
    while (!stop.aborted) {
      const item = this.waiting.shift();
      if (item === undefined) {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
        this.wake = null;
        continue;
      }
      this.current = item;
      this.currentAbandoned = false;
      await this.deliver(item);
      this.current = null;
      this.updateGauge();
    }
  }

  /** Retries one notification until delivered, rejected, expired, abandoned or stopped. */
  private async deliver(item: Item): Promise<void> {
    const stop = this.stopController.signal;
    const receiver = { receiver: this.receiver };
    for (let attempt = 0; ; attempt++) {
      if (stop.aborted || this.currentAbandoned) return;
      if (this.now() - item.enqueuedAtMs > this.maxAgeMs) {
        this.metrics.dropped.inc({ ...receiver, reason: 'expired' });
        return;
      }
      const outcome = await this.post(item.body);
      if (stop.aborted || this.currentAbandoned) return;
      if (outcome === 'delivered') {
        this.metrics.sent.inc(receiver);
        return;
      }
      this.metrics.failed.inc(receiver);
      if (outcome === 'rejected') {
        this.metrics.dropped.inc({ ...receiver, reason: 'rejected' });
        return;
      }
      const delay = backoffDelayMs(attempt, this.initialBackoffMs, this.maxBackoffMs, this.random);
      this.backoffController = new AbortController();
      await this.sleep(delay, AbortSignal.any([stop, this.backoffController.signal]));
      this.backoffController = null;
    }
  }

  private async post(body: string): Promise<Attempt> {
    this.attemptController = new AbortController();
    const signal = AbortSignal.any([
      this.stopController.signal,
      this.attemptController.signal,
      AbortSignal.timeout(this.requestTimeoutMs),
    ]);
    try {
      const res = await fetch(this.url, {
        method: 'POST',
        headers: { ...this.headers, 'content-type': 'application/json' },
        body,
        signal,
      });
      await res.body?.cancel().catch(() => undefined);
      if (res.status >= 200 && res.status < 300) return 'delivered';
      if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) return 'rejected';
      return 'retry';
    } catch {
      return 'retry';
    } finally {
      this.attemptController = null;
    }
  }
}
