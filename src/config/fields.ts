/**
 * Field schemas shared by the sections of the monitor's configuration: durations bounded to what timers hold or
 * to 100 years for windows, Prometheus label names, http(s) URLs without credentials, regular expressions.
 */
import { z } from 'zod';
import { MAX_TIMER_MS, parseDuration } from '../model/duration.ts';
import { urlHasCredentials } from '../model/redact.ts';

/**
 * A duration written as text ('1s', '6h') or a number of milliseconds, checked to lie in [0, max]: a negative,
 * non-finite or too large value is an issue on the field's own path (so the error names the key).
 */
function boundedDuration(max: number, what: string) {
  return z.union([z.string(), z.number()]).transform((v, ctx) => {
    let ms: number;
    if (typeof v === 'number') ms = v;
    else {
      try {
        ms = parseDuration(v);
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: (e as Error).message });
        return z.NEVER;
      }
    }
    if (!Number.isFinite(ms) || ms < 0) {
      ctx.addIssue({
        code: 'custom',
        message: `must be a duration of 0 or more, got ${String(v).slice(0, 40)}`,
      });
      return z.NEVER;
    }
    if (ms > max) {
      ctx.addIssue({ code: 'custom', message: `must be at most ${what}, got ${ms} ms` });
      return z.NEVER;
    }
    return ms;
  });
}

/**
 * A duration used as a timer delay or timeout: 0 to 2^31 − 1 ms (about 24.8 days), the most Node's timers hold
 * (longer delays would fire after 1 ms).
 */
export const duration = boundedDuration(
  MAX_TIMER_MS,
  `${MAX_TIMER_MS} ms (about 24.8 days, the longest timer delay)`,
);
/** An interval or timeout that must not be 0 (a 0 ms interval would spin). */
export const positiveDuration = duration.pipe(z.number().min(1, 'must be at least 1ms'));
/** Largest window (retention, evidence spans): 100 years. */
export const MAX_WINDOW_MS = 100 * 31_536_000_000;
/** A time span compared with timestamps (retention, evidence), never a timer delay: 0 to 100 years. */
export const window = boundedDuration(MAX_WINDOW_MS, '100y');

export const labelName = z
  .string()
  .regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'must be a valid Prometheus label name');

/** Message of a URL that is not an absolute http:// or https:// URL (an `ftp://` one, a bare host name). */
export const HTTP_URL_MESSAGE = 'must be an absolute http:// or https:// URL (http://host:port/path)';

/** An absolute http(s) URL, with a message that says so (zod's own is "Invalid URL" for a wrong scheme too). */
export const anyHttpUrl = z.url({ protocol: /^https?$/, error: HTTP_URL_MESSAGE });

/** An http(s) URL without user-info: credentials go into their own fields, never into a URL (the message does not echo it). */
export const httpUrl = anyHttpUrl.refine((u) => !urlHasCredentials(u), {
  message:
    'must not contain credentials (user:password@); use basicAuth or bearerToken (or passwordFile / bearerTokenFile) instead',
});

/** A regular expression (checked by compiling it). */
export const regex = z
  .string()
  .min(1)
  .refine(
    (p) => {
      try {
        new RegExp(p);
        return true;
      } catch {
        return false;
      }
    },
    { message: 'must be a valid regular expression' },
  );

/** A secret (password, token, file path of one): 1 to 4096 characters. */
export const secretText = z.string().min(1).max(4096);
