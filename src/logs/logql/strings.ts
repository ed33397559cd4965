/**
 * String literals as LogQL and Prometheus label strings write them: double-quoted with Go escapes (`\"`, `\\`,
 * `\n`, `\t`, `\r`, `\uXXXX`) or back-quoted raw strings.
 * @see https://grafana.com/docs/loki/latest/query/log_queries/ (string literals)
 */

/** A string read at a position: its value and the index just after its closing quote. */
export interface ReadString {
  readonly value: string;
  readonly end: number;
}

const ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  '\\': '\\',
  n: '\n',
  t: '\t',
  r: '\r',
  "'": "'",
  '`': '`',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
};

/**
 * Reads the string literal starting at `s[i]` (`"` or `` ` ``).
 * @returns undefined when there is no literal there, it is unterminated or an escape is invalid
 */
export function readString(s: string, i: number): ReadString | undefined {
  const q = s[i];
  if (q === '`') {
    const end = s.indexOf('`', i + 1);
    return end < 0 ? undefined : { value: s.slice(i + 1, end), end: end + 1 };
  }
  if (q !== '"') return undefined;
  let out = '';
  for (let j = i + 1; j < s.length; j++) {
    const c = s[j]!;
    if (c === '"') return { value: out, end: j + 1 };
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = s[++j];
    if (e === undefined) return undefined;
    if (e === 'u') {
      const hex = s.slice(j + 1, j + 5);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) return undefined;
      out += String.fromCharCode(parseInt(hex, 16));
      j += 4;
      continue;
    }
    const r = ESCAPES[e];
    if (r === undefined) return undefined;
    out += r;
  }
  return undefined;
}
