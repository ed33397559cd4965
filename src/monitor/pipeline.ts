/**
 * The monitor's ingest pipeline, one scrape batch at a time:
 * scrape outcome → series tracker (admit, derive) → sample store → detection engine → anomaly sink (store,
 * live feed, alert senders). It keeps its own counters and reports its self-metrics; time comes from an
 * injected clock (the detection time of anomalies) and an injected monotonic timer (latencies), so the same
 * pipeline runs live (`serve`, `demo`) and in virtual time (the labelled-scenario evaluator).
 */
import type { ScrapeOutcome, ScrapeResult } from '../ingest/scrape-outcome.ts';
import type { FamilyTypes } from '../ingest/scraper.ts';
import type { Sample } from '../model/sample.ts';
import type { TargetStatus } from '../model/status.ts';
import type { AppendResult, RejectReason, SampleStore } from '../store/types.ts';
import type { DetectionEngine } from './detection-engine.ts';
import type { DetectionOutcome } from './detection-types.ts';
import type { PipelineMetrics } from './pipeline-metrics.ts';
import type { AdmitResult, SeriesTracker } from './series-tracker.ts';

/** The monitor counts as overloaded for this long after a scrape was skipped (`dwcp_monitor_overloaded`). */
export const OVERLOAD_HOLD_MS = 60_000;

/** One scrape batch as the scraper delivers it. */
export interface ScrapeBatch {
  readonly target: TargetStatus;
  readonly samples: readonly Sample[];
  readonly outcome: ScrapeOutcome;
  /** Family types the target's exposition declared (`# TYPE`), when known (inference of series outside the catalog). */
  readonly types?: FamilyTypes;
}

/** Where detection outcomes go (the monitor's AnomalySink; the evaluator's collector). */
export interface OutcomeSink {
  handle(outcome: DetectionOutcome): Promise<void>;
  /** Alert notifications waiting for delivery (0 when the sink sends none). */
  readonly queueLength?: number;
}

/** Watches batches as they pass (target health, component health); must not throw. */
export interface PipelineObserver {
  /** Every scrape, before its samples are admitted. */
  scraped?(target: TargetStatus, nowMs: number): void;
  /** The samples admitted from a batch, before they are stored. */
  admitted?(samples: readonly Sample[]): void;
}

/** Parts of a {@link MonitorPipeline}. */
export interface PipelineParts {
  readonly tracker: SeriesTracker;
  /** null: detection disabled (samples are still tracked and stored). */
  readonly engine: DetectionEngine | null;
  /** null: samples are not stored (the evaluator). */
  readonly store: Pick<SampleStore, 'append'> | null;
  readonly sink: OutcomeSink;
  /** Wall clock, Unix ms: the detection time of anomalies. */
  readonly clock: () => number;
  /** Monotonic timer in ms for latencies (default `performance.now`). */
  readonly timer?: () => number;
  /** Self-metrics (default none). */
  readonly metrics?: PipelineMetrics;
  readonly observers?: readonly PipelineObserver[];
}

/** Counters of everything the pipeline did since it was built. */
export interface PipelineCounters {
  readonly scrapes: Readonly<Partial<Record<ScrapeResult, number>>>;
  /** Samples delivered by scrapes (synthetic samples included). */
  readonly samplesReceived: number;
  readonly samplesIngested: number;
  readonly samplesRejected: Readonly<Partial<Record<RejectReason, number>>>;
  /** Raw series tracked now. */
  readonly series: number;
  /** Detection inputs run through a detector or the target-health check. */
  readonly inputsProcessed: number;
  readonly anomaliesOpened: number;
  readonly anomaliesResolved: number;
  readonly alertQueueLength: number;
}

/** What one batch did. */
export interface IngestStep {
  readonly admitted: number;
  readonly stored: number;
  /** null when detection is disabled. */
  readonly outcome: DetectionOutcome | null;
  /** Time spent admitting (tracker) and detecting (engine), ms of the injected timer. */
  readonly trackMs: number;
  readonly detectMs: number;
  /**
   * What went wrong with the batch's samples although the scrape succeeded (series over the target's share of
   * the budget, samples outside the time window), or null; the scraper shows it as the target's warning.
   */
  readonly warning: string | null;
  /** Samples not stored, by reason (tracker and store). */
  readonly rejected: Readonly<Partial<Record<RejectReason, number>>>;
}

/** The warning of a batch from its rejects (null when nothing was refused for the target's own reasons). */
function batchWarning(
  rejected: AdmitResult['rejected'],
  budget: { held: number; share: number; total: number },
): string | null {
  const parts: string[] = [];
  const limited = rejected.series_limit ?? 0;
  if (limited > 0) {
    parts.push(
      `${limited} samples of new series refused: series budget (${budget.total}) full or over this target's share (${budget.share}; holds ${budget.held})`,
    );
  }
  const old = rejected.too_old ?? 0;
  const ahead = rejected.too_far_ahead ?? 0;
  if (old + ahead > 0)
    parts.push(
      `${old + ahead} samples outside the accepted time window (too old: ${old}, too far ahead: ${ahead})`,
    );
  return parts.length > 0 ? parts.join('; ') : null;
}

/** The pipeline; one per monitor (or per evaluator run). Memory: the counters (bounded key sets). */
export class MonitorPipeline {
  private readonly parts: PipelineParts;
  private readonly timer: () => number;
  private readonly scrapes: Partial<Record<ScrapeResult, number>> = {};
  private readonly rejected: Partial<Record<RejectReason, number>> = {};
  private received = 0;
  private ingested = 0;
  private processed = 0;
  private opened = 0;
  private resolved = 0;
  private lastSkipMs = Number.NEGATIVE_INFINITY;

