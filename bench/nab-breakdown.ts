/**
 * Where a detector loses NAB points: runs the monitor's default detector on kind generic (the `live` ensemble,
 * as `bench:detect` row `ensemble-statistical`) over every NAB file under live rules, picks the corpus threshold of
 * the profile as NAB does, and splits the raw score per file and per category into what false positives cost,
 * what missed windows cost and what late detections inside a window leave on the table (a detection on a window's
 * first row earns the full tpWeight; NAB's sigmoid gives less the later it comes). False positives are attributed
 * to the members that voted. Writes a Markdown table to stdout.
 *
 * `--engine catalog|inferred` scores what the monitor would page instead of the detector's per-sample score: each
 * file runs through the monitor's detection engine with the default detection settings (kind generic; `catalog`:
 * confirmation, confidence floor and cooldown, as the labelled corpus runs; `inferred`: as a series outside the
 * catalog, i.e. also the episodes, the warm-up and the minimum duration), and a row scores 1 where an anomaly
 * opened (its detection sample), 0 elsewhere — a fixed threshold, so no threshold is chosen on NAB at all.
 *
 * Usage: npx tsx bench/nab-breakdown.ts [--profile standard|reward_low_FP_rate|reward_low_FN_rate] [--files]
 *   [--engine catalog|inferred] (`--files`: one row per file as well as per category). NAB data: DWCP_NAB_DIR
 *   (default ../shared/datasets/nab).
 */
import { createEnsemble } from '../src/analysis/anomaly/presets.ts';
import type { EnsembleVerdict } from '../src/analysis/anomaly/ensemble.ts';
import {
  NAB_PROFILES,
  NAB_PROFILE_NAMES,
  probationLength,
  rowWeights,
  type NabProfileName,
} from '../src/analysis/anomaly/nab/rules.ts';
import { evaluateCorpus, nullScore, perfectScore } from '../src/analysis/anomaly/nab/scorer.ts';
import { loadNabCorpus, type NabDataFile } from '../src/eval/nab-data.ts';
import { EngineAsDetector, type NabEngineMode } from './detect-nab-engine.ts';

/** Loss split of one file (raw NAB points of the profile). */
interface FileLoss {
  readonly name: string;
  readonly category: string;
  readonly windows: number;
  readonly found: number;
  readonly fpRows: number;
  /** Σ of the false positives' (negative) weights. */
  readonly fpCost: number;
  /** (fnWeight + tpWeight) × missed windows: the penalty plus the reward a perfect detector would have earned. */
  readonly missCost: number;
  /** Σ over found windows of tpWeight − the best weight earned (lateness). */
  readonly lateCost: number;
  /** Median position of the first detection in its window, 0 = first row, 1 = last. */
  readonly positions: number[];
  /** Voting member sets of the false positives, e.g. `cusum` or `holt-winters-level+cusum`. */
  readonly fpVoters: Map<string, number>;
  /** False positives by the series' age in days at the row: [< 2, 2–4, 4–8, ≥ 8]. */
  readonly fpAge: number[];
}

const AGE_EDGES_DAYS = [2, 4, 8];

const GENERIC = { kind: 'generic' as const };

function parseArgs(argv: readonly string[]): {
  profile: NabProfileName;
  files: boolean;
  engine: NabEngineMode | null;
} {
  let profile: NabProfileName = 'standard';
  let files = false;
  let engine: NabEngineMode | null = null;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--profile') {
      const p = argv[++i] as NabProfileName;
      if (!NAB_PROFILE_NAMES.includes(p))
        throw new Error(`--profile must be one of ${NAB_PROFILE_NAMES.join(', ')}`);
      profile = p;
    } else if (a === '--files') files = true;
    else if (a === '--engine') {
      const m = argv[++i];
      if (m !== 'catalog' && m !== 'inferred') throw new Error('--engine must be catalog or inferred');
      engine = m;
    } else throw new Error(`unknown option ${String(a)}`);
  }
  return { profile, files, engine };
}

/** The file through the monitor's detection engine: 1 on the rows where an anomaly opened. */
function runEngine(f: NabDataFile, mode: NabEngineMode): { scores: Float64Array; voters: (string | null)[] } {
  const engine = new EngineAsDetector(mode);
  const scores = new Float64Array(f.rows);
  const voters: (string | null)[] = new Array<string | null>(f.rows).fill(null);
  for (let i = 0; i < f.rows; i++) {
    scores[i] = engine.update(f.values[i]!, f.timestampsMs[i]!).score;
    const o = engine.lastOpened;
    if (o !== null)
      voters[i] = o.anomaly.votes
        .filter((v) => v.voted)
        .map((v) => v.detector)
        .join('+');
  }
  return { scores, voters };
}

function runFile(f: NabDataFile): { scores: Float64Array; voters: (string | null)[] } {
  const d = createEnsemble(GENERIC, { preset: 'live' });
  const scores = new Float64Array(f.rows);
  const voters: (string | null)[] = new Array<string | null>(f.rows).fill(null);
  for (let i = 0; i < f.rows; i++) {
    const v: EnsembleVerdict = d.update(f.values[i]!, f.timestampsMs[i]!);
    scores[i] = Number.isFinite(v.score) ? Math.min(1, Math.max(0, v.score)) : 0;
    if (v.votes.length > 0)
      voters[i] = v.votes
        .filter((m) => m.voted)
        .map((m) => m.detector)
        .join('+');
  }
  return { scores, voters };
}

