/**
 * Label matchers as Alertmanager uses them in silences, routes and inhibition rules: `=`, `!=`, `=~`, `!~`;
 * regular expressions are fully anchored (`^(?:re)$`), and a label that is absent matches as the empty string.
 * Pure.
 * @see https://prometheus.io/docs/alerting/latest/configuration/#matcher
 */
import type { Matcher } from '../contract/alerting.ts';
import { InvalidInputError } from '../errors.ts';

/** A matcher with its regular expression compiled. */
export interface CompiledMatcher {
  readonly matcher: Matcher;
  readonly test: (labels: Readonly<Record<string, string>>) => boolean;
}

/** Regex outcomes remembered per matcher (label values). */
const MAX_MEMO = 4096;

const TEXT = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*$/;

/**
 * Compiles one matcher.
 * @throws InvalidInputError when a regex matcher's value is not a valid JavaScript regular expression
 */
export function compileMatcher(m: Matcher): CompiledMatcher {
  if (!m.isRegex) {
    return { matcher: m, test: (l) => ((l[m.name] ?? '') === m.value) === m.isEqual };
  }
  let re: RegExp;
  try {
    re = new RegExp(`^(?:${m.value})$`, 'u');
  } catch (e) {
    throw new InvalidInputError(
      `matcher ${m.name}: invalid regular expression ${JSON.stringify(m.value)}: ${(e as Error).message}`,
    );
  }
  // Label values repeat across series and evaluations: remember the outcome per value (bounded).
  const memo = new Map<string, boolean>();
  return {
    matcher: m,
    test: (l) => {
      const v = l[m.name] ?? '';
      let hit = memo.get(v);
      if (hit === undefined) {
        hit = re.test(v) === m.isEqual;
        if (memo.size >= MAX_MEMO) memo.clear();
        memo.set(v, hit);
      }
      return hit;
    },
  };
}

/**
 * Compiles a list of matchers.
 * @throws InvalidInputError for an invalid regular expression
 */
export function compileMatchers(ms: readonly Matcher[]): CompiledMatcher[] {
  return ms.map(compileMatcher);
}

/** Whether every matcher matches `labels` (true for an empty list). */
export function matchesAll(
  ms: readonly CompiledMatcher[],
  labels: Readonly<Record<string, string>>,
): boolean {
  for (const m of ms) if (!m.test(labels)) return false;
  return true;
}

/**
 * Parses Alertmanager's text form `name="value"`, `name!="value"`, `name=~"regex"`, `name!~"regex"`.
 * @throws InvalidInputError for anything else
 */
export function parseMatcher(text: string): Matcher {
  const m = TEXT.exec(text);
  if (!m)
    throw new InvalidInputError(
      `cannot parse matcher ${JSON.stringify(text)}: expected name="value", name!="value", name=~"re" or name!~"re"`,
    );
  const op = m[2]!;
  const value = m[3]!.replace(/\\(.)/g, '$1');
  const matcher: Matcher = {
    name: m[1]!,
    value,
    isRegex: op === '=~' || op === '!~',
    isEqual: op === '=' || op === '=~',
  };
  compileMatcher(matcher);
  return matcher;
}

/** The text form of a matcher (`name=~"re"`), as amtool prints it. */
export function formatMatcher(m: Matcher): string {
  const op = m.isRegex ? (m.isEqual ? '=~' : '!~') : m.isEqual ? '=' : '!=';
  return `${m.name}${op}${JSON.stringify(m.value)}`;
}
