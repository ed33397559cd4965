/**
 * The log record the receivers produce and the store keeps: five levels mapped to OpenTelemetry severity
 * numbers, the indexed labels (service, node_id, region, level, component), trace correlation ids, the (masked)
 * line and its (masked) attributes.
 * @see https://opentelemetry.io/docs/specs/otel/logs/data-model/#field-severitynumber
 */

/** The five levels, least to most severe. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'fatal'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** OTel SeverityNumber written for each level (the first number of its range: DEBUG 5, INFO 9, WARN 13, ERROR 17, FATAL 21). */
export const SEVERITY_NUMBER: Readonly<Record<LogLevel, number>> = { debug: 5, info: 9, warn: 13, error: 17, fatal: 21 };

/** OTel SeverityText written for each level. */
export const SEVERITY_TEXT: Readonly<Record<LogLevel, string>> = { debug: 'DEBUG', info: 'INFO', warn: 'WARN', error: 'ERROR', fatal: 'FATAL' };

/**
 * The level of an OTel SeverityNumber: 1–8 (TRACE, DEBUG) debug, 9–12 info, 13–16 warn, 17–20 error, 21–24
 * fatal; undefined for 0 (unspecified) or out of range.
 */
export function levelOfSeverityNumber(n: number): LogLevel | undefined {
  if (!Number.isInteger(n) || n < 1 || n > 24) return undefined;
  if (n <= 8) return 'debug';
  return LOG_LEVELS[Math.floor((n - 1) / 4) - 1];
}

const TEXT_LEVELS: Readonly<Record<string, LogLevel>> = {
  trace: 'debug', debug: 'debug', dbg: 'debug',
  info: 'info', information: 'info', notice: 'info',
  warn: 'warn', warning: 'warn',
  error: 'error', err: 'error', critical: 'error', crit: 'error',
  fatal: 'fatal', panic: 'fatal', emergency: 'fatal', emerg: 'fatal', alert: 'fatal',
};

/** The level named by a severity text or level label (case-insensitive: trace/debug, info, warn(ing), error, fatal/panic, ...). */
export function levelOfText(text: string): LogLevel | undefined {
  return TEXT_LEVELS[text.trim().toLowerCase()];
}

/** pino's numeric levels (10 trace, 20 debug, 30 info, 40 warn, 50 error, 60 fatal) → level. */
export function levelOfPino(n: number): LogLevel | undefined {
  if (!Number.isFinite(n) || n <= 0) return undefined;
  if (n < 30) return 'debug';
  if (n < 40) return 'info';
  if (n < 50) return 'warn';
  if (n < 60) return 'error';
  return 'fatal';
}

/** The indexed labels every record carries (missing ones are empty strings). */
export const LOG_LABELS = ['service', 'node_id', 'region', 'level', 'component'] as const;
export type LogLabelName = (typeof LOG_LABELS)[number];

/** One log entry as stored. Attributes hold every other field as a string (masked like the body). */
export interface LogRecord {
  /** Timestamp, Unix µs. */
  readonly timeUs: number;
  readonly level: LogLevel;
  readonly service: string;
  readonly nodeId: string;
  readonly region: string;
  readonly component: string;
  /** 32 lowercase hex digits, or '' when the entry is not in a trace. */
  readonly traceId: string;
  /** 16 lowercase hex digits, or ''. */
  readonly spanId: string;
  /** The log line (masked before storage). */
  readonly body: string;
  /** Other fields (structured metadata, OTLP attributes), string values. */
  readonly attributes: Readonly<Record<string, string>>;
}

/** The value of an indexed label of a record. */
export function labelValue(r: LogRecord, name: LogLabelName): string {
  switch (name) {
    case 'service':
      return r.service;
    case 'node_id':
      return r.nodeId;
    case 'region':
      return r.region;
    case 'level':
      return r.level;
    case 'component':
      return r.component;
  }
}
