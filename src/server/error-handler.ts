/**
 * The one place where errors become HTTP responses. Every error body has the shape of Prometheus' API errors:
 * `{status: 'error', errorType, error}`, where `errorType` is the stable `code` of `src/errors.ts` (or
 * `DWCP_INTERNAL` for unexpected errors, whose message and stack are logged but never sent).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Counter, type Registry } from 'prom-client';
import { getMetric } from '../catalog/index.ts';
import type { ApiErrorBody, ApiErrorType } from '../contract/api-error.ts';
import { DwcpError, FileValidationError, type DwcpErrorCode } from '../errors.ts';
import { redactUrlCredentials } from '../model/redact.ts';
import { WarnGate } from '../model/warn-gate.ts';

/** HTTP status of each error code. Exhaustive: adding a code to `DwcpErrorCode` fails typechecking here. */
export const HTTP_STATUS_BY_CODE: Readonly<Record<DwcpErrorCode, number>> = {
  DWCP_INVALID_INPUT: 400,
  DWCP_UNKNOWN_PARAMETER: 400,
  DWCP_EXPOSITION_PARSE: 400,
  DWCP_CSV_PARSE: 400,
  DWCP_NOT_FOUND: 404,
  DWCP_UNKNOWN_TENANT: 404,
  DWCP_FORBIDDEN: 403,
  DWCP_UNAUTHORIZED: 401,
  DWCP_UNSUPPORTED_MEDIA_TYPE: 415,
  DWCP_CONFLICT: 409,
  DWCP_PAYLOAD_TOO_LARGE: 413,
  DWCP_LIMIT_EXCEEDED: 429,
  DWCP_CONFIG: 500,
  DWCP_SCRAPE_FAILED: 502,
  DWCP_STORE: 503,
  DWCP_UNAVAILABLE: 503,
  DWCP_SCRAPE_TIMEOUT: 504,
};

/**
 * The gRPC status code (`google.rpc.Code`) an OTLP/HTTP error body carries for an HTTP status: 3
 * INVALID_ARGUMENT (400, 413, 415), 16 UNAUTHENTICATED (401), 7 PERMISSION_DENIED (403), 5 NOT_FOUND (404), 8 RESOURCE_EXHAUSTED (429), 14 UNAVAILABLE (502, 503,
 * 504: the client may retry), 13 INTERNAL otherwise. OTLP clients act on the HTTP status; the code is for people.
 * @see https://github.com/googleapis/googleapis/blob/master/google/rpc/code.proto
 */
export function grpcCodeOf(httpStatus: number): number {
  if (httpStatus === 400 || httpStatus === 413 || httpStatus === 415) return 3;
  if (httpStatus === 401) return 16;
  if (httpStatus === 403) return 7;
  if (httpStatus === 404) return 5;
  if (httpStatus === 429) return 8;
  if (httpStatus === 502 || httpStatus === 503 || httpStatus === 504) return 14;
  return 13;
}

/** Longest request text (a path, a library message quoting it) an error message repeats. */
const MAX_ECHO = 200;

/** Longest error message sent (messages may quote parameter names and values of any length). */
const MAX_MESSAGE = 1000;

/** `text`, cut to `max` characters with its full length noted, so that no error echoes a huge input. */
function clip(text: string, max = MAX_ECHO): string {
  return text.length > max ? `${text.slice(0, max)}… (${text.length} characters)` : text;
}

/** What a 413 or 415 answer says about the request besides fastify's message. */
export interface RequestFacts {
  /** The `Content-Type` header received, if any. */
  readonly contentType?: string | undefined;
  /** The route's body limit in bytes. */
  readonly bodyLimitBytes?: number | undefined;
}

/** fastify's message, with the body limit (413) or the content type received (415) when known. */
function clientMessage(status: number, message: string, request: RequestFacts | undefined): string {
  if (status === 413 && request?.bodyLimitBytes !== undefined)
    return `${message}: over this route's limit of ${request.bodyLimitBytes} bytes`;
  if (status === 415)
    return request?.contentType === undefined
      ? `${message}: the request has no content-type`
      : `${message}: content-type ${JSON.stringify(clip(request.contentType))} is not accepted by this route`;
  return message;
}

/** The facts of a request a 413 or 415 answer names. */
export function requestFacts(request: FastifyRequest): RequestFacts {
  const ct = request.headers['content-type'];
  return {
    contentType: typeof ct === 'string' ? ct : undefined,
    bodyLimitBytes: request.routeOptions.bodyLimit,
  };
}

interface ErrorLike {
  readonly code?: unknown;
  readonly statusCode?: unknown;
  readonly message?: unknown;
}

/**
 * Maps any thrown value to an HTTP status and error body.
 * - `DwcpError`: status from {@link HTTP_STATUS_BY_CODE}, its message (cut at 1000 characters: messages quote
 *   request parameters, which may be of any length).
 * - fastify's own client errors (code `FST_*` with a 4xx `statusCode`: body too large, bad content type,
 *   malformed JSON, ...): that status, mapped to `DWCP_PAYLOAD_TOO_LARGE` (413), `DWCP_UNSUPPORTED_MEDIA_TYPE`
 *   (415), `DWCP_NOT_FOUND` (404) or `DWCP_INVALID_INPUT` (other 4xx), with fastify's message — for 413 and 415
 *   completed from `request`: the route's body limit in bytes, the content type received.
 * - client errors of libraries in the http-errors style (`expose: true`, 4xx; the static files' `send`): 404
 *   `DWCP_NOT_FOUND` for 403/404 (refused paths look missing), otherwise 400 `DWCP_INVALID_INPUT`.
 * - anything else: 500 `DWCP_INTERNAL` with a generic message (no stack, no internal message).
 */
