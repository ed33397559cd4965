/**
 * Error classes with stable codes (the fastify style: `code` is a stable string an API client can match on,
 * `message` is for people). The HTTP mapping lives in one place: `src/server/error-handler.ts`.
 */

/** Stable error codes. Never rename a code: clients and tests match on it. */
export type DwcpErrorCode =
  | 'DWCP_INVALID_INPUT'
  | 'DWCP_EXPOSITION_PARSE'
  | 'DWCP_CSV_PARSE'
  | 'DWCP_UNKNOWN_PARAMETER'
  | 'DWCP_NOT_FOUND'
  | 'DWCP_PAYLOAD_TOO_LARGE'
  | 'DWCP_CONFIG'
  | 'DWCP_SCRAPE_FAILED'
  | 'DWCP_SCRAPE_TIMEOUT'
  | 'DWCP_STORE'
  | 'DWCP_LIMIT_EXCEEDED'
  | 'DWCP_UNKNOWN_TENANT'
  | 'DWCP_FORBIDDEN'
  | 'DWCP_UNAUTHORIZED'
  | 'DWCP_UNSUPPORTED_MEDIA_TYPE'
  | 'DWCP_CONFLICT'
  | 'DWCP_UNAVAILABLE';

/** Base class of every error this project throws on purpose. */
export class DwcpError extends Error {
  readonly code: DwcpErrorCode;
  constructor(code: DwcpErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Bad user input (query parameters, request bodies, CLI flags, values such as NaN where not allowed). */
export class InvalidInputError extends DwcpError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('DWCP_INVALID_INPUT', message, options);
  }
}

/** A request named query parameters the endpoint does not know (400, lists the known ones). */
export class UnknownParameterError extends DwcpError {
  readonly parameters: readonly string[];
  constructor(parameters: readonly string[], known: readonly string[]) {
    super(
      'DWCP_UNKNOWN_PARAMETER',
      `unknown query parameter(s): ${parameters.join(', ')}; known parameters: ${known.join(', ')}`,
    );
    this.parameters = parameters;
  }
}

/** Malformed Prometheus text exposition input; `line` is 1-based. */
export class ExpositionParseError extends DwcpError {
  readonly line: number;
  constructor(line: number, message: string) {
    super('DWCP_EXPOSITION_PARSE', `exposition line ${line}: ${message}`);
    this.line = line;
  }
}

/** Malformed CSV input; `line` is 1-based and counts the header. */
export class CsvParseError extends DwcpError {
  readonly line: number;
  constructor(line: number, message: string) {
    super('DWCP_CSV_PARSE', `line ${line}: ${message}`);
    this.line = line;
  }
}

/** A resource (anomaly id, series, target) does not exist. */
export class NotFoundError extends DwcpError {
  constructor(message: string) {
    super('DWCP_NOT_FOUND', message);
  }
}

/** An input exceeded its size limit; nothing of it was used. */
export class PayloadTooLargeError extends DwcpError {
  readonly limitBytes: number;
  constructor(limitBytes: number, what: string) {
    super('DWCP_PAYLOAD_TOO_LARGE', `${what} exceeds the limit of ${limitBytes} bytes`);
    this.limitBytes = limitBytes;
  }
}

/** Invalid configuration file or options. */
export class ConfigError extends DwcpError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('DWCP_CONFIG', message, options);
  }
}

/** A scrape failed (connection refused, HTTP status, parse error). */
export class ScrapeError extends DwcpError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('DWCP_SCRAPE_FAILED', message, options);
  }
}

/** A scrape did not finish within its timeout. */
export class ScrapeTimeoutError extends DwcpError {
  constructor(timeoutMs: number) {
    super('DWCP_SCRAPE_TIMEOUT', `scrape timed out after ${timeoutMs} ms`);
  }
}

/** Storage backend failure. */
export class StoreError extends DwcpError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('DWCP_STORE', message, options);
  }
}

/** A bounded collection or rate limit refused more input. */
export class LimitExceededError extends DwcpError {
  constructor(message: string) {
    super('DWCP_LIMIT_EXCEEDED', message);
  }
}

/** A request the server refuses to act on whatever its content: a Host or Origin that is not allowed. */
export class ForbiddenError extends DwcpError {
  constructor(message: string) {
    super('DWCP_FORBIDDEN', message);
  }
}

/**
 * A request without valid credentials (none, expired, forged or malformed; an unknown user or a wrong password).
 * The message never repeats the credential.
 */
export class UnauthorizedError extends DwcpError {
  constructor(message: string) {
    super('DWCP_UNAUTHORIZED', message);
  }
}

/** A request body of a media type the endpoint does not take (e.g. text/plain or a form on a JSON endpoint). */
export class UnsupportedMediaTypeError extends DwcpError {
  constructor(message: string) {
    super('DWCP_UNSUPPORTED_MEDIA_TYPE', message);
  }
}

/** A write was based on a stale version of the resource (optimistic concurrency); re-read and retry. */
export class ConflictError extends DwcpError {
  constructor(message: string) {
    super('DWCP_CONFLICT', message);
  }
}

/** A capability the request needs is not available now (e.g. Chromium for PNG/PDF rendering missing or busy); may work later. */
export class UnavailableError extends DwcpError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('DWCP_UNAVAILABLE', message, options);
  }
}

/** One problem of an input file, at a 1-based line and column (null when the file as a whole is bad). */
export interface FileProblem {
  readonly file: string;
  readonly line: number | null;
  readonly column: number | null;
  /** Path of the bad field, e.g. `groups[0].rules[2].for`. */
  readonly path: string;
  readonly message: string;
}

/** An input file (alert rules) failed validation; `problems` says where and why. Nothing of it was used. */
export class FileValidationError extends InvalidInputError {
  readonly problems: readonly FileProblem[];
  constructor(what: string, problems: readonly FileProblem[]) {
    const where = (p: FileProblem) => `${p.file}${p.line === null ? '' : `:${p.line}:${p.column ?? 1}`}`;
    super(
      `${what}:\n  ${problems.map((p) => `${where(p)}: ${p.path ? `${p.path}: ` : ''}${p.message}`).join('\n  ')}`,
    );
    this.problems = problems;
  }
}
