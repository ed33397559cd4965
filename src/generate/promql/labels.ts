/**
 * Label inference over the PromQL tree: which label names the series an expression returns can carry. Used to
 * check `by (...)` / `on (...)` label names against the catalog and to derive the labels an alert fires with
 * (for the generated promtool unit tests). Rules follow Prometheus 2.42 evaluation (`promql/engine.go`
 * `resultMetric`, aggregations and functions documented at
 * https://prometheus.io/docs/prometheus/latest/querying/operators/).
 */
import { InvalidInputError } from '../../errors.ts';
import type { Expr } from './ast.ts';

const NO_LABELS: ReadonlySet<string> = new Set();

/**
 * Label names (without `__name__`) an expression's result series can carry; empty for scalars.
 * @throws InvalidInputError when a grouping or matching label is not available from the operands.
 */
export function outputLabels(e: Expr): ReadonlySet<string> {
  switch (e.kind) {
    case 'selector':
      return new Set(e.labels);
    case 'matrix':
      return new Set(e.selector.labels);
    case 'subquery':
    case 'paren':
      return outputLabels(e.expr);
    case 'number':
    case 'string':
    case 'variable':
      return NO_LABELS;
    case 'call': {
      if (e.fn === 'time' || e.fn === 'scalar' || e.fn === 'vector') return NO_LABELS;
      if (e.fn === 'absent' || e.fn === 'absent_over_time') return NO_LABELS;
      if (e.fn === 'histogram_quantile') {
        const inner = outputLabels(e.args[1]!);
        if (!inner.has('le'))
          throw new InvalidInputError('histogram_quantile needs the le label in its argument');
        return without(inner, ['le']);
      }
      if (e.fn === 'label_replace') {
        const dst = e.args[1];
        const inner = outputLabels(e.args[0]!);
        return dst?.kind === 'string' ? new Set([...inner, dst.value]) : inner;
      }
      const vectorArg = e.args.find((a) => a.kind !== 'number' && a.kind !== 'string');
      return vectorArg ? outputLabels(vectorArg) : NO_LABELS;
    }
    case 'aggregation': {
      const inner = outputLabels(e.expr);
      const g = e.grouping;
      if (g) requireLabels(inner, g.labels, `${e.op} ${g.mode}`);
      if (e.op === 'topk' || e.op === 'bottomk') return inner;
      let out: ReadonlySet<string> = !g
        ? NO_LABELS
        : g.mode === 'by'
          ? new Set(g.labels)
          : without(inner, g.labels);
      if (e.op === 'count_values' && e.param?.kind === 'string') out = new Set([...out, e.param.value]);
      return out;
    }
    case 'binary': {
      const l = outputLabels(e.lhs);
      const r = outputLabels(e.rhs);
      const lScalar = isScalar(e.lhs);
      const rScalar = isScalar(e.rhs);
      if (lScalar && rScalar) return NO_LABELS;
      if (lScalar) return r;
      if (rScalar) return l;
      const m = e.matching;
      if (m?.on) {
        requireLabels(l, m.on, 'on');
        requireLabels(r, m.on, 'on');
      }
      if (e.op === 'and' || e.op === 'or' || e.op === 'unless')
        return e.op === 'or' ? new Set([...l, ...r]) : l;
      if (m?.group) {
        const many = m.group.side === 'left' ? l : r;
        const one = m.group.side === 'left' ? r : l;
        requireLabels(one, m.group.include, `group_${m.group.side}`);
        return new Set([...many, ...m.group.include]);
      }
      if (m?.on) return new Set(m.on);
      if (m?.ignoring) return without(l, m.ignoring);
      return l;
    }
  }
}

/** True when the expression evaluates to a scalar (number literal, `scalar()`, `time()`, or arithmetic of those). */
export function isScalar(e: Expr): boolean {
  switch (e.kind) {
    case 'number':
    case 'variable':
      return true;
    case 'paren':
      return isScalar(e.expr);
    case 'call':
      return e.fn === 'scalar' || e.fn === 'time';
    case 'binary':
      return isScalar(e.lhs) && isScalar(e.rhs);
    default:
      return false;
  }
}

function without(s: ReadonlySet<string>, drop: readonly string[]): ReadonlySet<string> {
  return new Set([...s].filter((x) => !drop.includes(x)));
}

function requireLabels(available: ReadonlySet<string>, wanted: readonly string[], what: string): void {
  for (const w of wanted) {
    if (!available.has(w)) {
      throw new InvalidInputError(
        `${what} (${w}): label not carried by the operand (has ${[...available].join(', ') || 'none'})`,
      );
    }
  }
}

/** Every selector in the tree (depth first), e.g. to list the metrics a rule or panel reads. */
export function selectorsOf(e: Expr): string[] {
  switch (e.kind) {
    case 'selector':
      return [e.name];
    case 'matrix':
      return [e.selector.name];
    case 'subquery':
    case 'paren':
      return selectorsOf(e.expr);
    case 'call':
      return e.args.flatMap(selectorsOf);
    case 'aggregation':
      return [...(e.param ? selectorsOf(e.param) : []), ...selectorsOf(e.expr)];
    case 'binary':
      return [...selectorsOf(e.lhs), ...selectorsOf(e.rhs)];
    default:
      return [];
  }
}
