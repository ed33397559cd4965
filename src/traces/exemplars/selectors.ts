/**
 * The series selectors of a PromQL expression, as Prometheus' exemplar query uses them: every vector selector in
 * the expression (`rate(x_bucket{job="a"}[5m])` → `x_bucket{job="a"}`), parsed with the Prometheus project's own
 * PromQL grammar (@prometheus-io/lezer-promql).
 * @see https://prometheus.io/docs/prometheus/latest/querying/api/#querying-exemplars
 */
import { parser } from '@prometheus-io/lezer-promql';
import type { SyntaxNode } from '@lezer/common';
import { InvalidInputError } from '../../errors.ts';

/** One label matcher of a selector. */
export interface LabelMatcher {
  readonly name: string;
  readonly op: '=' | '!=' | '=~' | '!~';
  readonly value: string;
  /** The anchored regex of `=~` and `!~`. */
  readonly regex?: RegExp;
}

/** One vector selector: its metric name (when given as an identifier or `__name__="…"`) and matchers. */
export interface SeriesSelector {
  readonly metric: string | undefined;
  readonly matchers: readonly LabelMatcher[];
}

/** Most selectors taken from one expression. */
export const MAX_SELECTORS = 32;

/** The value of a PromQL string literal ("…", '…' or `…`). */
function unquote(literal: string): string {
  const q = literal[0];
  const body = literal.slice(1, -1);
  if (q === '`') return body;
  if (q === "'") return JSON.parse(`"${body.replace(/\\'/g, "'").replace(/"/g, '\\"')}"`) as string;
  return JSON.parse(literal) as string;
}

function matcherOf(node: SyntaxNode, text: string): LabelMatcher {
  const name = node.getChild('LabelName');
  const op = node.getChild('MatchOp');
  const value = node.getChild('StringLiteral');
  if (!name || !op || !value)
    throw new InvalidInputError(`unsupported label matcher ${text.slice(node.from, node.to)}`);
  const m = {
    name: text.slice(name.from, name.to),
    op: text.slice(op.from, op.to) as LabelMatcher['op'],
    value: unquote(text.slice(value.from, value.to)),
  };
  if (m.op !== '=~' && m.op !== '!~') return m;
  try {
    return { ...m, regex: new RegExp(`^(?:${m.value})$`) };
  } catch {
    throw new InvalidInputError(
      `invalid regular expression in matcher ${m.name}${m.op}${JSON.stringify(m.value)}`,
    );
  }
}

/**
 * The vector selectors of `expr`, in order.
 * @throws InvalidInputError when `expr` is not valid PromQL, has no vector selector or more than
 *   {@link MAX_SELECTORS}, or uses a quoted (UTF-8) label name.
 */
export function selectorsOf(expr: string): SeriesSelector[] {
  const tree = parser.parse(expr);
  const out: SeriesSelector[] = [];
  let bad: string | undefined;
  tree.iterate({
    enter: (n) => {
      if (n.type.isError && bad === undefined) bad = `invalid PromQL at position ${n.from}`;
      if (n.name !== 'VectorSelector') return;
      const id = n.node.getChild('Identifier');
      const matchers: LabelMatcher[] = [];
      for (const m of n.node.getChild('LabelMatchers')?.getChildren('UnquotedLabelMatcher') ?? [])
        matchers.push(matcherOf(m, expr));
      if ((n.node.getChild('LabelMatchers')?.getChildren('QuotedLabelMatcher').length ?? 0) > 0)
        bad = 'quoted label names are not supported';
      const byName = matchers.find((m) => m.name === '__name__' && m.op === '=');
      out.push({
        metric: id ? expr.slice(id.from, id.to) : byName?.value,
        matchers: matchers.filter((m) => m !== byName),
      });
    },
  });
  if (bad !== undefined) throw new InvalidInputError(bad);
  if (out.length === 0) throw new InvalidInputError('the query has no series selector');
  if (out.length > MAX_SELECTORS)
    throw new InvalidInputError(`the query has more than ${MAX_SELECTORS} series selectors`);
  return out;
}

/** Whether labels (with the metric `name`) match every matcher of `sel`. Regexes are anchored, as in PromQL. */
export function matchesSelector(
  sel: SeriesSelector,
  name: string,
  labels: Readonly<Record<string, string>>,
): boolean {
  if (sel.metric !== undefined && sel.metric !== name) return false;
  for (const m of sel.matchers) {
    const v = m.name === '__name__' ? name : (labels[m.name] ?? '');
    if (m.op === '=' && v !== m.value) return false;
    if (m.op === '!=' && v === m.value) return false;
    if (m.regex && m.regex.test(v) !== (m.op === '=~')) return false;
  }
  return true;
}
