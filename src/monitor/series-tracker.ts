/**
 * Per-series ingest state of the monitor: last timestamp and value of every raw series, bounded in size.
 * It decides which samples are admitted (in order, inside the accepted time window, within the source's fair
 * share of the series budget, src/monitor/series-budget.ts) and derives per-second rates of counters and
 * per-interval means of histograms, the inputs of streaming detection. Series outside the catalog (and the
 * catalog's node_exporter-named metrics without a tuned kind) get their kind and transform from their inference
 * (src/monitor/inferred-inputs.ts: naming, the family's `# TYPE`, the operator's `detection.series` rules),
 * including the derived used-share ratios of memory and filesystems. Histogram means are accumulated in
 * src/monitor/histogram-means.ts.
 */
import { metricForSampleName } from '../catalog/index.ts';
import type { MetricDef } from '../catalog/types.ts';
import type { SeriesKindRule } from '../model/detection-settings.ts';
import type { Labels, Sample } from '../model/sample.ts';
import { SeriesKeyBuilder } from '../store/series-key-builder.ts';
import type { RejectReason } from '../store/types.ts';
import { rateInputOf, type DetectionInput } from './detection-input.ts';
import {
  collectHistogramPart,
  HistogramMeans,
  type AccumulatorsBefore,
  type HistogramOfSeries,
  type HistogramParts,
} from './histogram-means.ts';
import { BatchRatios, InferredSeries } from './inferred-inputs.ts';
import { handleMatches, labelCount, ScrapeCache } from './scrape-cache.ts';
import { SeriesBudget } from './series-budget.ts';
import { ChangeRecords, recordChange, sealChanges, type SeriesChanges } from './series-changes.ts';

export type { DetectionInput } from './detection-input.ts';
export { MIN_OBSERVATIONS_PER_INTERVAL } from './histogram-means.ts';

/** Options of {@link SeriesTracker} for series outside the catalog. */
export interface TrackerInferenceOptions {
  /**
   * Derive inputs for series outside the catalog by inference (src/analysis/inference/series-kind.ts). When
   * false (the default), such series become `generic` inputs (gauge value, or rate of a `_total` name), which the
   * engine analyses only with an explicit `analyse` override.
   */
  readonly enabled: boolean;
  /** The operator's per-pattern rules (`detection.series`). */
  readonly rules?: readonly SeriesKindRule[];
}

/**
 * Whether a catalog metric is analysed like a series outside the catalog: the node_exporter-named metrics of
 * the host collector (group `node`) that the catalog gives no tuned kind (`generic`) — the same names a real
 * node_exporter exposes, so they are judged the same way — and the log-derived metrics (group `logs`): the
 * DWCP per-kind tuning was chosen on scraped DWCP series; on an error-log rate its `error_rate` setting (EWMA
 * at 17 σ) flags only the first sample of a step (the band widens at once), so confirmation never comes, while
 * the inferred setting (the live level and trend members against the series' own noise, after the inference
 * warm-up; live-detector.ts `INFERRED_TUNING`) confirms it;
 * and the trace-derived per-operation series (group `traces`), for which no corpus tuned a setting either. Log-
 * and trace-derived series keep the kind, range and bad direction of their catalog entry.
 */
function leftToInference(def: MetricDef): boolean {
  return (
    (def.group === 'node' && def.anomalyKind === 'generic') || def.group === 'logs' || def.group === 'traces'
  );
}

interface SeriesState {
  /** The series key (`seriesKey` of name and labels), the key of the tracker's map. */
  readonly key: string;
  /** Name and labels of the sample that created the series (checked by the scrape cache, src/monitor/scrape-cache.ts). */
  readonly name: string;
  readonly labels: Labels;
  readonly labelCount: number;
  /** False once the series is no longer in the tracker's map (forgotten, or its creation reverted). */
  alive: boolean;
  /** A frozen label object known equal to `labels` (scrape-cache.ts `handleMatches`). */
  seen: Labels | undefined;
  lastTs: number;
  lastValue: number;
  /** The source whose budget share holds the series. */
  readonly source: string;
  /** The admission that last changed the series (to record its state before that admission once). */
  stamp: number;
  /** The catalog entry of `name` (`metricForSampleName`), resolved at the first finite sample; null: none. */
  def: MetricDef | null | undefined;
  /** The histogram this `_sum`/`_count` series is part of: its metric, key and labels without `le` (first use). */
  histogram: HistogramOfSeries | undefined;
  /** `rate(<key>)`, the key of the series' rate input (built at its first rate, then reused every scrape). */
  rateKey: string | undefined;
}

