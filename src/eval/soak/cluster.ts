/**
 * The simulated cluster of a soak, derived as `dwcp-monitor simulate` derives it (src/sim/topology.ts), and how
 * its nodes are read: every sample of a node's registry from prom-client's values (`_bucket`, `_sum` and `_count`
 * rows included), the same samples the monitor parses from the text exposition over HTTP (checked by
 * test/unit/eval/soak/cluster.test.ts) at a quarter of the cost.
 */
import type { Sample } from '../../model/sample.ts';
import type { SimNode } from '../../sim/node.ts';
import { createSimNode, deriveNodes, type NodeSpec } from '../../sim/topology.ts';
import { soakFaults, type ResolvedSoakOptions } from './options.ts';

/** One node of the soak with its target identity. */
export interface SoakNode {
  readonly spec: NodeSpec;
  readonly node: SimNode;
  /** `127.0.0.1:<port>`: the `instance` label of its target. */
  readonly instance: string;
}

/** The nodes of a soak, not yet ticked; the simulation starts at `startMs`. */
export function soakCluster(o: ResolvedSoakOptions, startMs: number): SoakNode[] {
  const faults = soakFaults(o);
  return deriveNodes(o.nodes, o.regions, o.seed, o.portBase).map((spec) => ({
    spec,
    instance: `127.0.0.1:${spec.port}`,
    node: createSimNode(spec, {
      rolloutPercent: o.rolloutPercent,
      daySeconds: o.daySeconds,
      startMs,
      faults,
      warn: () => {},
    }),
  }));
}

interface ValueRow {
  readonly labels: Readonly<Record<string, string | number>>;
  readonly value: number;
  readonly metricName?: string;
}

/** Every sample of `node`'s registry at `tMs` (see the module comment). */
export async function readNode(node: SimNode, tMs: number): Promise<Sample[]> {
  const out: Sample[] = [];
  for (const m of await node.registry.getMetricsAsJSON()) {
    for (const row of m.values as readonly ValueRow[]) {
      const labels: Record<string, string> = {};
      for (const k in row.labels) labels[k] = String(row.labels[k]);
      out.push({ name: row.metricName ?? m.name, labels, value: row.value, timestampMs: tMs });
    }
  }
  return out;
}
