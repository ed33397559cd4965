/**
 * The anomaly as every backend stores it, so that SQLite, PostgreSQL and the in-memory store accept the same
 * anomalies and return the same values (no I/O).
 */
import { InvalidInputError } from '../errors.ts';
import type { Anomaly } from '../model/anomaly.ts';
import { MAX_STORED_VOTES } from './types.ts';

/** A double as stored: -0 becomes +0 (SQLite keeps no sign on a zero, and pg sends `String(-0)`, "0"). */
export function storedDouble(v: number): number {
  return v === 0 ? 0 : v;
}

/**
 * Checks an anomaly time.
 * @throws InvalidInputError when `ms` is not a safe integer (Unix ms).
 */
export function checkAnomalyTime(what: string, ms: number): void {
  if (!Number.isSafeInteger(ms)) throw new InvalidInputError(`anomaly ${what} ${ms} is not an integer in ms`);
}

/**
 * Checks the times of an anomaly to insert.
 * @throws InvalidInputError when startedAtMs, detectedAtMs or a non-null resolvedAtMs is not a safe integer.
 */
export function checkAnomalyTimes(a: Omit<Anomaly, 'id'>): void {
  checkAnomalyTime('startedAtMs', a.startedAtMs);
  checkAnomalyTime('detectedAtMs', a.detectedAtMs);
  if (a.resolvedAtMs !== null) checkAnomalyTime('resolvedAtMs', a.resolvedAtMs);
}

/** Whether `id` can name a stored anomaly (ids are positive safe integers); others are simply not found. */
export function isAnomalyId(id: number): boolean {
  return Number.isSafeInteger(id) && id > 0;
}

/**
 * `a` with its id as a backend stores and returns it: at most `MAX_STORED_VOTES` votes, -0 as +0 in the
 * doubles, labels and votes copied (never shared with the caller).
 */
export function storedAnomaly(a: Omit<Anomaly, 'id'>, id: number): Anomaly {
  return {
    ...a,
    id,
    labels: { ...a.labels },
    observed: storedDouble(a.observed),
    expected: storedDouble(a.expected),
    lower: storedDouble(a.lower),
    upper: storedDouble(a.upper),
    deviation: storedDouble(a.deviation),
    confidence: storedDouble(a.confidence),
    score: storedDouble(a.score),
    votes: a.votes
      .slice(0, MAX_STORED_VOTES)
      .map((v) => ({ detector: v.detector, score: storedDouble(v.score), voted: v.voted })),
  };
}
