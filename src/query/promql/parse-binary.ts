/**
 * Binary operators of the PromQL grammar into the subset's tree: arithmetic, comparison (with `bool`) and set
 * operators, with vector matching (`on`, `ignoring`, `group_left`, `group_right`) checked as Prometheus' parser
 * checks it.
 * @see https://github.com/prometheus/prometheus/blob/v2.42.0/promql/parser/parse.go (checkAST, BinaryExpr)
 * @see https://prometheus.io/docs/prometheus/latest/querying/operators/
 */
import type { SyntaxNode } from '@lezer/common';
import { isScalar, type BinaryOp, type PromExpr, type VectorMatching } from './ast.ts';
import { PromQueryError, unsupported } from './errors.ts';
import type { Reader } from './parse.ts';

/** Lezer node names of the operators → the operator. */
const OPERATORS: Readonly<Record<string, BinaryOp>> = {
  Add: '+',
  Sub: '-',
  Mul: '*',
  Div: '/',
  Mod: '%',
  Pow: '^',
  Eql: '==',
  Neq: '!=',
  Gtr: '>',
  Lss: '<',
  Gte: '>=',
  Lte: '<=',
  And: 'and',
  Or: 'or',
  Unless: 'unless',
};

/** Whether `op` is a comparison operator. */
export function isComparison(op: BinaryOp): boolean {
  return op === '==' || op === '!=' || op === '>' || op === '<' || op === '>=' || op === '<=';
}

/** Whether `op` is a set operator. */
export function isSetOp(op: BinaryOp): boolean {
  return op === 'and' || op === 'or' || op === 'unless';
}

function labelsOf(r: Reader, g: SyntaxNode | null): string[] {
  if (!g) return [];
  if (g.getChildren('QuotedLabelName').length > 0) throw unsupported('quoted label names');
  return g.getChildren('LabelName').map((l) => r.of(l));
}

/** The matching of a MatchingModifierClause (undefined node: the default for `op`). */
function matchingOf(r: Reader, clause: SyntaxNode | undefined, op: BinaryOp): VectorMatching {
  const setOp = isSetOp(op);
  if (!clause) return { card: setOp ? 'many-to-many' : 'one-to-one', on: false, labels: [], include: [] };
  const groups = clause.getChildren('GroupingLabels');
  const left = clause.getChild('GroupLeft');
  const right = clause.getChild('GroupRight');
  const on = clause.getChild('On') !== null;
  const labels = labelsOf(r, groups[0] ?? null);
  const include = left || right ? labelsOf(r, groups[1] ?? null) : [];
  if ((left || right) && setOp)
    throw new PromQueryError('bad_data', `no grouping allowed for "${op}" operation`);
  for (const l of include)
    if (on && labels.includes(l))
      throw new PromQueryError('bad_data', `label "${l}" must not occur in ON and GROUP clause at once`);
  const card = setOp ? 'many-to-many' : left ? 'many-to-one' : right ? 'one-to-many' : 'one-to-one';
  return { card, on, labels, include };
}

/**
 * A BinaryExpr node into the tree.
 * @throws PromQueryError `bad_data` as Prometheus' parser: a comparison of two scalars without `bool`, `bool` on a
 *   non-comparison, a set operator or vector matching with a scalar side, grouping on a set operator
 */
export function binaryExpr(r: Reader, n: SyntaxNode, depth: number): PromExpr {
  const kids: SyntaxNode[] = [];
  for (let c = n.firstChild; c; c = c.nextSibling) kids.push(c);
  const opNode = kids.find((k) => OPERATORS[k.name] !== undefined);
  if (!opNode) {
    const other = kids.find((k) => k !== kids[0] && k !== kids[kids.length - 1]);
    throw unsupported(`binary operator ${other ? r.of(other) : '?'}`);
  }
  const op = OPERATORS[opNode.name]!;
  const bool = kids.some((k) => k.name === 'BoolModifier');
  const clause = kids.find((k) => k.name === 'MatchingModifierClause');
  const lhs = r.expr(kids[0]!, depth + 1);
  const rhs = r.expr(kids[kids.length - 1]!, depth + 1);
  const scalarSide = isScalar(lhs) || isScalar(rhs);
  if (bool && !isComparison(op))
    throw new PromQueryError('bad_data', 'bool modifier can only be used on comparison operators');
  if (isComparison(op) && !bool && isScalar(lhs) && isScalar(rhs))
    throw new PromQueryError('bad_data', 'comparisons between scalars must use BOOL modifier');
  if (isSetOp(op) && scalarSide)
    throw new PromQueryError('bad_data', `set operator "${op}" not allowed in binary scalar expression`);
  if (clause && scalarSide)
    throw new PromQueryError('bad_data', 'vector matching only allowed between instant vectors');
  return {
    kind: 'binary',
    op,
    lhs,
    rhs,
    bool,
    matching: scalarSide ? undefined : matchingOf(r, clause, op),
  };
}
