/** Duration text such as `500ms`, `15s`, `1m30s`, `6h`, `1d` (Prometheus-style units). */
import { InvalidInputError } from '../errors.ts';

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/y;

/**
 * Parses a duration into milliseconds: one or more `<number><unit>` parts with units ms, s, m, h, d, largest
 * first without repeats (`1m30s`, `1h5m`, `250ms`, `1.5s`). Result is rounded to whole milliseconds.
 * @throws InvalidInputError on empty text, unknown units, bad ordering, or a result that is not finite.
 */
export function parseDuration(text: string): number {
  if (typeof text !== 'string' || text.trim() === '') throw new InvalidInputError('duration must be a non-empty string such as "15s" or "1m30s"');
  const s = text.trim();
  const order = ['d', 'h', 'm', 's', 'ms'];
  let pos = 0;
  let total = 0;
  let lastRank = -1;
  PART.lastIndex = 0;
  while (pos < s.length) {
    PART.lastIndex = pos;
    const m = PART.exec(s);
    if (!m) throw new InvalidInputError(`invalid duration "${text}": expected <number><unit> parts with units ms, s, m, h, d (e.g. "1m30s")`);
    const unit = m[2]!;
    const rank = order.indexOf(unit);
    if (rank <= lastRank) throw new InvalidInputError(`invalid duration "${text}": units must go from largest to smallest without repeats`);
    lastRank = rank;
    total += Number(m[1]) * UNIT_MS[unit]!;
    pos = PART.lastIndex;
  }
  if (!Number.isFinite(total)) throw new InvalidInputError(`invalid duration "${text}": too large`);
  return Math.round(total);
}

/**
 * Formats milliseconds as the duration text {@link parseDuration} reads: largest unit first, zero parts
 * omitted (`90000` -> `1m30s`, `1500` -> `1s500ms`, `0` -> `0ms`). Fractional input is rounded to whole ms,
 * so `parseDuration(formatDuration(x)) === Math.round(x)`.
 * @throws InvalidInputError for negative, NaN or infinite input.
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) throw new InvalidInputError(`duration must be a finite number of milliseconds >= 0, got ${ms}`);
  let rest = Math.round(ms);
  if (rest === 0) return '0ms';
  let out = '';
  for (const unit of ['d', 'h', 'm', 's', 'ms']) {
    const size = UNIT_MS[unit]!;
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out;
}
