/**
 * What the monitor actually received inside each fault's window, read back from its sample store: the points of
 * the fault's target series the detector could judge, and the target's scrapes (the synthetic `up` sample every
 * scrape that was not skipped stores; 0 for a failed one). The demo report uses it to tell a miss the detector
 * could not have avoided (too few samples, e.g. scrapes skipped or failing under load) from a detector miss.
 */
import { findMetric } from '../catalog/index.ts';
import { getMetric } from '../catalog/index.ts';
import type { FaultLabel } from '../model/anomaly.ts';
import type { Labels } from '../model/sample.ts';
import { MIN_OBSERVATIONS_PER_INTERVAL } from '../monitor/histogram-means.ts';
import type { SampleStore, SeriesPoints } from '../store/types.ts';

/** Samples of one fault window, as the monitor stored them. */
export interface FaultCoverage {
  /** The fault's target series (its label's selector). */
  readonly series: string;
  /**
   * Points of the target series inside the window the detector could judge (the best-covered series when the
   * selector matches several): a gauge's samples; a counter's samples with an earlier sample (one rate each); a
   * histogram's per-interval means (Δcount carried over until {@link MIN_OBSERVATIONS_PER_INTERVAL} observations).
   */
  readonly samples: number;
  /** Consecutive anomalous samples the detection engine needs before an anomaly opens (`confirmSamples`). */
  readonly needed: number;
  /** The target's scrapes inside the window. */
  readonly scrapes: {
    /** Scrapes a target scraped every interval has in the window. */
    readonly expected: number;
    /** Scrapes that stored an `up` sample (skipped scrapes store none). */
    readonly received: number;
    /** Of those, failed ones (`up` = 0: timeout, refused connection, HTTP or parse error). */
    readonly failed: number;
    /** expected − received, at least 0: scrapes skipped (monitor overloaded) or started late. */
    readonly lateOrSkipped: number;
  };
}

/** Options of {@link faultCoverage}. */
export interface FaultCoverageOptions {
  /** The engine's `confirmSamples`. */
  readonly confirmSamples: number;
  /** The targets' scrape interval, ms. */
  readonly scrapeIntervalMs: number;
  /** Label the monitor puts on every sample of a target naming its node (the demo's targets: `node`). */
  readonly nodeLabel: string;
}

/** Series a selector may match at most (a fault's metric on one node has a handful). */
const MAX_SERIES = 64;
/** Samples read before the window, so the first point in it has a predecessor (ms). */
const LOOKBACK_MS = 60_000;
/** Points read per series at most (1 s scrapes over a window of minutes). */
const MAX_POINTS = 100_000;

/**
 * Parses a label's selector `name{a="x",b="y"}` (equality matchers only, as the simulator writes them).
 * Returns null for anything else.
 */
export function parseFaultSelector(selector: string): { name: string; match: Labels } | null {
  const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?$/.exec(selector.trim());
  if (!m) return null;
  const match: Record<string, string> = {};
  const body = m[2] ?? '';
  if (body.trim() !== '') {
    for (const part of body.split(',')) {
      const kv = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"([^"]*)"\s*$/.exec(part);
      if (!kv) return null;
      match[kv[1]!] = kv[2]!;
    }
  }
  return { name: m[1]!, match };
}

/** Judged points of one series inside [startMs, endMs) (see {@link FaultCoverage.samples}). */
function judgedPoints(
  p: SeriesPoints,
  type: 'gauge' | 'counter' | 'histogram',
  startMs: number,
  endMs: number,
): number {
  let n = 0;
  let carried = 0;
  for (let i = 0; i < p.timestampsMs.length; i++) {
    const t = p.timestampsMs[i]!;
    if (t >= endMs) break;
    const inWindow = t >= startMs;
    if (type === 'gauge') {
      if (inWindow) n++;
      continue;
    }
    if (i === 0) continue;
    if (type === 'counter') {
      if (inWindow) n++;
      continue;
    }
    const d = p.values[i]! - p.values[i - 1]!;
    carried = d < 0 ? p.values[i]! : carried + d; // a decrease is a reset
    if (carried >= MIN_OBSERVATIONS_PER_INTERVAL) {
      carried = 0;
      if (inWindow) n++;
    }
  }
  return n;
}

/**
 * Reads, for every fault label, the samples the monitor stored for its target series and its target's scrapes
 * inside the fault window [startMs, endMs). A selector the store has no series for gives 0 samples.
 * @throws StoreError when the store cannot be read.
 */
export async function faultCoverage(
  store: Pick<SampleStore, 'findSeries' | 'readPoints'>,
  labels: readonly FaultLabel[],
  opts: FaultCoverageOptions,
): Promise<FaultCoverage[]> {
  const upName = getMetric('up').name;
  const out: FaultCoverage[] = [];
  for (const f of labels) {
    const start = f.startMs;
    const end = Math.max(f.endMs, f.startMs + 1);
    let samples = 0;
    const sel = parseFaultSelector(f.selector);
    if (sel) {
      const def = findMetric(sel.name);
      const type = sel.name === upName ? 'gauge' : (def?.type ?? 'gauge');
      const stored = type === 'histogram' ? `${sel.name}_count` : sel.name;
      const refs = await store.findSeries(stored, sel.match, MAX_SERIES);
      const points = await store.readPoints(refs, start - LOOKBACK_MS, end - 1, MAX_POINTS);
      for (const p of points) samples = Math.max(samples, judgedPoints(p, type, start, end));
    }
    const upRefs = await store.findSeries(upName, { [opts.nodeLabel]: f.node }, MAX_SERIES);
    const up = await store.readPoints(upRefs, start, end - 1, MAX_POINTS);
    const received = up.reduce((n, p) => n + p.values.length, 0);
    const failed = up.reduce((n, p) => n + p.values.filter((v) => v === 0).length, 0);
    const expected = Math.max(1, Math.round((end - start) / opts.scrapeIntervalMs));
    out.push({
      series: f.selector,
      samples,
      needed: opts.confirmSamples,
      scrapes: { expected, received, failed, lateOrSkipped: Math.max(0, expected - received) },
    });
  }
  return out;
}
