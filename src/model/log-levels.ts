/**
 * The five log levels (DEBUG, INFO, WARN, ERROR, FATAL) and their mapping to OpenTelemetry severity numbers and
 * texts, pino's numeric levels and common level names. Shared by the instrumentation (src/sdk, which ships
 * logs) and the log system (src/logs, which receives them). No I/O.
 * @see https://opentelemetry.io/docs/specs/otel/logs/data-model/#field-severitynumber
 * @see https://getpino.io/#/docs/api?id=loggerlevels-object (pino's numeric levels)
 */

/** The five levels, least to most severe. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'fatal'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** OTel SeverityNumber written for each level (the first number of its range: DEBUG 5, INFO 9, WARN 13, ERROR 17, FATAL 21). */
export const SEVERITY_NUMBER: Readonly<Record<LogLevel, number>> = {
  debug: 5,
  info: 9,
  warn: 13,
  error: 17,
  fatal: 21,
};

/** OTel SeverityText written for each level. */
export const SEVERITY_TEXT: Readonly<Record<LogLevel, string>> = {
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARN',
  error: 'ERROR',
  fatal: 'FATAL',
};

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
  trace: 'debug',
  debug: 'debug',
  dbg: 'debug',
  info: 'info',
  information: 'info',
  notice: 'info',
  warn: 'warn',
  warning: 'warn',
  error: 'error',
  err: 'error',
  critical: 'error',
  crit: 'error',
  fatal: 'fatal',
  panic: 'fatal',
  emergency: 'fatal',
  emerg: 'fatal',
  alert: 'fatal',
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
