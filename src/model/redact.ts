/**
 * Keeping secrets out of what the monitor shows and logs: URL user-info (`user:pass@`) replaced by a marker,
 * and the pino redaction paths of credential fields. Pure, no I/O.
 * @see Prometheus `config.Secret` (secrets shown as `<secret>`)
 * @see https://getpino.io/#/docs/redaction
 */

/** What a secret is shown as. */
export const REDACTED = '<secret>';

/** `scheme://userinfo@` anywhere in a text (userinfo: anything up to the first `@` before a `/`, `?`, `#` or space). */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^/?#@\s]*@/gi;

/**
 * Replaces the user-info of every URL in `text` with {@link REDACTED}: `http://u:p@h/x` → `http://<secret>@h/x`.
 * Text without user-info is returned unchanged. Works on whole URLs and on messages that embed them (fetch errors).
 */
export function redactUrlCredentials(text: string): string {
  return text.replace(URL_USERINFO, `$1${REDACTED}@`);
}

/** Whether `url` carries a user name or password (`user:pass@host`). False for text that is not a URL. */
export function urlHasCredentials(url: string): boolean {
  try {
    const u = new URL(url);
    return u.username !== '' || u.password !== '';
  } catch {
    return false;
  }
}

/**
 * pino `redact.paths` for credential fields at the top level or one level down of a log line, and the request
 * headers fastify logs. Values are replaced by {@link REDACTED}.
 */
export const LOG_REDACT_PATHS: readonly string[] = Object.freeze([
  'password',
  '*.password',
  'bearerToken',
  '*.bearerToken',
  'routingKey',
  '*.routingKey',
  'authorization',
  '*.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
]);

/** pino's `redact` option: {@link LOG_REDACT_PATHS} censored as {@link REDACTED}. */
export function logRedaction(): { paths: string[]; censor: string } {
  return { paths: [...LOG_REDACT_PATHS], censor: REDACTED };
}
