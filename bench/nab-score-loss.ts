/**
 * Where NAB through the monitor's engine loses its points, on the true side as well as the false: every labelled
 * window (after probation) with whether the engine found it, the first opening's position in the window (0 its
 * first row, 1 its last), the points it earned against the window's maximum and how much of the lateness came
 * before the detector's first vote (the detector) and after it (the engine's confirmation); every missed window
 * with what its series does there and the largest member vote inside it (× its threshold, from
 * `engine-member-trace.ts`); totals of the points lost to misses (per class), to lateness and to false positives
 * (per class of `nab-opening-rows.ts`). Points are normalised NAB points of the profile (the three losses add up to
 * 100 − the score; the bench checks it against the scorer).
 *
 * What a missed window's series does (`describeWindow`), from robust statistics of the window's second half (from
 * its label, the centre, on) against the window-width stretch before the window: the first class that applies —
 * after a gap (a timestamp step ≥ 10 median cadences within a window width before the window's end), in a short
 * history (the label under 1,000 samples in: the record rule's history; or the detector still warming there),
 * a drop to zero (a value ≤ 0 where the stretch before had none), a variance change (spread × ≥ 2 or ≤ ½, level
 * shift < 3 σ), a level shift ≥ 3 σ, a level shift small against the noise (1–3 σ), a dynamics change (lag-1
 * autocorrelation moved by ≥ 0.5), a spike beyond the range of the stretch before, else a value inside that range
 * (a familiar value at the wrong time). σ is 1.4826 × the MAD of the stretch before (its standard deviation when
 * the MAD is 0).
 *
 * Usage: npx tsx bench/nab-score-loss.ts [--engine catalog|inferred] [--profile standard|reward_low_FP_rate|
 *   reward_low_FN_rate] [--windows] (`--windows`: one line per window). NAB data: DWCP_NAB_DIR.
 */
import { parseArgs } from 'node:util';
import {
  NAB_PROFILE_NAMES,
  NAB_PROFILES,
  probationLength,
  rowWeights,
  type NabProfileName,
} from '../src/analysis/anomaly/nab/rules.ts';
import { evaluateCorpus, nullScore, perfectScore } from '../src/analysis/anomaly/nab/scorer.ts';
import { RECORD_MIN_SAMPLES } from '../src/analysis/anomaly/record-evidence.ts';
import { loadNabCorpus, type NabDataFile } from '../src/eval/nab-data.ts';
import { COUNT_NOISE_ALPHA } from '../src/monitor/detection-counts.ts';
import { nabEngineInput, type NabEngineMode } from './detect-nab-engine.ts';
import { traceEngine, type Trace } from './engine-member-trace.ts';
import { classOf, features } from './nab-opening-rows.ts';

/** One labelled window scored after probation. */
interface WindowLoss {
  readonly file: string;
  readonly k: number;
  readonly left: number;
  readonly right: number;
  /** First opening in the window (rows ≥ probation), −1 when missed. */
  readonly opened: number;
  /** First reportable anomalous verdict in the window, −1 when none. */
  readonly firstVote: number;
  /** Raw points earned (the first opening's weight), 0 when missed. */
  readonly earned: number;
  /** Raw points lost: tpWeight − earned when found, tpWeight + fnWeight when missed. */
  readonly lost: number;
  /** Of a found window's lateness, the part before the detector's first vote (raw points). */
  readonly lateDetector: number;
  /** Largest member ratio to its threshold inside the window. */
  readonly largestVote: number;
  /** Reportable votes inside the window. */
  readonly votes: number;
  readonly what: WindowShape;
}

/** What a window's series does against the stretch before it (see the file comment). */
interface WindowShape {
  readonly cls: string;
  /** |median after the label − median before| / σ before. */
  readonly shiftSigma: number;
  /** Spread after the label / spread before. */
  readonly spreadRatio: number;
  /** Largest |x − median before| / σ in the window, and the same over the stretch before. */
  readonly peakSigma: number;
  readonly rangeSigma: number;
  /** Lag-1 autocorrelation after the label minus before. */
  readonly acfMove: number;
}

