/**
 * How a simulated cluster's nodes are derived from (node count, regions, seed): ids `node-1..n`, regions
 * round-robin, the link class of each region slot (datacenter, internet, hybrid, repeating), a link profile and
 * a node seed drawn from one forked PRNG per node, the port of each node, peers and remote regions. The live
 * cluster (`startCluster`) and the labelled-scenario evaluator build their nodes with these functions, so a
 * scenario run sees exactly the nodes `dwcp-monitor simulate` would start for the same seed.
 */
import type { LevelShift } from './events.ts';
import type { ScheduledFault } from './faults.ts';
import { linkClassForRegion, linkProfile, type LinkProfile } from './link-model.ts';
import { SimNode } from './node.ts';
import { Prng } from './prng.ts';
import type { MigrationTraceSink } from './tracing.ts';

/** One derived node: identity, link and seed (no process state). */
export interface NodeSpec {
  /** 0-based position in the cluster. */
  readonly index: number;
  /** `node-<index + 1>`. */
  readonly id: string;
  readonly region: string;
  /** Link class and base link parameters (the node's mode is `profile.linkClass`). */
  readonly profile: LinkProfile;
  /** Seed of the node's own PRNG (an unsigned 32-bit integer). */
  readonly seed: number;
  /** Listen port: `portBase + index`, or 0 (ephemeral) when `portBase` is 0. */
  readonly port: number;
  /** The other nodes' ids (migration destinations). */
  readonly peers: readonly string[];
  /** The other regions (federation remotes). */
  readonly remoteRegions: readonly string[];
}

/**
 * The nodes of a cluster of `count` nodes over `regions` for `seed`: node i is `node-<i+1>` in region
 * `regions[i % regions.length]`, with the link class of that region slot and a profile and node seed drawn from
 * the i-th fork of `new Prng(seed)`. Deterministic. Arguments are checked by the callers (startCluster,
 * validateScenario).
 */
export function deriveNodes(
  count: number,
  regions: readonly string[],
  seed: number,
  portBase = 0,
): NodeSpec[] {
  const root = new Prng(seed);
  const ids = Array.from({ length: count }, (_, i) => `node-${i + 1}`);
  return ids.map((id, index) => {
    const regionIndex = index % regions.length;
    const region = regions[regionIndex]!;
    const rng = root.fork();
    const profile = linkProfile(linkClassForRegion(regionIndex), rng);
    return {
      index,
      id,
      region,
      profile,
      seed: Math.floor(rng.next() * 4294967296),
      port: portBase === 0 ? 0 : portBase + index,
      peers: ids.filter((x) => x !== id),
      remoteRegions: regions.filter((r) => r !== region),
    };
  });
}

/**
 * The seed of a node's process after `generation` restarts: the node seed itself for the first process, then a
 * new deterministic seed per restart (so a restarted process draws new noise).
 */
export function processSeed(nodeSeed: number, generation: number): number {
  return generation === 0 ? nodeSeed : (nodeSeed + Math.imul(generation, 0x9e3779b9)) >>> 0;
}

/** What a node's process runs with besides its {@link NodeSpec}. */
export interface NodeRun {
  readonly rolloutPercent: number;
  readonly daySeconds: number;
  /** Simulation start, Unix ms. */
  readonly startMs: number;
  /** Every fault of the cluster; the node keeps those with `node === spec.index`. */
  readonly faults: readonly ScheduledFault[];
  /** Every level shift of the cluster (default none); the node keeps its own. */
  readonly levelShifts?: readonly LevelShift[];
  /** Restarts so far (default 0): the process seed is {@link processSeed}. */
  readonly generation?: number;
  readonly warn: (message: string) => void;
  /** Receives every migration for tracing; default none. */
  readonly trace?: MigrationTraceSink;
}

/**
 * A fresh simulated node process for `spec` (not yet ticked, not listening).
 * @throws InvalidInputError from SimNode for bad options (e.g. a bad level shift).
 */
export function createSimNode(spec: NodeSpec, run: NodeRun): SimNode {
  const shifts = run.levelShifts?.filter((e) => e.node === spec.index);
  return new SimNode({
    id: spec.id,
    region: spec.region,
    profile: spec.profile,
    seed: processSeed(spec.seed, run.generation ?? 0),
    rolloutPercent: run.rolloutPercent,
    daySeconds: run.daySeconds,
    startMs: run.startMs,
    faults: run.faults.filter((f) => f.node === spec.index),
    ...(shifts ? { levelShifts: shifts } : {}),
    peers: spec.peers,
    remoteRegions: spec.remoteRegions,
    warn: run.warn,
    ...(run.trace ? { trace: run.trace } : {}),
  });
}
