/**
 * Typed outcome of one scrape: what the scraper reports with every batch, so that callers count and branch on a
 * closed set of results instead of searching error messages. `result` is the `result` label of
 * `dwcp_monitor_scrapes_total`; a failure also carries the error (with its stable `code`) whose message is the
 * target's `lastError`.
 */
import {
  DwcpError,
  ExpositionParseError,
  PayloadTooLargeError,
  ScrapeError,
  ScrapeTimeoutError,
} from '../errors.ts';

/** Every scrape result, in the order documented for `dwcp_monitor_scrapes_total`. */
export const SCRAPE_RESULTS = [
  'success',
  'timeout',
  'http_error',
  'parse_error',
  'body_too_large',
  'connection_error',
  'source_error',
  'sample_limit',
  'label_limit',
  'skipped_overload',
] as const;

/**
 * What a scrape ended with:
 * - `success`: the body was read and parsed (in-process: `collect` returned);
 * - `timeout`: no complete response within the target's timeout;
 * - `http_error`: the target answered with a non-2xx status;
 * - `parse_error`: the body is not valid text exposition;
 * - `body_too_large`: the body exceeded the target's size limit;
 * - `connection_error`: refused, reset, unknown host or another network failure;
 * - `source_error`: an in-process source (e.g. the host collector) threw, or an HTTP target's credentials could not
 *   be read (e.g. a missing bearer token file);
 * - `sample_limit`: the scrape had more samples than the target's `sampleLimit` (src/ingest/scrape-limits.ts);
 * - `label_limit`: a sample broke the target's label count, label name or label value length limit;
 * - `skipped_overload`: the monitor itself was too busy to serve the scrape in time (its event loop was blocked
 *   past the scrape's deadline), so the result says nothing about the target: no samples, health unchanged.
 */
export type ScrapeResult = (typeof SCRAPE_RESULTS)[number];

/** A failed scrape's result. */
export type ScrapeFailureResult = Exclude<ScrapeResult, 'success' | 'skipped_overload'>;

/** A successful scrape. */
export interface ScrapeSuccess {
  readonly result: 'success';
}

/** A failed scrape: the result, the error (its message is the target's `lastError`), the HTTP status if any. */
export interface ScrapeFailure {
  readonly result: ScrapeFailureResult;
  readonly error: DwcpError;
  /** The response status for `http_error`. */
  readonly httpStatus?: number;
}

/**
 * A scrape the monitor could not serve in time because it was saturated (its event loop ran the deadline late, or
 * was busy most of the scrape's window): `lateMs` is how long after the scrape's deadline the monitor got to run
 * again (0 or small when the loop was merely busy). Neither a success nor a failure of the target.
 */
export interface ScrapeSkipped {
  readonly result: 'skipped_overload';
  readonly lateMs: number;
}

/** Outcome of one scrape (a discriminated union on `result`). */
export type ScrapeOutcome = ScrapeSuccess | ScrapeFailure | ScrapeSkipped;

/** The outcome of a successful scrape (shared, immutable). */
export const SCRAPE_SUCCESS: ScrapeSuccess = Object.freeze({ result: 'success' });

/** Whether the outcome is a failure (narrows the union). */
export function isScrapeFailure(o: ScrapeOutcome): o is ScrapeFailure {
  return o.result !== 'success' && o.result !== 'skipped_overload';
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Classifies an error thrown while reading or parsing a response body (after the status line was accepted):
 * a parse error, an oversize body, a timeout, or a connection failure mid-body.
 */
export function bodyFailure(e: unknown, timedOut: boolean, timeoutMs: number): ScrapeFailure {
  if (e instanceof ExpositionParseError) return { result: 'parse_error', error: e };
  if (e instanceof PayloadTooLargeError) return { result: 'body_too_large', error: e };
  if (timedOut) return timeoutFailure(timeoutMs);
  return connectionFailure(e, timeoutMs);
}

/** The failure of a scrape that did not finish within `timeoutMs`. */
export function timeoutFailure(timeoutMs: number): ScrapeFailure {
  return { result: 'timeout', error: new ScrapeTimeoutError(timeoutMs) };
}

/** The failure of a non-2xx response. */
export function httpFailure(status: number): ScrapeFailure {
  return { result: 'http_error', error: new ScrapeError(`HTTP ${status}`), httpStatus: status };
}

/** The failure of an in-process source whose `collect` threw (the message is the source's own). */
export function sourceFailure(e: unknown): ScrapeFailure {
  return {
    result: 'source_error',
    error: e instanceof DwcpError ? e : new ScrapeError(messageOf(e), { cause: e }),
  };
}

/**
 * Classifies a failed request (no response, or its body cut off): a timeout (the scrape's abort signal, undici
 * header/body timeouts) or a connection failure with a short message (`connection refused`, `host not found`, `connection reset`, else the
 * error's own message and its cause's).
 */
export function connectionFailure(e: unknown, timeoutMs: number): ScrapeFailure {
  if (e instanceof ScrapeTimeoutError) return { result: 'timeout', error: e };
  if (e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError'))
    return timeoutFailure(timeoutMs);
  const cause =
    e instanceof Error ? (e.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  // node:http errors carry the code themselves; fetch's wrapped it in the cause.
  const own = e instanceof Error ? (e as { code?: unknown }).code : undefined;
  const code =
    typeof own === 'string' && !(e instanceof DwcpError)
      ? own
      : cause && typeof cause.code === 'string'
        ? cause.code
        : undefined;
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') return timeoutFailure(timeoutMs);
  const short =
    code === 'ECONNREFUSED'
      ? 'connection refused'
      : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
        ? 'host not found'
        : code === 'ECONNRESET' || code === 'UND_ERR_SOCKET'
          ? 'connection reset'
          : undefined;
  if (short !== undefined) return { result: 'connection_error', error: new ScrapeError(short, { cause: e }) };
  if (e instanceof DwcpError) return { result: 'connection_error', error: e };
  const detail = cause && typeof cause.message === 'string' ? `: ${cause.message}` : '';
  return { result: 'connection_error', error: new ScrapeError(`${messageOf(e)}${detail}`, { cause: e }) };
}
