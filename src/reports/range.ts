/**
 * Report periods: validation of a requested range and the calendar periods of the scheduled reports (the last
 * complete UTC hour, day or ISO week — Monday to Monday — before a time). Pure.
 * @see https://en.wikipedia.org/wiki/ISO_week_date (weeks start on Monday)
 */
import { InvalidInputError } from '../errors.ts';

/** Scheduled report kinds; `custom` is an on-demand range. */
export const REPORT_KINDS = ['hourly', 'daily', 'weekly', 'custom'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

/** Output formats. */
export const REPORT_FORMATS = ['html', 'pdf', 'md'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** Longest report range (31 days). */
export const MAX_REPORT_RANGE_MS = 31 * 86_400_000;

/** A checked range, Unix ms, `fromMs < toMs`. */
export interface ReportRange {
  readonly fromMs: number;
  readonly toMs: number;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * Checks a requested range.
 * @throws InvalidInputError when a bound is not a finite time, the range is reversed (to before from), empty
 *   (to equals from), longer than {@link MAX_REPORT_RANGE_MS}, or ends after `nowMs` + 1 minute.
 */
export function checkReportRange(fromMs: number, toMs: number, nowMs: number): ReportRange {
  if (!Number.isFinite(fromMs) || !Number.isFinite(toMs))
    throw new InvalidInputError('report range: from and to must be valid times');
  if (toMs < fromMs)
    throw new InvalidInputError(
      `report range is reversed: to (${iso(toMs)}) is before from (${iso(fromMs)})`,
    );
  if (toMs === fromMs)
    throw new InvalidInputError(`report range is empty: from and to are both ${iso(fromMs)}`);
  if (toMs - fromMs > MAX_REPORT_RANGE_MS)
    throw new InvalidInputError(`report range is longer than 31 days (${iso(fromMs)} .. ${iso(toMs)})`);
  if (toMs > nowMs + 60_000) throw new InvalidInputError(`report range ends in the future (${iso(toMs)})`);
  return { fromMs, toMs };
}

const HOUR = 3_600_000;
const DAY = 86_400_000;

/**
 * The last complete period of `kind` that ends at or before `nowMs` (UTC).
 * @throws InvalidInputError for `custom` (it has no calendar period).
 */
export function lastCompletePeriod(kind: ReportKind, nowMs: number): ReportRange {
  switch (kind) {
    case 'hourly': {
      const to = Math.floor(nowMs / HOUR) * HOUR;
      return { fromMs: to - HOUR, toMs: to };
    }
    case 'daily': {
      const to = Math.floor(nowMs / DAY) * DAY;
      return { fromMs: to - DAY, toMs: to };
    }
    case 'weekly': {
      const dayStart = Math.floor(nowMs / DAY) * DAY;
      const weekday = (new Date(dayStart).getUTCDay() + 6) % 7; // Monday = 0
      const to = dayStart - weekday * DAY;
      return { fromMs: to - 7 * DAY, toMs: to };
    }
    case 'custom':
      throw new InvalidInputError('custom reports have no calendar period');
  }
}

/** When the next period of `kind` ends after `nowMs` (the next report is due then). */
export function nextPeriodEnd(kind: Exclude<ReportKind, 'custom'>, nowMs: number): number {
  const len = kind === 'hourly' ? HOUR : kind === 'daily' ? DAY : 7 * DAY;
  return lastCompletePeriod(kind, nowMs).toMs + len;
}
