/**
 * The vote pattern around every anomaly the engine's confirmation loses, and around the false positives a looser
 * confirmation would add. Every NAB file (as a catalog series) and the labelled corpus' series of the given seeds
 * run through the monitor's engine with the default settings; per sample the live members' scores are kept
 * (Holt-Winters level and CUSUM, each as a ratio to its own vote threshold: score s ↦ s/(1 − s), 1 on the
 * threshold) with whether the detector's verdict was reportable and anomalous and whether the engine opened.
 *
 * Printed: for each NAB window the detector's verdicts reach and the engine misses, and each corpus anomaly missed
 * with votes, the samples from 6 before to 6 after its first vote — `H1.4` a level vote at 1.4× its threshold,
 * `h0.7` a level score under it (≥ 0.5×), `C`/`c` the same for the CUSUM, `·` neither; then how many such losses
 * and how many unconfirmed votes outside every window (NAB) or labelled anomaly (corpus) a candidate rule would
 * turn into openings (counted on the trace, before cooldown and hold: a guide, not a score).
 *
 *   npx tsx bench/vote-patterns.ts [--seeds 1001,5005,6006] [--skip nab|corpus]
 */
import { parseArgs } from 'node:util';
import { probationLength } from '../src/analysis/anomaly/nab/rules.ts';
import { parseList } from '../src/cli/flags.ts';
import { corpusInput } from '../src/eval/corpus/evaluate.ts';
import { CORPUS_GRACE_SAMPLES, generateCorpus } from '../src/eval/corpus/generate.ts';
import { loadNabCorpus } from '../src/eval/nab-data.ts';
import { nabEngineInput } from './detect-nab-engine.ts';
import { traceEngine, type Trace } from './engine-member-trace.ts';

const { values: args } = parseArgs({
  options: { seeds: { type: 'string', default: '1001,5005,6006' }, skip: { type: 'string', default: '' } },
});
const seeds = parseList('--seeds', args.seeds, '1001').map(Number);
const skip = new Set(args.skip.split(',').filter((x) => x !== ''));

function cell(t: Trace, i: number): string {
  if (i < 0 || i >= t.hw.length) return ' ';
  const h = t.hw[i]!;
  const c = t.cu[i]!;
  const parts: string[] = [];
  if (h >= 0.5) parts.push(`${h >= 1 ? 'H' : 'h'}${h.toFixed(1)}`);
  if (c >= 0.5) parts.push(`${c >= 1 ? 'C' : 'c'}${c.toFixed(1)}`);
  return parts.length === 0 ? '·' : parts.join('+') + (t.bad[i] === 1 ? '!' : '');
}

function pattern(t: Trace, at: number): string {
  const out: string[] = [];
  for (let k = -6; k <= 6; k++) out.push(k === 0 ? `[${cell(t, at + k)}]` : cell(t, at + k));
  return out.join(' ');
}

/** Candidate rules on a trace: whether sample i's vote would open, given the samples around it. */
type Rule = (t: Trace, i: number) => boolean;
const votes = (t: Trace, from: number, to: number): number => {
  let n = 0;
  for (let j = Math.max(0, from); j <= Math.min(t.bad.length - 1, to); j++) n += t.bad[j]!;
  return n;
};
/** Largest member ratio of sample j (0 outside the trace). */
const level = (t: Trace, j: number): number => (j < 0 || j >= t.hw.length ? 0 : Math.max(t.hw[j]!, t.cu[j]!));
/** P(Bin(n, p) ≥ k). */
function binomialTail(n: number, p: number, k: number): number {
  if (k <= 0) return 1;
  let term = Math.pow(1 - p, n);
  let cdf = 0;
  for (let j = 0; j < k; j++) {
    cdf += term;
    term *= ((n - j) / (j + 1)) * (p / (1 - p));
  }
  return Math.max(0, 1 - cdf);
}
/** Scan rule: the votes in the last n samples are improbable at the series' own vote rate before them. */
const scan =
  (n: number, alpha: number): Rule =>
  (t, i) => {
    const v = votes(t, i - n + 1, i);
    if (v < 2) return false;
    const before = votes(t, 0, i - n);
    const p = (before + 1) / (Math.max(0, i - n + 1) + 2);
    return p * binomialTail(n - 1, p, v - 1) <= alpha;
  };
const RULES: Readonly<Record<string, Rule>> = {
  'scan 10, 1e-6': scan(10, 1e-6),
  'scan 30, 1e-6': scan(30, 1e-6),
  'scan 60, 1e-6': scan(60, 1e-6),
  'scan 30, 1e-7': scan(30, 1e-7),
  'scan 100, 1e-7': scan(100, 1e-7),
  '2 of 3 (votes)': (t, i) => votes(t, i - 2, i) >= 2,
  '2 of 5 (votes)': (t, i) => votes(t, i - 4, i) >= 2,
  '3 of 10 (votes)': (t, i) => votes(t, i - 9, i) >= 3,
  'vote + previous at ≥ 0.5×': (t, i) => level(t, i - 1) >= 0.5,
  'vote + a neighbour of the last 3 at ≥ 0.5×': (t, i) =>
    level(t, i - 1) >= 0.5 || level(t, i - 2) >= 0.5 || level(t, i - 3) >= 0.5,
  'vote + previous at ≥ 0.7×': (t, i) => level(t, i - 1) >= 0.7,
};

/** One series' trace, its losses (the rows of each loss' votes) and which rows lie outside every labelled window. */
interface Run {
  readonly t: Trace;
  readonly lost: readonly (readonly number[])[];
  readonly outside: (i: number) => boolean;
}

interface Tally {
  found: number;
  fp: number;
}

