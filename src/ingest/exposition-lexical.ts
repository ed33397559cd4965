/**
 * Lexical pieces of the Prometheus text exposition format 0.0.4 (exposition.ts): char codes, name and blank
 * character classes, sample values and HELP unescaping. Pure, no regular expressions.
 * @see https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format
 */

// Char codes.
export const CR = 13;
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
