/** Argument checks shared by every store backend (same errors, same messages, on SQL and in memory). */
import { InvalidInputError } from '../errors.ts';

/**
 * Checks a bound or size named `name` (a limit, an in-memory store's capacity); returns it.
 * @throws InvalidInputError when `value` is not a positive integer.
 */
export function checkPositiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1)
    throw new InvalidInputError(`${name} must be a positive integer, got ${value}`);
  return value;
}

/**
 * Checks the bounds of a store given as name → value (its options after defaults); the message names the first
 * bad one after `prefix`, e.g. `report store maxBytes must be a positive integer, got 0`.
 * @throws InvalidInputError when a value is not a positive safe integer (1 ..= 2^53 − 1).
 */
export function checkPositiveSafeIntegers(bounds: Readonly<Record<string, number>>, prefix = ''): void {
  for (const [k, v] of Object.entries(bounds))
    if (!Number.isSafeInteger(v) || v < 1)
      throw new InvalidInputError(`${prefix}${k} must be a positive integer, got ${v}`);
}

/**
 * Checks a result-size limit.
 * @throws InvalidInputError when `limit` is not a positive integer.
 */
export function checkLimit(limit: number): void {
  checkPositiveInteger('limit', limit);
}

/**
 * Checks the time range of `SampleStore.readPoints` (Unix ms, inclusive).
 * @throws InvalidInputError when a bound is not finite or `startMs > endMs`.
 */
export function checkTimeRange(startMs: number, endMs: number): void {
  if (!Number.isFinite(startMs) || !Number.isFinite(endMs) || startMs > endMs)
    throw new InvalidInputError(`bad time range [${startMs}, ${endMs}]`);
}

/**
 * Checks a sample retention.
 * @throws InvalidInputError when `retentionMs` is not > 0.
 */
export function checkRetention(retentionMs: number): void {
  if (!(retentionMs > 0)) throw new InvalidInputError(`retentionMs must be > 0, got ${retentionMs}`);
}

/**
 * Checks the time of `SampleStore.applyRetention`.
 * @throws InvalidInputError when `nowMs` is not finite.
 */
export function checkNow(nowMs: number): void {
  if (!Number.isFinite(nowMs)) throw new InvalidInputError(`retention time must be finite, got ${nowMs}`);
}

/**
 * Checks a sample's timestamp before anything of its batch is written.
 * @throws InvalidInputError when `timestampMs` is not a safe integer.
 */
export function checkSampleTimestamp(name: string, timestampMs: number): void {
  if (!Number.isSafeInteger(timestampMs))
    throw new InvalidInputError(`sample ${name}: timestamp ${timestampMs} is not an integer in ms`);
}

/**
 * Checks the bound of `AnomalyStore.prune`.
 * @throws InvalidInputError when `maxAnomalies` is negative or not an integer.
 */
export function checkMaxAnomalies(maxAnomalies: number): void {
  if (!Number.isInteger(maxAnomalies) || maxAnomalies < 0)
    throw new InvalidInputError(`maxAnomalies must be a non-negative integer, got ${maxAnomalies}`);
}

/**
 * Checks the cutoff of `DetectorStateStore.deleteDetectorStatesOlderThan`.
 * @throws InvalidInputError when `cutoffMs` is not finite.
 */
export function checkCutoff(cutoffMs: number): void {
  if (!Number.isFinite(cutoffMs)) throw new InvalidInputError(`cutoffMs must be finite, got ${cutoffMs}`);
}