const MAD_TO_SIGMA = 1.4826;
/** A step between timestamps of at least this many median cadences is a gap (an outage, not jitter). */
const GAP_CADENCES = 10;

function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Robust σ: 1.4826 × MAD, the standard deviation when the MAD is 0, else the smallest positive double. */
function robustSigma(xs: readonly number[]): number {
  const m = median(xs);
  const mad = MAD_TO_SIGMA * median(xs.map((x) => Math.abs(x - m)));
  if (mad > 0) return mad;
  const mean = xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);
  const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / Math.max(1, xs.length - 1));
  return sd > 0 ? sd : Number.MIN_VALUE;
}

function lag1(xs: readonly number[]): number {
  if (xs.length < 3) return 0;
  const m = xs.reduce((s, x) => s + x, 0) / xs.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < xs.length; i++) {
    const d = xs[i]! - m;
    den += d * d;
    if (i > 0) num += d * (xs[i - 1]! - m);
  }
  return den > 0 ? num / den : 0;
}

function describeWindow(f: NabDataFile, t: Trace, left: number, right: number): WindowShape {
  const width = right - left + 1;
  const from = Math.max(0, left - width);
  const before = Array.from(f.values.subarray(from, left));
  const label = (left + right) >> 1;
  const after = Array.from(f.values.subarray(label, right + 1));
  const inWindow = Array.from(f.values.subarray(left, right + 1));
  const med = median(before);
  const sigma = robustSigma(before.length > 0 ? before : inWindow);
  const shiftSigma = Math.abs(median(after) - med) / sigma;
  const spreadRatio = robustSigma(after) / sigma;
  const peakSigma = Math.max(...inWindow.map((x) => Math.abs(x - med))) / sigma;
  const rangeSigma = before.length > 0 ? Math.max(...before.map((x) => Math.abs(x - med))) / sigma : 0;
  const acfMove = lag1(after) - lag1(before);
  const steps = Array.from({ length: f.rows - 1 }, (_, i) => f.timestampsMs[i + 1]! - f.timestampsMs[i]!);
  const cadence = median(steps);
  let gap = false;
  let warming = false;
  for (let i = Math.max(1, from); i <= right; i++) {
    if (f.timestampsMs[i]! - f.timestampsMs[i - 1]! >= GAP_CADENCES * cadence) gap = true;
    if (t.warming[i] === 1) warming = true;
  }
  const zeroDrop = before.length > 0 && Math.min(...before) > 0 && Math.min(...inWindow) <= 0;
  const cls = gap
    ? `after a gap (≥ ${GAP_CADENCES}× the cadence)`
    : warming || label < RECORD_MIN_SAMPLES
      ? `in a short history (label < ${RECORD_MIN_SAMPLES} samples in)`
      : zeroDrop
        ? 'a drop to zero'
        : (spreadRatio >= 2 || spreadRatio <= 0.5) && shiftSigma < 3
          ? 'a variance change (spread ×2 or ×½)'
          : shiftSigma >= 3
            ? 'a level shift ≥ 3 σ'
            : shiftSigma >= 1
              ? 'a level shift small against the noise (1–3 σ)'
              : Math.abs(acfMove) >= 0.5
                ? 'a dynamics change (lag-1 autocorrelation ±0.5)'
                : peakSigma > rangeSigma
                  ? 'a spike beyond the range before'
                  : 'a value inside the range before';
  return { cls, shiftSigma, spreadRatio, peakSigma, rangeSigma, acfMove };
}

