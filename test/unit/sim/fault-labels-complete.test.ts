/**
 * Ground-truth labels are complete and do not over-claim: for every fault kind (except node_down, whose label
 * is the synthetic `up`), a faulted SimNode is stepped next to a clean twin with the same seed, link profile
 * and options, both are read every tick and derived like the monitor derives series (gauge = value, counter =
 * per-second rate, histogram = per-tick mean Δsum/Δcount), and the metrics whose fault-window mean differs are
 * compared with `movedMetrics(kind)`.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FAULT_KINDS, type FaultKind } from '../../../src/model/anomaly.ts';
import { DEFAULT_MAGNITUDE, movedMetrics, type ScheduledFault } from '../../../src/sim/faults.ts';
import type { LinkClass } from '../../../src/sim/link-model.ts';
import { SimNode } from '../../../src/sim/node.ts';
import { Prng } from '../../../src/sim/prng.ts';
import { SIM_T0, testSimNode } from '../../helpers/sim-node.ts';

const T0 = SIM_T0;
const FAULT_START_S = 20;
const FAULT_END_S = 35;
const END_S = 40;
const LINK_CLASSES: readonly LinkClass[] = ['datacenter', 'internet', 'hybrid'];
/** A series moved when its fault-window means differ by more than this share of the clean mean... */
const REL_THRESHOLD = 0.1;
/** ...and by more than this absolute amount (float rounding of rates of large counters)... */
const ABS_FLOOR = 1e-9;
/** ...and the difference is not noise (see seriesMoved for how these are used). */
const MIN_SYNC_TICKS = 5;
const MIN_PAIRED = 8;
const SIGN_SHARE = 0.9;
const NOISE_SIGMAS = 4;
const MIN_EVENTS = 3;

/** Per metric name, per series key (labels without `le`), the derived value at each tick (NaN = none). */
type Series = Map<string, Map<string, number[]>>;
/** A run: its derived series and the state of the node's noise generator after each tick. */
interface Trace {
  readonly series: Series;
  readonly prng: readonly string[];
}

interface Row {
  readonly labels: Record<string, string | number>;
  readonly value: number;
  readonly metricName?: string;
}

function seriesKey(labels: Record<string, string | number>): string {
  return JSON.stringify(
    Object.entries(labels)
      .filter(([k]) => k !== 'le')
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
}

function makeNode(linkClass: LinkClass, faults: ScheduledFault[]): SimNode {
  return testSimNode(linkClass, { faults });
}

/** Ticks a node once per second for END_S seconds and records the derived value of every series. */
async function trace(linkClass: LinkClass, faults: ScheduledFault[]): Promise<Trace> {
  const node = makeNode(linkClass, faults);
  // The noise generator is private; the test peeks at it to know while the twins draw the same noise.
  const prng: unknown = Reflect.get(node, 'prng');
  assert.ok(prng instanceof Prng, 'SimNode keeps its noise generator in `prng`');
  const states: string[] = [];
  const out: Series = new Map();
  const prevCounter = new Map<string, number>();
  const prevHist = new Map<string, { sum: number; count: number }>();
  const put = (metric: string, key: string, tick: number, v: number): void => {
    let bySeries = out.get(metric);
    if (!bySeries) out.set(metric, (bySeries = new Map()));
    let values = bySeries.get(key);
    if (!values) bySeries.set(key, (values = new Array<number>(END_S).fill(Number.NaN)));
    values[tick] = v;
  };
  for (let s = 0; s < END_S; s++) {
    node.tick(T0 + s * 1000);
    states.push(JSON.stringify(prng));
    for (const m of await node.registry.getMetricsAsJSON()) {
      const rows = m.values as Row[];
      const type = String(m.type); // prom-client's MetricType enum: 'gauge' | 'counter' | 'histogram' | 'summary'
      if (type === 'gauge') {
        for (const r of rows) put(m.name, seriesKey(r.labels), s, r.value);
      } else if (type === 'counter') {
        for (const r of rows) {
          const key = seriesKey(r.labels);
          const id = `${m.name}${key}`;
          const prev = prevCounter.get(id);
          put(m.name, key, s, prev === undefined ? Number.NaN : r.value - prev); // 1 s ticks
          prevCounter.set(id, r.value);
        }
      } else if (type === 'histogram') {
        const acc = new Map<string, { sum: number; count: number }>();
        for (const r of rows) {
          const key = seriesKey(r.labels);
          const a = acc.get(key) ?? { sum: 0, count: 0 };
          if (r.metricName === `${m.name}_sum`) a.sum = r.value;
          else if (r.metricName === `${m.name}_count`) a.count = r.value;
          acc.set(key, a);
        }
        for (const [key, a] of acc) {
          const id = `${m.name}${key}`;
          const prev = prevHist.get(id) ?? { sum: 0, count: 0 };
          const dCount = a.count - prev.count;
          put(m.name, key, s, dCount > 0 ? (a.sum - prev.sum) / dCount : Number.NaN);
          prevHist.set(id, a);
        }
      } else {
        assert.fail(`unexpected metric type ${type} of ${m.name}`);
      }
    }
  }
  return { series: out, prng: states };
}

const same = (a: number, b: number): boolean => a === b || (Number.isNaN(a) && Number.isNaN(b));

/** Mean, variance and count of the defined values at ticks [from, to) (n = 0: series absent or never observed). */
function windowStats(
  values: readonly number[] | undefined,
  from: number,
  to: number,
): { mean: number; variance: number; n: number } {
  const xs: number[] = [];
  for (let s = from; s < to; s++) {
    const v = values?.[s];
    if (v !== undefined && !Number.isNaN(v)) xs.push(v);
  }
  const n = xs.length;
  if (n === 0) return { mean: 0, variance: 0, n };
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1) : 0;
  return { mean, variance, n };
}

