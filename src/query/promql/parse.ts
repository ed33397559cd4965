/**
 * Parses PromQL with the Prometheus project's own grammar (@prometheus-io/lezer-promql) into the typed tree of the
 * subset this monitor evaluates ({@link PromExpr}); everything else is refused by name.
 * @see https://github.com/prometheus/prometheus/tree/main/web/ui/module/lezer-promql
 */
import { parser } from '@prometheus-io/lezer-promql';
import type { SyntaxNode } from '@lezer/common';
import {
  AGGREGATION_OPS,
  INSTANT_FUNCTIONS,
  RANGE_FUNCTIONS,
  type AggregationOp,
  type InstantFunction,
  type LabelMatcher,
  type PromExpr,
  type RangeFunction,
  type Selector,
  isScalar,
} from './ast.ts';
import { parsePromDuration } from './duration.ts';
import { PromQueryError, unsupported } from './errors.ts';
import { matches } from './labels.ts';
import { binaryExpr } from './parse-binary.ts';
import { anchoredRegex } from './regex.ts';

export { isScalar };

/** Longest query accepted, characters. */
export const MAX_QUERY_LENGTH = 16_384;
/** Deepest nesting of the tree accepted. */
const MAX_DEPTH = 64;

/** Node names of constructs outside the subset → the words naming them in the error. */
const REFUSED_NODES: Readonly<Record<string, string>> = {
  OffsetExpr: 'offset modifier on anything but a selector',
  StepInvariantExpr: '@ modifier',
  SubqueryExpr: 'subquery',
  StringLiteral: 'string literal',
  MatrixSelector: 'range selector outside a range function',
};

/** The value of a PromQL string literal ("…", '…' or `…`). */
function unquote(literal: string): string {
  const q = literal[0];
  const body = literal.slice(1, -1);
  if (q === '`') return body;
  try {
    if (q === "'") return JSON.parse(`"${body.replace(/\\'/g, "'").replace(/"/g, '\\"')}"`) as string;
    return JSON.parse(literal) as string;
  } catch {
    throw unsupported(`string escape in ${literal.slice(0, 60)}`);
  }
}

/** Reads the lezer tree into {@link PromExpr} (the binary operators in parse-binary.ts). */
export class Reader {
  constructor(private readonly text: string) {}

  of(n: SyntaxNode): string {
    return this.text.slice(n.from, n.to);
  }

  expr(n: SyntaxNode, depth: number): PromExpr {
    if (depth > MAX_DEPTH) throw new PromQueryError('bad_data', `expression nested deeper than ${MAX_DEPTH}`);
    switch (n.name) {
      case 'PromQL':
      case 'ParenExpr': {
        const inner = n.firstChild;
        if (!inner) throw new PromQueryError('bad_data', 'empty expression');
        return this.expr(inner, depth + 1);
      }
      case 'NumberDurationLiteral':
        return { kind: 'number', value: this.number(n) };
      case 'VectorSelector':
        return { kind: 'selector', selector: this.selector(n, 0) };
      case 'OffsetExpr': {
        const vs = n.getChild('VectorSelector');
        if (!vs) throw unsupported(REFUSED_NODES[n.name]!);
        return { kind: 'selector', selector: this.selector(vs, this.offset(n)) };
      }
      case 'UnaryExpr': {
        const op = this.of(n.getChild('UnaryOp') ?? n).trim();
        const inner = n.lastChild!;
        const e = this.expr(inner, depth + 1);
        return op === '-' ? { kind: 'negate', expr: e } : e;
      }
      case 'BinaryExpr':
        return binaryExpr(this, n, depth);
      case 'FunctionCall':
        return this.call(n, depth);
      case 'AggregateExpr':
        return this.aggregate(n, depth);
      default:
        throw unsupported(REFUSED_NODES[n.name] ?? n.name);
    }
  }

  number(n: SyntaxNode): number {
    const t = this.of(n).toLowerCase();
    const v =
      t === 'inf' || t === '+inf' ? Infinity : t === '-inf' ? -Infinity : t === 'nan' ? NaN : Number(t);
    if (Number.isNaN(v) && t !== 'nan') throw unsupported(`number literal ${this.of(n).slice(0, 40)}`);
    return v;
  }

  /** The `offset` of an OffsetExpr node, ms (negative: `offset -5m`). */
  offset(n: SyntaxNode): number {
    const d = n.getChild('OffsetDurationExpr');
    if (!d) throw new PromQueryError('bad_data', `invalid offset in ${this.of(n).slice(0, 60)}`);
    const text = this.of(d).replace(/\s+/g, '');
    const negative = text.startsWith('-');
    const ms = parsePromDuration(text.replace(/^[-+]/, ''));
    return negative ? -ms : ms;
  }