  constructor(parts: PipelineParts) {
    this.parts = parts;
    this.timer = parts.timer ?? (() => performance.now());
  }

  /** The detection engine (null when detection is disabled). */
  get engine(): DetectionEngine | null {
    return this.parts.engine;
  }

  /** The series tracker. */
  get tracker(): SeriesTracker {
    return this.parts.tracker;
  }

  /**
   * Runs one scrape batch through every stage and returns what it did. A batch of a scrape skipped because the
   * monitor was overloaded is only counted (no samples, no health change; `dwcp_monitor_overloaded` is 1 for
   * {@link OVERLOAD_HOLD_MS} after it). Samples are admitted with the target id as their budget source.
   * @throws whatever the sample store throws on append (StoreError); the batch is then not analysed (the
   *   scraper reports it to its `onError`). Errors of storing anomalies are the sink's to report.
   */
  async ingest(batch: ScrapeBatch): Promise<IngestStep> {
    const { target, samples, outcome } = batch;
    const p = this.parts;
    const nowMs = p.clock();
    this.scrapes[outcome.result] = (this.scrapes[outcome.result] ?? 0) + 1;
    if (outcome.result === 'skipped_overload') {
      this.lastSkipMs = nowMs;
      p.metrics?.skipped(target.id);
      p.metrics?.overloaded(true);
      return {
        admitted: 0,
        stored: 0,
        outcome: null,
        trackMs: 0,
        detectMs: 0,
        warning: target.warning ?? null,
        rejected: {},
      };
    }
    p.metrics?.overloaded(nowMs - this.lastSkipMs < OVERLOAD_HOLD_MS);
    this.received += samples.length;
    const duration = target.lastScrapeDurationMs === null ? null : target.lastScrapeDurationMs / 1000;
    p.metrics?.scrape(target.id, outcome.result, outcome.result === 'success', duration);
    for (const o of p.observers ?? []) o.scraped?.(target, nowMs);
    return this.process(target.id, samples, nowMs, batch.types);
  }

  /**
   * Runs pushed samples (remote write, push API) of `source` through the same stages as a scrape batch: admitted
   * against the source's share of the series budget, the time window, order and duplicates; stored; detected.
   * @throws whatever the sample store throws on append (StoreError); nothing of the batch is then stored.
   */
  async ingestPushed(source: string, samples: readonly Sample[]): Promise<IngestStep> {
    this.received += samples.length;
    return this.process(source, samples, this.parts.clock());
  }

  private async process(
    source: string,
    samples: readonly Sample[],
    nowMs: number,
    types?: FamilyTypes,
  ): Promise<IngestStep> {
    const p = this.parts;
    let t0 = this.timer();
    const admit = p.tracker.admit(samples, { source, nowMs, ...(types ? { types } : {}) });
    const trackMs = this.timer() - t0;
    this.countRejected(admit.rejected, source);
    const rejected: Partial<Record<RejectReason, number>> = { ...admit.rejected };
    const warning = batchWarning(admit.rejected, p.tracker.budget.of(source));
    for (const o of p.observers ?? []) o.admitted?.(admit.admitted);
    let stored = 0;
    if (p.store !== null && admit.admitted.length > 0) {
      let res: AppendResult;
      try {
        res = await p.store.append(admit.admitted, admit.keys);
      } catch (e) {
        admit.revert(); // nothing was stored: a retry of the same samples must be admitted again
        throw e;
      }
      admit.settle(); // stored: never reverted, its change records are reused
      stored = res.stored;
      this.ingested += stored;
      p.metrics?.ingested(stored);
      this.countRejected(res.rejected, source);
      for (const [r, n] of Object.entries(res.rejected) as [RejectReason, number][])
        rejected[r] = (rejected[r] ?? 0) + n;
    }
    admit.settle(); // no-op when settled above
    p.metrics?.series(p.tracker.size);
    const step = { admitted: admit.admitted.length, stored, trackMs, warning, rejected };
    if (p.engine === null) return { ...step, outcome: null, detectMs: 0 };

    t0 = this.timer();
    const detected = p.engine.process(admit.inputs, p.clock(), { targetId: source });
    const detectMs = this.timer() - t0;
    p.metrics?.detection(detectMs / 1000, detected.processed);
    this.processed += detected.processed;
    this.opened += detected.opened.length;
    this.resolved += detected.resolved.length;
    await p.sink.handle(detected);
    return { ...step, outcome: detected, detectMs };
  }

  /** A copy of the counters. */
  counters(): PipelineCounters {
    return {
      scrapes: { ...this.scrapes },
      samplesReceived: this.received,
      samplesIngested: this.ingested,
      samplesRejected: { ...this.rejected },
      series: this.parts.tracker.size,
      inputsProcessed: this.processed,
      anomaliesOpened: this.opened,
      anomaliesResolved: this.resolved,
      alertQueueLength: this.parts.sink.queueLength ?? 0,
    };
  }

  private countRejected(r: Readonly<Partial<Record<RejectReason, number>>>, target: string): void {
    for (const [reason, n] of Object.entries(r) as [RejectReason, number][]) {
      if (!n) continue;
      this.rejected[reason] = (this.rejected[reason] ?? 0) + n;
      this.parts.metrics?.rejected(reason, n, target);
    }
  }
}