function windowsOf(f: NabDataFile, t: Trace, profile: NabProfileName): WindowLoss[] {
  const cost = NAB_PROFILES[profile];
  const w = rowWeights(f, cost);
  const p = probationLength(f.rows);
  const out: WindowLoss[] = [];
  f.windows.forEach(([l, r], k) => {
    if (r < p) return;
    let opened = -1;
    let firstVote = -1;
    let largestVote = 0;
    let votes = 0;
    for (let i = Math.max(l, p); i <= r; i++) {
      if (t.opened[i] === 1 && opened < 0) opened = i;
      if (t.bad[i] === 1) {
        votes++;
        if (firstVote < 0) firstVote = i;
      }
      largestVote = Math.max(largestVote, t.hw[i]!, t.cu[i]!);
    }
    const earned = opened >= 0 ? w[opened]! : 0;
    const voteWeight = firstVote >= 0 && (opened < 0 || firstVote <= opened) ? w[firstVote]! : earned;
    out.push({
      file: f.name,
      k,
      left: l,
      right: r,
      opened,
      firstVote,
      earned,
      lost: opened >= 0 ? cost.tpWeight - earned : cost.tpWeight + cost.fnWeight,
      lateDetector: opened >= 0 ? cost.tpWeight - voteWeight : 0,
      largestVote,
      votes,
      what: describeWindow(f, t, l, r),
    });
  });
  return out;
}

function windowLine(x: WindowLoss, perPoint: number): string {
  const name = x.file.replace(/^.*\//, '').replace(/\.csv$/, '');
  const pos = (i: number): string => (i < 0 ? '–' : ((i - x.left) / (x.right - x.left)).toFixed(2));
  const s = x.what;
  return [
    x.opened >= 0 ? 'found' : 'MISSED',
    `${name} #${x.k + 1} [${x.left}, ${x.right}]`,
    `first opening ${pos(x.opened)}, first vote ${pos(x.firstVote)}`,
    `earned ${(x.earned / perPoint).toFixed(2)} lost ${(x.lost / perPoint).toFixed(2)} pts`,
    `votes ${x.votes}, largest ${x.largestVote.toFixed(1)}×`,
    `shift ${s.shiftSigma.toFixed(1)}σ spread ×${s.spreadRatio.toFixed(2)} peak ${s.peakSigma.toFixed(1)}σ (range before ${s.rangeSigma.toFixed(1)}σ) acf ${s.acfMove >= 0 ? '+' : ''}${s.acfMove.toFixed(2)}`,
    x.opened >= 0 ? '' : s.cls,
  ].join('\t');
}

function quartiles(xs: readonly number[]): string {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number): string => (s.length === 0 ? '–' : s[Math.floor(q * (s.length - 1))]!.toFixed(2));
  return `${at(0.25)} / ${at(0.5)} / ${at(0.75)}`;
}