/**
 * Asserts the twins are identical before the fault (same seed, same draws) and returns the first tick at or
 * after the fault start where their noise generators differ (FAULT_END_S when they stay in sync).
 */
function syncEnd(faulted: Trace, clean: Trace, what: string): number {
  const f = faulted.series;
  const c = clean.series;
  for (let s = 0; s < FAULT_START_S; s++)
    assert.equal(faulted.prng[s], clean.prng[s], `${what}: noise differs before the fault at t=${s}s`);
  assert.deepEqual([...f.keys()].sort(), [...c.keys()].sort(), `${what}: same metrics`);
  for (const [metric, bySeries] of c) {
    const other = f.get(metric)!;
    for (const [key, values] of bySeries) {
      const fv = other.get(key);
      for (let s = 0; s < FAULT_START_S; s++) {
        const a = fv?.[s] ?? Number.NaN;
        assert.ok(same(a, values[s]!), `${what}: ${metric}${key} differs before the fault at t=${s}s`);
      }
    }
    for (const key of other.keys())
      if (!bySeries.has(key))
        assert.ok(
          other.get(key)!.slice(0, FAULT_START_S).every(Number.isNaN),
          `${what}: ${metric}${key} exists only on the faulted twin before the fault`,
        );
  }
  let s = FAULT_START_S;
  while (s < FAULT_END_S && faulted.prng[s] === clean.prng[s]) s++;
  return s;
}

/**
 * Whether the means of ticks [from, to) differ: by more than REL_THRESHOLD of the clean mean and more than
 * ABS_FLOOR, or the series has values in one twin only (on at least half the ticks there: it appeared or
 * vanished, e.g. its mode label changed; a sparse histogram such as one VM size to one peer is not
 * comparable). Returns the evidence, or undefined.
 */
function meansDiffer(
  f: readonly number[] | undefined,
  c: readonly number[] | undefined,
  from: number,
  to: number,
): string | undefined {
  const fs = windowStats(f, from, to);
  const cs = windowStats(c, from, to);
  if (fs.n === 0 || cs.n === 0) {
    const n = Math.max(fs.n, cs.n);
    return n >= (to - from) / 2
      ? `only on the ${fs.n > 0 ? 'faulted' : 'clean'} twin (${n} ticks)`
      : undefined;
  }
  const diff = Math.abs(fs.mean - cs.mean);
  if (!(diff > ABS_FLOOR && diff > REL_THRESHOLD * Math.abs(cs.mean))) return undefined;
  return `clean ${cs.mean.toPrecision(4)} faulted ${fs.mean.toPrecision(4)}`;
}

/**
 * Whether one series moved during the fault (the evidence) or not (undefined).
 *
 * While the twins' noise generators are in sync (checked on the generator state after every tick) their noise
 * is identical, so any difference is the fault's: over the in-sync part of the window (if ≥ MIN_SYNC_TICKS),
 * differing means (see meansDiffer) are enough. A fault that changes how many random numbers a tick draws (a
 * mode switch, the draw skipped after a consensus timeout, the extra Poisson draw of byzantine events)
 * desynchronises the noise from then on, and differing means alone would also catch noisy series the fault
 * did not move. So over the whole window the means must differ and the difference must not be noise:
 * - paired: the ticks where the twins differ (≥ MIN_PAIRED) are ≥ SIGN_SHARE on the same side (a real effect
 *   is one-sided on every tick whatever the noise; desynchronised noise is two-sided);
 * - Welch: the means differ by more than NOISE_SIGMAS standard errors (each twin with ≥ MIN_EVENTS values);
 * - the clean twin is constant over the whole run and the faulted twin leaves that constant on ≥ MIN_EVENTS
 *   ticks of the window (rare events, e.g. timeouts on a series that is otherwise always zero).
 */
