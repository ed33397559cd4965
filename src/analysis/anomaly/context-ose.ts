/**
 * CAD OSE — Contextual Anomaly Detector, Open Source Edition (Mikhail Smirnov, 2016; the NAB 2016 competition
 * winner, 69.90 / 66.98 / 73.18 standard / low-FP / low-FN in NAB's final_results.json). Written from the
 * description in the NAB dataset's RESEARCH-NOTES.md §6.4 and from reading NAB's MIT-licensed sources
 * (numenta/NAB @ ea702d75, `nab/detectors/context_ose/{cad_ose,context_operator,context_ose_detector}.py`);
 * the data layout here (typed arrays, id lists, incremental crossing) is our own. This file holds the options,
 * the value range, the refractory period and snapshots; the context memory and its per-sample step (1–4 below)
 * are in context-ose-memory.ts.
 *
 * Method. Each value is quantised to a level `floor((x − min) / ((max − min) / (2^bits − 1)))` (bits = 3:
 * levels 0..7) and bit `b` of the level becomes the "fact" `2b + bit` (3 facts per sample). A context is a pair
 * (left semi-context, right semi-context) of fact sets; semi-contexts are stored once and indexed by fact, so
 * matching a fact set against memory is counting, per semi-context, how many of its facts are present.
 * Per sample:
 *  1. the pair (previous left group, current facts) is the zero-level context: found, or created ("new").
 *  2. The current facts are crossed with every right semi-context. Among the contexts whose left part fully
 *     matched the previous left group ("selected"), those whose right part fully matches now are "active"
 *     (activation count + 1). When step 1 created a new context, partial overlaps of zero-level contexts
 *     yield potential new contexts (intersection of left and right parts, left part ≤ 7 facts).
 *  3. The 15 most activated active contexts (ties broken by the hashes of their left/right fact tuples, as the
 *     reference does) become "neurons": their ids, offset by 2^31, join the current facts as the next left
 *     group. The potential contexts are stored (counting the truly new ones) and the left group is crossed
 *     with every left semi-context.
 *  4. Raw score = `(1 − active/selected + newlyStored/uniquePotential) / 2` (each ratio 0 when undefined;
 *     the second only when step 1 created a context). Output = raw score if every raw score of the previous
 *     `restPeriod` samples was < `baseThreshold` (0.75), else 0 (refractory; the history starts with one 1.0).
 * (An older revision of the reference also zeroed the score when the previous step "predicted" every fact;
 * NAB's published outputs were made without it, so this port leaves it out on purpose.)
 *
 * Fidelity: with `inputRange` = the file's min/max, `restPeriod` = floor(P/5) and `tieBreak` 'cpython2',
 * the outputs equal NAB's stored contextOSE outputs (to their 12 printed digits) on the files we checked.
 *
 * Range. NAB hands the detector the file's global min/max (`inputRange`; published rules). A live monitor has
 * none, so by default the range is learned from the first `rangeSamples` values (buffered, not judged, then
 * replayed into the model), widened by `rangeMargin`·(max − min) on each side; later values are clamped to
 * the end levels. The `expanding` strategy (default) starts the same way but, when a value leaves the range,
 * widens it to the last `rangeSamples` values plus that value (with the margin), rebuilds the model and replays
 * those values (bounded: a ring of `rangeSamples` values; one replay costs `rangeSamples` steps).
 *
 * Memory. Contexts and semi-contexts are capped (`maxContexts`, `maxSemiContexts`); when a cap is reached no
 * new ones are created ("freeze": the detector keeps matching with what it has; the score's novelty term
 * then stays 0). Measured on NAB (published rules): uncapped files reach 64k contexts; a 20k cap gives the
 * same 69.90/66.98/73.18, so 20k is the default and eviction was not needed.
 *
 * Live range on NAB (standard/low-FP/low-FN; published rules 69.90/66.98/73.18): first-n N=300 margin 0.1
 * 45.1/34.9/51.3, N=750 margin 0.1 51.8/41.9/58.1, N=750 margin 0.5 53.4/46.0/59.1, N=750 margin 1.0
 * 54.6/47.4/59.8; expanding N=750 margin 0.25 54.9/45.9/60.4 (default).
 */
import { InvalidInputError } from '../../errors.ts';
import type { Severity } from '../../model/dwcp.ts';
import { NOT_JUDGED, scoreOnlyVerdict } from './detector.ts';
import type { DetectorSnapshot, InputRange, PersistentDetector, Verdict } from './detector.ts';
import { ContextMemory, NEURON, type ContextOseTieBreak, type ModelParams } from './context-ose-memory.ts';
import { checkIntIn } from './option-checks.ts';

/** How a live detector (no `inputRange`) learns its value range. */
export type ContextOseRangeStrategy = 'first-n' | 'expanding';

