/** The time window of a view, kept in its route: absolute `from`/`to` (Unix ms) or a relative `range` before now. */

/** Relative ranges offered by the console's time-range picker, with their length in ms. */
export const RANGES: readonly { readonly name: string; readonly ms: number }[] = [
  { name: '5m', ms: 5 * 60_000 },
  { name: '15m', ms: 15 * 60_000 },
  { name: '1h', ms: 3_600_000 },
  { name: '6h', ms: 6 * 3_600_000 },
  { name: '24h', ms: 24 * 3_600_000 },
  { name: '7d', ms: 7 * 24 * 3_600_000 },
];

/** A window in Unix ms. */
export interface TimeWindow {
  readonly fromMs: number;
  readonly toMs: number;
}

/** The offered range named `name` (e.g. `15m`); else the one named `fallback`; else the shortest. */
export function rangeNamed(
  name: string | null | undefined,
  fallback: string,
): { readonly name: string; readonly ms: number } {
  return RANGES.find((r) => r.name === name) ?? RANGES.find((r) => r.name === fallback) ?? RANGES[0]!;
}

/** The window of a route: `from` and `to` when both are Unix ms, else `range` (default 1h) ending `nowMs`. */
export function windowOf(params: URLSearchParams, nowMs: number): TimeWindow {
  const from = Number(params.get('from'));
  const to = Number(params.get('to'));
  if (params.get('from') && params.get('to') && Number.isFinite(from) && Number.isFinite(to) && from <= to)
    return { fromMs: from, toMs: to };
  const range = rangeNamed(params.get('range'), '1h');
  return { fromMs: nowMs - range.ms, toMs: nowMs };
}

/**
 * A time as local date and time with milliseconds on the seconds, in the locale's own order (`12/6/2026, 7:13:47.250 AM`
 * in en-US, `06/12/2026, 7:13:47.250` in en-GB; the milliseconds never land after AM/PM).
 * @param locale BCP 47 tag; default the browser's
 */
export function fmtDateTime(ms: number, locale?: string): string {
  return new Date(ms).toLocaleString(locale, {
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    second: '2-digit',
    fractionalSecondDigits: 3,
  });
}
