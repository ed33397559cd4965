/**
 * Flame-graph tree of a decoded profile: stacks merged by function (root first), each node with its total
 * (itself and callees) and self value for one sample type. Bounded: nodes whose total is below `minFraction`
 * of the profile's total are folded into one `(other)` child per parent, the tree is cut at `maxDepth`, and at
 * most `maxNodes` nodes are returned (the smallest are folded first). Pure.
 * @see https://www.brendangregg.com/flamegraphs.html (the merged-stack representation)
 */
import { InvalidInputError } from '../errors.ts';
import { sampleTypeIndex, type ProfileView, type SampleTypeInfo } from './pprof-read.ts';

/** One node of the tree. */
export interface FlameNode {
  readonly name: string;
  readonly file: string;
  /** Value of this node and every callee. */
  readonly total: number;
  /** Value with this node on top of the stack. */
  readonly self: number;
  readonly children: readonly FlameNode[];
}

/** The tree with what it measures. */
export interface FlameGraph {
  readonly sampleType: SampleTypeInfo;
  /** Sum over all samples (equals `root.total`). */
  readonly total: number;
  readonly root: FlameNode;
  /** Nodes in the returned tree (root included). */
  readonly nodes: number;
  /** True when nodes were folded into `(other)` or cut at `maxDepth`. */
  readonly truncated: boolean;
}

/** Bounds of {@link buildFlameGraph}. */
export interface FlameGraphOptions {
  /** Sample type name (`cpu`, `inuse_space`, ...); default: the profile's default. */
  readonly sampleType?: string;
  /** Nodes below this share of the total are folded into `(other)` (default 0.001). */
  readonly minFraction?: number;
  /** Deepest level kept (default 128). */
  readonly maxDepth?: number;
  /** Most nodes returned (default 5000, at most 50 000). */
  readonly maxNodes?: number;
}

interface MutNode {
  name: string;
  file: string;
  total: number;
  self: number;
  children: Map<string, MutNode>;
}

const mk = (name: string, file: string): MutNode => ({ name, file, total: 0, self: 0, children: new Map() });

/**
 * Builds the flame graph.
 * @throws InvalidInputError for an unknown sample type or options out of range (minFraction 0..1,
 *   maxDepth 1..1024, maxNodes 1..50 000).
 */
export function buildFlameGraph(view: ProfileView, opts: FlameGraphOptions = {}): FlameGraph {
  const idx = sampleTypeIndex(view, opts.sampleType);
  const minFraction = opts.minFraction ?? 0.001;
  const maxDepth = opts.maxDepth ?? 128;
  const maxNodes = opts.maxNodes ?? 5000;
  if (!(minFraction >= 0 && minFraction <= 1))
    throw new InvalidInputError(`minFraction must be in 0..1, got ${minFraction}`);
  if (!Number.isInteger(maxDepth) || maxDepth < 1 || maxDepth > 1024)
    throw new InvalidInputError(`maxDepth must be an integer 1..1024, got ${maxDepth}`);
  if (!Number.isInteger(maxNodes) || maxNodes < 1 || maxNodes > 50_000)
    throw new InvalidInputError(`maxNodes must be an integer 1..50000, got ${maxNodes}`);
  const root = mk('root', '');
  let truncated = false;
  for (const s of view.samples) {
    const v = s.values[idx] ?? 0;
    if (v <= 0) continue;
    root.total += v;
    let node = root;
    const depth = Math.min(s.stack.length, maxDepth);
    if (s.stack.length > maxDepth) truncated = true;
    for (let d = 0; d < depth; d++) {
      const f = view.frames[s.stack[d]!]!;
      const key = `${f.name}\u0000${f.file}`;
      let child = node.children.get(key);
      if (!child) {
        child = mk(f.name, f.file);
        node.children.set(key, child);
      }
      child.total += v;
      node = child;
    }
    node.self += v;
  }
  // Fold small nodes: first by minFraction, then raise the threshold until the node count fits.
  let threshold = root.total * minFraction;
  let out = freeze(root, threshold);
  while (out.count > maxNodes) {
    threshold = threshold > 0 ? threshold * 2 : Math.max(1, root.total / maxNodes);
    out = freeze(root, threshold);
  }
  if (out.folded) truncated = true;
  return {
    sampleType: view.sampleTypes[idx]!,
    total: root.total,
    root: out.node,
    nodes: out.count,
    truncated,
  };
}

function freeze(n: MutNode, threshold: number): { node: FlameNode; count: number; folded: boolean } {
  const kids: FlameNode[] = [];
  let count = 1;
  let folded = false;
  let other = 0;
  const sorted = [...n.children.values()].sort((a, b) => b.total - a.total || a.name.localeCompare(b.name));
  for (const c of sorted) {
    if (c.total < threshold) {
      other += c.total;
      continue;
    }
    const r = freeze(c, threshold);
    kids.push(r.node);
    count += r.count;
    folded ||= r.folded;
  }
  if (other > 0) {
    kids.push({ name: '(other)', file: '', total: other, self: other, children: [] });
    count++;
    folded = true;
  }
  return {
    node: { name: n.name, file: n.file, total: n.total, self: n.self, children: kids },
    count,
    folded,
  };
}
