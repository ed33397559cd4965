/**
 * PII masking rules as data: each rule is a regular expression (source and flags), the capture group that is
 * masked (0 = the whole match), the replacement, an optional validator that a candidate must also pass (Luhn
 * for card numbers, address parsing for IP addresses) and optional pre-checks that every match implies, so a
 * line that fails one skips the rule cheaply: a hint (a substring) and a precheck (a short expression without
 * captures or validators: most log lines contain no key word, no `:` after a hex digit, no digit-dot-digit). The defaults cover e-mail addresses, IPv4 and IPv6 addresses, card
 * numbers, bearer tokens, well-known API key formats and `password=`-style pairs. The built-in rules' hints and
 * pre-checks are implied by their triggers (./trigger-scan.ts), which the masker tests instead; a rule added by
 * configuration uses its own.
 * @see https://owasp.org/www-project-top-ten/2017/A3_2017-Sensitive_Data_Exposure (what counts as sensitive)
 * @see https://docs.github.com/en/code-security/secret-scanning/secret-scanning-patterns (token prefixes)
 */

/** Extra check of a candidate match. */
export type PiiValidator = 'luhn' | 'ipv4' | 'ipv6';

/** One masking rule (plain data: configuration may add more). */
export interface PiiRule {
  /** Short name, used in the default replacement (`[name]`) and in findings. */
  readonly name: string;
  /** JavaScript regular expression source. */
  readonly pattern: string;
  /** Extra flags (`i`, `u`); `g` and `d` are always added. */
  readonly flags?: string;
  /** Capture group masked (default 0, the whole match). */
  readonly group?: number;
  /** Replacement text (default `[name]`). */
  readonly replacement?: string;
  /** A check the masked text must also pass. */
  readonly validator?: PiiValidator;
  /** The rule runs only on text containing this substring (case-sensitive). */
  readonly hint?: string;
  /** The rule runs only on text this regular expression (source, same extra flags) matches. */
  readonly precheck?: string;
}

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';

/** Names of the rules that mask IP addresses (switched off together by the `ip` setting). */
export const IP_RULES: readonly string[] = ['ipv4', 'ipv6'];

/** The built-in rules, in the order findings are preferred when two overlap at the same start. */
export const DEFAULT_PII_RULES: readonly PiiRule[] = [
  {
    name: 'secret_pair',
    pattern:
      '\\b(?:password|passwd|pwd|secret|client_secret|access_token|refresh_token|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|credentials?)["\']?\\s*[=:]\\s*["\']?([^\\s"\'&,;]+)',
    flags: 'i',
    group: 1,
    replacement: '[secret]',
    // each alternative starts with one of these words at the same word boundary
    precheck: '\\b(?:pass|pwd|secret|client|access|refresh|token|api|private|credential)',
  },
  {
    name: 'bearer',
    pattern: '\\b(?:bearer|token)\\s+([A-Za-z0-9\\-._~+/]{8,}=*)',
    flags: 'i',
    group: 1,
    replacement: '[token]',
    precheck: '\\b(?:bearer|token)\\s',
  },
  {
    name: 'api_key',
    pattern:
      '\\b(?:(?:sk|pk|rk)_(?:live|test)_[A-Za-z0-9]{16,}|AKIA[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{36,}|glpat-[A-Za-z0-9_-]{20,}|xox[abprs]-[A-Za-z0-9-]{10,}|AIza[0-9A-Za-z_-]{35})\\b|\\beyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}',
    replacement: '[api_key]',
    precheck: '[spr]k_(?:live|test)_|AKIA|gh[pousr]_|glpat-|xox[abprs]-|AIza|eyJ',
  },
  {
    name: 'email',
    pattern: '[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}',
    hint: '@',
  },
  // Card numbers: 13–19 digits starting with an issuer digit 2–6 (Mastercard 2/5, Amex and JCB 3, Visa 4, Discover 6;
  // ISO/IEC 7812 major industry identifiers), written solid, in groups of four (4-4-4-4, 4-4-4-3) or
  // as Amex's 4-6-5, with one separator (space or dash) throughout; Luhn-checked. Epoch timestamps in ms or ns
  // start with 1 and are not taken for cards; digits after a decimal point are not either.
  {
    name: 'card',
    pattern:
      '(?<![\\d.-])(?:[2-6]\\d{12,18}|[2-6]\\d{3}([ -])\\d{4}\\1\\d{4}\\1\\d{3,4}|3[47]\\d{2}([ -])\\d{6}\\2\\d{5})(?![\\d-])',
    validator: 'luhn',
    // every alternative starts with an issuer digit and 7 more digits, one separator at most after the first 4
    // (Amex: 4 digits, separator, 6), at the pattern's own boundary: most lines hold no such run (epoch times
    // start with 1)
    precheck: '(?<![\\d.-])[2-6]\\d{3}[ -]?\\d{4}',
  },
  {
    name: 'ipv4',
    pattern: `(?<![\\w.])(?:${OCTET}\\.){3}${OCTET}(?!\\.?\\w)`,
    validator: 'ipv4',
    hint: '.',
    precheck: '\\d\\.\\d',
  },
  // every match has two colons, all its characters in [0-9A-Fa-f:]: the second colon follows one of them
  {
    name: 'ipv6',
    pattern: '(?<![\\w:])[0-9A-Fa-f:]*:[0-9A-Fa-f]*:[0-9A-Fa-f:]*(?![\\w:])',
    validator: 'ipv6',
    hint: ':',
    precheck: '[0-9A-Fa-f:]:',
  },
];

/**
 * Attribute keys whose whole value is masked (`[secret]`), whatever it looks like: passwords, secrets, tokens,
 * API keys, authorization and cookie headers.
 */
export const DEFAULT_SENSITIVE_KEYS =
  '^(?:.*[._-])?(?:password|passwd|pwd|secret|client_secret|token|access_token|refresh_token|api[_-]?key|apikey|authorization|cookie|set-cookie|private[_-]?key)$';
