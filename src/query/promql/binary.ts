/**
 * Binary operators over evaluated operands, step by step, as Prometheus' engine: arithmetic and comparisons
 * between scalars and vectors, and between two vectors with one-to-one, many-to-one (`group_left`) or one-to-many
 * (`group_right`) matching; the set operators `and`, `or`, `unless` (many-to-many).
 * @see https://github.com/prometheus/prometheus/blob/v2.42.0/promql/engine.go (VectorBinop, VectorscalarBinop,
 *   VectorAnd, VectorOr, VectorUnless, vectorElemBinop, resultMetric, signatureFunc)
 */
import type { ArithmeticOp, BinaryOp, PromExpr, VectorMatching } from './ast.ts';
import { PromQueryError } from './errors.ts';
import type { EvalResult, EvalSeries } from './evaluate.ts';
import { dropName, labelsKey, type PromLabels } from './labels.ts';
import { isComparison } from './parse-binary.ts';

type Binary = Extract<PromExpr, { kind: 'binary' }>;

/** `a op b` as PromQL's float arithmetic (`%` is Go's math.Mod, which JavaScript's `%` matches). */
export function arithmetic(op: ArithmeticOp, a: number, b: number): number {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return a / b;
    case '%':
      return a % b;
    case '^':
      return a ** b;
  }
}

/**
 * Prometheus' vectorElemBinop for arithmetic and comparisons: `[value, keep]`; a comparison gives the left value
 * and whether it holds.
 */
function elem(op: BinaryOp, a: number, b: number): [number, boolean] {
  switch (op) {
    case '==':
      return [a, a === b];
    case '!=':
      return [a, a !== b];
    case '>':
      return [a, a > b];
    case '<':
      return [a, a < b];
    case '>=':
      return [a, a >= b];
    case '<=':
      return [a, a <= b];
    case 'and':
    case 'or':
    case 'unless':
      throw new PromQueryError('bad_data', `set operator "${op}" not allowed in binary scalar expression`);
    default:
      return [arithmetic(op, a, b), true];
  }
}

/** Arithmetic drops the metric name, as `bool` does; filtering comparisons and set operators keep it. */
function dropsName(e: Binary): boolean {
  return e.bool || !isComparison(e.op);
}

function scalarScalar(e: Binary, l: readonly number[], r: readonly number[]): EvalResult {
  const values = l.map((a, k) => {
    const [value, keep] = elem(e.op, a, r[k]!);
    return e.bool ? (keep ? 1 : 0) : value;
  });
  return { kind: 'scalar', values };
}

/** `vector op scalar` (`swap`: the scalar is on the left); a comparison keeps the vector's value. */
function vectorScalar(
  e: Binary,
  v: readonly EvalSeries[],
  s: readonly number[],
  swap: boolean,
): EvalSeries[] {
  return v.map((series) => ({
    labels: dropsName(e) ? dropName(series.labels) : series.labels,
    values: series.values.map((x, k) => {
      if (x === undefined) return undefined;
      const [value, keep] = swap ? elem(e.op, s[k]!, x) : elem(e.op, x, s[k]!);
      if (e.bool) return keep ? 1 : 0;
      if (!keep) return undefined;
      return isComparison(e.op) ? x : value;
    }),
  }));
}

/** The matching signature of `labels` (signatureFunc): only the `on` labels, or all but the ignored and the name. */
function signature(labels: PromLabels, m: VectorMatching): string {
  const out: Record<string, string> = {};
  if (m.on) {
    for (const l of m.labels) if (labels[l] !== undefined && labels[l] !== '') out[l] = labels[l];
  } else {
    for (const [k, v] of Object.entries(labels)) if (k !== '__name__' && !m.labels.includes(k)) out[k] = v;
  }
  return labelsKey(out);
}

/** resultMetric: the result's labels from the "many" (or left) side `l` and the "one" side `r`. */
function resultLabels(e: Binary, l: PromLabels, r: PromLabels, m: VectorMatching): PromLabels {
  const out: Record<string, string> = { ...(dropsName(e) ? dropName(l) : l) };
  if (m.card === 'one-to-one') {
    for (const k of Object.keys(out)) if (m.on ? !m.labels.includes(k) : m.labels.includes(k)) delete out[k];
  }
  for (const k of m.include) {
    if (r[k] !== undefined && r[k] !== '') out[k] = r[k];
    else delete out[k];
  }
  return out;
}

/** Result series by label set, one value per step; two values for one label set at one step is an error. */
class Output {
  private readonly byKey = new Map<string, { labels: PromLabels; values: (number | undefined)[] }>();
  constructor(private readonly steps: number) {}
  /** Sets step `k` of the series `labels`, whose {@link labelsKey} is `key`. */
  set(key: string, labels: PromLabels, k: number, v: number): void {
    let s = this.byKey.get(key);
    if (!s) {
      s = { labels, values: new Array<number | undefined>(this.steps).fill(undefined) };
      this.byKey.set(key, s);
    }
    if (s.values[k] !== undefined)
      throw new PromQueryError('execution', 'vector cannot contain metrics with the same labelset');
    s.values[k] = v;
  }
  series(): EvalSeries[] {
    return [...this.byKey.values()];
  }
}

