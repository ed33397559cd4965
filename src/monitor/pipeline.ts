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
import type { RejectReason, SampleStore } from '../store/types.ts';
import type { DetectionEngine, DetectionOutcome } from './detection-engine.ts';
import type { PipelineMetrics } from './pipeline-metrics.ts';
import type { SeriesTracker } from './series-tracker.ts';

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
   * Runs one scrape batch through every stage and returns what it did.
   * @throws whatever the sample store throws on append (StoreError); the batch is then not analysed (the
   *   scraper reports it to its `onError`). Errors of storing anomalies are the sink's to report.
   */
  async ingest(batch: ScrapeBatch): Promise<IngestStep> {
    const { target, samples, outcome } = batch;
    const p = this.parts;
    this.scrapes[outcome.result] = (this.scrapes[outcome.result] ?? 0) + 1;
    this.received += samples.length;
    const duration = target.lastScrapeDurationMs === null ? null : target.lastScrapeDurationMs / 1000;
    p.metrics?.scrape(target.id, outcome.result, outcome.result === 'success', duration);
    for (const o of p.observers ?? []) o.scraped?.(target, p.clock());

    let t0 = this.timer();
    const admit = p.tracker.admit(samples, batch.types);
    const trackMs = this.timer() - t0;
    this.countRejected(admit.rejected);
    for (const o of p.observers ?? []) o.admitted?.(admit.admitted);
    let stored = 0;
    if (p.store !== null && admit.admitted.length > 0) {
      const res = await p.store.append(admit.admitted);
      stored = res.stored;
      this.ingested += stored;
      p.metrics?.ingested(stored);
      this.countRejected(res.rejected);
    }
    p.metrics?.series(p.tracker.size);
    if (p.engine === null) return { admitted: admit.admitted.length, stored, outcome: null, trackMs, detectMs: 0 };

    t0 = this.timer();
    const detected = p.engine.process(admit.inputs, p.clock(), { targetId: target.id });
    const detectMs = this.timer() - t0;
    p.metrics?.detection(detectMs / 1000, detected.processed);
    this.processed += detected.processed;
    this.opened += detected.opened.length;
    this.resolved += detected.resolved.length;
    await p.sink.handle(detected);
    return { admitted: admit.admitted.length, stored, outcome: detected, trackMs, detectMs };
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

  private countRejected(r: Readonly<Partial<Record<RejectReason, number>>>): void {
    for (const [reason, n] of Object.entries(r) as [RejectReason, number][]) {
      if (!n) continue;
      this.rejected[reason] = (this.rejected[reason] ?? 0) + n;
      this.parts.metrics?.rejected(reason, n);
    }
  }
}