/**
 * The admitted samples' array at a batch's first rejection, when the `n` admitted so far are its first `n`: sized for
 * the whole batch (cut at the end), so the rest are written by index without regrowth.
 */
function admittedSoFar(batch: readonly Sample[], n: number): Sample[] {
  const out = new Array<Sample>(batch.length);
  for (let j = 0; j < n; j++) out[j] = batch[j]!;
  return out;
}

/** The key of the rate input of series `st` (`rate(<series key>)`), built once per series. */
function rateKeyOf(st: SeriesState): string {
  return (st.rateKey ??= `rate(${st.key})`);
}

/** Options of {@link SeriesTracker} beyond the series limit. */
export interface SeriesTrackerOptions {
  /** Samples older than this many ms before `nowMs` are rejected as `too_old` (default: no bound). */
  readonly maxSampleAgeMs?: number;
  /** Samples more than this many ms after `nowMs` are rejected as `too_far_ahead` (default: no bound). */
  readonly maxSampleAheadMs?: number;
  /** How series outside the catalog are treated (default: not derived). */
  readonly inference?: TrackerInferenceOptions;
  /**
   * Series handles kept per source at most over all sources (the scrape cache, src/monitor/scrape-cache.ts;
   * default `2 × maxSeries`; 0 disables it).
   */
  readonly scrapeCacheSlots?: number;
}

/** Where a batch comes from and when it arrived (for the fair share and the time window). */
export interface AdmitContext {
  /** Source of the batch (a target id; default `default`). */
  readonly source?: string;
  /** Arrival time, Unix ms; the time window is checked only when given. */
  readonly nowMs?: number;
  /** Family types of the batch's exposition (`# TYPE`), when known. */
  readonly types?: ReadonlyMap<string, string>;
}

/** Source of batches admitted without a context. */
export const DEFAULT_SOURCE = 'default';

/** Result of admitting one scrape batch. */
export interface AdmitResult {
  /** The admitted samples in batch order: the batch itself when every sample was admitted (not to be changed). */
  readonly admitted: readonly Sample[];
  /** The series key (`seriesKey`, src/model/sample.ts) of every admitted sample, in the same order. */
  readonly keys: string[];
  readonly rejected: Partial<Record<RejectReason, number>>;
  readonly inputs: DetectionInput[];
  /**
   * Undoes this admission when its samples could not be stored (the store threw), so that a retry of the same
   * samples (a remote-write sender retries after a 5xx) is admitted again instead of refused as `duplicate`:
   * series created by it are forgotten (their budget released), the last timestamp and value of the others and
   * the histogram accumulators it changed are restored. A series a later admission has moved on is left as it
   * is. Idempotent; a no-op after {@link settle}.
   */
  readonly revert: () => void;
  /**
   * Says the admission is final (its samples were stored, or there is no store): {@link revert} becomes a no-op and
   * the records it needed are reused by a later admission. Idempotent; a no-op after `revert`.
   */
  readonly settle: () => void;
}

/**
 * Bounded map of series state (insertion-ordered; over the budget new series are refused with `series_limit`
 * rather than evicting, so an existing series never loses its order check). The budget of `maxSeries` is shared
 * fairly between sources ({@link SeriesBudget}).
 */
export class SeriesTracker {
  private readonly series = new Map<string, SeriesState>();
  /** Histogram Δsum/Δcount carried over until enough observations accumulated; bounded like `series`. */
  private readonly means: HistogramMeans;
  readonly maxSeries: number;
  /** Classifies series outside the catalog; null when inference is off. */
  private readonly inferred: InferredSeries | null;
  /** The series budget and every source's share of it. */
  readonly budget: SeriesBudget;
  private readonly maxAgeMs: number;
  private readonly maxAheadMs: number;
  /** Admissions so far (the stamp of the running one). */
  private admissions = 0;
  /** Per-source handles of the series of the source's last batch, by position. */
  private readonly cache: ScrapeCache<SeriesState>;
  /** Change records of settled admissions, reused (series-changes.ts). */
  private readonly records = new ChangeRecords<SeriesState>();