const sigsOf = (v: readonly EvalSeries[], m: VectorMatching) => v.map((s) => signature(s.labels, m));

/** `and`, `or`, `unless` at every step (VectorAnd, VectorOr, VectorUnless). */
function setOperation(e: Binary, l: readonly EvalSeries[], r: readonly EvalSeries[], steps: number) {
  const m = e.matching!;
  const ls = sigsOf(l, m);
  const rs = sigsOf(r, m);
  const lk = l.map((s) => labelsKey(s.labels));
  const rk = r.map((s) => labelsKey(s.labels));
  const out = new Output(steps);
  for (let k = 0; k < steps; k++) {
    const right = new Set(rs.filter((_, j) => r[j]!.values[k] !== undefined));
    const left = new Set<string>();
    l.forEach((s, i) => {
      const v = s.values[k];
      if (v === undefined) return;
      left.add(ls[i]!);
      if (e.op === 'or' || (e.op === 'and') === right.has(ls[i]!)) out.set(lk[i]!, s.labels, k, v);
    });
    if (e.op === 'or')
      r.forEach((s, j) => {
        const v = s.values[k];
        if (v !== undefined && !left.has(rs[j]!)) out.set(rk[j]!, s.labels, k, v);
      });
  }
  return out.series();
}

/** Arithmetic and comparisons between two vectors at every step (VectorBinop). */
function vectorVector(e: Binary, lhs: readonly EvalSeries[], rhs: readonly EvalSeries[], steps: number) {
  const m = e.matching!;
  const swapped = m.card === 'one-to-many';
  const [many, one] = swapped ? [rhs, lhs] : [lhs, rhs];
  const manySigs = sigsOf(many, m);
  const oneSigs = sigsOf(one, m);
  const out = new Output(steps);
  // result labels of a (many, one) pair, computed once over all steps
  const pairs = new Map<number, { key: string; labels: PromLabels }>();
  for (let k = 0; k < steps; k++) {
    const oneBySig = new Map<string, number>();
    one.forEach((s, j) => {
      if (s.values[k] === undefined) return;
      if (oneBySig.has(oneSigs[j]!))
        throw new PromQueryError(
          'execution',
          `found duplicate series for the match group ${oneSigs[j]} on the ${swapped ? 'left' : 'right'}-hand side of the operation; many-to-many matching not allowed: matching labels must be unique on one side`,
        );
      oneBySig.set(oneSigs[j]!, j);
    });
    const matched = new Set<string>();
    many.forEach((s, i) => {
      const v = s.values[k];
      const j = oneBySig.get(manySigs[i]!);
      if (v === undefined || j === undefined) return;
      const o = one[j]!;
      const ov = o.values[k]!;
      let [value, keep] = swapped ? elem(e.op, ov, v) : elem(e.op, v, ov);
      if (e.bool) [value, keep] = [keep ? 1 : 0, true];
      if (!keep) return;
      if (m.card === 'one-to-one') {
        if (matched.has(manySigs[i]!))
          throw new PromQueryError(
            'execution',
            'multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)',
          );
        matched.add(manySigs[i]!);
      }
      let pair = pairs.get(i * one.length + j);
      if (!pair) {
        const labels = resultLabels(e, s.labels, o.labels, m);
        pair = { key: labelsKey(labels), labels };
        pairs.set(i * one.length + j, pair);
      }
      out.set(pair.key, pair.labels, k, value);
    });
  }
  return out.series();
}

/**
 * `l op r` at each of `steps` steps.
 * @throws PromQueryError `execution` on matching Prometheus refuses (duplicate series on the "one" side, an
 *   implicit many-to-one match, two results with one label set)
 */
export function binaryOperation(e: Binary, l: EvalResult, r: EvalResult, steps: number): EvalResult {
  if (l.kind === 'scalar' && r.kind === 'scalar') return scalarScalar(e, l.values, r.values);
  if (l.kind === 'vector' && r.kind === 'scalar')
    return { kind: 'vector', series: vectorScalar(e, l.series, r.values, false) };
  if (l.kind === 'scalar' && r.kind === 'vector')
    return { kind: 'vector', series: vectorScalar(e, r.series, l.values, true) };
  if (l.kind === 'vector' && r.kind === 'vector') {
    const series =
      e.matching?.card === 'many-to-many'
        ? setOperation(e, l.series, r.series, steps)
        : vectorVector(e, l.series, r.series, steps);
    return { kind: 'vector', series };
  }
  throw new PromQueryError('bad_data', 'invalid operands');
}
