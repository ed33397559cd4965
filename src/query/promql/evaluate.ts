/**
 * Evaluates the subset's tree ({@link PromExpr}) at evenly spaced steps, over a narrow read interface (no I/O
 * here): instant selectors take a series' latest sample within the lookback delta (default 5 min), range functions
 * the samples in `[t − range, t]` (both shifted back by an `offset`), as Prometheus 2.x does. Staleness markers are not stored by this monitor, so a
 * series that stopped is visible for the lookback delta after its last sample.
 * @see https://prometheus.io/docs/prometheus/latest/querying/basics/#staleness
 */
import type { PromExpr, Selector } from './ast.ts';
import { binaryOperation } from './binary.ts';
import { PromQueryError } from './errors.ts';
import { applyInstantFunction } from './functions.ts';
import { dropName, labelsKey, matchesAll, compareLabels, type PromLabels } from './labels.ts';
import { applyRangeFunction } from './range-functions.ts';

/** Samples of one stored series, time-ordered (timestamps Unix ms). */
export interface PromSeriesData {
  readonly labels: PromLabels;
  readonly timestampsMs: readonly number[];
  readonly values: readonly number[];
}

/** What the evaluator reads: the series of a selector with their samples in `[startMs, endMs]`. */
export interface PromDataReader {
  /** May return series the matchers reject (they are checked again here). */
  select(selector: Selector, startMs: number, endMs: number): Promise<readonly PromSeriesData[]>;
}

/** Steps and bounds of one evaluation. */
export interface EvalOptions {
  /** First and last step, Unix ms (an instant query: both the query's time). */
  readonly startMs: number;
  readonly endMs: number;
  /** Step, ms (> 0). */
  readonly stepMs: number;
  /** Lookback delta of instant selectors, ms (Prometheus' default 5 min). */
  readonly lookbackMs: number;
  /** Most series one selector or result may have; more → `execution` error. */
  readonly maxSeries: number;
}

/** One result series: its labels and one value per step (undefined: no value at that step). */
export interface EvalSeries {
  readonly labels: PromLabels;
  readonly values: readonly (number | undefined)[];
}

/** The value of an expression at every step. */
export type EvalResult =
  | { readonly kind: 'scalar'; readonly values: readonly number[] }
  | { readonly kind: 'vector'; readonly series: readonly EvalSeries[] };

/** Prometheus' default lookback delta, ms. */
export const DEFAULT_LOOKBACK_MS = 300_000;

/** The step times of `opts`, Unix ms. */
export function stepTimes(opts: Pick<EvalOptions, 'startMs' | 'endMs' | 'stepMs'>): number[] {
  const out: number[] = [];
  for (let t = opts.startMs; t <= opts.endMs; t += opts.stepMs) out.push(t);
  return out;
}

function tooMany(opts: EvalOptions): PromQueryError {
  return new PromQueryError(
    'execution',
    `the query selects more than ${opts.maxSeries} series; narrow it with label matchers`,
  );
}

/** The series of `sel` with their samples from `fromMs` (before the offset) to the last step shifted by it. */
async function selected(sel: Selector, reader: PromDataReader, fromMs: number, opts: EvalOptions) {
  const data = (await reader.select(sel, fromMs - sel.offsetMs, opts.endMs - sel.offsetMs)).filter(
    (s) =>
      (sel.metric === undefined || s.labels['__name__'] === sel.metric) && matchesAll(s.labels, sel.matchers),
  );
  if (data.length > opts.maxSeries) throw tooMany(opts);
  return data;
}

/** Index of the last timestamp ≤ t at or after `from`, moving forward only (times ascending). */
function advance(ts: readonly number[], from: number, t: number): number {
  let i = from;
  while (i + 1 < ts.length && ts[i + 1]! <= t) i++;
  return i;
}

async function instant(sel: Selector, reader: PromDataReader, times: number[], opts: EvalOptions) {
  const data = await selected(sel, reader, opts.startMs - opts.lookbackMs, opts);
  return data.map((s): EvalSeries => {
    let i = -1;
    const values = times.map((step) => {
      const t = step - sel.offsetMs;
      i = advance(s.timestampsMs, i, t);
      const ts = s.timestampsMs[i];
      return ts !== undefined && ts <= t && ts >= t - opts.lookbackMs ? s.values[i] : undefined;
    });
    return { labels: s.labels, values };
  });
}

async function rangeCall(
  e: Extract<PromExpr, { kind: 'range-call' }>,
  reader: PromDataReader,
  times: number[],
  opts: EvalOptions,
) {
  const data = await selected(e.selector, reader, opts.startMs - e.rangeMs, opts);
  return data.map((s): EvalSeries => {
    let from = 0;
    let to = -1;
    const values = times.map((step) => {
      const t = step - e.selector.offsetMs;
      while (from < s.timestampsMs.length && s.timestampsMs[from]! < t - e.rangeMs) from++;
      to = advance(s.timestampsMs, to, t);
      const w = { timestampsMs: s.timestampsMs, values: s.values, from, to };
      return applyRangeFunction(e.fn, w, t - e.rangeMs, t, e.rangeMs);
    });
    return { labels: e.fn === 'last_over_time' ? s.labels : dropName(s.labels), values };
  });
}

