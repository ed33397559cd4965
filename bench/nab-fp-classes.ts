/**
 * Every anomaly the detection engine opens on NAB after probation, true and false, with what its series does
 * there: the opening's size in σ and in the series' own units, whether the series is integer-valued (its
 * quantum), whether it follows a gap in the timestamps, how far into the series it lies, and whether the series
 * has already shown a value as extreme within its recent history (a recurrence). Prints per-row lines
 * (`--rows`) and per-class counts of false positives and of the windows whose first opening falls in the class
 * (what a rule that cuts the class costs).
 *
 * Classes, the first that applies: a few events within the Poisson noise of a count (the count-noise floor's
 * class, detection-counts.ts); a scale collapsed on a flat run (|deviation| > 10⁶ σ); the same side as an
 * opening 1–7 whole days before (±30 min: a daily or weekly pattern); a value the series showed at least 3 times
 * in the previous 7 days (a repeat); novel.
 *
 * Usage: npx tsx bench/nab-fp-classes.ts [--engine catalog|inferred] [--rows] [--count-noise ALPHA] (0: the
 *   engine without the count-noise floor). NAB data: DWCP_NAB_DIR.
 */
import { probationLength } from '../src/analysis/anomaly/nab/rules.ts';
import { loadNabCorpus, type NabDataFile } from '../src/eval/nab-data.ts';
import { DEFAULT_DETECTION_SETTINGS } from '../src/model/detection-settings.ts';
import { detectionEngineOptions } from '../src/monitor/detection-config.ts';
import { countNoiseProbability, COUNT_NOISE_ALPHA } from '../src/monitor/detection-counts.ts';
import { DetectionEngine } from '../src/monitor/detection-engine.ts';
import { nabEngineInput, type NabEngineMode } from './detect-nab-engine.ts';

const DAY_MS = 86_400_000;

interface Row {
  readonly file: string;
  readonly row: number;
  /** 'tp' first opening in a window, 'tp+' a later one in the same window, 'fp' outside every window. */
  readonly status: 'tp' | 'tp+' | 'fp';
  readonly voters: string;
  readonly deviation: number;
  readonly side: 1 | -1;
  readonly observed: number;
  readonly expected: number;
  readonly halfBand: number;
  readonly integer: boolean;
  readonly quantum: number;
  readonly gapRows: number;
  readonly sinceGap: number;
  /** Rows of the previous 7 days (up to this row) at least as extreme on the same side. */
  readonly asExtreme7d: number;
  /** The same over the whole history before. */
  readonly asExtremeAll: number;
  /** Rows of the previous 7 days whose step from the previous row was at least this row's, same sign. */
  readonly stepRepeats7d: number;
  /** Days (1–7) back at which an earlier opening of the series lay on the same side within ±30 min, else 0. */
  readonly phaseDays: number;
}

function quantumOf(values: Float64Array, end: number): number {
  const seen = new Set<number>();
  for (let i = Math.max(0, end - 2000); i < end; i++) seen.add(values[i]!);
  const s = [...seen].sort((a, b) => a - b);
  let q = Number.POSITIVE_INFINITY;
  for (let i = 1; i < s.length; i++) q = Math.min(q, s[i]! - s[i - 1]!);
  return q;
}

function features(f: NabDataFile, mode: NabEngineMode, countNoiseAlpha: number): Row[] {
  const engine = new DetectionEngine({
    ...detectionEngineOptions(DEFAULT_DETECTION_SETTINGS),
    maxSeries: 1,
    analyse: () => true,
    countNoiseAlpha,
  });
  const probation = probationLength(f.rows);
  const winOf = new Int32Array(f.rows).fill(-1);
  f.windows.forEach(([l, r], k) => winOf.fill(k, l, r + 1));
  const hit = new Set<number>();
  const out: Row[] = [];
  const opens: { ts: number; side: number }[] = [];
  let integerSoFar = true;
  let lastGap = 0;
  const cadence = f.timestampsMs.length > 1 ? f.timestampsMs[1]! - f.timestampsMs[0]! : 1;
  for (let i = 0; i < f.rows; i++) {
    const x = f.values[i]!;
    if (!Number.isInteger(x)) integerSoFar = false;
    if (i > 0 && f.timestampsMs[i]! - f.timestampsMs[i - 1]! > 1.5 * cadence) lastGap = i;
    const input = nabEngineInput(x, f.timestampsMs[i]!, mode);
    const r = engine.process([input], input.timestampMs);
    for (const o of r.opened) {
      const a = o.anomaly;
      const ts = f.timestampsMs[i]!;
      const sd = a.observed >= a.expected ? 1 : -1;
      let phaseDays = 0;
      for (const e of opens)
        for (let d = 1; d <= 7 && phaseDays === 0; d++)
          if (e.side === sd && Math.abs(ts - d * DAY_MS - e.ts) <= 30 * 60_000) phaseDays = d;
      opens.push({ ts, side: sd });
      if (i < probation) continue;
      const w = winOf[i]!;
      const status = w < 0 ? 'fp' : hit.has(w) ? 'tp+' : 'tp';
      if (w >= 0) hit.add(w);
      const side: 1 | -1 = a.observed >= a.expected ? 1 : -1;
      const from7 = f.timestampsMs[i]! - 7 * DAY_MS;
      let ex7 = 0;
      let exAll = 0;
      let steps = 0;
      const step = i > 0 ? x - f.values[i - 1]! : 0;
      for (let j = 0; j < i; j++) {
        const y = f.values[j]!;
        const extreme = side > 0 ? y >= x : y <= x;
        if (extreme) exAll++;
        if (f.timestampsMs[j]! >= from7) {
          if (extreme) ex7++;
          if (j > 0) {
            const s = y - f.values[j - 1]!;
            if (step !== 0 && Math.sign(s) === Math.sign(step) && Math.abs(s) >= Math.abs(step)) steps++;
          }
        }
      }
      out.push({
        file: f.name,
        row: i,
        status,
        voters:
          a.votes
            .filter((v) => v.voted)
            .map((v) => (v.detector === 'holt-winters' ? 'HW' : v.detector === 'cusum' ? 'C' : v.detector))
            .join('+') || '-',
        deviation: Math.abs(a.deviation),
        side,
        observed: a.observed,
        expected: a.expected,
        halfBand: (a.upper - a.lower) / 2,
        integer: integerSoFar,
        quantum: quantumOf(f.values, i),
        gapRows: i - lastGap,
        sinceGap: i - lastGap,
        asExtreme7d: ex7,
        asExtremeAll: exAll,
        stepRepeats7d: steps,
        phaseDays,
      });
    }
  }
  return out;
}

