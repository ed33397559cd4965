/**
 * The log record the receivers produce and the store keeps: five levels mapped to OpenTelemetry severity
 * numbers, the indexed labels (service, node_id, region, level, component), trace correlation ids, the (masked)
 * line and its (masked) attributes.
 * @see https://opentelemetry.io/docs/specs/otel/logs/data-model/#field-severitynumber
 */

import type { LogLevel } from '../model/log-levels.ts';

export {
  LOG_LEVELS,
  SEVERITY_NUMBER,
  SEVERITY_TEXT,
  levelOfPino,
  levelOfSeverityNumber,
  levelOfText,
  type LogLevel,
} from '../model/log-levels.ts';

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

/** True when `o` has an own enumerable key (without building the key list). */
export function hasOwnKeys(o: Readonly<Record<string, string>>): boolean {
  for (const k in o) if (Object.hasOwn(o, k)) return true;
  return false;
}
