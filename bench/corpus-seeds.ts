/**
 * The labelled corpus (src/eval/corpus/) on any generator seeds, through the monitor's detection engine with the
 * default detection settings (as `npm run bench:detect`'s corpus part): precision, recall, false alarms per
 * series-day, recall per anomaly kind, and every missed slow leak with the parameters it was drawn with.
 *
 *   npx tsx bench/corpus-seeds.ts                         # the tuning split (seed 1001)
 *   npx tsx bench/corpus-seeds.ts --seeds 7007,8008,9009  # generator seeds nobody tuned on
 *   npx tsx bench/corpus-seeds.ts --seeds 1001 --leaks    # and list the missed leaks
 *
 * Prints one line per seed and a total; CPU seconds (user + system) of the run on stderr.
 */
import { parseArgs } from 'node:util';
import { parseList } from '../src/cli/flags.ts';
import { InvalidInputError } from '../src/errors.ts';
import { evaluateCorpusDetector } from '../src/eval/corpus/evaluate.ts';
import { CORPUS_ANOMALY_KINDS, generateCorpus } from '../src/eval/corpus/generate.ts';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '1001' },
    leaks: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(`usage: npx tsx bench/corpus-seeds.ts [--seeds 1001,5005,6006] [--leaks]
  --seeds  generator seeds, comma-separated (default 1001, the tuning split; 2002 is the held-out split)
  --leaks  list every missed slow leak with the parameters it was drawn with
False alarms by class: npx tsx bench/corpus-false-alarms.ts --seeds 13013 [--hours 12]`);
  process.exit(0);
}
const seeds = parseList('--seeds', values.seeds, '1001').map((s) => {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 1) throw new InvalidInputError(`--seeds takes integers >= 1, got '${s}'`);
  return n;
});

const cpu0 = process.cpuUsage();
const totals = { anomalies: 0, detected: 0, opened: 0, matched: 0, falseAlarms: 0, seriesDays: 0 };
const kinds = Object.fromEntries(CORPUS_ANOMALY_KINDS.map((k) => [k, [0, 0]])) as Record<string, number[]>;
for (const seed of seeds) {
  const corpus = generateCorpus(seed);
  const e = evaluateCorpusDetector(corpus, { detection: {} });
  const t = e.total;
  totals.anomalies += t.anomalies;
  totals.detected += t.detected;
  totals.opened += t.opened;
  totals.matched += t.matched;
  totals.falseAlarms += t.falseAlarms;
  totals.seriesDays += t.seriesDays;
  const byKind = CORPUS_ANOMALY_KINDS.map((k) => {
    const r = e.recallByKind[k];
    kinds[k]![0]! += r.detected;
    kinds[k]![1]! += r.anomalies;
    return `${k} ${r.detected}/${r.anomalies}`;
  }).join(', ');
  console.log(
    `seed ${seed}: P ${t.precision?.toFixed(3) ?? 'n/a'} R ${t.recall?.toFixed(3) ?? 'n/a'} false alarms ${t.falseAlarms} (${t.falseAlarmsPerSeriesDay.toFixed(3)}/series-day) delay p50/p95 ${t.delayP50Samples ?? '-'}/${t.delayP95Samples ?? '-'} samples; ${byKind}; blips paged ${t.blipsPaged}/${t.blips}; false alarms minute/second ${e.byCadence.minute.falseAlarms}/${e.byCadence.second.falseAlarms}`,
  );
  if (values.leaks) {
    for (const m of e.misses.filter((x) => x.kind === 'leak')) {
      const s = corpus.find((c) => c.id === m.series)!;
      const a = s.anomalies.find((x) => x.kind === 'leak' && x.magnitude === m.magnitude)!;
      const n = (a.endMs - a.startMs) / s.stepMs;
      const p = s.params;
      const day = (a.startMs - s.timestampsMs[0]!) / 86_400_000;
      console.log(
        `  missed leak ${s.id} (${s.cadence}): ${m.magnitude.toFixed(1)} σ over ${n} samples (${(m.magnitude / n).toFixed(4)} σ/sample) at day ${day.toFixed(2)}; noise ${p.noise}${p.nu !== null ? ` ν ${p.nu.toFixed(1)}` : ''} φ ${p.ar.toFixed(2)}, daily ${p.dailyAmplitude.toFixed(1)} σ${p.weekly ? ' weekly' : ''}, drift ${p.trendPerDay.toFixed(2)} σ/day rw ${p.diffusionPerDay.toFixed(2)}`,
      );
    }
  }
}
const pr = totals.opened === 0 ? NaN : totals.matched / totals.opened;
const rc = totals.anomalies === 0 ? NaN : totals.detected / totals.anomalies;
console.log(
  `total over ${seeds.length} seed(s): P ${pr.toFixed(3)} R ${rc.toFixed(3)} false alarms ${totals.falseAlarms} (${(totals.falseAlarms / totals.seriesDays).toFixed(3)}/series-day); ${CORPUS_ANOMALY_KINDS.map((k) => `${k} ${kinds[k]![0]}/${kinds[k]![1]}`).join(', ')}`,
);
const cpu = process.cpuUsage(cpu0);
console.error(`CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s (user ${(cpu.user / 1e6).toFixed(1)} s)`);
