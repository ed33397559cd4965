/** pino logger whose lines carry `trace_id` and `span_id` of the active OpenTelemetry span (log/trace correlation). */
import { trace, isSpanContextValid } from '@opentelemetry/api';
import { pino, type DestinationStream, type Logger, type LevelWithSilent } from 'pino';

/** `{trace_id, span_id}` of the active span, or `{}` when there is none (the pino mixin). */
export function traceContextFields(): { trace_id?: string; span_id?: string } {
  const span = trace.getActiveSpan();
  if (!span) return {};
  const ctx = span.spanContext();
  if (!isSpanContextValid(ctx)) return {};
  return { trace_id: ctx.traceId, span_id: ctx.spanId };
}

export interface LoggerOptions {
  /** Logger name (`name` field). */
  readonly name: string;
  /** Default `info`. */
  readonly level?: LevelWithSilent;
  /** Where lines go; default stdout. */
  readonly destination?: DestinationStream;
}

/** A pino logger with the trace-context mixin; JSON lines with `time` in Unix ms. */
export function createLogger(options: LoggerOptions): Logger {
  const opts = { name: options.name, level: options.level ?? 'info', mixin: traceContextFields };
  return options.destination ? pino(opts, options.destination) : pino(opts);
}
