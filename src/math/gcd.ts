/** Greatest common divisor of integers. */
import { InvalidInputError } from '../errors.ts';

/**
 * Greatest common divisor of two non-negative safe integers (Euclid's algorithm); gcd(a, 0) = a.
 * @see https://en.wikipedia.org/wiki/Euclidean_algorithm
 * @throws InvalidInputError when an argument is not a non-negative safe integer
 */
export function gcd(a: number, b: number): number {
  if (!(Number.isSafeInteger(a) && a >= 0 && Number.isSafeInteger(b) && b >= 0))
    throw new InvalidInputError(`gcd needs non-negative safe integers, got ${a} and ${b}`);
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}