  /**
   * @param maxSeries limit on tracked raw series (>= 1), shared fairly between sources
   * @param opts time window and how series outside the catalog are treated (default: no window, not derived).
   * @throws RangeError when `maxSeries` < 1, a window bound is negative or a rule kind is unknown; SyntaxError
   *   for a bad rule expression.
   */
  constructor(maxSeries: number, opts: SeriesTrackerOptions = {}) {
    if (!(maxSeries >= 1)) throw new RangeError('maxSeries must be >= 1');
    this.maxSeries = maxSeries;
    this.budget = new SeriesBudget(Math.floor(maxSeries));
    this.maxAgeMs = opts.maxSampleAgeMs ?? Number.POSITIVE_INFINITY;
    this.maxAheadMs = opts.maxSampleAheadMs ?? Number.POSITIVE_INFINITY;
    if (!(this.maxAgeMs >= 0) || !(this.maxAheadMs >= 0))
      throw new RangeError('maxSampleAgeMs and maxSampleAheadMs must be >= 0');
    this.inferred = opts.inference?.enabled === true ? new InferredSeries(opts.inference.rules ?? []) : null;
    this.cache = new ScrapeCache(opts.scrapeCacheSlots ?? 2 * Math.floor(maxSeries));
    this.means = new HistogramMeans(maxSeries);
  }

  get size(): number {
    return this.series.size;
  }

  /** Series handles cached now over all sources (bounded by `scrapeCacheSlots`). */
  get cachedHandles(): number {
    return this.cache.size;
  }

  /** Change records of settled admissions kept for reuse now (at most `SPARE_CHANGE_RECORDS`, series-changes.ts). */
  get spareChangeRecords(): number {
    return this.records.spareCount;
  }

  /** Drops the scrape cache of `source` (a target that was removed); its series stay tracked until stale. */
  forgetSource(source: string): void {
    this.cache.forget(source);
  }

  /** Forgets series whose last sample is older than `cutoffMs` (stale series). Returns how many. */
  forgetOlderThan(cutoffMs: number): number {
    let n = 0;
    for (const [k, s] of this.series) {
      if (s.lastTs < cutoffMs) {
        this.series.delete(k);
        s.alive = false;
        this.budget.release(s.source);
        n++;
      }
    }
    this.cache.sweep();
    return n;
  }

