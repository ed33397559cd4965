/**
 * The one duration grammar of the product: config files, scenario and SLO YAML, CLI flags and HTTP query
 * parameters all read durations here. Pure, no I/O.
 *
 * Grammar (Prometheus duration syntax, plus decimal fractions in parts):
 *
 *     duration = "0" | part { part }                      (surrounding white space is ignored)
 *     part     = digits [ "." digits ] unit
 *     unit     = "y" | "w" | "d" | "h" | "m" | "s" | "ms"  (each at most once, largest first)
 *
 * with y = 365 d, w = 7 d, d = 24 h. Examples: `1h30m`, `500ms`, `2d`, `1w`, `1.5s`, `0`. With
 * `{ bareSeconds: true }` (HTTP query parameters, as Prometheus' HTTP API) a plain decimal number of seconds is
 * accepted too: `15`, `0.5`, `.5`, `-3` (the sign is allowed, the caller checks the range). Results are whole
 * milliseconds (rounded half up); anything whose value is not finite is rejected.
 *
 * @see Prometheus, "Configuration: <duration>" (https://prometheus.io/docs/prometheus/latest/configuration/configuration/#duration)
 *   and `model.ParseDuration` of prometheus/common (units, order, "0").
 * @see Prometheus HTTP API, "Format overview" (durations as float seconds in query parameters).
 * @see Node.js timers: delays above 2^31 − 1 ms overflow to 1 ms (TimeoutOverflowWarning).
 */
import { InvalidInputError } from '../errors.ts';

/** Units from largest to smallest, with their size in milliseconds. */
export const DURATION_UNITS_MS = Object.freeze({
  y: 31_536_000_000,
  w: 604_800_000,
  d: 86_400_000,
  h: 3_600_000,
  m: 60_000,
  s: 1000,
  ms: 1,
});

/** A unit of the duration grammar. */
export type DurationUnit = keyof typeof DURATION_UNITS_MS;

const UNIT_ORDER = Object.keys(DURATION_UNITS_MS) as DurationUnit[];
const PART = /(\d+(?:\.\d+)?)(ms|y|w|d|h|m|s)/y;
const BARE_SECONDS = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;
const MAX_QUOTED = 40;

/** Largest delay Node's setTimeout/setInterval honour (2^31 − 1 ms ≈ 24.8 days). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** Options of {@link parseDuration}. */
export interface DurationOptions {
  /** Also accept a plain decimal number of seconds, optionally signed (`15`, `0.5`, `-1`). Default false. */
  readonly bareSeconds?: boolean;
  /** Reject results above {@link MAX_TIMER_MS}, for values that go straight into a timer. Default false. */
  readonly timerSafe?: boolean;
}

/** The input as it appears in error messages: JSON-quoted, at most 40 characters of it. */
function quote(text: string): string {
  return JSON.stringify(text.length > MAX_QUOTED ? text.slice(0, MAX_QUOTED) + '…' : text);
}

/**
 * Parses a duration (module comment for the grammar) into whole milliseconds.
 * @param text the duration text, e.g. `1h30m`, `500ms`, `2d`, `1w`, `1.5s`, `0`
 * @param options `bareSeconds` for plain seconds (HTTP parameters), `timerSafe` for values used as timer delays
 * @returns milliseconds, rounded to an integer; ≥ 0 unless `bareSeconds` allowed a negative number
 * @throws InvalidInputError naming the (truncated) input: for text that is not a string, empty text, an
 *   unknown unit, units out of order or repeated, a value that is not finite, or (with `timerSafe`) a value
 *   above {@link MAX_TIMER_MS}.
 */
export function parseDuration(text: string, options: DurationOptions = {}): number {
  if (typeof text !== 'string')
    throw new InvalidInputError(`duration must be text such as "15s" or "1m30s", got ${typeof text}`);
  const s = text.trim();
  if (s === '') throw new InvalidInputError('duration must be a non-empty text such as "15s" or "1m30s"');
  let ms: number;
  if (s === '0') ms = 0;
  else if (options.bareSeconds === true && BARE_SECONDS.test(s)) ms = Math.round(Number(s) * 1000);
  else ms = parseParts(s, text, options.bareSeconds === true);
  if (!Number.isFinite(ms)) throw new InvalidInputError(`duration ${quote(text)} is too large`);
  if (ms === 0) ms = 0; // no −0
  if (options.timerSafe === true) timerSafe(ms, `duration ${quote(text)}`);
  return ms;
}

function parseParts(s: string, text: string, bareSeconds: boolean): number {
  let pos = 0;
  let total = 0;
  let lastRank = -1;
  while (pos < s.length) {
    PART.lastIndex = pos;
    const m = PART.exec(s);
    if (!m) {
      const also = bareSeconds ? ', or plain seconds such as "15" or "0.5"' : '';
      throw new InvalidInputError(
        `invalid duration ${quote(text)}: expected <number><unit> parts with units y, w, d, h, m, s, ms (e.g. "1h30m", "500ms", "2d")${also}`,
      );
    }
    const unit = m[2] as DurationUnit;
    const rank = UNIT_ORDER.indexOf(unit);
    if (rank <= lastRank) {
      throw new InvalidInputError(
        `invalid duration ${quote(text)}: units must go from largest to smallest without repeats (e.g. "1h30m")`,
      );
    }
    lastRank = rank;
    total += Number(m[1]) * DURATION_UNITS_MS[unit];
    pos = PART.lastIndex;
  }
  return Math.round(total);
}

/**
 * Checks that `ms` can be used as a setTimeout/setInterval delay (0 ≤ ms ≤ {@link MAX_TIMER_MS}); returns it.
 * @param what names the value in the error message (e.g. `--tick`)
 * @throws InvalidInputError when ms is negative, not finite or above 2^31 − 1 (≈ 24.8 days).
 */
export function timerSafe(ms: number, what: string): number {
  if (!(Number.isFinite(ms) && ms >= 0 && ms <= MAX_TIMER_MS)) {
    throw new InvalidInputError(
      `${what} must be between 0 and ${MAX_TIMER_MS} ms (about 24.8 days) to be used as a timer, got ${ms} ms`,
    );
  }
  return ms;
}

/**
 * Formats milliseconds as duration text that {@link parseDuration} reads back: days and smaller units, largest
 * first, zero parts omitted (`90000` → `1m30s`, `1500` → `1s500ms`, `0` → `0ms`). Fractional input is rounded
 * to whole ms, so `parseDuration(formatDuration(x)) === Math.round(x)`.
 * @throws InvalidInputError for negative, NaN or infinite input.
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0)
    throw new InvalidInputError(`duration must be a finite number of milliseconds >= 0, got ${ms}`);
  let rest = Math.round(ms);
  if (rest === 0) return '0ms';
  let out = '';
  for (const unit of ['d', 'h', 'm', 's', 'ms'] as const) {
    const size = DURATION_UNITS_MS[unit];
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out;
}
