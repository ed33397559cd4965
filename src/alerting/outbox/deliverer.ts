/**
 * Delivers the outbox: in order per receiver, the oldest row is attempted when due; delivered rows are deleted,
 * permanent failures (HTTP 4xx, SMTP 5xx) are deleted and counted as dropped, temporary failures are retried
 * with exponential backoff and full jitter, and rows older than `maxAgeMs` are dropped as expired. Receivers are
 * worked in parallel, each one sequentially. Keeps delivery health per receiver (self-metrics, a warning log
 * line at most once per `warnIntervalMs` per receiver, and the health the web page shows as a banner).
 * @see https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/
 */
import type { ReceiverHealth } from '../../contract/alerting.ts';
import type { Transport } from '../delivery/transport.ts';
import type { AlertingMetrics, DropReason } from '../metrics.ts';
import { backoffDelayMs } from '../delivery/backoff.ts';
import type { OutboxRow, OutboxStore } from './outbox-store.ts';

/** Where the deliverer logs (pino-like). */
export interface DeliveryLog {
  warn(fields: Record<string, unknown>, msg: string): void;
  info(fields: Record<string, unknown>, msg: string): void;
}

/** Options of {@link OutboxDeliverer}. Durations in ms. */
export interface DelivererOptions {
  readonly store: OutboxStore;
  /** The transport of a receiver, or undefined when no receiver has this name (its rows are dropped). */
  readonly transport: (receiver: string) => Transport | undefined;
  /** Receiver type by name (for health listings). */
  readonly receiverType: (receiver: string) => ReceiverHealth['type'];
  readonly clock: () => number;
  readonly maxAgeMs: number;
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
  readonly metrics: AlertingMetrics;
  readonly log: DeliveryLog;
  readonly random?: () => number;
  /** Consecutive failures that make a receiver unhealthy (default 3). */
  readonly unhealthyAfter?: number;
  /** A waiting notification older than this makes a receiver unhealthy (default 60 s). */
  readonly stuckAfterMs?: number;
  /** Warning lines per receiver at most once per this long (default 60 s). */
  readonly warnIntervalMs?: number;
  /** Attempts per receiver per pass at most (default 100). */
  readonly maxPerPass?: number;
}

interface Stats {
  delivered: number;
  failedAttempts: number;
  dropped: number;
  consecutiveFailures: number;
  lastError: string | null;
  lastSuccessMs: number | null;
  pending: number;
  oldestCreatedAtMs: number | null;
  lastWarnMs: number;
  failuresSinceWarn: number;
  unhealthy: boolean;
}

/** Outcome counts of one pass. */
export interface PassResult {
  delivered: number;
  failed: number;
  dropped: number;
}

/** The outbox's delivery loop (see the module comment). */
export class OutboxDeliverer {
  private readonly o: DelivererOptions;
  private readonly stats = new Map<string, Stats>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<PassResult> | null = null;
  private stopped = false;

  constructor(opts: DelivererOptions) {
    this.o = opts;
  }

  private statsOf(receiver: string): Stats {
    let s = this.stats.get(receiver);
    if (!s) {
      s = {
        delivered: 0,
        failedAttempts: 0,
        dropped: 0,
        consecutiveFailures: 0,
        lastError: null,
        lastSuccessMs: null,
        pending: 0,
        oldestCreatedAtMs: null,
        lastWarnMs: -Infinity,
        failuresSinceWarn: 0,
        unhealthy: false,
      };
      this.stats.set(receiver, s);
    }
    return s;
  }

  /** Makes sure a receiver is listed (with zero counts) before anything was sent to it. */
  register(receiver: string): void {
    this.statsOf(receiver);
  }

  private warn(receiver: string, fields: Record<string, unknown>, msg: string): void {
    const s = this.statsOf(receiver);
    const now = this.o.clock();
    if (now - s.lastWarnMs < (this.o.warnIntervalMs ?? 60_000)) return;
    this.o.log.warn(
      { receiver, ...fields, failedAttemptsSinceLastWarning: s.failuresSinceWarn, pending: s.pending },
      msg,
    );
    s.lastWarnMs = now;
    s.failuresSinceWarn = 0;
  }

  private drop(row: OutboxRow, reason: DropReason, error: string): Promise<void> {
    const s = this.statsOf(row.receiver);
    s.dropped++;
    this.o.metrics.dropped(row.receiver, reason);
    this.warn(
      row.receiver,
      { reason, error, incident: row.incidentId, kind: row.kind },
      `notification dropped (${reason})`,
    );
    return this.o.store.remove(row.id);
  }

