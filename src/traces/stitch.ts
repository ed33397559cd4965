/**
 * Stitches the spans of one trace — from different nodes, regions and clocks — into a tree: parent links,
 * roots, orphan spans (their parent never arrived; they are kept and reported, each as the root of its own
 * subtree), duplicate span ids, and a clock-skew adjustment as Jaeger's query service applies it: spans of one
 * host share one offset; when a child runs on another host than its parent and does not fit inside the
 * (already adjusted) parent, its host's offset is chosen so that it does — the child is centred in the parent,
 * splitting the network latency equally between request and response; a child longer than its parent (async
 * work) is only moved so it does not start before the parent. Pure.
 * @see https://github.com/jaegertracing/jaeger/blob/main/model/adjuster/clockskew.go (algorithm; written anew here)
 */

/** What stitching needs of a span. */
export interface StitchInput {
  readonly spanId: string;
  readonly parentSpanId: string | null;
  readonly startUs: number;
  readonly durationUs: number;
  /** The host (clock) the span was timed on. */
  readonly host: string;
}

/** A skew adjustment applied to one span. */
export interface SkewAdjustment {
  readonly spanId: string;
  readonly host: string;
  /** Microseconds added to the span's start (and its events). */
  readonly deltaUs: number;
}

/** The stitched trace. */
export interface StitchResult {
  /** Index of each span's adjusted start (same order as the input). */
  readonly adjustedStartUs: readonly number[];
  /** Input indexes of the roots (spans without parent, and orphans), earliest first. */
  readonly roots: readonly number[];
  /** Input indexes of each span's children, earliest first. */
  readonly children: readonly (readonly number[])[];
  /** Input indexes of spans whose parent is not in the trace. */
  readonly orphans: readonly number[];
  /** Input indexes of spans dropped from the tree because an earlier span had the same id. */
  readonly duplicates: readonly number[];
  /** Non-zero adjustments, one per adjusted span. */
  readonly adjustments: readonly SkewAdjustment[];
  /** Depth of each span in the tree (roots 0); -1 for duplicates. */
  readonly depth: readonly number[];
}

/**
 * The offset (µs) to add to `child` (on another host than its parent) given its adjusted parent.
 * @see Jaeger's clockSkewAdjuster.calculateSkew
 */
export function calculateSkew(
  childStart: number,
  childDuration: number,
  parentStart: number,
  parentDuration: number,
): number {
  if (childDuration > parentDuration) return childStart < parentStart ? parentStart - childStart : 0;
  const childEnd = childStart + childDuration;
  if (childStart >= parentStart && childEnd <= parentStart + parentDuration) return 0;
  const latency = Math.floor((parentDuration - childDuration) / 2);
  return parentStart + latency - childStart;
}

/**
 * Builds the span tree of one trace and adjusts clock skew between hosts.
 * @param spans the spans of one trace, any order
 */
export function stitchTrace(spans: readonly StitchInput[]): StitchResult {
  const n = spans.length;
  const byId = new Map<string, number>();
  const duplicates: number[] = [];
  for (let i = 0; i < n; i++) {
    const id = spans[i]!.spanId;
    if (byId.has(id)) duplicates.push(i);
    else byId.set(id, i);
  }
  const dup = new Set(duplicates);
  const children: number[][] = Array.from({ length: n }, () => []);
  const roots: number[] = [];
  const orphans: number[] = [];
  for (let i = 0; i < n; i++) {
    if (dup.has(i)) continue;
    const parent = spans[i]!.parentSpanId;
    const p = parent === null ? undefined : byId.get(parent);
    if (p === undefined || p === i) {
      roots.push(i);
      if (parent !== null) orphans.push(i);
    } else children[p]!.push(i);
  }
  const byStart = (a: number, b: number): number => spans[a]!.startUs - spans[b]!.startUs;
  roots.sort(byStart);
  for (const c of children) c.sort(byStart);

  const adjusted = spans.map((s) => s.startUs);
  const depth = new Array<number>(n).fill(-1);
  const adjustments: SkewAdjustment[] = [];
  // Iterative depth-first walk carrying (node, parent, skew host, skew delta).
  const stack: { i: number; parent: number; host: string; delta: number; d: number }[] = [];
  for (let r = roots.length - 1; r >= 0; r--)
    stack.push({ i: roots[r]!, parent: -1, host: spans[roots[r]!]!.host, delta: 0, d: 0 });
  const visited = new Uint8Array(n);
  const walk = (): void => {
    while (stack.length > 0) {
      const top = stack.pop()!;
      const { i, parent, d } = top;
      if (visited[i]) continue;
      visited[i] = 1;
      depth[i] = d;
      const s = spans[i]!;
      let { host, delta } = top;
      if (parent >= 0 && s.host !== host) {
        // A host boundary: this host's offset is chosen against the already adjusted parent.
        host = s.host;
        delta = calculateSkew(s.startUs, s.durationUs, adjusted[parent]!, spans[parent]!.durationUs);
      }
      if (delta !== 0) {
        adjusted[i] = s.startUs + delta;
        adjustments.push({ spanId: s.spanId, host: s.host, deltaUs: delta });
      }
      const kids = children[i]!;
      for (let k = kids.length - 1; k >= 0; k--)
        stack.push({ i: kids[k]!, parent: i, host, delta, d: d + 1 });
    }
  };
  walk();
  // Spans in a parent cycle were reached from no root: report them as orphans and walk them as roots.
  for (let i = 0; i < n; i++) {
    if (visited[i] || dup.has(i)) continue;
    roots.push(i);
    orphans.push(i);
    stack.push({ i, parent: -1, host: spans[i]!.host, delta: 0, d: 0 });
    walk();
  }
  return { adjustedStartUs: adjusted, roots, children, orphans, duplicates, adjustments, depth };
}
