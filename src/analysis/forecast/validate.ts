/** Input checks shared by the forecasting functions. Pure; every failure is an InvalidInputError. */
import { InvalidInputError } from '../../errors.ts';

/** Largest series accepted by the forecasting functions (samples); bounds the O(n) work and copies. */
export const MAX_FORECAST_INPUT = 2_000_000;

/**
 * Checks a timestamped series: equal lengths, at most {@link MAX_FORECAST_INPUT} samples, finite values,
 * finite timestamps (Unix ms) in non-decreasing order (equal timestamps are allowed: real exports repeat a
 * timestamp, e.g. NAB's ec2_network_in_5abac7 at a DST change; callers that need distinct times check that).
 * @throws InvalidInputError naming the first offending index.
 */
export function checkSeries(timestampsMs: ArrayLike<number>, values: ArrayLike<number>, what: string): void {
  if (timestampsMs.length !== values.length) {
    throw new InvalidInputError(`${what}: ${timestampsMs.length} timestamps but ${values.length} values`);
  }
  if (values.length > MAX_FORECAST_INPUT) {
    throw new InvalidInputError(
      `${what}: ${values.length} samples exceed the limit of ${MAX_FORECAST_INPUT}`,
    );
  }
  for (let i = 0; i < values.length; i++) {
    const t = timestampsMs[i]!;
    if (!Number.isFinite(t)) throw new InvalidInputError(`${what}: timestamp ${i} is not finite (${t})`);
    if (i > 0 && !(t >= timestampsMs[i - 1]!)) {
      throw new InvalidInputError(
        `${what}: timestamps must be sorted (non-decreasing) (index ${i}: ${t} after ${timestampsMs[i - 1]})`,
      );
    }
    if (!Number.isFinite(values[i]!))
      throw new InvalidInputError(`${what}: value ${i} is not finite (${values[i]})`);
  }
}

/** Checks an interval level in (0, 1). @throws InvalidInputError. */
export function checkLevel(level: number): void {
  if (!(level > 0 && level < 1))
    throw new InvalidInputError(`interval level must be in (0, 1), got ${level}`);
}