/** Options of {@link createContextOseDetector}. */
export interface ContextOseOptions {
  /** Fixed value range (NAB's published rules give the file's min/max). null = learn it causally. */
  readonly inputRange: InputRange | null;
  /**
   * Refractory length in samples: a raw score ≥ `baseThreshold` silences the output for this many following
   * samples. NAB uses `floor(P / 5)` with P = probation = min(floor(0.15·n), 750), i.e. 150 on long files.
   * Integer in [0, 1e6].
   */
  readonly restPeriod: number;
  /** Raw score that starts a refractory period (reference: 0.75). In (0, 1]. */
  readonly baseThreshold: number;
  /** `anomalous` = output score ≥ this (NAB-optimal standard threshold, measured). In [0, 1]. */
  readonly alertThreshold: number;
  /** Bits per quantised value (reference: 3, i.e. 8 levels). Integer in [1, 16]. */
  readonly valueBits: number;
  /** Longest left part of a context created by intersection (reference: 7). Integer in [1, 64]. */
  readonly maxLeftSemiContextLength: number;
  /** Active contexts that become neurons of the next left group (reference: 15). Integer in [0, 1000]. */
  readonly maxActiveNeurons: number;
  /** Hard cap on stored contexts (then no new ones). Integer in [1, 2^24]. */
  readonly maxContexts: number;
  /** Hard cap on stored semi-contexts per side (then no new ones). Integer in [1, 2^24]. */
  readonly maxSemiContexts: number;
  /** Live range: how it is learned (ignored with `inputRange`). */
  readonly rangeStrategy: ContextOseRangeStrategy;
  /** Live range: samples buffered before the first range is fixed. Integer in [2, 100000]. */
  readonly rangeSamples: number;
  /** Live range: widening of the learned [min, max] on each side, as a fraction of max − min. In [0, 100]. */
  readonly rangeMargin: number;
  /**
   * Tie-break hash for the neuron choice: 'cpython2' (Python 2 / CPython ≤ 3.7, as behind NAB's published
   * outputs) or 'cpython38' (CPython ≥ 3.8, as NAB's Python 3 port would run today).
   */
  readonly tieBreak: ContextOseTieBreak;
}

/** Defaults: the reference's parameters, plus the live range strategy chosen by measurement on NAB. */
export const CONTEXT_OSE_DEFAULTS: ContextOseOptions = Object.freeze({
  inputRange: null,
  restPeriod: 150,
  baseThreshold: 0.75,
  alertThreshold: 0.766,
  valueBits: 3,
  maxLeftSemiContextLength: 7,
  maxActiveNeurons: 15,
  maxContexts: 20_000,
  maxSemiContexts: 20_000,
  rangeStrategy: 'expanding',
  rangeSamples: 750,
  rangeMargin: 0.25,
  tieBreak: 'cpython2',
});

const DETECTOR = 'context-ose';
const VERSION = 1;
function validate(o: ContextOseOptions): void {
  if (o.inputRange !== null) {
    const { min, max } = o.inputRange;
    if (!Number.isFinite(min) || !Number.isFinite(max) || max < min) {
      throw new InvalidInputError(`inputRange must have finite min <= max, got [${min}, ${max}]`);
    }
  }
  checkIntIn('restPeriod', o.restPeriod, 0, 1_000_000);
  if (!(o.baseThreshold > 0 && o.baseThreshold <= 1))
    throw new InvalidInputError(`baseThreshold must be in (0, 1], got ${o.baseThreshold}`);
  if (!(o.alertThreshold >= 0 && o.alertThreshold <= 1))
    throw new InvalidInputError(`alertThreshold must be in [0, 1], got ${o.alertThreshold}`);
  checkIntIn('valueBits', o.valueBits, 1, 16);
  checkIntIn('maxLeftSemiContextLength', o.maxLeftSemiContextLength, 1, 64);
  checkIntIn('maxActiveNeurons', o.maxActiveNeurons, 0, 1000);
  checkIntIn('maxContexts', o.maxContexts, 1, 2 ** 24);
  checkIntIn('maxSemiContexts', o.maxSemiContexts, 1, 2 ** 24);
  if (o.rangeStrategy !== 'first-n' && o.rangeStrategy !== 'expanding') {
    throw new InvalidInputError(
      `rangeStrategy must be 'first-n' or 'expanding', got ${String(o.rangeStrategy)}`,
    );
  }
  checkIntIn('rangeSamples', o.rangeSamples, 2, 100_000);
  if (!(o.rangeMargin >= 0 && o.rangeMargin <= 100))
    throw new InvalidInputError(`rangeMargin must be in [0, 100], got ${o.rangeMargin}`);
  if (o.tieBreak !== 'cpython2' && o.tieBreak !== 'cpython38') {
    throw new InvalidInputError(`tieBreak must be 'cpython2' or 'cpython38', got ${String(o.tieBreak)}`);
  }
}