async function main(): Promise<void> {
  const { values: args } = parseArgs({
    options: {
      engine: { type: 'string', default: 'catalog' },
      profile: { type: 'string', default: 'standard' },
      windows: { type: 'boolean', default: false },
    },
  });
  const mode = args.engine as NabEngineMode;
  if (mode !== 'catalog' && mode !== 'inferred') throw new Error('--engine must be catalog or inferred');
  const profile = args.profile as NabProfileName;
  if (!NAB_PROFILE_NAMES.includes(profile))
    throw new Error(`--profile must be one of ${NAB_PROFILE_NAMES.join(', ')}`);
  const cost = NAB_PROFILES[profile];
  const corpus = await loadNabCorpus();
  const t0 = process.cpuUsage();
  const perPoint = (perfectScore(cost, corpus.windowCount) - nullScore(cost, corpus.windowCount)) / 100;
  const windows: WindowLoss[] = [];
  const fpByClass = new Map<string, { rows: number; raw: number }>();
  const scores: Float64Array[] = [];
  for (const f of corpus.files) {
    const t = traceEngine(f.rows, (i) => nabEngineInput(f.values[i]!, f.timestampsMs[i]!, mode));
    scores.push(Float64Array.from(t.opened));
    windows.push(...windowsOf(f, t, profile));
    const w = rowWeights(f, cost);
    for (const row of features(f, mode, COUNT_NOISE_ALPHA)) {
      if (row.status !== 'fp') continue;
      if (t.opened[row.row] !== 1) throw new Error(`${f.name} row ${row.row}: the two engine runs disagree`);
      const c = fpByClass.get(classOf(row)) ?? { rows: 0, raw: 0 };
      c.rows++;
      c.raw -= w[row.row]!;
      fpByClass.set(classOf(row), c);
    }
  }
  const e = evaluateCorpus(corpus.files, scores, cost, { threshold: 1 });
  const cpu = process.cpuUsage(t0);
  const pts = (raw: number): string => (raw / perPoint).toFixed(1);
  const found = windows.filter((x) => x.opened >= 0);
  const missed = windows.filter((x) => x.opened < 0);
  const lostMiss = missed.reduce((s, x) => s + x.lost, 0);
  const lostLate = found.reduce((s, x) => s + x.lost, 0);
  const lostLateDetector = found.reduce((s, x) => s + x.lateDetector, 0);
  const lostFp = [...fpByClass.values()].reduce((s, c) => s + c.raw, 0);
  console.log(
    `NAB ${profile} through the engine (${mode} series): ${e.normalized.toFixed(1)} = 100 − ${pts(lostFp)} (false positives) − ${pts(lostMiss)} (misses) − ${pts(lostLate)} (lateness) [check ${(100 - (lostFp + lostMiss + lostLate) / perPoint).toFixed(1)}]; windows ${found.length}/${windows.length}; CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s\n`,
  );
  if (args.windows) for (const x of windows) console.log(windowLine(x, perPoint));

  console.log(
    '\n| missed windows: what the series does there | windows | points lost | with a vote inside | of them one vote only | largest member vote, quartiles (× threshold) |',
  );
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const cls of [...new Set(missed.map((x) => x.what.cls))].sort()) {
    const xs = missed.filter((x) => x.what.cls === cls);
    console.log(
      `| ${cls} | ${xs.length} | ${pts(xs.reduce((s, x) => s + x.lost, 0))} | ${xs.filter((x) => x.votes > 0).length} | ${xs.filter((x) => x.votes === 1).length} | ${quartiles(xs.map((x) => x.largestVote))} |`,
    );
  }
  console.log(
    `| **all missed** | ${missed.length} | ${pts(lostMiss)} | ${missed.filter((x) => x.votes > 0).length} | ${missed.filter((x) => x.votes === 1).length} | ${quartiles(missed.map((x) => x.largestVote))} |`,
  );

  const bands: readonly [number, number][] = [
    [0, 0.25],
    [0.25, 0.5],
    [0.5, 0.6],
    [0.6, 0.75],
    [0.75, 1.01],
  ];
  console.log(
    '\n| found windows: first opening at (0 first row, 0.5 the label, 1 last) | windows | points earned | lost to lateness | of it before the first vote (detector) |',
  );
  console.log('| --- | --- | --- | --- | --- |');
  for (const [a, b] of bands) {
    const xs = found.filter((x) => {
      const pos = (x.opened - x.left) / (x.right - x.left);
      return pos >= a && pos < b;
    });
    console.log(
      `| [${a}, ${Math.min(b, 1)}${b > 1 ? ']' : ')'} | ${xs.length} | ${pts(xs.reduce((s, x) => s + x.earned, 0))} | ${pts(xs.reduce((s, x) => s + x.lost, 0))} | ${pts(xs.reduce((s, x) => s + x.lateDetector, 0))} |`,
    );
  }
  console.log(
    `| **all found** | ${found.length} | ${pts(found.reduce((s, x) => s + x.earned, 0))} | ${pts(lostLate)} | ${pts(lostLateDetector)} |`,
  );

  console.log('\n| false positives by class | rows | points lost |');
  console.log('| --- | --- | --- |');
  for (const [cls, c] of [...fpByClass].sort()) console.log(`| ${cls} | ${c.rows} | ${pts(c.raw)} |`);
  console.log(
    `| **all** | ${[...fpByClass.values()].reduce((s, c) => s + c.rows, 0)} (scorer: ${e.fpRows}) | ${pts(lostFp)} |`,
  );
}

await main();
