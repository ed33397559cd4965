/**
 * The live SLO evaluation (`slo-provider.ts`) with its SLI steps kept per SLO between calls, so a call every
 * 15 s derives only the steps that are new or that it cannot trust, instead of the whole window
 * (src/analysis/slo/settled-steps.ts states the rule). Per SLO a call:
 * 1. reads `[max(W, settled end − lookback), now]` (the tail: the unsettled steps and the points before them
 *    that their first increases need) and derives the steps from the settled end on;
 * 2. reads `[W, H)` (the head: the partial step before the first whole one, and every kept step whose
 *    predecessor points fell out of the window) and derives those steps as the window read does;
 * 3. takes every other kept step as it is, and evaluates the error budget over the assembled series.
 * The window is read in full instead — the same result as {@link evaluateSlos} — on any doubt: no kept state
 * (first call, a new provider after a restart or a configuration change), a store without `RawChangeTracking`,
 * a late sample or a retention cut inside the kept steps, another series set, a series with data in the tail
 * that the kept state did not have or whose predecessor is not in the tail read, a read or a window that may
 * reach the per-series point limit, a call earlier than the last one, and at least every
 * {@link FULL_EVERY_MS} (a series that had no point in the window and then stores samples in order inside it
 * is only seen by a full read). State per SLO: the steps of one window, each series' latest point time.
 * The tail reads go through the window's {@link KeptWindowPoints} (option `keepTailPoints`, on): the tail slides by
 * one call's interval, so a call reads each series only from its latest kept point on, with that class's rules for
 * late samples, retention and full reads (./slo-range-read.ts); at most {@link SLO_MAX_KEPT_TAIL_POINTS} per window.
 */
import type { Slo } from '../analysis/slo/definition.ts';
import { parseLe } from '../analysis/slo/quantile.ts';
import {
  keptValid,
  lacksPredecessor,
  maxPointsByStep,
  predecessorFloors,
  seriesOfRecords,
  settledEnd,
  stepRecords,
  stepStart,
  sumCounts,
  type StepRecord,
} from '../analysis/slo/settled-steps.ts';
import type { SloOverview, SloStatus } from '../contract/slo.ts';
import { seriesKey } from '../model/sample.ts';
import type { RawChangeTracking } from '../store/raw-changes.ts';
import type { SampleStore, SeriesPoints, SeriesRef } from '../store/types.ts';
import { sloStatus, type SloEvidenceOptions } from './slo-provider.ts';
import { KeptWindowPoints, refsKeyOf } from './kept-window-points.ts';
import { LookupMemo, rangeReader, type RangeRead } from './slo-range-read.ts';
import {
  deriveSloSteps,
  quantileWarnings,
  readSloData,
  sloSeriesResult,
  type SloData,
  type SloSeriesResult,
  type SloSteps,
} from './slo-series.ts';

/** Longest time between two full reads of an SLO's window (10 min). */
export const FULL_EVERY_MS = 600_000;
/**
 * Longest time read before the settled end so that the first new steps have their predecessors (2 min); a call
 * first reads back the SLO's last sufficient lookback (at first {@link FIRST_LOOKBACK_MS}) and 4× that on a
 * missing predecessor, up to this.
 */
export const DEFAULT_LOOKBACK_MS = 120_000;
/** First lookback tried (15 s: a few scrape intervals at the usual 1–5 s). */
export const FIRST_LOOKBACK_MS = 15_000;
/** Windows (distinct `windowMs`) whose state is kept; a call with another window drops the oldest. */
export const MAX_KEPT_WINDOWS = 4;
/**
 * Most raw points of the tail reads kept per window between calls (1 M: 16 MB of timestamps and values, up to
 * ~32 MB in the kept reads' sliding buffers; at most {@link MAX_KEPT_WINDOWS} windows). A tail whose reads would
 * keep more is read in full on every call.
 */
export const SLO_MAX_KEPT_TAIL_POINTS = 1_000_000;