/** Snapshot state layout (version 1). */
interface SnapshotState {
  readonly min: number | null;
  readonly max: number | null;
  readonly buffer: number[];
  readonly sinceHigh: number;
  readonly lastAnomalous: boolean;
  readonly leftFacts: number[][];
  readonly rightFacts: number[][];
  /** Per context: [left id, right id, activations, zero-level 0/1]. */
  readonly contexts: number[][];
  readonly leftGroup: number[];
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isFactList = (v: unknown): v is number[] =>
  Array.isArray(v) &&
  v.every((f) => Number.isInteger(f) && (f as number) >= 0) &&
  v.every((f, i) => i === 0 || (v[i - 1] as number) < (f as number));

/**
 * Creates a CAD OSE detector for one series (see the module comment for the method and the live range rules).
 * Verdict: `score` = CAD OSE output in [0, 1] (0 during the refractory period); `anomalous` = score ≥
 * `alertThreshold`; `expected`/`lower`/`upper` = NaN and `deviation` = 0 (the method has no value baseline);
 * `confidence` = score; `warmingUp` while the live range is still being learned (those values are buffered,
 * then replayed into the model). Non-finite values return {@link NOT_JUDGED} and leave the state unchanged.
 * Throws InvalidInputError for invalid options.
 */
export function createContextOseDetector(options: Partial<ContextOseOptions> = {}): PersistentDetector {
  const o: ContextOseOptions = { ...CONTEXT_OSE_DEFAULTS, ...options };
  validate(o);
  const params: ModelParams = {
    maxLeft: o.maxLeftSemiContextLength,
    maxNeurons: o.maxActiveNeurons,
    maxContexts: o.maxContexts,
    maxSemi: o.maxSemiContexts,
    tieBreak: o.tieBreak,
  };
  const maxLevel = 2 ** o.valueBits - 1;

  let mem = new ContextMemory(params);
  let min: number | null = o.inputRange?.min ?? null;
  let max: number | null = o.inputRange?.max ?? null;
  /** Live range: values seen before the range is fixed (first-n), or the replay history (expanding). */
  let buffer: number[] = [];
  /** Raw scores since the last one ≥ baseThreshold (the reference's history starts with a 1.0). */
  let sinceHigh = 0;
  let lastAnomalous = false;

  const facts = (x: number): number[] => {
    const full = max! - min! === 0 ? maxLevel : max! - min!;
    const stepSize = full / maxLevel;
    let level = Math.trunc((x - min!) / stepSize);
    if (!(level >= 0)) level = 0;
    if (level > maxLevel) level = maxLevel;
    const out: number[] = [];
    for (let b = 0; b < o.valueBits; b++) out.push(2 * b + ((level >> b) & 1));
    return out;
  };

  /** Learns x; returns the output score (after the refractory rule). */
  const learn = (x: number): number => {
    const raw = mem.step(facts(x));
    const out = sinceHigh >= o.restPeriod ? raw : 0;
    sinceHigh = raw >= o.baseThreshold ? 0 : Math.min(sinceHigh + 1, 1_000_000_000);
    return out;
  };

  const fixRange = (values: readonly number[]): void => {
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of values) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const pad = (hi - lo) * o.rangeMargin;
    min = lo - pad;
    max = hi + pad;
  };

  const relearn = (values: readonly number[]): void => {
    mem = new ContextMemory(params);
    sinceHigh = 0;
    for (const v of values) learn(v);
  };

  const verdict = (score: number): Verdict => {
    const anomalous = score >= o.alertThreshold;
    let severity: Severity = 'low';
    if (anomalous) severity = score >= 0.95 ? 'critical' : score >= 0.85 ? 'high' : 'medium';
    const v = scoreOnlyVerdict(score, anomalous, severity, lastAnomalous && !anomalous);
    lastAnomalous = anomalous;
    return v;
  };

