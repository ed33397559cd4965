/**
 * The recent samples alert rules read: for each metric that a loaded rule selects, the latest points of each
 * of its series in a fixed-size ring (enough for the rule's longest window). Metrics no rule selects are not
 * kept. Series are indexed by label value (postings, as Prometheus' index), so a selection with an equality
 * matcher visits only the series carrying that value. Fed with the samples the pipeline admits; bounded in
 * series and points. No I/O, no clock.
 * @see https://ganeshvernekar.com/blog/prometheus-tsdb-persistent-block-and-its-index/ (postings)
 */
import { InvalidInputError } from '../../errors.ts';
import { matchesAll, type CompiledMatcher } from '../matchers.ts';
import { seriesKey, type Labels, type Sample } from '../../model/sample.ts';
import type { ChangeFunction } from './types.ts';

/** What the window keeps of one metric: points enough for `windowMs` at the scrape interval. */
export interface MetricNeed {
  readonly metric: string;
  /** Longest window a rule reads this metric over, ms (0: only the latest sample). */
  readonly windowMs: number;
}

/** Options of {@link SeriesWindow}. */
export interface SeriesWindowOptions {
  /** Series kept at most over every metric (new series beyond it are not kept, and counted). */
  readonly maxSeries: number;
  /** Points per series at most (caps long windows at short scrape intervals). */
  readonly maxPointsPerSeries: number;
  /** Expected scrape interval, ms: sizes each ring as windowMs / interval + 2. */
  readonly scrapeIntervalMs: number;
}

/** One series as rules read it. */
export interface WindowSeries {
  readonly key: string;
  readonly labels: Labels;
  /** Timestamp (Unix ms) and value of the latest sample. */
  readonly lastTs: number;
  readonly lastValue: number;
  /**
   * The change of the series over `[nowMs - windowMs, nowMs]` by `fn` (see ChangeFunction), or undefined with
   * fewer than two points in the window (or a zero first value for `relative`).
   */
  change(fn: ChangeFunction, windowMs: number, nowMs: number): number | undefined;
}

class Ring implements WindowSeries {
  readonly ts: Float64Array;
  readonly vs: Float64Array;
  /** Reset-adjusted running total of the counter (each decrease counts as a reset to 0). */
  readonly acc: Float64Array;
  head = 0;
  n = 0;
  constructor(
    readonly key: string,
    readonly labels: Labels,
    capacity: number,
  ) {
    this.ts = new Float64Array(capacity);
    this.vs = new Float64Array(capacity);
    this.acc = new Float64Array(capacity);
  }
  private at(i: number): number {
    return (this.head + i) % this.ts.length;
  }
  get lastTs(): number {
    return this.n === 0 ? -Infinity : this.ts[this.at(this.n - 1)]!;
  }
  get lastValue(): number {
    return this.n === 0 ? NaN : this.vs[this.at(this.n - 1)]!;
  }
  push(t: number, v: number): boolean {
    if (this.n > 0 && t <= this.lastTs) return false;
    let acc = 0;
    if (this.n > 0) {
      const j = this.at(this.n - 1);
      const prev = this.vs[j]!;
      acc = this.acc[j]! + (v >= prev ? v - prev : v);
    }
    const cap = this.ts.length;
    let i: number;
    if (this.n < cap) {
      i = this.at(this.n);
      this.n++;
    } else {
      i = this.head;
      this.head = (this.head + 1) % cap;
    }
    this.ts[i] = t;
    this.vs[i] = v;
    this.acc[i] = acc;
    return true;
  }
  change(fn: ChangeFunction, windowMs: number, nowMs: number): number | undefined {
    if (this.n < 2) return undefined;
    const from = nowMs - windowMs;
    // First point inside the window (binary search over the ring's time order).
    let lo = 0;
    let hi = this.n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.ts[this.at(mid)]! < from) lo = mid + 1;
      else hi = mid;
    }
    const first = this.at(lo);
    const last = this.at(this.n - 1);
    if (lo >= this.n - 1 || this.ts[first]! < from) return undefined;
    if (fn === 'rate') {
      const seconds = (this.ts[last]! - this.ts[first]!) / 1000;
      return seconds > 0 ? (this.acc[last]! - this.acc[first]!) / seconds : undefined;
    }
    const d = this.vs[last]! - this.vs[first]!;
    if (fn === 'delta') return d;
    const base = Math.abs(this.vs[first]!);
    return base === 0 ? undefined : d / base;
  }
}