/** Settings of {@link IncrementalSlos}. */
export interface IncrementalSloOptions {
  readonly slos: readonly Slo[];
  readonly maxSeries: number;
  readonly maxPointsPerSeries: number;
  readonly stepMs: number;
  readonly evidence: SloEvidenceOptions;
  /** Longest time read before the settled end; default {@link DEFAULT_LOOKBACK_MS}. */
  readonly lookbackMs?: number;
  /**
   * Keep the tail reads' raw points between calls and read only what was stored since (./kept-window-points.ts;
   * same results). Default true; false reads the whole tail every call (the reference).
   */
  readonly keepTailPoints?: boolean;
  /** Bound of the tail points kept per window; default {@link SLO_MAX_KEPT_TAIL_POINTS}. */
  readonly maxKeptTailPoints?: number;
}

/** What is kept for one window: each SLO's steps, and the tail reads' raw points (unless off). */
interface KeptWindow {
  readonly states: Map<Slo, SloState>;
  readonly tail: KeptWindowPoints | undefined;
}

/** What one SLO keeps between calls. */
interface SloState {
  /** Steps in `[window start, settledEndMs)` of the last call, time-ordered. */
  records: StepRecord[];
  settledEndMs: number;
  /** Series ids and keys of every read, in read order. */
  refsKey: string;
  ids: number[];
  /** Latest point time per series id with a point in the window. */
  latestMs: Map<number, number>;
  lateEpoch: number;
  deletedBeforeMs: number;
  lastFullMs: number;
  lastNowMs: number;
  /** The lookback that held every predecessor at the last call. */
  lookbackMs: number;
}

function finiteTimes(s: SeriesPoints, ok: (v: number) => boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < s.values.length; i++) {
    const t = s.timestampsMs[i]!;
    if (ok(s.values[i]!) && Number.isFinite(t)) out.push(t);
  }
  return out;
}

/**
 * Per series, the times of the points an increase may start from (src/monitor/rollout-inputs.ts and
 * src/analysis/slo/quantile.ts skip the others): finite counter values; a histogram `_sum` point with a finite
 * `_count` point of the same series at the same time; finite non-negative bucket counts of a numeric `le`.
 * Gauges use only the points inside a step: none.
 */
function usableTimes(data: SloData): number[][] {
  if (data.kind === 'buckets')
    return data.buckets
      .filter((b) => !Number.isNaN(parseLe(b.series.labels['le'] ?? '')))
      .map((b) => finiteTimes(b, (v) => Number.isFinite(v) && v >= 0));
  const d = data.data;
  if (d.kind === 'ratio')
    return [...(d.good ?? []), ...(d.bad ?? []), ...(d.total ?? [])].map((s) =>
      finiteTimes(s, Number.isFinite),
    );
  if (d.kind === 'gauge') return [];
  const counts = new Map<string, SeriesPoints>();
  for (const c of d.histogram.count) counts.set(seriesKey('', c.series.labels), c);
  const out: number[][] = [];
  for (const s of d.histogram.sum) {
    const c = counts.get(seriesKey('', s.series.labels));
    if (c === undefined) continue;
    const at = new Map<number, number>();
    c.timestampsMs.forEach((t, i) => at.set(t, c.values[i]!));
    out.push(
      finiteTimes(s, Number.isFinite).filter((t) => {
        const v = at.get(t);
        return v !== undefined && Number.isFinite(v);
      }),
    );
  }
  return out;
}

/**
 * The steps of one read: the series derived for steps starting in `[keepFromMs, keepToMs)` and the records of
 * the steps starting in `[recordFromMs, recordToMs)` (also steps outside the kept range, for their counts).
 */