  /**
   * Admits a batch: drops samples outside the time window around `ctx.nowMs` (`too_old`, `too_far_ahead`),
   * samples at or before their series' last timestamp (`duplicate` when equal, `out_of_order` when older) and
   * samples of new series beyond the source's fair share of the budget (`series_limit`); derives
   * detection inputs for gauges (value), counters (per-second rate, resets handled as in Prometheus'
   * `rate`: a decrease means the counter restarted from 0) and histograms (Δsum/Δcount per interval).
   * Non-finite values are admitted (the store decides) but never become detection inputs. Series outside the
   * catalog are derived as their inference says (when enabled), with the batch's family types `ctx.types`.
   */
  admit(batch: readonly Sample[], ctx: AdmitContext = {}): AdmitResult {
    const source = ctx.source ?? DEFAULT_SOURCE;
    const oldest = ctx.nowMs === undefined ? Number.NEGATIVE_INFINITY : ctx.nowMs - this.maxAgeMs;
    const newest = ctx.nowMs === undefined ? Number.POSITIVE_INFINITY : ctx.nowMs + this.maxAheadMs;
    const types = ctx.types;
    // Sized for the whole batch at once (cut to what was admitted at the end): no regrowth per pushed sample.
    // `admitted` is made only at the first rejection: until then the admitted samples are the batch's first ones.
    let admitted: Sample[] | undefined;
    const keys = new Array<string>(batch.length);
    let nAdmitted = 0;
    const rejected: Partial<Record<RejectReason, number>> = {};
    const inputs: DetectionInput[] = [];
    const histo = new Map<string, HistogramParts>();
    const ratios = new BatchRatios();
    const changes = this.records.take(batch.length);
    const stamp = ++this.admissions;
    const keyOf = new SeriesKeyBuilder();
    const handles = this.cache.begin(source, batch.length);

    for (let i = 0; i < batch.length; i++) {
      const s = batch[i]!;
      if (s.timestampMs < oldest || s.timestampMs > newest) {
        const r: RejectReason = s.timestampMs < oldest ? 'too_old' : 'too_far_ahead';
        rejected[r] = (rejected[r] ?? 0) + 1;
        continue;
      }
      let st = handles?.[i];
      let key: string;
      if (st !== undefined && handleMatches(st, s)) {
        key = st.key;
      } else {
        key = keyOf.key(s.name, s.labels);
        st = this.series.get(key);
        if (handles !== undefined) handles[i] = st;
      }
      if (st && s.timestampMs <= st.lastTs) {
        const r: RejectReason = s.timestampMs === st.lastTs ? 'duplicate' : 'out_of_order';
        rejected[r] = (rejected[r] ?? 0) + 1;
        continue;
      }
      if (!st) {
        if (!this.budget.tryTake(source)) {
          rejected.series_limit = (rejected.series_limit ?? 0) + 1;
          continue;
        }
        // A copy in fresh strings: a parsed name or label value may be a slice of the whole scraped body, which the
        // series must not keep alive.
        const own = JSON.parse(JSON.stringify([s.name, s.labels])) as [string, Labels];
        st = {
          key,
          name: own[0],
          labels: own[1],
          labelCount: labelCount(s.labels),
          alive: true,
          seen: Object.isFrozen(s.labels) ? s.labels : undefined,
          lastTs: Number.NEGATIVE_INFINITY,
          lastValue: Number.NaN,
          source,
          stamp,
          def: undefined,
          histogram: undefined,
          rateKey: undefined,
        };
        this.series.set(key, st);
        if (handles !== undefined) handles[i] = st;
        recordChange(changes, st, 1);
      } else if (st.stamp !== stamp) {
        st.stamp = stamp;
        recordChange(changes, st, 0);
      }
      if (admitted === undefined && nAdmitted !== i) admitted = admittedSoFar(batch, nAdmitted);
      if (admitted !== undefined) admitted[nAdmitted] = s;
      keys[nAdmitted++] = key;
      const prevTs = st.lastTs;
      const prevValue = st.lastValue;
      st.lastTs = s.timestampMs;
      st.lastValue = s.value;
      if (!Number.isFinite(s.value)) continue;

      if (st.def === undefined) st.def = metricForSampleName(s.name) ?? null;
      const def = st.def ?? undefined;
      if (this.inferred && (!def || leftToInference(def))) {
        ratios.add(s);
        if (def && def.anomalyKind !== 'generic')
          this.deriveCatalogKind(def, s, st, prevTs, prevValue, inputs, histo);
        else this.deriveInferred(this.inferred, s, st, prevTs, prevValue, types, inputs, histo);
        continue;
      }
      if (!def) {
        if (!s.name.endsWith('_total'))
          inputs.push({
            key,
            metric: s.name,
            labels: s.labels,
            value: s.value,
            timestampMs: s.timestampMs,
            kind: 'generic',
            transform: 'value',
            def: undefined,
          });
        else if (Number.isFinite(prevValue))
          inputs.push(rateInputOf(rateKeyOf(st), s, prevTs, prevValue, s.name, 'generic', undefined));
        continue;
      }
      const isCounter = def.type === 'counter';
      if (def.type === 'histogram') {
        if (s.name.endsWith('_bucket') || !Number.isFinite(prevValue)) continue;
        const isSum = s.name.endsWith('_sum');
        if (!isSum && !s.name.endsWith('_count')) continue;
        collectHistogramPart(histo, def.name, def.anomalyKind, def, undefined, s, st, isSum, prevValue);
        continue;
      }
      if (isCounter) {
        if (!Number.isFinite(prevValue)) continue;
        inputs.push(rateInputOf(rateKeyOf(st), s, prevTs, prevValue, def.name, def.anomalyKind, def));
        continue;
      }
      inputs.push({
        key,
        metric: def.name,
        labels: s.labels,
        value: s.value,
        timestampMs: s.timestampMs,
        kind: def.anomalyKind,
        transform: 'value',
        def,
      });
    }
    keys.length = nAdmitted;
    inputs.push(...ratios.inputs());
    const pendingBefore = this.means.add(histo, inputs);
    sealChanges(changes);
    let done = false;
    const revert = (): void => {
      if (done) return;
      done = true;
      this.undo(changes, pendingBefore);
      this.records.give(changes);
    };
    const settle = (): void => {
      if (done) return;
      done = true;
      this.records.give(changes);
    };
    if (admitted !== undefined) admitted.length = nAdmitted;
    const all = admitted ?? (nAdmitted === batch.length ? batch : batch.slice(0, nAdmitted));
    return { admitted: all, keys, rejected, inputs, revert, settle };
  }

