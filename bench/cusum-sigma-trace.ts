/**
 * The CUSUM member's noise estimate (σ̂, what its main chart standardises by) over one labelled corpus series
 * (src/eval/corpus/), against the noise's true σ: one line every `--every` samples and at each labelled anomaly's
 * start and end, with the series-wide scale, the sample's bin scale, the sums, h and the member's votes since the
 * last line. The member runs alone with the live tuning's options (live-tuning.ts), outside the engine.
 *
 *   npx tsx bench/cusum-sigma-trace.ts --seed 5005 --series minute-011 [--every 120] [--from 2] [--to 6]
 *
 * `--from` / `--to` bound the printed span in days since the series' start; `--set k=v,...` overrides CUSUM options
 * (numbers or true/false) to compare a rule.
 */
import { parseArgs } from 'node:util';
import { createCusumDetector, type CusumSnapshotState } from '../src/analysis/anomaly/cusum.ts';
import { LIVE_TUNING } from '../src/analysis/anomaly/live-tuning.ts';
import { parseList } from '../src/cli/flags.ts';
import { InvalidInputError } from '../src/errors.ts';
import { generateCorpusSeries, CORPUS_SERIES_PER_SPLIT } from '../src/eval/corpus/generate.ts';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '5005' },
    series: { type: 'string', default: 'minute-011' },
    every: { type: 'string', default: '120' },
    from: { type: 'string', default: '0' },
    to: { type: 'string', default: '1000' },
    set: { type: 'string', default: '' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(
    'usage: npx tsx bench/cusum-sigma-trace.ts --seed 5005 --series minute-011 [--every 120] [--from D] [--to D] [--set k=v,...]',
  );
  process.exit(0);
}
const seed = Number(values.seed);
const every = Number(values.every);
if (!Number.isInteger(seed) || seed < 1) throw new InvalidInputError(`--seed takes an integer >= 1`);
if (!Number.isInteger(every) || every < 1) throw new InvalidInputError(`--every takes an integer >= 1`);
const index = Number(values.series.split('-')[1]);
if (!Number.isInteger(index) || index < 0 || index >= CORPUS_SERIES_PER_SPLIT)
  throw new InvalidInputError(`--series takes an id like minute-011`);
const overrides: Record<string, number | boolean | string> = {};
for (const kv of values.set === '' ? [] : parseList('--set', values.set, '')) {
  const [k, v] = kv.split('=');
  if (k === undefined || v === undefined) throw new InvalidInputError(`--set takes k=v pairs, got '${kv}'`);
  overrides[k] = v === 'true' ? true : v === 'false' ? false : Number.isFinite(Number(v)) ? Number(v) : v;
}
const s = generateCorpusSeries(seed, index);
const d = createCusumDetector(
  { kind: 'generic' },
  { ...LIVE_TUNING.cusum!, periodMs: 86_400_000, ...overrides },
);
const t0 = s.timestampsMs[0]!;
const day = (t: number): number => (t - t0) / 86_400_000;
const from = Number(values.from);
const to = Number(values.to);
const p = s.params;
console.log(
  `seed ${seed} ${s.id}: ${p.noise} φ ${p.ar.toFixed(2)} σ ${p.sigma.toFixed(3)} daily ${p.dailyAmplitude.toFixed(1)}${p.weekly ? ' weekly' : ''}; h ${d.options.h.toFixed(2)}`,
);
for (const a of s.anomalies)
  console.log(
    `  ${a.kind} ${a.magnitude.toFixed(1)} at day ${day(a.startMs).toFixed(3)}–${day(a.endMs).toFixed(3)}`,
  );
const marks = new Set<number>();
for (const a of s.anomalies) {
  marks.add(Math.round((a.startMs - t0) / s.stepMs));
  marks.add(Math.round((a.endMs - t0) / s.stepMs));
}
let votes = 0;
for (let i = 0; i < s.values.length; i++) {
  const t = s.timestampsMs[i]!;
  const v = d.update(s.values[i]!, t);
  if (v.anomalous) votes++;
  const dd = day(t);
  if (dd < from || dd > to || (i % every !== 0 && !marks.has(i))) continue;
  const pr = d.predict(t);
  if (pr === null) continue;
  const sig = (pr.upper - pr.expected) / d.options.bandSigma;
  const st = d.snapshot().state as CusumSnapshotState;
  const b = st.baseline;
  const bins = b.binAbsDev ?? [];
  const bin = Math.floor(((t % 86_400_000) / 86_400_000) * bins.length);
  const sums = d.sums();
  console.log(
    `${marks.has(i) ? '*' : ' '} day ${dd.toFixed(3)} σ̂/σ ${(sig / p.sigma).toFixed(2)} global ${((1.2533 * b.absDevKnown) / p.sigma).toFixed(2)} bin ${((1.2533 * (bins[bin] ?? 0)) / p.sigma).toFixed(2)} z ${v.deviation.toFixed(1)} up ${sums.up.toFixed(1)} down ${sums.down.toFixed(1)} votes ${votes}`,
  );
  votes = 0;
}