function derive(
  slo: Slo,
  data: SloData,
  rr: RangeRead,
  stepMs: number,
  keep: readonly [number, number],
  record: readonly [number, number],
): { derived: SloSteps; records: StepRecord[] } {
  const derived = deriveSloSteps(slo, data, stepMs, keep[0], keep[1]);
  if (derived.series === null) return { derived, records: [] };
  const records = stepRecords(
    derived.series,
    derived.quantile?.byStep ?? null,
    predecessorFloors(usableTimes(data), stepMs),
    maxPointsByStep(
      rr.points.map((p) => p.timestampsMs),
      stepMs,
    ),
    record[0],
    record[1],
  );
  return { derived, records };
}

/** The per-SLO result of one call. */
interface SloCall {
  readonly result: SloSeriesResult;
  readonly state: SloState | null;
}

/**
 * The SLO evaluation of the insights provider with the SLI steps kept per SLO (see the module comment).
 * Results are those of {@link evaluateSlos} over a raw read of the window, field for field.
 */
export class IncrementalSlos {
  private readonly windows = new Map<number, KeptWindow>();
  private readonly lookbackMs: number;
  /** One evaluation's series lookups, shared by its reads (reset per SLO). */
  private readonly memo: LookupMemo;
  private readonly maxKeptTailPoints: number;
  /** Tail reads answered by dropped windows' kept points (see {@link tailReads}). */
  private readonly droppedTailReads = { kept: 0, full: 0 };
  /** SLO evaluations from kept steps and from full reads of the window, since creation. */
  readonly calls = { kept: 0, full: 0 };

  /** @throws RangeError for a tail points bound that is not a positive integer. */
  constructor(
    private readonly store: SampleStore,
    private readonly tracking: RawChangeTracking,
    private readonly options: IncrementalSloOptions,
  ) {
    this.lookbackMs = options.lookbackMs ?? DEFAULT_LOOKBACK_MS;
    this.memo = new LookupMemo(store);
    this.maxKeptTailPoints = options.maxKeptTailPoints ?? SLO_MAX_KEPT_TAIL_POINTS;
    if (!Number.isInteger(this.maxKeptTailPoints) || this.maxKeptTailPoints < 1)
      throw new RangeError(`maxKeptTailPoints must be a positive integer, got ${this.maxKeptTailPoints}`);
  }

  /** Steps kept for `windowMs` per SLO name (for tests of the bound). */
  keptSteps(windowMs: number): Map<string, number> {
    const out = new Map<string, number>();
    for (const [slo, st] of this.windows.get(windowMs)?.states ?? []) out.set(slo.name, st.records.length);
    return out;
  }

  /** Raw tail points kept for `windowMs` (for tests of the bound). */
  keptTailPoints(windowMs: number): number {
    return this.windows.get(windowMs)?.tail?.keptPoints ?? 0;
  }

  /** Tail reads (one per series set read) answered from kept points and by reading the whole tail, since creation. */
  tailReads(): { kept: number; full: number } {
    const out = { ...this.droppedTailReads };
    for (const w of this.windows.values()) {
      out.kept += w.tail?.calls.kept ?? 0;
      out.full += w.tail?.calls.full ?? 0;
    }
    return out;
  }

  /**
   * The SLO overview over `[nowMs − windowMs, nowMs]` read as raw samples (as `InsightsProvider.slo` without a
   * tenant scope and with a window within the raw read limit).
   * @throws StoreError from the store; InvalidInputError from the engines for impossible data.
   */
  async evaluate(windowMs: number, nowMs: number): Promise<SloOverview> {
    const window = { startMs: nowMs - windowMs, endMs: nowMs };
    let kw = this.windows.get(windowMs);
    if (kw === undefined) {
      if (this.windows.size >= MAX_KEPT_WINDOWS) {
        const [oldest, dropped] = this.windows.entries().next().value!;
        this.droppedTailReads.kept += dropped.tail?.calls.kept ?? 0;
        this.droppedTailReads.full += dropped.tail?.calls.full ?? 0;
        this.windows.delete(oldest);
      }
      kw = {
        states: new Map(),
        tail:
          this.options.keepTailPoints === false
            ? undefined
            : new KeptWindowPoints(this.memo.store, this.tracking, { maxKeptPoints: this.maxKeptTailPoints }),
      };
      this.windows.set(windowMs, kw);
    }
    const states = kw.states;
    const warnings: string[] = [];
    const slos: SloStatus[] = [];
    for (const slo of this.options.slos) {
      const before = states.get(slo);
      this.memo.reset();
      let call =
        before === undefined ? null : await this.incremental(slo, before, kw.tail, window.startMs, nowMs);
      if (call === null) {
        this.memo.reset();
        call = await this.full(slo, window.startMs, nowMs);
        this.calls.full++;
      } else this.calls.kept++;
      warnings.push(...call.result.warnings);
      slos.push(sloStatus(slo, call.result, this.options.evidence, nowMs));
      if (call.state === null) states.delete(slo);
      else states.set(slo, call.state);
    }
    return { stepMs: this.options.stepMs, window, slos, warnings };
  }

