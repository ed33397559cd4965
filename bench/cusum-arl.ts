/**
 * In-control false signals of the live CUSUM member (live-tuning.ts) on synthetic series with no anomaly: Gaussian,
 * Laplace and Student-t₃ noise of unit variance, AR(1) with φ ∈ {0, 0.5}, one sample a minute; Gaussian noise on a
 * random walk of the corpus generator's largest diffusion (1 σ²/day, src/eval/corpus/generate.ts) and of 4 σ²/day;
 * and a pure random walk (unit steps, no noise). Each series runs through the live member without the walk model
 * (`walkDiffusion` off), as shipped (the drift chart judged beyond the level's random walk, walk-variogram.ts), and
 * with `scaleSigma` (the drift chart on the scale chart's level-insensitive σ) without and with the walk model. Counts the member's votes,
 * its main chart's signals (S ≥ h) and the samples judged; a vote on this data is a false alarm.
 *
 *   npx tsx bench/cusum-arl.ts [--samples 1000000] [--seed 1]
 */
import { parseArgs } from 'node:util';
import { createCusumDetector, type CusumOptions } from '../src/analysis/anomaly/cusum.ts';
import { LIVE_TUNING } from '../src/analysis/anomaly/live-tuning.ts';
import { CorpusRandom } from '../src/eval/corpus/random.ts';

const { values } = parseArgs({
  options: { samples: { type: 'string', default: '1000000' }, seed: { type: 'string', default: '1' } },
});
const n = Number(values.samples);
const seed = Number(values.seed);
if (!Number.isInteger(n) || n < 1000 || !Number.isInteger(seed))
  throw new Error('--samples >= 1000, --seed an integer');

/** A series: its noise, AR coefficient and random-walk diffusion per sample (σ² of the noise per sample). */
interface Case {
  readonly noise: 'gaussian' | 'laplace' | 'student-t3' | 'none';
  readonly phi: number;
  readonly diffusion: number;
}
const MINUTES_PER_DAY = 1440;
const cases: Case[] = [];
for (const noise of ['gaussian', 'laplace', 'student-t3'] as const)
  for (const phi of [0, 0.5]) cases.push({ noise, phi, diffusion: 0 });
cases.push({ noise: 'gaussian', phi: 0, diffusion: 1 / MINUTES_PER_DAY });
cases.push({ noise: 'gaussian', phi: 0.5, diffusion: 1 / MINUTES_PER_DAY });
cases.push({ noise: 'gaussian', phi: 0, diffusion: 4 / MINUTES_PER_DAY });
cases.push({ noise: 'none', phi: 0, diffusion: 1 });

const variants: readonly [string, Partial<CusumOptions>][] = [
  ['without the walk model', { walkDiffusion: false }],
  ['live', {}],
  ['scaleSigma without the walk model', { scaleSigma: true, walkDiffusion: false }],
  ['live + scaleSigma', { scaleSigma: true }],
];
for (const c of cases) {
  const row: string[] = [];
  for (const [name, extra] of variants) {
    const rng = new CorpusRandom(seed);
    const draw = (): number =>
      c.noise === 'gaussian'
        ? rng.normal()
        : c.noise === 'laplace'
          ? rng.laplace(Math.SQRT1_2)
          : c.noise === 'student-t3'
            ? Math.sqrt(1 / 3) * rng.studentT(3)
            : 0;
    const d = createCusumDetector(
      { kind: 'generic' },
      { ...LIVE_TUNING.cusum!, periodMs: 86_400_000, ...extra },
    );
    const inn = Math.sqrt(1 - c.phi * c.phi);
    const step = Math.sqrt(c.diffusion);
    let e = draw();
    let walk = 0;
    let votes = 0;
    let signals = 0;
    let above = false;
    for (let i = 0; i < n; i++) {
      e = c.phi * e + inn * draw();
      if (step > 0) walk += step * rng.normal();
      const v = d.update(100 + walk + e, 1_700_000_000_000 + i * 60_000);
      if (v.anomalous) votes++;
      const s = d.sums();
      const now = Math.max(s.up, s.down) >= d.options.h;
      if (now && !above) signals++;
      above = now;
    }
    row.push(`${name}: votes ${votes}, main signals ${signals}`);
  }
  const walkText =
    c.diffusion === 0
      ? ''
      : `, walk ${(c.diffusion * (c.noise === 'none' ? 1 : MINUTES_PER_DAY)).toFixed(0)} ${c.noise === 'none' ? 'per sample' : 'σ²/day'}`;
  console.log(`${c.noise} φ ${c.phi}${walkText}, ${n} samples: ${row.join('; ')}`);
}