/** The row's class, the first that applies (see the file comment). */
function classOf(r: Row): string {
  if (r.integer && countNoiseProbability(r.observed, r.expected) > COUNT_NOISE_ALPHA)
    return 'a few events: within the Poisson noise of a count';
  if (r.deviation > 1e6) return 'a scale collapsed on a flat run (> 10⁶ σ)';
  if (r.phaseDays > 0) return 'same side as an opening 1–7 days before (±30 min)';
  if (r.asExtreme7d >= 3) return 'a value the series showed ≥ 3× in the previous 7 days';
  return 'novel (none of these)';
}

function line(r: Row): string {
  const shortName = r.file.replace(/^.*\//, '').replace(/\.csv$/, '');
  const steps = Number.isFinite(r.quantum) ? (r.observed - r.expected) / r.quantum : Number.NaN;
  return [
    r.status,
    shortName,
    r.row,
    r.voters,
    `${r.side > 0 ? '+' : '-'}${r.deviation.toFixed(1)}σ`,
    `obs ${r.observed.toPrecision(4)} exp ${r.expected.toPrecision(4)} ±${r.halfBand.toPrecision(3)}`,
    r.integer ? `int q${r.quantum}` : `q${r.quantum.toPrecision(2)}`,
    `quanta ${steps.toFixed(1)}`,
    `sinceGap ${r.sinceGap}`,
    `ext7d ${r.asExtreme7d} extAll ${r.asExtremeAll} step7d ${r.stepRepeats7d}`,
    `phase ${r.phaseDays}d`,
    classOf(r),
  ].join('\t');
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const mode: NabEngineMode = argv.includes('--engine')
    ? (argv[argv.indexOf('--engine') + 1] as NabEngineMode)
    : 'catalog';
  const alpha = argv.includes('--count-noise')
    ? Number(argv[argv.indexOf('--count-noise') + 1])
    : COUNT_NOISE_ALPHA;
  const corpus = await loadNabCorpus();
  const rows = corpus.files.flatMap((f) => features(f, mode, alpha));
  if (argv.includes('--rows')) for (const r of rows) console.log(line(r));
  const count = (p: (r: Row) => boolean): string =>
    `fp ${rows.filter((r) => r.status === 'fp' && p(r)).length} tp ${rows.filter((r) => r.status === 'tp' && p(r)).length}`;
  console.log(`openings after probation: ${rows.length}; ${count(() => true)}`);
  for (const k of [1, 3, 10, 30])
    console.log(`value as extreme ≥ ${k}× in the previous 7 days: ${count((r) => r.asExtreme7d >= k)}`);
  for (const k of [1, 3, 10])
    console.log(`step as large ≥ ${k}× in the previous 7 days: ${count((r) => r.stepRepeats7d >= k)}`);
  console.log(`integer-valued: ${count((r) => r.integer)}`);
  for (let d = 1; d <= 7; d++)
    console.log(`same side ${d} day(s) after an earlier opening: ${count((r) => r.phaseDays === d)}`);
  console.log('\n| class (first that applies) | false positives | voted | windows first found there |');
  console.log('| --- | --- | --- | --- |');
  for (const c of [...new Set(rows.map(classOf))].sort()) {
    const fp = rows.filter((r) => r.status === 'fp' && classOf(r) === c);
    const voters = new Map<string, number>();
    for (const r of fp) voters.set(r.voters, (voters.get(r.voters) ?? 0) + 1);
    const v = [...voters].map(([k, n]) => `${k} ${n}`).join(', ');
    const tp = rows.filter((r) => r.status === 'tp' && classOf(r) === c).length;
    console.log(`| ${c} | ${fp.length} | ${v} | ${tp} |`);
  }
}

await main();
