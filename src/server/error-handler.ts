/**
 * The one place where errors become HTTP responses. Every error body has the shape of Prometheus' API errors:
 * `{status: 'error', errorType, error}`, where `errorType` is the stable `code` of `src/errors.ts` (or
 * `DWCP_INTERNAL` for unexpected errors, whose message and stack are logged but never sent).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiErrorBody, ApiErrorType } from '../contract/api-error.ts';
import { DwcpError, FileValidationError, type DwcpErrorCode } from '../errors.ts';

/** HTTP status of each error code. Exhaustive: adding a code to `DwcpErrorCode` fails typechecking here. */
export const HTTP_STATUS_BY_CODE: Readonly<Record<DwcpErrorCode, number>> = {
  DWCP_INVALID_INPUT: 400,
  DWCP_UNKNOWN_PARAMETER: 400,
  DWCP_EXPOSITION_PARSE: 400,
  DWCP_CSV_PARSE: 400,
  DWCP_NOT_FOUND: 404,
  DWCP_UNKNOWN_TENANT: 404,
  DWCP_CONFLICT: 409,
  DWCP_PAYLOAD_TOO_LARGE: 413,
  DWCP_LIMIT_EXCEEDED: 429,
  DWCP_CONFIG: 500,
  DWCP_SCRAPE_FAILED: 502,
  DWCP_STORE: 503,
  DWCP_SCRAPE_TIMEOUT: 504,
};

interface ErrorLike {
  readonly code?: unknown;
  readonly statusCode?: unknown;
  readonly message?: unknown;
}

/**
 * Maps any thrown value to an HTTP status and error body.
 * - `DwcpError`: status from {@link HTTP_STATUS_BY_CODE}, its message.
 * - fastify's own client errors (code `FST_*` with a 4xx `statusCode`: body too large, bad content type,
 *   malformed JSON, ...): that status, mapped to `DWCP_PAYLOAD_TOO_LARGE` (413), `DWCP_NOT_FOUND` (404) or
 *   `DWCP_INVALID_INPUT` (other 4xx), with fastify's message.
 * - anything else: 500 `DWCP_INTERNAL` with a generic message (no stack, no internal message).
 */
export function toHttpError(err: unknown): { statusCode: number; body: ApiErrorBody } {
  if (err instanceof FileValidationError) {
    return { statusCode: HTTP_STATUS_BY_CODE[err.code], body: { status: 'error', errorType: err.code, error: err.message, problems: [...err.problems] } };
  }
  if (err instanceof DwcpError) {
    return { statusCode: HTTP_STATUS_BY_CODE[err.code], body: { status: 'error', errorType: err.code, error: err.message } };
  }
  if (typeof err === 'object' && err !== null) {
    const e = err as ErrorLike;
    const status = typeof e.statusCode === 'number' ? e.statusCode : NaN;
    const isFastify = typeof e.code === 'string' && e.code.startsWith('FST_');
    if (isFastify && status >= 400 && status < 500) {
      const errorType: ApiErrorType =
        status === 413 ? 'DWCP_PAYLOAD_TOO_LARGE' : status === 404 ? 'DWCP_NOT_FOUND' : 'DWCP_INVALID_INPUT';
      const message = typeof e.message === 'string' ? e.message : 'bad request';
      return { statusCode: status, body: { status: 'error', errorType, error: message } };
    }
  }
  return { statusCode: 500, body: { status: 'error', errorType: 'DWCP_INTERNAL', error: 'internal server error' } };
}

/**
 * Installs the error handler and the not-found handler on the root instance. Call before registering routes
 * so that every encapsulated route plugin inherits them. Unknown routes → 404 `DWCP_NOT_FOUND`.
 */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const { statusCode, body } = toHttpError(err);
    if (statusCode >= 500) request.log.error({ err }, 'request failed');
    return reply.code(statusCode).type('application/json; charset=utf-8').send(body);
  });
  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) => {
    const body: ApiErrorBody = {
      status: 'error',
      errorType: 'DWCP_NOT_FOUND',
      error: `route ${request.method} ${request.url.split('?')[0] ?? ''} not found`,
    };
    return reply.code(404).send(body);
  });
}
