/**
 * Scheduled reports: for each enabled kind (hourly, daily, weekly), a timer fires `delayMs` after each period
 * ends (so the last scrapes of the period are stored) and generates the report of the period that just ended,
 * unless it is already stored (a restart does not repeat it). One timer per kind; a failed generation is
 * reported and the next period is scheduled as usual.
 */
import { InvalidInputError } from '../errors.ts';
import { lastCompletePeriod, nextPeriodEnd, type ReportFormat, type ReportKind } from './range.ts';
import type { ReportStore, StoredReportInfo } from './report-store.ts';
import type { ReportService } from './report-service.ts';

/** Kinds that have a schedule. */
export type ScheduledKind = Exclude<ReportKind, 'custom'>;

/** Options of {@link ReportScheduler}. */
export interface ReportSchedulerOptions {
  readonly service: ReportService;
  readonly store: ReportStore;
  readonly kinds: readonly ScheduledKind[];
  readonly formats: readonly ReportFormat[];
  /** Wait after a period ends before generating, ms (default 60 s; 0..1 h). */
  readonly delayMs?: number;
  readonly onGenerated?: (r: readonly StoredReportInfo[]) => void;
  readonly onError?: (kind: ScheduledKind, err: unknown) => void;
  readonly now?: () => number;
}

/** Runs the schedule. */
export class ReportScheduler {
  private readonly timers = new Map<ScheduledKind, NodeJS.Timeout>();
  private readonly running = new Set<Promise<unknown>>();
  private stopped = false;
  private readonly delayMs: number;
  private readonly now: () => number;

  /** @throws InvalidInputError for a delay out of range or no formats. */
  constructor(private readonly opts: ReportSchedulerOptions) {
    this.delayMs = opts.delayMs ?? 60_000;
    if (!Number.isInteger(this.delayMs) || this.delayMs < 0 || this.delayMs > 3_600_000)
      throw new InvalidInputError(`report delay must be 0..1h, got ${this.delayMs} ms`);
    if (opts.formats.length === 0) throw new InvalidInputError('scheduled reports need at least one format');
    this.now = opts.now ?? Date.now;
  }

  /** Schedules every kind. Idempotent. */
  start(): void {
    for (const k of this.opts.kinds) if (!this.timers.has(k)) this.schedule(k);
  }

  /** Cancels the timers and waits for running generations. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    await Promise.allSettled([...this.running]);
  }

  /**
   * Generates the last complete period of `kind` in the formats not yet stored; resolves with what was stored.
   * @throws what generation throws.
   */
  async runNow(kind: ScheduledKind): Promise<StoredReportInfo[]> {
    const { fromMs, toMs } = lastCompletePeriod(kind, this.now() - this.delayMs);
    const missing: ReportFormat[] = [];
    for (const f of this.opts.formats)
      if (!(await this.opts.store.exists(kind, f, fromMs, toMs))) missing.push(f);
    if (missing.length === 0) return [];
    const stored = await this.opts.service.generate(fromMs, toMs, kind, missing);
    this.opts.onGenerated?.(stored);
    return stored;
  }

  private schedule(kind: ScheduledKind): void {
    if (this.stopped) return;
    const due = nextPeriodEnd(kind, this.now() - this.delayMs) + this.delayMs;
    // setTimeout's limit is ~24.8 days; weekly periods fit. Re-check when it fires in case the clock jumped.
    const t = setTimeout(
      () => {
        this.timers.delete(kind);
        const p = this.runNow(kind)
          .catch((e: unknown) => this.opts.onError?.(kind, e))
          .finally(() => {
            this.running.delete(p);
            this.schedule(kind);
          });
        this.running.add(p);
      },
      Math.max(1000, due - this.now()),
    );
    t.unref();
    this.timers.set(kind, t);
  }
}
