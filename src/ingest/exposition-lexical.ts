/**
 * Lexical pieces shared by the Prometheus text exposition format 0.0.4 (exposition.ts) and OpenMetrics
 * (openmetrics.ts): char codes, name and blank character classes, quoted label values, sample values and HELP
 * unescaping. Pure, no regular expressions.
 * @see https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format
 * @see https://github.com/OpenObservability/OpenMetrics/blob/main/specification/OpenMetrics.md
 */

// Char codes.
export const CR = 13;
export const LF = 10;
const SPACE = 32;
const TAB = 9;
export const HASH = 35;
export const LBRACE = 123;
export const RBRACE = 125;
export const COMMA = 44;
export const EQ = 61;
export const QUOTE = 34;
export const BSLASH = 92;

/** Metric name characters (`[a-zA-Z_:][a-zA-Z0-9_:]*`) and label name characters (`[a-zA-Z_][a-zA-Z0-9_]*`). */
export function isNameStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 58; // a-z A-Z _ :
}
export function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 48 && c <= 57);
}
export function isLabelStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}
export function isLabelChar(c: number): boolean {
  return isLabelStart(c) || (c >= 48 && c <= 57);
}
/** Space or tab (the only blanks of the format). */
export function isBlank(c: number): boolean {
  return c === SPACE || c === TAB;
}

/** Where {@link readLabelValue} stopped (reused between calls, so reading a value allocates nothing else). */
export interface LexCursor {
  pos: number;
}

/**
 * Reads a quoted label value from `start` (just after its opening `"`) to its closing `"`, unescaping `\\`, `\"` and
 * `\n` (the only escapes of both formats). Returns the value with `cur.pos` just after the closing quote, or
 * undefined with `cur.pos` at the offending backslash (any other escape) or at `end` (no closing quote before
 * `end`, including a value ending in a lone backslash).
 */
export function readLabelValue(text: string, start: number, end: number, cur: LexCursor): string | undefined {
  let i = start;
  let buf = '';
  let chunk = start;
  for (;;) {
    if (i >= end) {
      cur.pos = end;
      return undefined;
    }
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      cur.pos = i + 1;
      return chunk === start ? text.slice(start, i) : buf + text.slice(chunk, i);
    }
    if (c === BSLASH) {
      if (i + 1 >= end) {
        cur.pos = end;
        return undefined;
      }
      const d = text.charCodeAt(i + 1);
      buf += text.slice(chunk, i);
      if (d === BSLASH) buf += '\\';
      else if (d === QUOTE) buf += '"';
      else if (d === 110) buf += '\n';
      else {
        cur.pos = i;
        return undefined;
      }
      i += 2;
      chunk = i;
      continue;
    }
    i++;
  }
}

/**
 * Parses a sample value: decimal float (`1`, `-1.5e-3`, `.5`), `NaN`, `+Inf`, `-Inf`, `Inf` (case-insensitive,
 * like Go's strconv.ParseFloat that Prometheus uses). Returns undefined for anything else (hex, `_`, empty).
 */
export function parseValue(s: string): number | undefined {
  const n = s.length;
  let plain = n > 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || c === 46 || c === 101 || c === 69 || c === 43 || c === 45)) {
      plain = false;
      break;
    }
  }
  if (plain) {
    const v = Number(s); // only digits . e E + - reach here, so NaN means malformed ('1e', '+-1', '.')
    return Number.isNaN(v) ? undefined : v;
  }
  const lower = s.toLowerCase();
  if (lower === 'nan') return Number.NaN;
  if (lower === '+inf' || lower === 'inf' || lower === '+infinity' || lower === 'infinity') return Infinity;
  if (lower === '-inf' || lower === '-infinity') return -Infinity;
  return undefined;
}

/** 10^k for k = 0..22: every one an exact double. */
const EXACT_POW10: readonly number[] = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

/**
 * {@link parseValue} of `text.slice(start, end)` without building that string when the token is a plain decimal
 * (`[+-]?digits[.digits]`) of at most 15 significant digits and 22 decimals: its digits as an integer `m` (exact,
 * below 2^53) divided by 10^decimals (exact) is one correctly rounded division, the same double as `Number` gives
 * (Clinger's fast path). Any other token (exponent, `NaN`, `Inf`, longer mantissa, malformed) goes through
 * {@link parseValue}; the answer is the same for every token.
 * @see W. D. Clinger, "How to read floating point numbers accurately", PLDI 1990 (the exact fast path).
 */
export function parseValueAt(text: string, start: number, end: number): number | undefined {
  let i = start;
  let c = text.charCodeAt(i);
  const negative = c === 45;
  if (negative || c === 43) i++;
  let m = 0;
  let significant = 0;
  let decimals = 0;
  let digits = 0;
  let dot = false;
  for (; i < end; i++) {
    c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (significant > 0 || c !== 48) significant++;
      m = m * 10 + (c - 48);
      digits++;
      if (dot) decimals++;
    } else if (c === 46 && !dot) dot = true;
    else return parseValue(text.slice(start, end));
  }
  if (digits === 0 || significant > 15 || decimals > 22) return parseValue(text.slice(start, end));
  const v = decimals === 0 ? m : m / EXACT_POW10[decimals]!;
  return negative ? -v : v;
}

/**
 * An OpenMetrics timestamp (seconds, decimals allowed, as {@link parseValue} reads them) as integer Unix ms, or
 * undefined when it is not a number, not finite, or out of the safe-integer range once in ms.
 */
export function secondsToMs(token: string): number | undefined {
  const seconds = parseValue(token);
  if (seconds === undefined || !Number.isFinite(seconds)) return undefined;
  const ms = Math.round(seconds * 1000) || 0; // || 0: no -0
  return Number.isSafeInteger(ms) ? ms : undefined;
}

/** Unescapes a HELP docstring (`\\` and `\n`; other backslashes are kept, as Prometheus does). */
export function unescapeHelp(s: string): string {
  if (s.indexOf('\\') < 0) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\' && i + 1 < s.length) {
      const d = s[i + 1]!;
      if (d === '\\') {
        out += '\\';
        i++;
        continue;
      }
      if (d === 'n') {
        out += '\n';
        i++;
        continue;
      }
    }
    out += c;
  }
  return out;
}
