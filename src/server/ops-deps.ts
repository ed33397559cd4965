/**
 * What the profiling, report and summary routes need, as narrow interfaces with their own data shapes (the
 * composition root wires the profiler, profile store, report service and summary readers in; unit tests pass
 * small fakes). Shapes mirror src/profiles, src/reports and src/summaries structurally.
 */

/** A captured pprof profile (gzip-compressed profile.proto). */
export interface PprofCapture {
  readonly kind: 'cpu' | 'heap';
  readonly pprof: Uint8Array;
  readonly startedAtMs: number;
  readonly durationMs: number;
}

/** A stored profile's metadata. */
export interface ProfileInfo {
  readonly id: number;
  readonly kind: 'cpu' | 'heap';
  readonly source: string;
  readonly trigger: 'on_demand' | 'continuous';
  readonly startedAtMs: number;
  readonly durationMs: number;
  readonly sizeBytes: number;
}

/** A flame-graph node. */
export interface FlameNodeDto {
  readonly name: string;
  readonly file: string;
  readonly total: number;
  readonly self: number;
  readonly children: readonly FlameNodeDto[];
}

/** A flame graph of a stored profile. */
export interface FlameGraphDto {
  readonly sampleType: { readonly type: string; readonly unit: string };
  readonly total: number;
  readonly root: FlameNodeDto;
  readonly nodes: number;
  readonly truncated: boolean;
}

/** One function of a comparison (shares 0..1). */
export interface FunctionDeltaDto {
  readonly name: string;
  readonly file: string;
  readonly baseSelfShare: number;
  readonly targetSelfShare: number;
  readonly selfShareDelta: number;
  readonly baseTotalShare: number;
  readonly targetTotalShare: number;
  readonly totalShareDelta: number;
}

/** A comparison of two stored profiles. */
export interface ProfileComparisonDto {
  readonly sampleType: { readonly type: string; readonly unit: string };
  readonly baseTotal: number;
  readonly targetTotal: number;
  readonly gained: readonly FunctionDeltaDto[];
  readonly lost: readonly FunctionDeltaDto[];
  readonly functions: number;
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
  list(filter: { readonly kind?: 'cpu' | 'heap'; readonly source?: string; readonly limit: number }): Promise<ProfileInfo[]>;
  /** @throws NotFoundError for an unknown id. */
  get(id: number): Promise<{ readonly info: ProfileInfo; readonly pprof: Uint8Array }>;
  /** @throws NotFoundError; InvalidInputError for an unknown sample type. */
  flamegraph(id: number, sampleType: string | undefined): Promise<FlameGraphDto>;
  /** @throws NotFoundError; InvalidInputError when the profiles are of different kinds. */
  compare(baseId: number, targetId: number, top: number, sampleType: string | undefined): Promise<ProfileComparisonDto>;
}

/** A stored report's metadata. */
export interface ReportInfo {
  readonly id: number;
  readonly kind: 'hourly' | 'daily' | 'weekly' | 'custom';
  readonly format: 'html' | 'pdf' | 'md';
  readonly title: string;
  readonly fromMs: number;
  readonly toMs: number;
  readonly createdAtMs: number;
  readonly sizeBytes: number;
  readonly generationMs: number;
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
  system(): Promise<unknown>;
  /** Body of GET /metrics/summary over the window. @throws InvalidInputError for a window out of range. */
  metrics(windowMs: number, nowMs: number): Promise<unknown>;
}