function tallyRules(runs: readonly Run[]): Map<string, Tally> {
  const res = new Map<string, Tally>();
  for (const [name, rule] of Object.entries(RULES)) {
    const tally: Tally = { found: 0, fp: 0 };
    for (const r of runs) {
      for (const rows of r.lost) if (rows.some((i) => rule(r.t, i))) tally.found++;
      for (let i = 0; i < r.t.bad.length; i++) {
        if (r.t.bad[i] !== 1 || r.t.opened[i] === 1 || !r.outside(i)) continue;
        // An unconfirmed vote outside every window: counted once per excursion (not if the previous sample voted too).
        if (rule(r.t, i) && !(i > 0 && r.t.bad[i - 1] === 1 && rule(r.t, i - 1))) tally.fp++;
      }
    }
    res.set(name, tally);
  }
  return res;
}

/** Quartiles of the largest member ratio of the first vote of each loss, and of the unconfirmed votes outside. */
function printSizes(what: string, runs: readonly Run[]): void {
  const inLost: number[] = [];
  const out: number[] = [];
  for (const r of runs) {
    for (const rows of r.lost) inLost.push(level(r.t, rows[0]!));
    for (let i = 0; i < r.t.bad.length; i++)
      if (r.t.bad[i] === 1 && r.t.opened[i] === 0 && r.outside(i)) out.push(level(r.t, i));
  }
  const q = (xs: number[]): string => {
    const s = [...xs].sort((a, b) => a - b);
    const at = (p: number): string => (s.length === 0 ? '–' : s[Math.floor(p * (s.length - 1))]!.toFixed(2));
    return `${at(0.25)} / ${at(0.5)} / ${at(0.75)} (${s.length})`;
  };
  console.log(
    `\n${what}: size of the vote (largest member ratio to its threshold), quartiles: losses' first votes ${q(inLost)}; unconfirmed votes outside ${q(out)}`,
  );
}

function printTally(what: string, lost: number, res: Map<string, Tally>): void {
  console.log(`\n${what}: candidate rules on the trace (${lost} losses)\n`);
  console.log('| rule | losses found | unconfirmed votes outside windows that would open |');
  console.log('| --- | --- | --- |');
  for (const [k, v] of res) console.log(`| ${k} | ${v.found} | ${v.fp} |`);
}

/** The sizes and the candidate rules' tally of one benchmark's runs. */
function summary(what: string, runs: readonly Run[]): void {
  printSizes(what, runs);
  printTally(
    what,
    runs.reduce((s, r) => s + r.lost.length, 0),
    tallyRules(runs),
  );
}

async function nab(): Promise<void> {
  const corpus = await loadNabCorpus();
  const runs: Run[] = [];
  console.log('NAB (catalog series): windows the detector reaches and the engine misses\n');
  for (const f of corpus.files) {
    const t = traceEngine(f.rows, (i) => nabEngineInput(f.values[i]!, f.timestampsMs[i]!, 'catalog'));
    const p = probationLength(f.rows);
    const inWin = new Uint8Array(f.rows);
    for (const [l, r] of f.windows) inWin.fill(1, l, r + 1);
    const lost: number[][] = [];
    f.windows.forEach(([l, r], k) => {
      if (r < p) return;
      const rows: number[] = [];
      let opened = false;
      for (let i = Math.max(l, p); i <= r; i++) {
        if (t.bad[i] === 1) rows.push(i);
        if (t.opened[i] === 1) opened = true;
      }
      if (opened || rows.length === 0) return;
      lost.push(rows);
      console.log(`${f.name} window ${k + 1} (${l}..${r}), votes at ${rows.join(',')}:`);
      for (const i of rows.slice(0, 3)) console.log(`  ${i}: ${pattern(t, i)}`);
    });
    runs.push({ t, lost, outside: (i) => i >= p && inWin[i] === 0 });
  }
  summary('NAB', runs);
}

function corpus(): void {
  const runs: Run[] = [];
  console.log(`\nCorpus seeds ${seeds.join(', ')}: missed anomalies with votes\n`);
  for (const seed of seeds) {
    for (const s of generateCorpus(seed)) {
      const t = traceEngine(s.values.length, (i) => corpusInput(s, i));
      const t0 = s.timestampsMs[0]!;
      const idx = (ms: number): number => Math.round((ms - t0) / s.stepMs);
      const eval0 = idx(s.evalStartMs);
      const labelled = new Uint8Array(s.values.length);
      const lost: number[][] = [];
      for (const a of s.anomalies) {
        const lo = Math.max(0, idx(a.startMs));
        const hi = Math.min(s.values.length - 1, idx(a.endMs) + CORPUS_GRACE_SAMPLES);
        labelled.fill(1, lo, hi + 1);
        const rows: number[] = [];
        let opened = false;
        for (let i = lo; i <= hi; i++) {
          if (t.bad[i] === 1) rows.push(i);
          if (t.opened[i] === 1) opened = true;
        }
        if (opened || rows.length === 0) continue;
        lost.push(rows);
        const size =
          a.kind === 'variance_change' ? `${a.magnitude.toFixed(1)}×` : `${a.magnitude.toFixed(1)} σ`;
        console.log(
          `seed ${seed} ${s.id} ${a.kind} ${size} (${lo}..${hi}), votes at ${rows.map((i) => i - lo).join(',')}:`,
        );
        for (const i of rows.slice(0, 3)) console.log(`  +${i - lo}: ${pattern(t, i)}`);
      }
      runs.push({ t, lost, outside: (i) => i >= eval0 && labelled[i] === 0 });
    }
  }
  summary('Corpus', runs);
}

if (!skip.has('nab')) await nab();
if (!skip.has('corpus')) corpus();
