/**
 * Why the Holt-Winters level member of the default detector (kind generic: the `live` ensemble) votes on NAB rows
 * outside the labelled windows. Runs the live ensemble and, beside it, a level member with the same options over
 * every NAB file under live rules, and for each false-positive row (the ensemble alarms at its own threshold, the
 * level member voted, after NAB's probation, outside every window) records:
 * - whether the alarm threshold came from the member's tail calibration (max(5 σ, 2·q̂₀.₉₉(|z|)) above the 5 σ
 *   floor) and how far above it the sample lay;
 * - whether the vote was isolated (neither neighbour voted): the monitor's engine confirms only on 2 consecutive
 *   anomalous samples, so an isolated vote never pages through the engine;
 * - how the sample compares with the largest |z| of the previous week (the pruning of Hundman et al. 2018,
 *   "Detecting Spacecraft Anomalies Using LSTMs and Nonparametric Dynamic Thresholding", KDD: an excursion
 *   no larger than (1 + p)× an earlier one, p = 0.13, is not anomalous).
 *
 * Usage: npx tsx bench/nab-level-fps.ts. NAB data: DWCP_NAB_DIR (default ../shared/datasets/nab).
 */
import { createHoltWintersLevelDetector } from '../src/analysis/anomaly/holt-winters-level.ts';
import { probationLength } from '../src/analysis/anomaly/nab/rules.ts';
import { LIVE_TUNING } from '../src/analysis/anomaly/live-tuning.ts';
import { createEnsemble } from '../src/analysis/anomaly/presets.ts';
import { loadNabCorpus, type NabDataFile } from '../src/eval/nab-data.ts';

/** Hundman et al.'s pruning margin p. */
const PRUNE_MARGIN = 0.13;
/** Look-back of the earlier-peak comparison: one week of NAB's 5-minute rows. */
const LOOKBACK_ROWS = 2016;
const DAY_MS = 86_400_000;

/** One false-positive row of the level member. */
interface LevelFp {
  readonly category: string;
  readonly ageDays: number;
  /** |z| of the sample and the alarm threshold in σ. */
  readonly dz: number;
  readonly threshold: number;
  readonly isolated: boolean;
  /** |z| / the largest |z| of the previous LOOKBACK_ROWS rows. */
  readonly toEarlierPeak: number;
}

function scan(f: NabDataFile): LevelFp[] {
  const ens = createEnsemble({ kind: 'generic' }, { preset: 'live' });
  const level = createHoltWintersLevelDetector(
    { kind: 'generic' },
    { threshold: LIVE_TUNING.hwSigma!, periodMs: DAY_MS },
  );
  const inWindow = new Uint8Array(f.rows);
  for (const [l, r] of f.windows) inWindow.fill(1, l, r + 1);
  const probation = probationLength(f.rows);
  const dz = new Float64Array(f.rows);
  const thr = new Float64Array(f.rows).fill(Number.NaN);
  const voted = new Uint8Array(f.rows);
  const fpRows: number[] = [];
  for (let i = 0; i < f.rows; i++) {
    const x = f.values[i]!;
    const t = f.timestampsMs[i]!;
    const v = ens.update(x, t);
    const h = level.update(x, t);
    if (!h.warmingUp && Number.isFinite(h.deviation) && x !== h.expected) {
      dz[i] = Math.abs(h.deviation);
      thr[i] = ((h.upper - h.expected) * dz[i]!) / Math.abs(x - h.expected);
    }
    voted[i] = h.anomalous ? 1 : 0;
    const levelVoted = v.votes.some((m) => m.voted && m.detector === level.name);
    if (v.anomalous && levelVoted && i >= probation && inWindow[i] === 0) fpRows.push(i);
  }
  return fpRows.map((i) => {
    let peak = 0;
    for (let j = Math.max(0, i - LOOKBACK_ROWS); j < i - 1; j++) if (dz[j]! > peak) peak = dz[j]!;
    return {
      category: f.category,
      ageDays: (f.timestampsMs[i]! - f.timestampsMs[0]!) / DAY_MS,
      dz: dz[i]!,
      threshold: thr[i]!,
      isolated: voted[i - 1] !== 1 && voted[i + 1] !== 1,
      toEarlierPeak: peak > 0 ? dz[i]! / peak : Number.POSITIVE_INFINITY,
    };
  });
}

function quartiles(xs: readonly number[]): string {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (s.length === 0) return 'n/a';
  const q = (p: number): string => s[Math.floor(p * (s.length - 1))]!.toFixed(2);
  return `${q(0.25)} / ${q(0.5)} / ${q(0.75)}`;
}

async function main(): Promise<void> {
  const corpus = await loadNabCorpus();
  const fps = corpus.files.flatMap(scan);
  const late = fps.filter((r) => r.ageDays >= 8);
  const byCat = new Map<string, number>();
  for (const r of fps) byCat.set(r.category, (byCat.get(r.category) ?? 0) + 1);
  const line = (label: string, rs: readonly LevelFp[]): string =>
    `| ${label} | ${rs.length} | ${rs.filter((r) => r.threshold > LIVE_TUNING.hwSigma! + 1e-9).length} | ${quartiles(rs.map((r) => r.threshold))} | ${quartiles(rs.map((r) => r.dz))} | ${rs.filter((r) => r.isolated).length} | ${rs.filter((r) => r.toEarlierPeak < 1 + PRUNE_MARGIN).length} | ${quartiles(rs.map((r) => r.toEarlierPeak))} |`;
  console.log(
    `Level-member false positives on NAB (live rules, the ensemble's own threshold; by category: ${[...byCat].map(([c, n]) => `${c} ${n}`).join(', ')})\n`,
  );
  console.log(
    "| rows | count | threshold from the tail calibration | threshold σ quartiles | abs(z) quartiles | isolated (no neighbour voted) | within 1.13× of a peak of the previous week | abs(z) / previous week's peak, quartiles |",
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  console.log(line('all', fps));
  console.log(line('series age ≥ 8 days', late));
}

await main();
