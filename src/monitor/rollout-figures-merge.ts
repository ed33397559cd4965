/**
 * Puts the per-version figures (./rollout-version-figures.ts) into the v1 vs v3 comparison: a `measured` figure
 * replaces the node-level one (which compares nodes, not versions, and is empty when every node runs both); an
 * `insufficient-data` figure leaves the node-level value (null under a per-migration rollout). Pure.
 */
import { BYTES_PER_GB, type VersionComparison } from '../analysis/canary/comparison.ts';
import type { VersionFigure } from '../contract/rollout.ts';
import type { SeriesPoints } from '../store/types.ts';
import type { ResourceSeries } from './rollout-version-figures.ts';
import type { EvidenceSeries } from './rollout-evidence.ts';
import { counterIncreases } from './rollout-inputs.ts';

/** Σ increases of counters at points in (sinceMs, untilMs]. */
function increaseIn(series: readonly SeriesPoints[], sinceMs: number, untilMs: number): number {
  let total = 0;
  for (const p of counterIncreases(series)) if (p.tMs > sinceMs && p.tMs <= untilMs) total += p.inc;
  return total;
}

/**
 * The comparison with the measured per-version figures in place, and a note per figure taken from them.
 * Bandwidth saved in GB (and its cost) is then v3's guest memory minus its bytes sent in the window.
 */
export function withVersionFigures(
  c: VersionComparison,
  figures: readonly VersionFigure[],
  rs: EvidenceSeries & ResourceSeries,
  sinceMs: number,
  untilMs: number,
): { comparison: VersionComparison; notes: string[] } {
  const notes: string[] = [];
  let out: VersionComparison = c;
  const measured = (
    f: VersionFigure['figure'],
  ): Extract<VersionFigure, { state: 'measured' }> | undefined => {
    const x = figures.find((y) => y.figure === f);
    return x?.state === 'measured' ? x : undefined;
  };
  const thr = measured('throughput');
  if (thr) {
    out = {
      ...out,
      v1: { ...out.v1, throughputMeanMbps: thr.v1Mean },
      v3: { ...out.v3, throughputMeanMbps: thr.v3Mean },
      throughputImprovementPercent: thr.improvementPercent,
    };
  }
  const cpu = measured('cpu');
  if (cpu) out = { ...out, cpuImprovementPercent: cpu.improvementPercent };
  const mem = measured('memory');
  if (mem) out = { ...out, memoryImprovementPercent: mem.improvementPercent };
  const bw = measured('bandwidth_saved');
  if (bw) {
    const gb =
      (increaseIn(rs.v3MigrationMemory, sinceMs, untilMs) - increaseIn(rs.v3Sent, sinceMs, untilMs)) /
      BYTES_PER_GB;
    out = {
      ...out,
      bandwidthSavedPercent: bw.v3Mean,
      bandwidthSavedGb: gb,
      costSavingsUsd: gb * out.pricePerGb,
    };
  }
  const taken = [thr && 'throughput', cpu && 'CPU', mem && 'memory', bw && 'bandwidth saved'].filter(
    (x): x is string => typeof x === 'string',
  );
  const first = thr ?? cpu ?? mem ?? bw;
  if (first) {
    const design =
      first.baselineNodes > 0
        ? `each of ${first.baselineNodes} one-version nodes against its own v1 baseline before the stage, relative to the v1 nodes' change (difference in differences)`
        : 'node-stratified';
    notes.push(
      `${taken.join(', ')}: per version from the per-migration counters, ${design}, with ${Math.round(100 * first.confidence)} % intervals in figures.perVersion`,
    );
  }
  return { comparison: out, notes };
}
