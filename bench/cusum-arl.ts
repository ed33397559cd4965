/**
 * In-control false signals of the live CUSUM member (live-tuning.ts) on synthetic noise with no anomaly: Gaussian,
 * Laplace and Student-t₃ noise of unit variance, AR(1) with φ ∈ {0, 0.5}, one sample a minute, with and without
 * `scaleSigma` (the drift chart judged against the scale chart's level-insensitive σ, cusum.ts). Counts the
 * member's votes, its main chart's signals (S ≥ h) and the samples judged; a vote on this data is a false alarm.
 *
 *   npx tsx bench/cusum-arl.ts [--samples 1000000] [--seed 1]
 */
import { parseArgs } from 'node:util';
import { createCusumDetector } from '../src/analysis/anomaly/cusum.ts';
import { LIVE_TUNING } from '../src/analysis/anomaly/live-tuning.ts';
import { CorpusRandom } from '../src/eval/corpus/random.ts';

const { values } = parseArgs({
  options: { samples: { type: 'string', default: '1000000' }, seed: { type: 'string', default: '1' } },
});
const n = Number(values.samples);
const seed = Number(values.seed);
if (!Number.isInteger(n) || n < 1000 || !Number.isInteger(seed))
  throw new Error('--samples >= 1000, --seed an integer');

const noises = ['gaussian', 'laplace', 'student-t3'] as const;
for (const noise of noises) {
  for (const phi of [0, 0.5]) {
    const row: string[] = [];
    for (const scaleSigma of [false, true]) {
      const rng = new CorpusRandom(seed);
      const draw = (): number =>
        noise === 'gaussian'
          ? rng.normal()
          : noise === 'laplace'
            ? rng.laplace(Math.SQRT1_2)
            : Math.sqrt(1 / 3) * rng.studentT(3);
      const d = createCusumDetector(
        { kind: 'generic' },
        { ...LIVE_TUNING.cusum!, periodMs: 86_400_000, scaleSigma },
      );
      const inn = Math.sqrt(1 - phi * phi);
      let e = draw();
      let votes = 0;
      let signals = 0;
      let above = false;
      for (let i = 0; i < n; i++) {
        e = phi * e + inn * draw();
        const v = d.update(100 + e, 1_700_000_000_000 + i * 60_000);
        if (v.anomalous) votes++;
        const s = d.sums();
        const now = Math.max(s.up, s.down) >= d.options.h;
        if (now && !above) signals++;
        above = now;
      }
      row.push(`${scaleSigma ? 'scaleSigma' : 'baseline σ'}: votes ${votes}, main signals ${signals}`);
    }
    console.log(`${noise} φ ${phi}, ${n} samples: ${row.join('; ')}`);
  }
}