/** The series of one metric and their postings (label name → value → series). */
class MetricSeries {
  readonly series = new Map<string, Ring>();
  readonly postings = new Map<string, Map<string, Set<Ring>>>();
  get size(): number {
    return this.series.size;
  }
  add(r: Ring): void {
    this.series.set(r.key, r);
    for (const [name, value] of Object.entries(r.labels)) {
      let byValue = this.postings.get(name);
      if (!byValue) this.postings.set(name, (byValue = new Map()));
      let set = byValue.get(value);
      if (!set) byValue.set(value, (set = new Set()));
      set.add(r);
    }
  }
  delete(r: Ring): void {
    this.series.delete(r.key);
    for (const [name, value] of Object.entries(r.labels)) {
      const byValue = this.postings.get(name);
      const set = byValue?.get(value);
      set?.delete(r);
      if (set && set.size === 0) byValue!.delete(value);
    }
  }
}

/** Most points a ring holds, whatever the options say. */
export const MAX_RING_POINTS = 4096;

/** Bounded recent samples of the metrics rules select (see the module comment). */
export class SeriesWindow {
  private readonly opts: SeriesWindowOptions;
  private needs = new Map<string, number>();
  private readonly byMetric = new Map<string, MetricSeries>();
  private count = 0;
  private refusedSeries = 0;

  /** @throws InvalidInputError for non-positive limits or interval. */
  constructor(opts: SeriesWindowOptions) {
    for (const [k, v] of Object.entries(opts)) {
      if (!(Number.isFinite(v) && v > 0))
        throw new InvalidInputError(`series window: ${k} must be > 0, got ${v}`);
    }
    this.opts = opts;
  }

  /** Series kept now (never more than `maxSeries`). */
  get size(): number {
    return this.count;
  }

  /** New series not kept because of `maxSeries`, since creation. */
  get refused(): number {
    return this.refusedSeries;
  }

  /**
   * Sets the metrics to keep. Metrics no longer needed are dropped; a metric whose window grew starts again
   * (its rings are re-sized on the next samples).
   */
  setNeeds(needs: readonly MetricNeed[]): void {
    const next = new Map<string, number>();
    for (const n of needs) next.set(n.metric, Math.max(next.get(n.metric) ?? 0, n.windowMs));
    for (const [metric, series] of this.byMetric) {
      const w = next.get(metric);
      if (w === undefined || w > (this.needs.get(metric) ?? 0)) {
        this.count -= series.size;
        this.byMetric.delete(metric);
      }
    }
    this.needs = next;
  }

  private capacity(windowMs: number): number {
    const points = Math.ceil(windowMs / this.opts.scrapeIntervalMs) + 2;
    return Math.max(2, Math.min(points, this.opts.maxPointsPerSeries, MAX_RING_POINTS));
  }

  /** Adds samples (non-finite values and samples not newer than their series' latest are ignored). */
  add(samples: readonly Sample[]): void {
    for (const s of samples) {
      const windowMs = this.needs.get(s.name);
      if (windowMs === undefined || !Number.isFinite(s.value)) continue;
      let series = this.byMetric.get(s.name);
      if (series === undefined) {
        series = new MetricSeries();
        this.byMetric.set(s.name, series);
      }
      const key = seriesKey(s.name, s.labels);
      let ring = series.series.get(key);
      if (ring === undefined) {
        if (this.count >= this.opts.maxSeries) {
          this.refusedSeries++;
          continue;
        }
        ring = new Ring(key, s.labels, this.capacity(windowMs));
        series.add(ring);
        this.count++;
      }
      ring.push(s.timestampMs, s.value);
    }
  }

  /** The kept series of `metric` (empty when no rule selects it). */
  series(metric: string): Iterable<WindowSeries> {
    return this.byMetric.get(metric)?.series.values() ?? [];
  }

  /**
   * The kept series of `metric` whose labels satisfy every matcher. Equality matchers with a non-empty value
   * narrow the scan to the smallest postings list among them.
   */
  select(metric: string, matchers: readonly CompiledMatcher[]): WindowSeries[] {
    const m = this.byMetric.get(metric);
    if (!m) return [];
    let candidates: Iterable<Ring> = m.series.values();
    let smallest = Infinity;
    for (const c of matchers) {
      const { name, value, isRegex, isEqual } = c.matcher;
      if (isRegex || !isEqual || value === '') continue;
      const set = m.postings.get(name)?.get(value);
      if (!set) return [];
      if (set.size < smallest) {
        smallest = set.size;
        candidates = set;
      }
    }
    const out: WindowSeries[] = [];
    for (const r of candidates) if (matchesAll(matchers, r.labels)) out.push(r);
    return out;
  }

  /** Drops series whose latest sample is older than `nowMs - maxAgeMs`. Returns how many were dropped. */
  prune(nowMs: number, maxAgeMs: number): number {
    let dropped = 0;
    for (const m of this.byMetric.values()) {
      for (const r of [...m.series.values()]) {
        if (r.lastTs < nowMs - maxAgeMs) {
          m.delete(r);
          dropped++;
        }
      }
    }
    this.count -= dropped;
    return dropped;
  }
}
