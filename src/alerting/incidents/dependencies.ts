/**
 * How DWCP components depend on each other, for correlating signals and ranking root causes: a problem in a
 * component can show up in the components that depend on it, never the other way round. `system` (the node,
 * its host, its network mode, migrations and federation) is upstream of every component: a node that goes
 * down or switches mode moves metrics of all six at once. Data and pure helpers.
 *
 * Edges (dependent → what it depends on):
 * - PBA (predictive bandwidth allocation) predicts from the bandwidth AMST measures → AMST;
 * - ACP (adaptive consensus) exchanges its rounds over the AMST transport → AMST;
 * - ASS (adaptive state sync) ships state over AMST in the order ACP agrees on → AMST, ACP;
 * - ITP (intelligent task placement) places by PBA's predictions and ACP's agreed state → PBA, ACP;
 * - AMST and HDE (delta encoding before transfer) depend only on the node (`system`).
 * @see seed 000 (the six DWCP components and their roles)
 */
import { COMPONENTS } from '../../model/dwcp.ts';

/** The components a component depends on directly. */
export const DEPENDS_ON: Readonly<Record<string, readonly string[]>> = Object.freeze({
  amst: ['system'],
  hde: ['system'],
  pba: ['amst'],
  acp: ['amst'],
  ass: ['amst', 'acp'],
  itp: ['pba', 'acp'],
  system: [],
});

const ALL = [...COMPONENTS, 'system'] as const;

function closure(c: string): Set<string> {
  const out = new Set<string>();
  const stack = [...(DEPENDS_ON[c] ?? ['system'])];
  while (stack.length > 0) {
    const x = stack.pop()!;
    if (out.has(x)) continue;
    out.add(x);
    stack.push(...(DEPENDS_ON[x] ?? []));
  }
  return out;
}

const UPSTREAM: ReadonlyMap<string, ReadonlySet<string>> = new Map(ALL.map((c) => [c, closure(c)]));

/** Every component `c` depends on, directly or not (`system` for every component but `system`). */
export function upstreamOf(c: string): ReadonlySet<string> {
  return UPSTREAM.get(c) ?? new Set(['system']);
}

/** Whether a problem in `upstream` can show up in `c` (true when equal). */
export function dependsOn(c: string, upstream: string): boolean {
  return c === upstream || upstreamOf(c).has(upstream);
}

/** Whether one of `a`, `b` can cause the other (equal, or one upstream of the other). */
export function related(a: string, b: string): boolean {
  return dependsOn(a, b) || dependsOn(b, a);
}

/** Depth of a component in the graph: 0 for `system`, 1 for AMST and HDE, ... (longest path to `system`). */
export function depthOf(c: string): number {
  const deps = DEPENDS_ON[c];
  if (deps === undefined) return 1;
  if (deps.length === 0) return 0;
  return 1 + Math.max(...deps.map(depthOf));
}

/** Components sorted upstream first (by depth, then name). */
export function upstreamFirst(cs: Iterable<string>): string[] {
  return [...new Set(cs)].sort((a, b) => depthOf(a) - depthOf(b) || (a < b ? -1 : a > b ? 1 : 0));
}
