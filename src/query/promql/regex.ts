/**
 * Prometheus' regex matchers in JavaScript: the pattern is RE2 syntax, fully anchored. Constructs that RE2 has and
 * JavaScript reads differently (or not at all), and JavaScript-only constructs that RE2 refuses, are rejected
 * rather than silently given another meaning.
 * @see https://github.com/google/re2/wiki/Syntax
 * @see https://prometheus.io/docs/prometheus/latest/querying/basics/#time-series-selectors
 */
import { PromQueryError, unsupported } from './errors.ts';

/** Longest pattern accepted, characters. */
export const MAX_REGEX_LENGTH = 1024;

/** Constructs refused, each with the words naming it in the error. */
const REFUSED: readonly (readonly [RegExp, string])[] = [
  [/\(\?[=!]|\(\?<[=!]/, 'lookaround in a regular expression'],
  [/\\[1-9]|\\k</, 'backreference in a regular expression'],
  [/\(\?P?</, 'named group in a regular expression'],
  [/\\[pPQECzA]/, 'RE2 escape \\p, \\Q…\\E, \\C, \\z or \\A in a regular expression'],
  [/\[\[:/, 'POSIX character class in a regular expression'],
  [/\(\?(?!:|i\))/, 'inline flags other than a leading (?i) in a regular expression'],
];

/**
 * The anchored JavaScript regex of a PromQL `=~`/`!~` value (`(?i)` at the start → case-insensitive).
 * @throws PromQueryError `bad_data` for an invalid pattern or one using a refused construct (see {@link REFUSED})
 */
export function anchoredRegex(pattern: string): RegExp {
  if (pattern.length > MAX_REGEX_LENGTH)
    throw new PromQueryError('bad_data', `regular expression longer than ${MAX_REGEX_LENGTH} characters`);
  const caseless = pattern.startsWith('(?i)');
  const body = caseless ? pattern.slice(4) : pattern;
  for (const [re, what] of REFUSED) if (re.test(body)) throw unsupported(what);
  try {
    return new RegExp(`^(?:${body})$`, caseless ? 'si' : 's');
  } catch (e) {
    throw new PromQueryError(
      'bad_data',
      `invalid regular expression ${JSON.stringify(pattern)}: ${(e as Error).message}`,
    );
  }
}
