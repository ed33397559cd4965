/**
 * Renders a PromQL syntax tree (`ast.ts`) as PromQL text. Adds parentheses where operator precedence requires
 * them (PromQL precedence, highest first: `^`; `* / % atan2`; `+ -`; comparisons; `and unless`; `or`; `^` is
 * right-associative, the rest left-associative — https://prometheus.io/docs/prometheus/latest/querying/operators/#binary-operator-precedence).
 */
import type { BinaryOp, Expr, Matcher, VectorSelector } from './ast.ts';

const PRECEDENCE: Record<BinaryOp, number> = {
  or: 1,
  and: 2,
  unless: 2,
  '==': 3,
  '!=': 3,
  '>': 3,
  '<': 3,
  '>=': 3,
  '<=': 3,
  '+': 4,
  '-': 4,
  '*': 5,
  '/': 5,
  '%': 5,
  '^': 6,
};

/** Escapes a string for a double-quoted PromQL string literal (Go escapes: backslash, quote, newline). */
export function quote(s: string): string {
  return '"' + s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n') + '"';
}

function printMatcher(m: Matcher): string {
  return `${m.label}${m.op}${quote(m.value)}`;
}

function printSelector(s: VectorSelector): string {
  return s.matchers.length === 0 ? s.name : `${s.name}{${s.matchers.map(printMatcher).join(', ')}}`;
}

/** Number in PromQL syntax: integers and decimals as JavaScript prints them, `Inf`, `-Inf`. */
export function printNumber(v: number): string {
  if (v === Infinity) return 'Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

function needsParens(child: Expr, parentOp: BinaryOp, side: 'lhs' | 'rhs'): boolean {
  if (child.kind !== 'binary') return child.kind === 'number' && child.value < 0 && side === 'lhs';
  const pc = PRECEDENCE[child.op];
  const pp = PRECEDENCE[parentOp];
  if (pc < pp) return true;
  if (pc > pp) return false;
  // Equal precedence: left-associative except ^.
  return parentOp === '^' ? side === 'lhs' : side === 'rhs';
}

/** PromQL text of an expression. */
export function printExpr(e: Expr): string {
  switch (e.kind) {
    case 'selector':
      return printSelector(e);
    case 'matrix':
      return `${printSelector(e.selector)}[${e.range}]`;
    case 'subquery': {
      const inner = e.expr.kind === 'binary' ? `(${printExpr(e.expr)})` : printExpr(e.expr);
      return `${inner}[${e.range}:${e.step ?? ''}]`;
    }
    case 'call':
      return `${e.fn}(${e.args.map(printExpr).join(', ')})`;
    case 'aggregation': {
      const g = e.grouping ? ` ${e.grouping.mode} (${e.grouping.labels.join(', ')})` : '';
      const args = e.param ? `${printExpr(e.param)}, ${printExpr(e.expr)}` : printExpr(e.expr);
      return `${e.op}${g} (${args})`;
    }
    case 'binary': {
      let op: string = e.op;
      if (e.bool) op += ' bool';
      const m = e.matching;
      if (m?.on) op += ` on (${m.on.join(', ')})`;
      if (m?.ignoring) op += ` ignoring (${m.ignoring.join(', ')})`;
      if (m?.group) op += ` group_${m.group.side} (${m.group.include.join(', ')})`;
      const l = needsParens(e.lhs, e.op, 'lhs') ? `(${printExpr(e.lhs)})` : printExpr(e.lhs);
      const r = needsParens(e.rhs, e.op, 'rhs') ? `(${printExpr(e.rhs)})` : printExpr(e.rhs);
      return `${l} ${op} ${r}`;
    }
    case 'number':
      return printNumber(e.value);
    case 'string':
      return quote(e.value);
    case 'variable':
      return `$${e.name}`;
    case 'paren':
      return `(${printExpr(e.expr)})`;
  }
}

/** An expression as inline markdown code (for runbooks and hints). */
export function inlineCode(e: Expr): string {
  return '`' + printExpr(e) + '`';
}
