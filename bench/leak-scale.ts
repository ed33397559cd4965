/**
 * The CUSUM member's view of every slow leak of the labelled corpus (src/eval/corpus/) on the given generator seeds,
 * at the leak's first sample: the baseline's σ (mean absolute residual, what the main chart standardises by) and the
 * scale chart's level-insensitive σ (scale-chart.ts `noiseVariance` over 1 − the drift chart's centred φ̂), each
 * against the noise's true σ; the largest main and drift sums along the leak's direction inside the window against
 * h; and whether the member voted there, without and with `scaleSigma` (cusum.ts: the drift chart judged against
 * the scale chart's σ). The member runs alone with the live tuning's options (live-tuning.ts), outside the engine.
 *
 *   npx tsx bench/leak-scale.ts --seeds 1001,5005,6006
 *
 * One line per leak (flag `*` where the baseline's σ gives no vote), then the medians of both σ ratios.
 */
import { parseArgs } from 'node:util';
import {
  createCusumDetector,
  type CusumDetector,
  type CusumSnapshotState,
} from '../src/analysis/anomaly/cusum.ts';
import { LIVE_TUNING } from '../src/analysis/anomaly/live-tuning.ts';
import { ScaleChart } from '../src/analysis/anomaly/scale-chart.ts';
import { parseList } from '../src/cli/flags.ts';
import { InvalidInputError } from '../src/errors.ts';
import { CORPUS_GRACE_SAMPLES, generateCorpus, type CorpusSeries } from '../src/eval/corpus/generate.ts';

const { values } = parseArgs({ options: { seeds: { type: 'string', default: '1001,5005,6006' } } });
const seeds = parseList('--seeds', values.seeds, '1001').map((s) => {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 1) throw new InvalidInputError(`--seeds takes integers >= 1, got '${s}'`);
  return n;
});

interface LeakView {
  /** The baseline's σ at the leak's first sample over the noise's true σ. */
  sigmaRatio: number;
  /** The scale chart's σ there over the noise's true σ (NaN while it has none). */
  scaleRatio: number;
  /** Largest main and drift sums along the leak's direction in the window (σ units). */
  peak: number;
  driftPeak: number;
  voted: boolean;
}

/** The scale chart's σ (sample units, scale-chart.ts `noiseSigma` with the drift chart's centred φ̂), NaN while none. */
function scaleSigmaOf(d: CusumDetector): number {
  const st = d.snapshot().state as CusumSnapshotState;
  if (st.scale === undefined || st.drift === undefined) return Number.NaN;
  const o = d.options;
  const chart = new ScaleChart(o.arl0, o.baselineHalfLife, o.clip, 1);
  chart.setState(st.scale, 'bench');
  return chart.noiseSigma(st.drift.c1 > 0 ? Math.min(0.95, st.drift.c1 / st.drift.c0) : 0);
}

function run(s: CorpusSeries, scaleSigma: boolean): Map<number, LeakView> & { h: number } {
  const c = LIVE_TUNING.cusum!;
  const d: CusumDetector = createCusumDetector(
    { kind: 'generic' },
    { ...c, periodMs: 86_400_000, scaleSigma },
  );
  const leaks = s.anomalies.map((a, i) => ({ a, i })).filter((x) => x.a.kind === 'leak');
  const out = new Map<number, LeakView>() as Map<number, LeakView> & { h: number };
  out.h = d.options.h;
  const views: LeakView[] = leaks.map(() => ({
    sigmaRatio: Number.NaN,
    scaleRatio: Number.NaN,
    peak: 0,
    driftPeak: 0,
    voted: false,
  }));
  const grace = CORPUS_GRACE_SAMPLES * s.stepMs;
  for (let i = 0; i < s.values.length; i++) {
    const t = s.timestampsMs[i]!;
    const v = d.update(s.values[i]!, t);
    const sums = d.sums();
    leaks.forEach(({ a }, j) => {
      if (t < a.startMs || t > a.endMs + grace) return;
      const w = views[j]!;
      if (Number.isNaN(w.sigmaRatio) && Number.isFinite(v.upper)) {
        const p = d.predict(t);
        if (p !== null) w.sigmaRatio = (p.upper - p.expected) / d.options.bandSigma / s.params.sigma;
        w.scaleRatio = scaleSigmaOf(d) / s.params.sigma;
      }
      w.peak = Math.max(w.peak, a.magnitude > 0 ? sums.up : sums.down);
      const dr = (d.snapshot().state as CusumSnapshotState).drift;
      if (dr !== undefined) w.driftPeak = Math.max(w.driftPeak, a.magnitude > 0 ? dr.up : dr.down);
      if (v.anomalous && Math.sign(v.deviation) === Math.sign(a.magnitude)) w.voted = true;
    });
  }
  leaks.forEach(({ i }, j) => out.set(i, views[j]!));
  return out;
}

const median = (xs: number[]): number => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : s[Math.floor(s.length / 2)]!;
};
const ratios: [number[], number[]] = [[], []];
let voted = [0, 0];
let total = 0;
for (const seed of seeds) {
  for (const s of generateCorpus(seed)) {
    if (!s.anomalies.some((a) => a.kind === 'leak')) continue;
    const before = run(s, false);
    const after = run(s, true);
    for (const [i, b] of before) {
      const a = after.get(i)!;
      const an = s.anomalies[i]!;
      const p = s.params;
      total++;
      voted = [voted[0]! + (b.voted ? 1 : 0), voted[1]! + (a.voted ? 1 : 0)];
      ratios[0].push(b.sigmaRatio);
      ratios[1].push(b.scaleRatio);
      console.log(
        `${b.voted ? ' ' : '*'} seed ${seed} ${s.id} leak ${an.magnitude.toFixed(1)} σ over ${Math.round((an.endMs - an.startMs) / s.stepMs) + 1}: σ/σtrue baseline ${b.sigmaRatio.toFixed(2)} scale chart ${b.scaleRatio.toFixed(2)}; main sum ${b.peak.toFixed(1)}, drift sum ${b.peak === 0 && b.driftPeak === 0 ? '0' : b.driftPeak.toFixed(1)} → ${a.driftPeak.toFixed(1)} (h ${before.h.toFixed(2)}); voted ${b.voted ? 'yes' : 'no'} → ${a.voted ? 'yes' : 'no'}; ${p.noise}${p.nu !== null ? ` ν ${p.nu.toFixed(1)}` : ''} φ ${p.ar.toFixed(2)}${p.weekly ? ' weekly' : ''}`,
      );
    }
  }
}
console.log(
  `leaks ${total}: member voted ${voted[0]} → ${voted[1]}; median σ/σtrue baseline ${median(ratios[0]).toFixed(2)}, scale chart ${median(ratios[1]).toFixed(2)}`,
);