function seriesMoved(
  f: readonly number[] | undefined,
  c: readonly number[] | undefined,
  inSyncUntil: number,
): string | undefined {
  if (inSyncUntil - FAULT_START_S >= MIN_SYNC_TICKS) {
    const exact = meansDiffer(f, c, FAULT_START_S, inSyncUntil);
    if (exact !== undefined) return `${exact} (noise in sync until t=${inSyncUntil}s)`;
  }
  const evidence = meansDiffer(f, c, FAULT_START_S, FAULT_END_S);
  if (evidence === undefined) return undefined;
  if (evidence.startsWith('only')) return evidence;
  let up = 0;
  let down = 0;
  for (let s = FAULT_START_S; s < FAULT_END_S; s++) {
    const d = (f?.[s] ?? Number.NaN) - (c?.[s] ?? Number.NaN);
    if (d > ABS_FLOOR) up++;
    else if (d < -ABS_FLOOR) down++;
  }
  if (up + down >= MIN_PAIRED && Math.max(up, down) >= SIGN_SHARE * (up + down))
    return `${evidence} (paired: ${up} up, ${down} down)`;
  const fs = windowStats(f, FAULT_START_S, FAULT_END_S);
  const cs = windowStats(c, FAULT_START_S, FAULT_END_S);
  const se = Math.sqrt(fs.variance / fs.n + cs.variance / cs.n);
  if (fs.n >= MIN_EVENTS && cs.n >= MIN_EVENTS && Math.abs(fs.mean - cs.mean) > NOISE_SIGMAS * se)
    return `${evidence} (Welch: ${(Math.abs(fs.mean - cs.mean) / se).toPrecision(3)} se)`;
  const defined = (c ?? []).filter((v) => !Number.isNaN(v));
  if (defined.length > 0 && defined.every((v) => v === defined[0])) {
    let off = 0;
    for (let s = FAULT_START_S; s < FAULT_END_S; s++) {
      const v = f?.[s] ?? Number.NaN;
      if (!Number.isNaN(v) && Math.abs(v - defined[0]!) > ABS_FLOOR) off++;
    }
    if (off >= MIN_EVENTS) return `${evidence} (clean constant, faulted off on ${off} ticks)`;
  }
  return undefined;
}

/** Metrics with at least one moved series (see seriesMoved), with the evidence. */
function movedBetween(faulted: Trace, clean: Trace, inSyncUntil: number): Map<string, string> {
  const moved = new Map<string, string>();
  for (const metric of new Set([...faulted.series.keys(), ...clean.series.keys()])) {
    const f = faulted.series.get(metric) ?? new Map<string, number[]>();
    const c = clean.series.get(metric) ?? new Map<string, number[]>();
    for (const key of new Set([...f.keys(), ...c.keys()])) {
      const evidence = seriesMoved(f.get(key), c.get(key), inSyncUntil);
      if (evidence !== undefined) {
        moved.set(metric, `${key}: ${evidence}`);
        break;
      }
    }
  }
  return moved;
}

const KINDS = FAULT_KINDS.filter((k): k is Exclude<FaultKind, 'node_down'> => k !== 'node_down');

describe('fault labels match what the simulator really moves', () => {
  const cleanTraces = new Map<LinkClass, Promise<Trace>>();
  const cleanTrace = (linkClass: LinkClass): Promise<Trace> => {
    let t = cleanTraces.get(linkClass);
    if (!t) cleanTraces.set(linkClass, (t = trace(linkClass, [])));
    return t;
  };

  for (const kind of KINDS) {
    it(`${kind}: moved metrics ⊆ movedMetrics(kind), and every labelled metric moves on some link class`, async () => {
      const fault: ScheduledFault = {
        kind,
        node: 0,
        startMs: FAULT_START_S * 1000,
        durationMs: (FAULT_END_S - FAULT_START_S) * 1000,
        magnitude: DEFAULT_MAGNITUDE[kind],
      };
      const labelled = new Set<string>(movedMetrics(kind));
      const movedAnywhere = new Set<string>();
      const unlabelled: string[] = [];
      for (const linkClass of LINK_CLASSES) {
        const clean = await cleanTrace(linkClass);
        const faulted = await trace(linkClass, [fault]);
        const inSyncUntil = syncEnd(faulted, clean, `${kind} on ${linkClass}`);
        const moved = movedBetween(faulted, clean, inSyncUntil);
        assert.ok(moved.size > 0, `${kind} on ${linkClass} moves nothing`);
        for (const [metric, evidence] of moved) {
          movedAnywhere.add(metric);
          if (!labelled.has(metric)) unlabelled.push(`${linkClass}: ${metric} ${evidence}`);
        }
      }
      assert.deepEqual(unlabelled, [], `${kind} moves metrics its label does not list`);
      const neverMoved = [...labelled].filter((m) => !movedAnywhere.has(m));
      assert.deepEqual(neverMoved, [], `${kind} labels metrics that never move`);
    });
  }
});