  private async attempt(row: OutboxRow, res: PassResult): Promise<boolean> {
    const now = this.o.clock();
    if (now - row.createdAtMs > this.o.maxAgeMs) {
      await this.drop(row, 'expired', `older than ${this.o.maxAgeMs} ms`);
      res.dropped++;
      return true;
    }
    const transport = this.o.transport(row.receiver);
    if (!transport) {
      await this.drop(row, 'unknown_receiver', `no receiver named "${row.receiver}" is configured`);
      res.dropped++;
      return true;
    }
    const out = await transport.send(row.message, row.idempotencyKey);
    const s = this.statsOf(row.receiver);
    if (out.ok) {
      await this.o.store.remove(row.id);
      s.delivered++;
      s.consecutiveFailures = 0;
      s.lastSuccessMs = this.o.clock();
      this.o.metrics.delivered(row.receiver);
      res.delivered++;
      return true;
    }
    s.failedAttempts++;
    s.failuresSinceWarn++;
    s.consecutiveFailures++;
    s.lastError = `${out.reason}: ${out.error}`;
    this.o.metrics.failed(row.receiver, out.reason);
    res.failed++;
    if (out.permanent) {
      await this.drop(row, 'rejected', s.lastError);
      res.dropped++;
      return true;
    }
    const delay = backoffDelayMs(
      row.attempts,
      this.o.initialBackoffMs,
      this.o.maxBackoffMs,
      this.o.random ?? Math.random,
    );
    await this.o.store.reschedule(row.id, this.o.clock() + Math.max(delay, 1), row.attempts + 1, s.lastError);
    this.warn(
      row.receiver,
      {
        reason: out.reason,
        error: out.error,
        consecutiveFailures: s.consecutiveFailures,
        attempts: row.attempts + 1,
      },
      'notification delivery failing; retrying with backoff',
    );
    return false;
  }

  private async receiverPass(first: OutboxRow, res: PassResult): Promise<void> {
    let row: OutboxRow | undefined = first;
    for (let n = 0; row && n < (this.o.maxPerPass ?? 100); n++) {
      if (row.nextAttemptAtMs > this.o.clock()) return;
      if (!(await this.attempt(row, res))) return;
      row = (await this.o.store.heads()).find((h) => h.receiver === first.receiver);
    }
  }

  /** One pass over every receiver's due notifications. Never runs twice at once (returns the pass in flight). */
  runOnce(): Promise<PassResult> {
    this.running ??= (async () => {
      const res: PassResult = { delivered: 0, failed: 0, dropped: 0 };
      try {
        const heads = await this.o.store.heads();
        await Promise.all(heads.map((h) => this.receiverPass(h, res)));
        await this.refreshPending();
      } finally {
        this.running = null;
      }
      return res;
    })();
    return this.running;
  }

  private async refreshPending(): Promise<void> {
    const now = this.o.clock();
    const pending = new Map((await this.o.store.pending()).map((p) => [p.receiver, p]));
    for (const r of new Set([...this.stats.keys(), ...pending.keys()])) {
      const s = this.statsOf(r);
      const p = pending.get(r);
      s.pending = p?.count ?? 0;
      s.oldestCreatedAtMs = p?.oldestCreatedAtMs ?? null;
      const age = s.oldestCreatedAtMs === null ? 0 : Math.max(0, now - s.oldestCreatedAtMs);
      const healthy =
        s.consecutiveFailures < (this.o.unhealthyAfter ?? 3) && age < (this.o.stuckAfterMs ?? 60_000);
      if (healthy && s.unhealthy)
        this.o.log.info({ receiver: r, delivered: s.delivered }, 'notification delivery recovered');
      s.unhealthy = !healthy;
      this.o.metrics.pending(r, s.pending, age / 1000);
      this.o.metrics.healthy(r, healthy);
    }
  }

  /** Delivery health per receiver (as of the last pass). */
  health(): ReceiverHealth[] {
    const now = this.o.clock();
    return [...this.stats.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([receiver, s]) => ({
        receiver,
        type: this.o.receiverType(receiver),
        pending: s.pending,
        delivered: s.delivered,
        failedAttempts: s.failedAttempts,
        dropped: s.dropped,
        consecutiveFailures: s.consecutiveFailures,
        lastError: s.lastError,
        lastSuccessMs: s.lastSuccessMs,
        oldestPendingMs: s.oldestCreatedAtMs === null ? 0 : Math.max(0, now - s.oldestCreatedAtMs),
        healthy: !s.unhealthy,
      }));
  }

  /** Runs a pass every `intervalMs` (unref'd timer) until stop(). */
  start(intervalMs = 500): void {
    if (this.timer || this.stopped) return;
    this.timer = setInterval(
      () => void this.runOnce().catch((e: unknown) => this.o.log.warn({ err: e }, 'outbox pass failed')),
      intervalMs,
    );
    this.timer.unref();
  }

  /** Starts a pass now (after new rows were enqueued). */
  kick(): void {
    if (!this.stopped)
      void this.runOnce().catch((e: unknown) => this.o.log.warn({ err: e }, 'outbox pass failed'));
  }

  /** Stops the timer and waits for the pass in flight. Rows stay in the outbox for the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }
}
