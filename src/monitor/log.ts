/**
 * The structured log the monitor's units write to: pino's `(fields, message)` call shape, so the composition
 * root passes its pino logger and tests pass a recorder.
 */

/** A structured logger (pino-compatible). Implementations must not throw. */
export interface MonitorLog {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}