  /** Restores what one admission changed (see {@link AdmitResult.revert}). */
  private undo(changes: SeriesChanges<SeriesState>, pendingBefore: AccumulatorsBefore): void {
    const nums = changes.numbers;
    for (let j = 0; j < changes.count; j++) {
      const st = changes.states[j]!;
      // forgotten since, recreated or moved on by a later admission: left as it is
      if (this.series.get(st.key) !== st || st.lastTs !== nums[3 * j + 2]) continue;
      if (changes.created[j] === 1) {
        this.series.delete(st.key);
        st.alive = false;
        this.budget.release(st.source);
      } else {
        st.lastTs = nums[3 * j]!;
        st.lastValue = nums[3 * j + 1]!;
      }
    }
    this.means.restore(pendingBefore);
  }

  /**
   * Derives the input (or histogram part) of a catalog sample analysed like a series outside the catalog (warm-up,
   * inferred tuning) but with its catalog kind: counters as rates, histograms as means, gauges as values.
   */
  private deriveCatalogKind(
    def: MetricDef,
    s: Sample,
    st: SeriesState,
    prevTs: number,
    prevValue: number,
    inputs: DetectionInput[],
    histo: Map<string, HistogramParts>,
  ): void {
    const key = st.key;
    const reason = `catalog ${def.group} metric (${def.anomalyKind})`;
    if (def.type === 'histogram') {
      const isSum = s.name.endsWith('_sum');
      if (Number.isFinite(prevValue) && (isSum || s.name.endsWith('_count')))
        collectHistogramPart(histo, def.name, def.anomalyKind, def, reason, s, st, isSum, prevValue);
    } else if (def.type === 'counter') {
      if (Number.isFinite(prevValue))
        inputs.push(rateInputOf(rateKeyOf(st), s, prevTs, prevValue, def.name, def.anomalyKind, def, reason));
    } else {
      inputs.push({
        key,
        metric: def.name,
        labels: s.labels,
        value: s.value,
        timestampMs: s.timestampMs,
        kind: def.anomalyKind,
        transform: 'value',
        def,
        inferred: reason,
      });
    }
  }

  /** Derives the detection input (or histogram part) of a sample outside the catalog, as its inference says. */
  private deriveInferred(
    inferred: InferredSeries,
    s: Sample,
    st: SeriesState,
    prevTs: number,
    prevValue: number,
    types: ReadonlyMap<string, string> | undefined,
    inputs: DetectionInput[],
    histo: Map<string, HistogramParts>,
  ): void {
    const c = inferred.classify(s, types);
    if (c === null) return;
    const key = st.key;
    const { kind, transform, reason, direction } = c.inference;
    if (transform !== 'value' && !Number.isFinite(prevValue)) return;
    if (transform === 'mean')
      collectHistogramPart(
        histo,
        c.family,
        kind,
        undefined,
        reason,
        s,
        st,
        c.part === 'sum',
        prevValue,
        direction,
      );
    else if (transform === 'rate')
      inputs.push(
        rateInputOf(rateKeyOf(st), s, prevTs, prevValue, s.name, kind, undefined, reason, direction),
      );
    else
      inputs.push({
        key,
        metric: s.name,
        labels: s.labels,
        value: s.value,
        timestampMs: s.timestampMs,
        kind,
        transform,
        def: undefined,
        inferred: reason,
        direction,
      });
  }
}