export function toHttpError(
  err: unknown,
  request?: RequestFacts,
): { statusCode: number; body: ApiErrorBody } {
  if (err instanceof FileValidationError) {
    return {
      statusCode: HTTP_STATUS_BY_CODE[err.code],
      body: { status: 'error', errorType: err.code, error: err.message, problems: [...err.problems] },
    };
  }
  if (err instanceof DwcpError) {
    return {
      statusCode: HTTP_STATUS_BY_CODE[err.code],
      body: { status: 'error', errorType: err.code, error: clip(err.message, MAX_MESSAGE) },
    };
  }
  if (typeof err === 'object' && err !== null) {
    const e = err as ErrorLike;
    const status = typeof e.statusCode === 'number' ? e.statusCode : NaN;
    const isFastify = typeof e.code === 'string' && e.code.startsWith('FST_');
    if (isFastify && status >= 400 && status < 500) {
      const errorType: ApiErrorType =
        status === 413
          ? 'DWCP_PAYLOAD_TOO_LARGE'
          : status === 415
            ? 'DWCP_UNSUPPORTED_MEDIA_TYPE'
            : status === 404
              ? 'DWCP_NOT_FOUND'
              : 'DWCP_INVALID_INPUT';
      const message = typeof e.message === 'string' ? clip(e.message) : 'bad request';
      return {
        statusCode: status,
        body: { status: 'error', errorType, error: clientMessage(status, message, request) },
      };
    }
    // Client errors of libraries in the http-errors style (@fastify/static's `send`: a NUL byte, a traversal
    // attempt, a malformed path): 400, or 404 for 403/404 so that refused paths look like missing files.
    if ((err as { expose?: unknown }).expose === true && status >= 400 && status < 500) {
      return status === 403 || status === 404
        ? { statusCode: 404, body: { status: 'error', errorType: 'DWCP_NOT_FOUND', error: 'not found' } }
        : {
            statusCode: 400,
            body: { status: 'error', errorType: 'DWCP_INVALID_INPUT', error: 'bad request path' },
          };
    }
  }
  return {
    statusCode: 500,
    body: { status: 'error', errorType: 'DWCP_INTERNAL', error: 'internal server error' },
  };
}

/** Where API server errors become visible: a rate-limited warning line and a per-route counter. */
export interface ServerErrorVisibility {
  /** The monitor's logger; omitted → no warning lines (fastify's own logger still gets the error). */
  readonly log?: { warn(fields: object, message: string): void };
  /** Registry of `dwcp_monitor_http_server_errors_total`; omitted → not counted. */
  readonly registry?: Registry;
  /** Minimum time between two warnings of one route (ms; default 60 s). */
  readonly warnIntervalMs?: number;
  readonly now?: () => number;
}

function serverErrorCounter(registry: Registry): Counter<string> {
  const def = getMetric('dwcp_monitor_http_server_errors_total');
  const existing = registry.getSingleMetric(def.name);
  return existing instanceof Counter
    ? existing
    : new Counter({ name: def.name, help: def.help, labelNames: [...def.labels], registers: [registry] });
}

/** The name and message of an error with URL credentials redacted (never the stack of a secret-bearing message). */
function redactedError(err: unknown): { type: string; message: string } {
  const e = err instanceof Error ? err : new Error(String(err));
  return { type: e.name, message: redactUrlCredentials(e.message) };
}

/**
 * Installs the error handler and the not-found handler on the root instance. 5xx answers are counted per route
 * and logged as warnings (at most one line per route per interval, saying how many were held back). Call before registering routes
 * so that every encapsulated route plugin inherits them. Unknown routes → 404 `DWCP_NOT_FOUND`.
 */
export function registerErrorHandling(app: FastifyInstance, visibility: ServerErrorVisibility = {}): void {
  const gate = new WarnGate(visibility.warnIntervalMs);
  const counter = visibility.registry === undefined ? undefined : serverErrorCounter(visibility.registry);
  const now = visibility.now ?? Date.now;
  app.setErrorHandler((err: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const { statusCode, body } = toHttpError(err, requestFacts(request));
    if (statusCode >= 500) {
      const route = request.routeOptions.url ?? 'unmatched';
      counter?.inc({ route });
      request.log.error({ err }, 'request failed');
      const held = gate.pass(route, now());
      if (held !== undefined) {
        visibility.log?.warn(
          {
            err: redactedError(err),
            route,
            method: request.method,
            statusCode,
            heldBackSinceLastWarning: held,
          },
          'API request failed with a server error',
        );
      }
    }
    return reply.code(statusCode).type('application/json; charset=utf-8').send(body);
  });
  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) => {
    const body: ApiErrorBody = {
      status: 'error',
      errorType: 'DWCP_NOT_FOUND',
      error: `route ${request.method} ${clip(request.url.split('?')[0] ?? '')} not found`,
    };
    return reply.code(404).send(body);
  });
}

/**
 * fastify's `frameworkErrors` handler: errors raised before routing (a malformed URL such as `/%`) answered in
 * the same body shape as every other error.
 */
export function sendFrameworkError(err: unknown, _request: FastifyRequest, reply: FastifyReply): void {
  const { statusCode, body } = toHttpError(err);
  void reply.code(statusCode).type('application/json; charset=utf-8').send(body);
}
