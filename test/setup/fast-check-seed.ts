/**
 * The seed fast-check uses for the property tests of a run, read from `DWCP_FC_SEED`.
 *
 * The gate (`npm test`, `scripts/run-tests.mjs`) runs every property with one fixed seed, so a run explores the same
 * cases every time and a rare counterexample cannot fail it at random; `npm run test:fuzz` runs the property tests
 * with random seeds to look for new counterexamples.
 */

/** Seed of the gate's property tests when `DWCP_FC_SEED` is not set. */
export const DEFAULT_FC_SEED = 20_261_206;

/** Value of `DWCP_FC_SEED` that leaves fast-check's seed random (a new one for every property). */
export const RANDOM_FC_SEED = 'random';

/** Smallest and largest seed accepted: fast-check's generators take a 32-bit signed integer. */
const MIN_SEED = -(2 ** 31);
const MAX_SEED = 2 ** 31 - 1;

/**
 * The fast-check seed a test run uses.
 *
 * @param value - `DWCP_FC_SEED` as read from the environment: unset or empty = {@link DEFAULT_FC_SEED}, `random` =
 *   no fixed seed, otherwise a decimal integer from −2^31 to 2^31 − 1.
 * @returns the seed, or `undefined` for a random seed per property.
 * @throws Error when the value is neither empty, `random`, nor such an integer (a typo must not make the gate
 *   random without saying so).
 * @see https://fast-check.dev/docs/configuration/global-settings/
 */
export function fastCheckSeed(value: string | undefined): number | undefined {
  const text = (value ?? '').trim();
  if (text === '') return DEFAULT_FC_SEED;
  if (text === RANDOM_FC_SEED) return undefined;
  const seed = /^-?\d{1,10}$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(seed) || seed < MIN_SEED || seed > MAX_SEED) {
    throw new Error(
      `DWCP_FC_SEED must be "${RANDOM_FC_SEED}" or an integer from ${MIN_SEED} to ${MAX_SEED}, got "${text}"`,
    );
  }
  return seed;
}