  selector(n: SyntaxNode, offsetMs: number): Selector {
    const id = n.getChild('Identifier');
    const list = n.getChild('LabelMatchers');
    if (
      list &&
      list.getChildren('QuotedLabelMatcher').length + list.getChildren('QuotedLabelName').length > 0
    )
      throw unsupported('quoted label names');
    const matchers: LabelMatcher[] = (list?.getChildren('UnquotedLabelMatcher') ?? []).map((m) =>
      this.matcher(m),
    );
    let metric = id ? this.of(id) : undefined;
    const byName = matchers.findIndex((m) => m.name === '__name__' && m.op === '=');
    if (metric === undefined && byName >= 0) metric = matchers[byName]!.value;
    if (metric === '') metric = undefined;
    // Prometheus: a selector must have a matcher that does not match the empty string (parser.go).
    if (metric === undefined && matchers.every((m) => matches({}, m)))
      throw new PromQueryError('bad_data', 'vector selector must contain at least one non-empty matcher');
    return {
      metric,
      matchers: matchers.filter((m, i) => !(id === null && i === byName)),
      offsetMs,
    };
  }

  matcher(m: SyntaxNode): LabelMatcher {
    const name = m.getChild('LabelName');
    const op = m.getChild('MatchOp');
    const value = m.getChild('StringLiteral');
    if (!name || !op || !value) throw new PromQueryError('bad_data', `invalid label matcher ${this.of(m)}`);
    const base = {
      name: this.of(name),
      op: this.of(op) as LabelMatcher['op'],
      value: unquote(this.of(value)),
    };
    if (base.op === '=~' || base.op === '!~') return { ...base, regex: anchoredRegex(base.value) };
    return base;
  }

  /** The argument nodes of a call's FunctionCallBody. */
  args(n: SyntaxNode): SyntaxNode[] {
    const body = n.getChild('FunctionCallBody');
    const args: SyntaxNode[] = [];
    for (let c = body?.firstChild ?? null; c; c = c.nextSibling)
      if (c.name !== '(' && c.name !== ')' && c.name !== ',') args.push(c);
    return args;
  }

  call(n: SyntaxNode, depth: number): PromExpr {
    const fnNode = n.getChild('FunctionIdentifier');
    const name = fnNode ? this.of(fnNode) : '?';
    const args = this.args(n);
    if (Object.hasOwn(INSTANT_FUNCTIONS, name)) {
      const kinds = INSTANT_FUNCTIONS[name as InstantFunction];
      const exprs = args.map((a) => this.expr(a, depth + 1));
      if (exprs.length !== kinds.length || exprs.some((e, i) => isScalar(e) !== (kinds[i] === 'scalar')))
        throw new PromQueryError('bad_data', `${name}() takes (${kinds.join(', ')})`);
      return { kind: 'call', fn: name as InstantFunction, args: exprs };
    }
    if (!(RANGE_FUNCTIONS as readonly string[]).includes(name)) throw unsupported(`function ${name}`);
    const arg = args[0];
    const matrix = arg?.name === 'OffsetExpr' ? arg.getChild('MatrixSelector') : arg;
    if (args.length !== 1 || !arg || !matrix || matrix.name !== 'MatrixSelector')
      throw new PromQueryError('bad_data', `${name}() takes one range vector such as metric[5m]`);
    const vs = matrix.getChild('VectorSelector');
    const dur = matrix.getChild('DurationExpr');
    if (!vs || !dur) throw unsupported(`argument of ${name}()`);
    return {
      kind: 'range-call',
      fn: name as RangeFunction,
      selector: this.selector(vs, arg === matrix ? 0 : this.offset(arg)),
      rangeMs: parsePromDuration(this.of(dur)),
    };
  }

  aggregate(n: SyntaxNode, depth: number): PromExpr {
    const opNode = n.getChild('AggregateOp');
    const op = opNode ? this.of(opNode) : '?';
    if (!(AGGREGATION_OPS as readonly string[]).includes(op)) throw unsupported(`aggregation ${op}`);
    const mod = n.getChild('AggregateModifier');
    let grouping: { mode: 'by' | 'without'; labels: string[] } | undefined;
    if (mod) {
      const mode = mod.getChild('By') ? 'by' : 'without';
      const labels = (mod.getChild('GroupingLabels')?.getChildren('LabelName') ?? []).map((l) => this.of(l));
      if ((mod.getChild('GroupingLabels')?.getChildren('QuotedLabelName').length ?? 0) > 0)
        throw unsupported('quoted label names');
      grouping = { mode, labels };
    }
    const args = this.args(n);
    if (args.length !== 1) throw new PromQueryError('bad_data', `${op}() takes one vector expression`);
    const expr = this.expr(args[0]!, depth + 1);
    if (isScalar(expr)) throw new PromQueryError('bad_data', `${op}() takes a vector, not a scalar`);
    return { kind: 'aggregate', op: op as AggregationOp, grouping, expr };
  }
}

/**
 * Parses `query` into the subset's tree.
 * @throws PromQueryError `bad_data`: a syntax error (with its position), or a construct outside the subset
 *   ("not supported by this monitor: <construct>")
 */
export function parsePromQL(query: string): PromExpr {
  if (query.trim() === '') throw new PromQueryError('bad_data', 'empty query');
  if (query.length > MAX_QUERY_LENGTH)
    throw new PromQueryError('bad_data', `query longer than ${MAX_QUERY_LENGTH} characters`);
  const tree = parser.parse(query);
  let errorAt: number | undefined;
  tree.iterate({
    enter: (n) => {
      if (n.type.isError && errorAt === undefined) errorAt = n.from;
    },
  });
  if (errorAt !== undefined)
    throw new PromQueryError('bad_data', `parse error at character ${errorAt + 1}: unexpected input`);
  return new Reader(query).expr(tree.topNode, 0);
}
