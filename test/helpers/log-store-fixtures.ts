/**
 * Fixtures of the log store contract: the fixed clock, a record builder, the retention per level and the scan
 * range the contract suites (test/helpers/log-store-contract.ts, log-store-contract-writes.ts) and other log
 * tests use.
 */
import type { LogLevel, LogRecord } from '../../src/logs/record.ts';

/** The contract's clock (ms). */
export const NOW = Date.UTC(2026, 0, 1, 12);
/** One day (ms). */
export const DAY = 86_400_000;

/** A record at `NOW − agoMs` with the given fields. */
export function logRecord(agoMs: number, over: Partial<LogRecord> = {}): LogRecord {
  return {
    timeUs: (NOW - agoMs) * 1000,
    level: 'info',
    service: 'dwcp-node',
    nodeId: 'node-1',
    region: 'us-east',
    component: 'transport',
    traceId: '',
    spanId: '',
    body: 'ok',
    attributes: {},
    ...over,
  };
}

/** Retention per level the contract opens its stores with (ms). */
export const RETENTION: Record<LogLevel, number> = {
  debug: DAY,
  info: 7 * DAY,
  warn: 7 * DAY,
  error: 30 * DAY,
  fatal: 30 * DAY,
};
/** A scan range covering every record the contract writes (µs). */
export const RANGE = { startUs: (NOW - 40 * DAY) * 1000, endUs: (NOW + 1) * 1000 };
