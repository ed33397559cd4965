/**
 * Per-version throughput, CPU, memory and bandwidth-saved samples for the v1 vs v3 comparison, from node-level
 * series attributed to a version by the node's feature flag. Pure: no clocks, no I/O.
 *
 * Why by node: CPU and memory utilisation (`dwcp_v3_resource_utilization_percent`), transfer throughput
 * (`dwcp_v3_throughput_bytes_per_second`) and HDE byte counters are reported per node, not per protocol version.
 * They can be put on a version only when a node runs one version: the canary-vs-baseline comparison of canary
 * analysis (Kayenta compares canary and baseline instances). A node's version is the latest value of
 * `dwcp_system_config_enabled{feature="v3_enabled"}` (1 → v3, 0 → v1).
 * - CPU, memory: the values of `resource_type="cpu"` / `"memory"` of each node in the window (percent).
 * - Throughput: per node and scrape, the sum of its `direction="tx"` throughput series, in Mbit/s.
 * - Bandwidth saved: per node, the increases of `dwcp_hde_bytes_original_total` and
 *   `dwcp_hde_bytes_compressed_total` in the window (counter resets handled), summed per version.
 * When every node has v3 enabled (a per-migration rollout: each node sends a share of its migrations over v3),
 * throughput, CPU and memory stay empty and a note says why; bandwidth saved is then the HDE savings of the v3
 * nodes. The comparison compares nodes, so canary and baseline nodes should be alike (link class, load).
 */
import type { VersionSamples } from '../analysis/canary/comparison.ts';
import type { SeriesPoints } from '../store/types.ts';
import { nodeOf } from './component-status.ts';
import { counterIncreases } from './rollout-inputs.ts';

/** Stored node-level series read for the figures (the reader applies the matchers named here). */
export interface FigureSeries {
  /** `dwcp_system_config_enabled{feature="v3_enabled"}`. */
  readonly v3Enabled: readonly SeriesPoints[];
  /** `dwcp_v3_resource_utilization_percent` (all resource types). */
  readonly utilization: readonly SeriesPoints[];
  /** `dwcp_v3_throughput_bytes_per_second{direction="tx"}`. */
  readonly throughputTx: readonly SeriesPoints[];
  readonly hdeOriginal: readonly SeriesPoints[];
  readonly hdeCompressed: readonly SeriesPoints[];
}

/** Samples per version (to merge into the comparison's `VersionSamples`), the node counts and notes. */
export interface VersionFigures {
  readonly v1: Pick<
    VersionSamples,
    'throughputMbps' | 'cpuPercent' | 'memoryPercent' | 'originalBytes' | 'transferredBytes'
  >;
  readonly v3: Pick<
    VersionSamples,
    'throughputMbps' | 'cpuPercent' | 'memoryPercent' | 'originalBytes' | 'transferredBytes'
  >;
  readonly nodes: { readonly v1: number; readonly v3: number };
  /** Why figures are empty, if they are. */
  readonly notes: readonly string[];
}

type Version = 'v1' | 'v3';

/** Latest flag value per node → version. */
export function nodeVersions(flags: readonly SeriesPoints[]): Map<string, Version> {
  const latest = new Map<string, { t: number; v: number }>();
  for (const s of flags) {
    const node = nodeOf(s.series.labels);
    for (let i = s.values.length - 1; i >= 0; i--) {
      const v = s.values[i]!;
      if (!Number.isFinite(v)) continue;
      const t = s.timestampsMs[i]!;
      const prev = latest.get(node);
      if (!prev || t > prev.t) latest.set(node, { t, v });
      break;
    }
  }
  return new Map([...latest].map(([n, x]) => [n, x.v >= 0.5 ? 'v3' : 'v1']));
}

const inWindow = (t: number, since: number, until: number): boolean => t > since && t <= until;

/**
 * Throughput, CPU, memory and bandwidth samples per version over (sinceMs, untilMs] (see the module comment).
 */
