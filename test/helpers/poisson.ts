/** A Poisson draw for tests of count series (Knuth's multiplication method: fine for the small means tests use). */
import type { CorpusRandom } from '../../src/eval/corpus/random.ts';

/** One draw of Poisson(`lambda`) from `rng` (λ ≥ 0; cost grows with λ, keep it under ~100). */
export function poisson(rng: CorpusRandom, lambda: number): number {
  const limit = Math.exp(-lambda);
  let k = 0;
  let p = 1;
  do {
    k++;
    p *= rng.next();
  } while (p > limit);
  return k - 1;
}