  /** Reads the whole window (the reference path) and keeps its settled steps. */
  private async full(slo: Slo, startMs: number, nowMs: number): Promise<SloCall> {
    const { maxSeries, maxPointsPerSeries, stepMs } = this.options;
    const lateEpoch = this.tracking.rawLateEpoch;
    const deletedBeforeMs = this.tracking.rawDeletedBeforeMs;
    const rr = rangeReader(this.memo.store, startMs, nowMs, maxSeries, maxPointsPerSeries);
    const data = await readSloData(slo, rr.read, maxSeries);
    const { derived, records } = derive(
      slo,
      data,
      rr,
      stepMs,
      [startMs, nowMs],
      [stepStart(startMs, stepMs), nowMs + 1],
    );
    const result = sloSeriesResult(slo, derived.series, [
      ...rr.warnings,
      ...(derived.quantile === null ? [] : quantileWarnings(slo.name, derived.quantile)),
    ]);
    if (derived.series === null || rr.truncated) return { result, state: null };
    const latestMs = latestOf(rr.points, new Map(), startMs);
    return {
      result,
      state: this.stateOf(
        records,
        latestMs,
        rr.refs,
        lateEpoch,
        deletedBeforeMs,
        nowMs,
        nowMs,
        startMs,
        Math.min(FIRST_LOOKBACK_MS, this.lookbackMs),
      ),
    };
  }

  private stateOf(
    records: readonly StepRecord[],
    latestMs: Map<number, number>,
    refs: readonly SeriesRef[],
    lateEpoch: number,
    deletedBeforeMs: number,
    lastFullMs: number,
    nowMs: number,
    startMs: number,
    lookbackMs: number,
  ): SloState {
    const end = settledEnd(latestMs.values(), this.options.stepMs, nowMs);
    return {
      records: records.filter((r) => r.tMs >= startMs && r.tMs < end),
      settledEndMs: end,
      refsKey: refsKeyOf(refs),
      ids: refs.map((r) => r.id),
      latestMs,
      lateEpoch,
      deletedBeforeMs,
      lastFullMs,
      lastNowMs: nowMs,
      lookbackMs,
    };
  }

