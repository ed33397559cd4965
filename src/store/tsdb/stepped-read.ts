/**
 * Which resolution serves a range query (pure): raw samples for steps under a minute, 1-minute rollups for
 * steps under an hour, 1-hour rollups above; a coarser one when the finer data no longer covers the start of
 * the range (raw kept `rawRetentionMs`, 1-minute rollups `rollup1mRetentionMs`). And the conversion of
 * buckets into query points.
 */
import type { ReadResolutionMs } from '../stepped-types.ts';
import { ROLLUP_1H_MS, ROLLUP_1M_MS } from './options.ts';

/** Retentions the choice depends on. */
export interface RetentionWindows {
  readonly rawRetentionMs: number;
  readonly rollup1mRetentionMs: number;
}

/** The resolution for a query of [startMs, …] at `stepMs`, read at `nowMs`. */
export function chooseResolution(
  stepMs: number,
  startMs: number,
  nowMs: number,
  r: RetentionWindows,
): ReadResolutionMs {
  let res: ReadResolutionMs = stepMs >= ROLLUP_1H_MS ? 3_600_000 : stepMs >= ROLLUP_1M_MS ? 60_000 : 0;
  if (res === 0 && startMs < nowMs - r.rawRetentionMs) res = 60_000;
  if (res === 60_000 && startMs < nowMs - r.rollup1mRetentionMs) res = 3_600_000;
  return res;
}

/** Query points of buckets: one per bucket at start + resolution − 1, carrying `last`; the latest `max` of them. */
export function bucketPoints(
  timestampsMs: readonly number[],
  last: readonly number[],
  resolutionMs: number,
  max: number,
): { timestampsMs: number[]; values: number[] } {
  const from = Math.max(0, timestampsMs.length - max);
  const ts: number[] = [];
  const vs: number[] = [];
  for (let i = from; i < timestampsMs.length; i++) {
    ts.push(timestampsMs[i]! + resolutionMs - 1);
    vs.push(last[i]!);
  }
  return { timestampsMs: ts, values: vs };
}
