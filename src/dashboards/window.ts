/**
 * The time window of a dashboard's data: its relative range (`now-1h` … `now`) resolved at a time, the step
 * (src/contract/series.ts `defaultStepMs`), and the end aligned down to the step so that viewers asking within
 * one step share the same window (and so the same cache entries).
 */
import { defaultStepMs } from '../contract/series.ts';
import { InvalidInputError } from '../errors.ts';

const UNIT_MS: Readonly<Record<string, number>> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** Offset before now of a relative time `now` / `now-30m`, ms. @throws InvalidInputError for other text */
export function relativeOffsetMs(t: string): number {
  if (t === 'now') return 0;
  const m = /^now-(\d{1,6})([smhdw])$/.exec(t);
  if (!m) throw new InvalidInputError(`cannot read relative time "${t}"; expected now or now-<n><s|m|h|d|w>`);
  return Number(m[1]) * UNIT_MS[m[2]!]!;
}

/** A resolved window, Unix ms; `endMs` is a multiple of `stepMs`. */
export interface DataWindow {
  readonly startMs: number;
  readonly endMs: number;
  readonly stepMs: number;
}

/**
 * Resolves `{from, to}` at `nowMs` with at most `targetPoints` points per series.
 * @throws InvalidInputError when `from` is not before `to`
 */
export function resolveWindow(
  range: { readonly from: string; readonly to: string },
  nowMs: number,
  targetPoints: number,
): DataWindow {
  const from = relativeOffsetMs(range.from);
  const to = relativeOffsetMs(range.to);
  if (from <= to)
    throw new InvalidInputError(`timeRange: from (${range.from}) must be before to (${range.to})`);
  const stepMs = defaultStepMs(nowMs - from, nowMs - to, targetPoints);
  const endMs = Math.floor((nowMs - to) / stepMs) * stepMs;
  return { startMs: endMs - (from - to), endMs, stepMs };
}

/** Parses a refresh interval (`5s`, `1m`, `1h`) to ms; null for `off`. */
export function refreshMs(refresh: string): number | null {
  if (refresh === 'off') return null;
  const m = /^(\d{1,5})([smh])$/.exec(refresh);
  if (!m) throw new InvalidInputError(`cannot read refresh "${refresh}"`);
  return Number(m[1]) * UNIT_MS[m[2]!]!;
}