  /** The call from kept steps, or null when the window must be read in full (see the module comment). */
  private async incremental(
    slo: Slo,
    st: SloState,
    tailPoints: KeptWindowPoints | undefined,
    startMs: number,
    nowMs: number,
  ): Promise<SloCall | null> {
    const { maxSeries, maxPointsPerSeries: maxPoints, stepMs } = this.options;
    const tr = this.tracking;
    const settled = st.settledEndMs;
    if (nowMs < st.lastNowMs || nowMs - st.lastFullMs >= FULL_EVERY_MS || settled <= startMs) return null;
    if (tr.rawDeletedBeforeMs !== st.deletedBeforeMs && tr.rawDeletedBeforeMs > startMs) return null;
    if (!tr.rawLateUnchangedSince(st.lateEpoch, st.ids, startMs, settled)) return null;
    const lateEpoch = tr.rawLateEpoch;
    const deletedBeforeMs = tr.rawDeletedBeforeMs;

    // The tail: the steps from the settled end on, with the points their first increases start from.
    let lookbackMs = st.lookbackMs;
    // Every read of this call (tail, a longer tail, head) sees the series the first lookup found (the memo); the
    // tail's points come through the window's kept points when there are.
    let tail: RangeRead;
    let tailData: SloData;
    let tailFrom: number;
    for (;;) {
      tailFrom = Math.max(startMs, settled - lookbackMs);
      tail = rangeReader(this.memo.store, tailFrom, nowMs, maxSeries, maxPoints, tailPoints);
      tailData = await readSloData(slo, tail.read, maxSeries);
      if (tail.truncated || refsKeyOf(tail.refs) !== st.refsKey) return null;
      if (tailFrom === startMs || !lacksPredecessor(usableTimes(tailData), settled)) break;
      if (lookbackMs >= this.lookbackMs) return null;
      lookbackMs = Math.min(this.lookbackMs, lookbackMs * 4);
    }
    if (tailFrom > startMs)
      for (const p of tail.points)
        if (p.timestampsMs.length > 0 && !st.latestMs.has(p.series.id)) return null;
    const tailMade = derive(slo, tailData, tail, stepMs, [settled, nowMs], [settled, nowMs + 1]);
    if (tailMade.derived.series === null) return null;
    const kind = tailMade.derived.series.kind;

    // The head: the partial first step and every kept step whose predecessors left the window.
    let headEnd = Math.ceil(startMs / stepMs) * stepMs;
    for (const r of st.records) if (r.tMs >= startMs && !keptValid(r, startMs)) headEnd = r.tMs + stepMs;
    let head: StepRecord[] = [];
    if (headEnd > startMs) {
      const hr = rangeReader(this.memo.store, startMs, headEnd, maxSeries, maxPoints);
      const headData = await readSloData(slo, hr.read, maxSeries);
      if (hr.truncated || refsKeyOf(hr.refs) !== st.refsKey) return null;
      head = derive(
        slo,
        headData,
        hr,
        stepMs,
        [startMs, headEnd],
        [stepStart(startMs, stepMs), headEnd],
      ).records;
    }
    const kept = st.records.filter((r) => r.tMs >= headEnd && keptValid(r, startMs));
    const records = [
      ...head,
      ...kept,
      ...tailMade.records.filter((r) => r.tMs >= Math.max(settled, headEnd)),
    ];
    let points = 0;
    for (const r of records) points += r.maxPoints;
    if (points >= maxPoints) return null;

    const counts = tailData.kind === 'buckets' ? sumCounts(records) : null;
    const inWindow = records.filter((r) => r.tMs >= startMs && r.tMs < nowMs);
    const result = sloSeriesResult(slo, seriesOfRecords(kind, stepMs, inWindow), [
      ...tail.warnings,
      ...(counts === null ? [] : quantileWarnings(slo.name, counts)),
    ]);
    const latestMs = latestOf(tail.points, st.latestMs, startMs);
    return {
      result,
      state: this.stateOf(
        records,
        latestMs,
        tail.refs,
        lateEpoch,
        deletedBeforeMs,
        st.lastFullMs,
        nowMs,
        startMs,
        lookbackMs,
      ),
    };
  }
}

/** Each series' latest point time: `before`'s, moved on by `points`; series whose latest left the window dropped. */
function latestOf(
  points: readonly SeriesPoints[],
  before: ReadonlyMap<number, number>,
  startMs: number,
): Map<number, number> {
  const out = new Map<number, number>();
  for (const [id, t] of before) if (t >= startMs) out.set(id, t);
  for (const p of points) {
    const n = p.timestampsMs.length;
    if (n === 0) continue;
    const t = p.timestampsMs[n - 1]!;
    if (t >= startMs && t > (out.get(p.series.id) ?? Number.NEGATIVE_INFINITY)) out.set(p.series.id, t);
  }
  return out;
}