export function versionFigures(fs: FigureSeries, sinceMs: number, untilMs: number): VersionFigures {
  const versions = nodeVersions(fs.v3Enabled);
  const empty = (): {
    throughputMbps: number[];
    cpuPercent: number[];
    memoryPercent: number[];
    original: number;
    sent: number;
    bytes: boolean;
  } => ({
    throughputMbps: [],
    cpuPercent: [],
    memoryPercent: [],
    original: 0,
    sent: 0,
    bytes: false,
  });
  const acc = { v1: empty(), v3: empty() };
  const count = { v1: 0, v3: 0 };
  for (const v of versions.values()) count[v]++;
  const notes: string[] = [];
  if (versions.size === 0) {
    notes.push(
      'nodes report no v3_enabled feature flag: throughput, CPU, memory and bandwidth saved cannot be put on a version',
    );
  } else if (count.v1 === 0 || count.v3 === 0) {
    const only = count.v1 === 0 ? 'v3' : 'v1';
    notes.push(
      `all ${versions.size} nodes have ${only === 'v3' ? 'v3 enabled' : 'v3 disabled'}: node-level throughput, CPU and memory are per node, so they are compared only when some nodes run v1 only and others v3 (a node-based canary); with every node sending a share of its migrations over v3 they cannot be split by version`,
    );
  }
  const comparable = count.v1 > 0 && count.v3 > 0;
  if (comparable) {
    notes.push(
      `${count.v1} v1 and ${count.v3} v3 nodes: the node-level figures compare different nodes, so differences between the nodes (links, load) are part of them; descriptive, not judged`,
    );
  }
  if (comparable) {
    for (const s of fs.utilization) {
      const v = versions.get(nodeOf(s.series.labels));
      const type = s.series.labels['resource_type'];
      if (v === undefined || (type !== 'cpu' && type !== 'memory')) continue;
      const into = type === 'cpu' ? acc[v].cpuPercent : acc[v].memoryPercent;
      s.values.forEach((x, i) => {
        if (Number.isFinite(x) && inWindow(s.timestampsMs[i]!, sinceMs, untilMs)) into.push(x);
      });
    }
    const perNodeScrape = new Map<string, Map<number, number>>();
    for (const s of fs.throughputTx) {
      const node = nodeOf(s.series.labels);
      if (!versions.has(node)) continue;
      const m = perNodeScrape.get(node) ?? new Map<number, number>();
      s.values.forEach((x, i) => {
        const t = s.timestampsMs[i]!;
        if (Number.isFinite(x) && inWindow(t, sinceMs, untilMs)) m.set(t, (m.get(t) ?? 0) + x);
      });
      perNodeScrape.set(node, m);
    }
    for (const [node, m] of perNodeScrape)
      for (const bps of m.values()) acc[versions.get(node)!].throughputMbps.push((bps * 8) / 1e6);
  }
  const bytes = (series: readonly SeriesPoints[], field: 'original' | 'sent'): void => {
    for (const s of series) {
      const v = versions.get(nodeOf(s.series.labels));
      if (v === undefined) continue;
      for (const p of counterIncreases([s])) {
        if (!inWindow(p.tMs, sinceMs, untilMs)) continue;
        acc[v][field] += p.inc;
        acc[v].bytes = true;
      }
    }
  };
  bytes(fs.hdeOriginal, 'original');
  bytes(fs.hdeCompressed, 'sent');
  const out = (a: ReturnType<typeof empty>): VersionFigures['v1'] => ({
    throughputMbps: a.throughputMbps,
    cpuPercent: a.cpuPercent,
    memoryPercent: a.memoryPercent,
    ...(a.bytes ? { originalBytes: a.original, transferredBytes: Math.min(a.sent, a.original) } : {}),
  });
  return { v1: out(acc.v1), v3: out(acc.v3), nodes: count, notes };
}
