/** The time window of a view, kept in its route: absolute `from`/`to` (Unix ms) or a relative `range` before now. */

/** Relative ranges offered by the views, with their length in ms. */
export const RANGES: readonly { readonly name: string; readonly ms: number }[] = [
  { name: '15m', ms: 15 * 60_000 },
  { name: '1h', ms: 3_600_000 },
  { name: '6h', ms: 6 * 3_600_000 },
  { name: '24h', ms: 24 * 3_600_000 },
];

/** A window in Unix ms. */
export interface TimeWindow {
  readonly fromMs: number;
  readonly toMs: number;
}

/** The window of a route: `from` and `to` when both are Unix ms, else `range` (default 1h) ending `nowMs`. */
export function windowOf(params: URLSearchParams, nowMs: number): TimeWindow {
  const from = Number(params.get('from'));
  const to = Number(params.get('to'));
  if (params.get('from') && params.get('to') && Number.isFinite(from) && Number.isFinite(to) && from <= to)
    return { fromMs: from, toMs: to };
  const range = RANGES.find((r) => r.name === params.get('range')) ?? RANGES[1]!;
  return { fromMs: nowMs - range.ms, toMs: nowMs };
}

/** A time as local date and time with milliseconds. */
export function fmtDateTime(ms: number): string {
  const d = new Date(ms);
  return `${d.toLocaleDateString()} ${d.toLocaleTimeString()}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}
