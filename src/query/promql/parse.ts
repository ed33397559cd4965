/**
 * Parses PromQL with the Prometheus project's own grammar (@prometheus-io/lezer-promql) into the typed tree of the
 * subset this monitor evaluates ({@link PromExpr}); everything else is refused by name.
 * @see https://github.com/prometheus/prometheus/tree/main/web/ui/module/lezer-promql
 */
import { parser } from '@prometheus-io/lezer-promql';
import type { SyntaxNode } from '@lezer/common';
import {
  AGGREGATION_OPS,
  RANGE_FUNCTIONS,
  type AggregationOp,
  type ArithmeticOp,
  type LabelMatcher,
  type PromExpr,
  type RangeFunction,
  type Selector,
} from './ast.ts';
import { parsePromDuration } from './duration.ts';
import { PromQueryError, unsupported } from './errors.ts';
import { anchoredRegex } from './regex.ts';

/** Longest query accepted, characters. */
export const MAX_QUERY_LENGTH = 16_384;
/** Deepest nesting of the tree accepted. */
const MAX_DEPTH = 64;

const ARITHMETIC: Readonly<Record<string, ArithmeticOp>> = {
  Add: '+',
  Sub: '-',
  Mul: '*',
  Div: '/',
  Mod: '%',
  Pow: '^',
};

/** Node names of constructs outside the subset → the words naming them in the error. */
const REFUSED_NODES: Readonly<Record<string, string>> = {
  OffsetExpr: 'offset modifier',
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

class Reader {
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
        return { kind: 'selector', selector: this.selector(n) };
      case 'UnaryExpr': {
        const op = this.of(n.getChild('UnaryOp') ?? n).trim();
        const inner = n.lastChild!;
        const e = this.expr(inner, depth + 1);
        return op === '-' ? { kind: 'negate', expr: e } : e;
      }
      case 'BinaryExpr':
        return this.binary(n, depth);
      case 'FunctionCall':
        return this.call(n);
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

  selector(n: SyntaxNode): Selector {
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
    if (metric === undefined || metric === '')
      throw unsupported('a selector without a metric name (give the name or __name__="…")');
    return {
      metric,
      matchers: matchers.filter((m, i) => !(id === null && i === byName)),
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
    if (base.name === '__name__' && base.op !== '=') throw unsupported(`__name__${base.op} matcher`);
    return base;
  }

  binary(n: SyntaxNode, depth: number): PromExpr {
    const kids: SyntaxNode[] = [];
    for (let c = n.firstChild; c; c = c.nextSibling) kids.push(c);
    const opNode = kids.find((k) => ARITHMETIC[k.name] !== undefined);
    if (!opNode) {
      const other = kids.find((k) => k !== kids[0] && k !== kids[kids.length - 1]);
      throw unsupported(`binary operator ${other ? this.of(other) : '?'}`);
    }
    if (kids.some((k) => k.name === 'BoolModifier' || k.name === 'MatchingModifierClause'))
      throw unsupported('vector matching modifiers (on, ignoring, group_left, group_right, bool)');
    const lhs = this.expr(kids[0]!, depth + 1);
    const rhs = this.expr(kids[kids.length - 1]!, depth + 1);
    if (!isScalar(lhs) && !isScalar(rhs)) throw unsupported('arithmetic between two vectors');
    return { kind: 'binary', op: ARITHMETIC[opNode.name]!, lhs, rhs };
  }

  call(n: SyntaxNode): PromExpr {
    const fnNode = n.getChild('FunctionIdentifier');
    const name = fnNode ? this.of(fnNode) : '?';
    if (!(RANGE_FUNCTIONS as readonly string[]).includes(name)) throw unsupported(`function ${name}`);
    const body = n.getChild('FunctionCallBody');
    const args: SyntaxNode[] = [];
    for (let c = body?.firstChild ?? null; c; c = c.nextSibling)
      if (c.name !== '(' && c.name !== ')' && c.name !== ',') args.push(c);
    const arg = args[0];
    if (args.length !== 1 || !arg || arg.name !== 'MatrixSelector')
      throw new PromQueryError('bad_data', `${name}() takes one range vector such as metric[5m]`);
    const vs = arg.getChild('VectorSelector');
    const dur = arg.getChild('DurationExpr');
    if (!vs || !dur) throw unsupported(`argument of ${name}()`);
    return {
      kind: 'range-call',
      fn: name as RangeFunction,
      selector: this.selector(vs),
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
    const body = n.getChild('FunctionCallBody');
    const args: SyntaxNode[] = [];
    for (let c = body?.firstChild ?? null; c; c = c.nextSibling)
      if (c.name !== '(' && c.name !== ')' && c.name !== ',') args.push(c);
    if (args.length !== 1) throw new PromQueryError('bad_data', `${op}() takes one vector expression`);
    const expr = this.expr(args[0]!, depth + 1);
    if (isScalar(expr)) throw new PromQueryError('bad_data', `${op}() takes a vector, not a scalar`);
    return { kind: 'aggregate', op: op as AggregationOp, grouping, expr };
  }
}

/** Whether `e` evaluates to a scalar (numbers and arithmetic of numbers). */
export function isScalar(e: PromExpr): boolean {
  if (e.kind === 'number') return true;
  if (e.kind === 'negate') return isScalar(e.expr);
  if (e.kind === 'binary') return isScalar(e.lhs) && isScalar(e.rhs);
  return false;
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