function lossOf(
  f: NabDataFile,
  scores: Float64Array,
  voters: readonly (string | null)[],
  θ: number,
  profile: NabProfileName,
): FileLoss {
  const cost = NAB_PROFILES[profile];
  const w = rowWeights(f, cost);
  const probation = probationLength(f.rows);
  let fpRows = 0;
  let fpCost = 0;
  const fpVoters = new Map<string, number>();
  const fpAge = [0, 0, 0, 0];
  const inWin = new Int32Array(f.rows).fill(-1);
  f.windows.forEach(([l, r], k) => {
    for (let i = l; i <= r; i++) inWin[i] = k;
  });
  const best = new Array<number>(f.windows.length).fill(Number.NEGATIVE_INFINITY);
  const first = new Array<number>(f.windows.length).fill(-1);
  const scored = new Array<boolean>(f.windows.length).fill(false);
  for (let i = probation; i < f.rows; i++) {
    const k = inWin[i]!;
    if (k >= 0) scored[k] = true;
    if (scores[i]! < θ) continue;
    if (k >= 0) {
      if (w[i]! > best[k]!) best[k] = w[i]!;
      if (first[k] === -1) first[k] = i;
    } else {
      fpRows++;
      fpCost += w[i]!;
      const age = (f.timestampsMs[i]! - f.timestampsMs[0]!) / 86_400_000;
      const b = AGE_EDGES_DAYS.findIndex((d) => age < d);
      fpAge[b < 0 ? AGE_EDGES_DAYS.length : b]! += 1;
      const who = voters[i] ?? '(score only)';
      fpVoters.set(who, (fpVoters.get(who) ?? 0) + 1);
    }
  }
  let windows = 0;
  let found = 0;
  let lateCost = 0;
  const positions: number[] = [];
  f.windows.forEach(([l, r], k) => {
    if (!scored[k]) return;
    windows++;
    if (first[k]! < 0) return;
    found++;
    lateCost += cost.tpWeight - best[k]!;
    positions.push(r > l ? (first[k]! - l) / (r - l) : 0);
  });
  return {
    name: f.name,
    category: f.category,
    windows,
    found,
    fpRows,
    fpCost,
    missCost: (cost.fnWeight + cost.tpWeight) * (windows - found),
    lateCost,
    positions,
    fpVoters,
    fpAge,
  };
}

function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)]!;
}

function merge(name: string, ls: readonly FileLoss[]): FileLoss {
  const fpVoters = new Map<string, number>();
  for (const l of ls) for (const [k, n] of l.fpVoters) fpVoters.set(k, (fpVoters.get(k) ?? 0) + n);
  return {
    name,
    category: name,
    windows: ls.reduce((s, l) => s + l.windows, 0),
    found: ls.reduce((s, l) => s + l.found, 0),
    fpRows: ls.reduce((s, l) => s + l.fpRows, 0),
    fpCost: ls.reduce((s, l) => s + l.fpCost, 0),
    missCost: ls.reduce((s, l) => s + l.missCost, 0),
    lateCost: ls.reduce((s, l) => s + l.lateCost, 0),
    positions: ls.flatMap((l) => l.positions),
    fpVoters,
    fpAge: [0, 1, 2, 3].map((k) => ls.reduce((s, l) => s + l.fpAge[k]!, 0)),
  };
}

async function main(): Promise<void> {
  const { profile, files, engine } = parseArgs(process.argv.slice(2));
  const corpus = await loadNabCorpus();
  const t0 = process.cpuUsage();
  const runs = corpus.files.map((f) => (engine === null ? runFile(f) : runEngine(f, engine)));
  const cpu = process.cpuUsage(t0);
  const cost = NAB_PROFILES[profile];
  const e = evaluateCorpus(
    corpus.files,
    runs.map((r) => r.scores),
    cost,
    engine === null ? {} : { threshold: 1 },
  );
  const losses = corpus.files.map((f, j) =>
    lossOf(f, runs[j]!.scores, runs[j]!.voters, e.threshold, profile),
  );
  // One normalised point in raw points: (perfect − null) / 100.
  const perPoint = (perfectScore(cost, corpus.windowCount) - nullScore(cost, corpus.windowCount)) / 100;
  const pts = (raw: number): string => (raw / perPoint).toFixed(1);
  const row = (l: FileLoss): string => {
    const voters = [...l.fpVoters]
      .sort((a, b) => b[1] - a[1])
      .map(([k, n]) => `${k} ${n}`)
      .join(', ');
    return `| ${l.name} | ${l.found}/${l.windows} | ${l.fpRows} | ${pts(-l.fpCost)} | ${pts(l.missCost)} | ${pts(l.lateCost)} | ${median(l.positions).toFixed(2)} | ${l.fpAge.join(' / ')} | ${voters} |`;
  };
  const what = engine === null ? 'detector score' : `anomalies opened by the engine (${engine} series)`;
  const cpuS = ((cpu.user + cpu.system) / 1e6).toFixed(1);
  console.log(
    `NAB ${profile}, live rules, ${what}, θ ${e.threshold.toFixed(6)}: normalised ${e.normalized.toFixed(1)} (1 point = ${perPoint.toFixed(2)} raw); windows ${e.windowsDetected}/${e.windowsTotal}, FP rows ${e.fpRows}; CPU ${cpuS} s\n`,
  );
  console.log(
    '| file / category | windows found | FP rows | lost to FPs (points) | lost to misses | lost to lateness | median first-detection position | FPs at age < 2 / 2–4 / 4–8 / ≥ 8 days | FP voters |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  const cats = [...new Set(losses.map((l) => l.category))];
  for (const c of cats) {
    const ls = losses.filter((l) => l.category === c);
    console.log(row(merge(`**${c}**`, ls)));
    if (files) for (const l of ls) console.log(row({ ...l, name: l.name.split('/')[1] ?? l.name }));
  }
  console.log(row(merge('**all**', losses)));
}

await main();