function groupLabels(
  labels: PromLabels,
  g: Extract<PromExpr, { kind: 'aggregate' }>['grouping'],
): PromLabels {
  if (g === undefined) return {};
  const out: Record<string, string> = {};
  if (g.mode === 'by') {
    // Prometheus keeps a listed __name__ (engine.go aggregation: lb.Keep(grouping...))
    for (const l of g.labels) if (labels[l] !== undefined) out[l] = labels[l]!;
  } else {
    for (const [k, v] of Object.entries(labels)) if (k !== '__name__' && !g.labels.includes(k)) out[k] = v;
  }
  return out;
}

function aggregate(e: Extract<PromExpr, { kind: 'aggregate' }>, input: readonly EvalSeries[], steps: number) {
  const groups = new Map<string, { labels: PromLabels; members: EvalSeries[] }>();
  for (const s of input) {
    const labels = groupLabels(s.labels, e.grouping);
    const key = labelsKey(labels);
    const g = groups.get(key) ?? { labels, members: [] };
    g.members.push(s);
    groups.set(key, g);
  }
  return [...groups.values()].map((g): EvalSeries => {
    const values: (number | undefined)[] = [];
    for (let k = 0; k < steps; k++) {
      const vs = g.members.map((m) => m.values[k]).filter((v): v is number => v !== undefined);
      values.push(vs.length === 0 ? undefined : combine(e.op, vs));
    }
    return { labels: g.labels, values };
  });
}

function combine(op: Extract<PromExpr, { kind: 'aggregate' }>['op'], vs: readonly number[]): number {
  if (op === 'count') return vs.length;
  if (op === 'min' || op === 'max') {
    let r = NaN;
    for (const v of vs) if (Number.isNaN(r) || (op === 'min' ? v < r : v > r)) r = v;
    return r;
  }
  let sum = 0;
  for (const v of vs) sum += v;
  return op === 'sum' ? sum : sum / vs.length;
}

/** An instant-vector function: scalar arguments per step, then the one vector argument. */
async function call(
  e: Extract<PromExpr, { kind: 'call' }>,
  reader: PromDataReader,
  times: number[],
  opts: EvalOptions,
): Promise<EvalSeries[]> {
  const scalars: number[][] = [];
  let vector: readonly EvalSeries[] = [];
  for (const a of e.args) {
    const r = await evalAt(a, reader, times, opts);
    if (r.kind === 'scalar') scalars.push([...r.values]);
    else vector = r.series;
  }
  return applyInstantFunction(e.fn, scalars, vector, times.length);
}

async function evalAt(
  e: PromExpr,
  reader: PromDataReader,
  times: number[],
  opts: EvalOptions,
): Promise<EvalResult> {
  switch (e.kind) {
    case 'number':
      return { kind: 'scalar', values: times.map(() => e.value) };
    case 'selector':
      return { kind: 'vector', series: await instant(e.selector, reader, times, opts) };
    case 'range-call':
      return { kind: 'vector', series: await rangeCall(e, reader, times, opts) };
    case 'aggregate': {
      const inner = await evalAt(e.expr, reader, times, opts);
      if (inner.kind === 'scalar')
        throw new PromQueryError('bad_data', `${e.op}() takes a vector, not a scalar`);
      return { kind: 'vector', series: aggregate(e, inner.series, times.length) };
    }
    case 'negate': {
      const inner = await evalAt(e.expr, reader, times, opts);
      return inner.kind === 'scalar'
        ? { kind: 'scalar', values: inner.values.map((v) => -v) }
        : {
            kind: 'vector',
            series: inner.series.map((s) => ({
              labels: dropName(s.labels),
              values: s.values.map((v) => (v === undefined ? v : -v)),
            })),
          };
    }
    case 'call':
      return { kind: 'vector', series: await call(e, reader, times, opts) };
    case 'binary': {
      const l = await evalAt(e.lhs, reader, times, opts);
      const r = await evalAt(e.rhs, reader, times, opts);
      return binaryOperation(e, l, r, times.length);
    }
  }
}

/**
 * Evaluates `expr` at every step of `opts`. Result series are sorted by labels; series with no value at any step
 * are left out.
 * @throws PromQueryError `execution` when a selection or the result has more than `opts.maxSeries` series,
 *   `bad_data` for a scalar where a vector is needed; errors of `reader` pass through
 */
export async function evaluate(
  expr: PromExpr,
  reader: PromDataReader,
  opts: EvalOptions,
): Promise<EvalResult> {
  const r = await evalAt(expr, reader, stepTimes(opts), opts);
  if (r.kind === 'scalar') return r;
  const series = r.series.filter((s) => s.values.some((v) => v !== undefined));
  if (series.length > opts.maxSeries) throw tooMany(opts);
  return { kind: 'vector', series: [...series].sort((a, b) => compareLabels(a.labels, b.labels)) };
}
