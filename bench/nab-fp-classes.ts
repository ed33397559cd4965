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
import { loadNabCorpus } from '../src/eval/nab-data.ts';
import { COUNT_NOISE_ALPHA } from '../src/monitor/detection-counts.ts';
import type { NabEngineMode } from './detect-nab-engine.ts';
import { classOf, features, type Row } from './nab-opening-rows.ts';

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
