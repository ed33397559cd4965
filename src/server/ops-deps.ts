/**
 * What the profiling, report and summary routes need, as narrow interfaces with their own data shapes (the
 * composition root wires the profiler, profile store, report service and summary readers in; unit tests pass
 * small fakes). Data shapes are those of the API contract (src/contract/profiles.ts, src/contract/reports.ts).
 */
import type { FlameGraphDto, ProfileComparisonDto, ProfileInfo } from '../contract/profiles.ts';
import type { ReportInfo } from '../contract/reports.ts';
import type { MetricsSummary, SystemMetrics } from '../contract/summaries.ts';

/** A captured pprof profile (gzip-compressed profile.proto). */
export interface PprofCapture {
  readonly kind: 'cpu' | 'heap';
  readonly pprof: Uint8Array;
  readonly startedAtMs: number;
  readonly durationMs: number;
}

/** Profiling of the monitor process and the stored profiles. */
export interface ProfilingApi {
  /**
   * A CPU profile of the monitor for `seconds`.
   * @throws LimitExceededError (429) while another CPU profile runs; InvalidInputError for bad seconds.
   */
  cpu(seconds: number, signal?: AbortSignal): Promise<PprofCapture>;
  heap(): Promise<PprofCapture>;
  /** Takes and stores an on-demand profile of the monitor. */
  capture(kind: 'cpu' | 'heap', seconds: number): Promise<ProfileInfo>;
  list(filter: {
    readonly kind?: 'cpu' | 'heap';
    readonly source?: string;
    readonly limit: number;
  }): Promise<ProfileInfo[]>;
  /** @throws NotFoundError for an unknown id. */
  get(id: number): Promise<{ readonly info: ProfileInfo; readonly pprof: Uint8Array }>;
  /** @throws NotFoundError; InvalidInputError for an unknown sample type. */
  flamegraph(id: number, sampleType: string | undefined): Promise<FlameGraphDto>;
  /** @throws NotFoundError; InvalidInputError when the profiles are of different kinds. */
  compare(
    baseId: number,
    targetId: number,
    top: number,
    sampleType: string | undefined,
  ): Promise<ProfileComparisonDto>;
}

/** Stored and on-demand reports. */
export interface ReportsApi {
  list(filter: { readonly kind?: ReportInfo['kind']; readonly limit: number }): Promise<ReportInfo[]>;
  /** @throws NotFoundError for an unknown id. */
  get(id: number): Promise<{ readonly info: ReportInfo; readonly content: Uint8Array }>;
  /**
   * Generates and stores a report of [fromMs, toMs) in each format.
   * @throws InvalidInputError for an empty, reversed, too long or future range.
   */
  generate(fromMs: number, toMs: number, formats: readonly ReportInfo['format'][]): Promise<ReportInfo[]>;
}

/** The two summaries. */
export interface SummariesApi {
  /** Body `data` of GET /api/system/metrics. */
  system(): Promise<SystemMetrics>;
  /** Body of GET /metrics/summary over the window. @throws InvalidInputError for a window out of range. */
  metrics(windowMs: number, nowMs: number): Promise<MetricsSummary>;
}
