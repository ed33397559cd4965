/**
 * fast-check arbitraries of hostile input for the fuzz tests: odd strings (control characters, lone surrogates,
 * very long text, number edge cases, path tricks, prototype keys) and a tally of what the fuzzed code did.
 */
import fc from 'fast-check';
import { DwcpError } from '../../src/errors.ts';

/** Hand-picked values that break naive parsers. */
export const NASTY_VALUES: readonly string[] = [
  '',
  ' ',
  '-1',
  '0',
  '-0',
  '1e309',
  '-1e309',
  'NaN',
  'Infinity',
  '-Infinity',
  '9007199254740993',
  '1.5',
  '.5',
  '0x10',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  '../../etc/passwd',
  '..%2f..%2f',
  '%00',
  '\u0000',
  '\ud800',
  'null',
  'undefined',
  'true',
  '[]',
  '{}',
  '2024-02-30T00:00:00Z',
  '1h30m',
  '-5m',
  '99999999999y',
  '30d',
  '0ms',
  'x'.repeat(5000),
  '<script>alert(1)</script>',
  "' OR 1=1 --",
  '{a=~".*"}',
  'match[x]',
  '\r\n',
  '\t',
  '😀',
  'é',
  'http://user:pass@127.0.0.1/',
  'a'.repeat(70_000),
];

/** A hostile string: nasty values, arbitrary unicode (including lone surrogates) or arbitrary numbers as text. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...NASTY_VALUES),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.integer().map(String),
  fc.double().map(String),
  fc.bigInt().map(String),
);

/** What the code under fuzz did with the inputs: accepted, refused with a clear (DwcpError) error, or crashed. */
export class Tally {
  tried = 0;
  accepted = 0;
  clearErrors = 0;
  crashes = 0;
  readonly crashSamples: string[] = [];

  /** Runs `fn`, classifying its outcome; rethrows nothing. Returns the result when accepted. */
  run<T>(fn: () => T, input: string): T | undefined {
    this.tried++;
    try {
      const r = fn();
      this.accepted++;
      return r;
    } catch (e) {
      if (e instanceof DwcpError && e.message.length > 0) this.clearErrors++;
      else {
        this.crashes++;
        if (this.crashSamples.length < 5) this.crashSamples.push(`${input.slice(0, 200)} → ${String(e)}`);
      }
      return undefined;
    }
  }

  summary(what: string): string {
    return `${what}: ${this.tried} inputs tried, ${this.accepted} accepted, ${this.clearErrors} clear errors, ${this.crashes} crashes`;
  }
}