  return {
    name: DETECTOR,
    update(value: number, _timestampMs: number): Verdict {
      if (!Number.isFinite(value)) return NOT_JUDGED;
      if (min === null || max === null) {
        buffer.push(value);
        if (buffer.length < o.rangeSamples) return NOT_JUDGED;
        fixRange(buffer);
        relearn(buffer);
        if (o.rangeStrategy === 'first-n') buffer = [];
        return { ...NOT_JUDGED };
      }
      if (o.inputRange === null && o.rangeStrategy === 'expanding') {
        if (value < min || value > max) {
          const hist = [...buffer, value];
          fixRange(hist);
          relearn(buffer);
        }
        buffer.push(value);
        if (buffer.length > o.rangeSamples) buffer.shift();
      }
      return verdict(learn(value));
    },
    stateBytes(): number {
      return mem.stateBytes() + buffer.length * 8 + 128;
    },
    snapshot(): DetectorSnapshot {
      const contexts: number[][] = [];
      for (let c = 0; c < mem.nContexts; c++) {
        contexts.push([mem.ctxLeft[c]!, mem.ctxRight[c]!, mem.ctxAct[c]!, mem.ctxZero[c]!]);
      }
      const state: SnapshotState = {
        min,
        max,
        buffer: buffer.slice(),
        sinceHigh,
        lastAnomalous,
        leftFacts: mem.left.facts.map((f) => f.slice()),
        rightFacts: mem.right.facts.map((f) => f.slice()),
        contexts,
        leftGroup: mem.leftGroup.slice(),
      };
      return { detector: DETECTOR, version: VERSION, state };
    },
    restore(s: DetectorSnapshot): void {
      if (s === null || typeof s !== 'object' || s.detector !== DETECTOR || s.version !== VERSION) {
        throw new InvalidInputError(`snapshot is not a ${DETECTOR} v${VERSION} snapshot`);
      }
      const st = s.state as Partial<SnapshotState> | null;
      const bad = (why: string): never => {
        throw new InvalidInputError(`malformed ${DETECTOR} snapshot: ${why}`);
      };
      if (st === null || typeof st !== 'object') return bad('state is not an object');
      const { leftFacts, rightFacts, contexts, leftGroup, buffer: buf } = st;
      if (!(st.min === null ? st.max === null : isNum(st.min) && isNum(st.max) && st.max >= st.min))
        bad('min/max');
      if (o.inputRange !== null && (st.min !== o.inputRange.min || st.max !== o.inputRange.max))
        bad('range differs from inputRange');
      if (!Array.isArray(buf) || !buf.every(isNum) || buf.length > o.rangeSamples) bad('buffer');
      if (!Number.isInteger(st.sinceHigh) || st.sinceHigh! < 0) bad('sinceHigh');
      if (typeof st.lastAnomalous !== 'boolean') bad('lastAnomalous');
      if (!Array.isArray(leftFacts) || leftFacts.length > o.maxSemiContexts || !leftFacts.every(isFactList))
        bad('leftFacts');
      if (
        !Array.isArray(rightFacts) ||
        rightFacts.length > o.maxSemiContexts ||
        !rightFacts.every(isFactList)
      )
        bad('rightFacts');
      if (!Array.isArray(contexts) || contexts.length > o.maxContexts) bad('contexts');
      if (!isFactList(leftGroup)) bad('leftGroup');
      const nL = leftFacts!.length;
      const nR = rightFacts!.length;
      const nC = contexts!.length;
      const fresh = new ContextMemory(params);
      for (let i = 0; i < nL; i++) {
        const f = leftFacts![i]!;
        if (fresh.left.byKey.has(f.join(','))) bad('duplicate left semi-context');
        if (f.some((x) => x >= NEURON && x - NEURON >= nC)) bad('neuron fact beyond the contexts');
        fresh.left.add(f.slice(), f.join(','), fresh.hash(f));
        fresh.ctxByRight.push(new Map());
      }
      for (let i = 0; i < nR; i++) {
        const f = rightFacts![i]!;
        if (fresh.right.byKey.has(f.join(','))) bad('duplicate right semi-context');
        fresh.right.add(f.slice(), f.join(','), fresh.hash(f));
      }
      fresh.ensureContexts(Math.max(0, nC - 1));
      for (let c = 0; c < nC; c++) {
        const e = contexts![c];
        if (!Array.isArray(e) || e.length !== 4 || !e.every(isNum)) bad(`context ${c}`);
        const [l, r, act, zero] = e as number[];
        if (!Number.isInteger(l) || l! < 0 || l! >= nL || !Number.isInteger(r) || r! < 0 || r! >= nR)
          bad(`context ${c} ids`);
        if (!Number.isInteger(act) || act! < 0 || (zero !== 0 && zero !== 1)) bad(`context ${c} values`);
        const map = fresh.ctxByRight[l!]!;
        if (map.has(r!)) bad(`duplicate context ${c}`);
        map.set(r!, c);
        fresh.ctxLeft[c] = l!;
        fresh.ctxRight[c] = r!;
        fresh.ctxAct[c] = act!;
        fresh.ctxZero[c] = zero!;
      }
      fresh.nContexts = nC;
      if (leftGroup!.some((x) => x >= NEURON && x - NEURON >= nC))
        bad('leftGroup neuron beyond the contexts');
      fresh.leftGroup = leftGroup!.slice();
      fresh.left.cross(fresh.leftGroup);
      mem = fresh;
      min = st.min ?? null;
      max = st.max ?? null;
      buffer = buf!.slice();
      sinceHigh = st.sinceHigh!;
      lastAnomalous = st.lastAnomalous!;
    },
  };
}
