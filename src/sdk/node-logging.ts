/**
 * Structured logs of a DWCP node: a pino logger (JSON lines with `node_id`, `region`, `component`, and
 * `trace_id`/`span_id` of the span the line belongs to) whose lines go to the official OpenTelemetry logs SDK
 * (`@opentelemetry/sdk-logs`) and from there to an OTLP/HTTP logs exporter (protobuf or JSON) — the monitor's
 * POST /v1/logs or any collector. The bridge maps pino levels to OTel severity numbers, the line's `msg` to the
 * body, `trace_id`/`span_id` to the record's trace context, and every other field to an attribute.
 * @see https://opentelemetry.io/docs/specs/otel/logs/data-model/
 * @see https://getpino.io/#/docs/api?id=destination (a destination is any object with `write(line)`)
 */
import { ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import type { AnyValueMap, Logger as OtelLogger } from '@opentelemetry/api-logs';
import { OTLPLogExporter as OTLPJsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as OTLPProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchLogRecordProcessor,
  LoggerProvider,
  SimpleLogRecordProcessor,
  type LogRecordExporter,
} from '@opentelemetry/sdk-logs';
import { pino, type Logger } from 'pino';
import { InvalidInputError } from '../errors.ts';
import { levelOfPino, SEVERITY_NUMBER, SEVERITY_TEXT } from '../model/log-levels.ts';
import {
  ATTR_CLOUD_REGION,
  ATTR_SERVICE_INSTANCE_ID,
  ATTR_SERVICE_NAME,
  ATTR_SERVICE_NAMESPACE,
} from '../model/trace-attributes.ts';
import { otlpExporterSettings, type OtlpExporterOptions } from './otlp-exporter.ts';

const HEX32 = /^[0-9a-f]{32}$/;
const HEX16 = /^[0-9a-f]{16}$/;
/** Fields of a pino line that are not attributes. */
const RESERVED = new Set(['level', 'time', 'msg', 'trace_id', 'span_id', 'pid', 'hostname']);

/**
 * The pino destination that turns each JSON line into an OTel log record. Lines that are not JSON objects
 * (pino never writes such) are dropped.
 */
export class PinoOtelDestination {
  constructor(private readonly logger: OtelLogger) {}

  /** Emits one pino line. */
  write(line: string): void {
    let o: Record<string, unknown>;
    try {
      const v: unknown = JSON.parse(line);
      if (v === null || typeof v !== 'object' || Array.isArray(v)) return;
      o = v as Record<string, unknown>;
    } catch {
      return;
    }
    const level = levelOfPino(Number(o['level'])) ?? 'info';
    const attributes: AnyValueMap = {};
    for (const [k, v] of Object.entries(o)) {
      if (RESERVED.has(k)) continue;
      attributes[k] =
        typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : JSON.stringify(v);
    }
    const traceId = o['trace_id'];
    const spanId = o['span_id'];
    const context =
      typeof traceId === 'string' && typeof spanId === 'string' && HEX32.test(traceId) && HEX16.test(spanId)
        ? trace.setSpanContext(ROOT_CONTEXT, {
            traceId,
            spanId,
            traceFlags: TraceFlags.SAMPLED,
            isRemote: true,
          })
        : undefined;
    this.logger.emit({
      timestamp: typeof o['time'] === 'number' ? o['time'] : Date.now(),
      severityNumber: SEVERITY_NUMBER[level],
      severityText: SEVERITY_TEXT[level],
      body: typeof o['msg'] === 'string' ? o['msg'] : '',
      attributes,
      ...(context ? { context } : {}),
    });
  }
}

/**
 * An OTLP/HTTP logs exporter (`http/protobuf` default, or `http/json`), gzip by default.
 * @throws InvalidInputError for a URL that is not http(s) or an unknown protocol
 */
export function createOtlpLogExporter(opts: OtlpExporterOptions): LogRecordExporter {
  const { protocol, config } = otlpExporterSettings(opts);
  return protocol === 'http/json' ? new OTLPJsonLogExporter(config) : new OTLPProtoLogExporter(config);
}

/** Options of {@link NodeLogging}. */
export interface NodeLoggingOptions {
  readonly nodeId: string;
  readonly region: string;
  /** `service.name`; default `dwcp-node`. */
  readonly serviceName?: string;
  readonly exporter: LogRecordExporter;
  /** Export each record when emitted (tests) instead of batching; default false. */
  readonly simple?: boolean;
  /** Clock of the `time` field, Unix ms (the simulator's event clock); default Date.now. */
  readonly clock?: () => number;
  /** Records queued for export at most (the rest are dropped by the SDK); default 2048. */
  readonly maxQueueSize?: number;
}

/** The logger of one DWCP node: pino in front, the OTel logs SDK behind. Not registered globally. */
export class NodeLogging {
  readonly logger: Logger;
  private readonly provider: LoggerProvider;

  /** @throws InvalidInputError on an empty node id or region. */
  constructor(opts: NodeLoggingOptions) {
    if (!opts.nodeId || !opts.region) throw new InvalidInputError('nodeId and region must be non-empty');
    const processor = opts.simple
      ? new SimpleLogRecordProcessor({ exporter: opts.exporter })
      : new BatchLogRecordProcessor({ exporter: opts.exporter, maxQueueSize: opts.maxQueueSize ?? 2048 });
    this.provider = new LoggerProvider({
      resource: resourceFromAttributes({
        [ATTR_SERVICE_NAME]: opts.serviceName ?? 'dwcp-node',
        [ATTR_SERVICE_NAMESPACE]: 'dwcp',
        [ATTR_SERVICE_INSTANCE_ID]: opts.nodeId,
        [ATTR_CLOUD_REGION]: opts.region,
      }),
      processors: [processor],
    });
    const clock = opts.clock ?? Date.now;
    this.logger = pino(
      {
        level: 'debug',
        base: { node_id: opts.nodeId, region: opts.region },
        timestamp: () => `,"time":${Math.round(clock())}`,
      },
      new PinoOtelDestination(this.provider.getLogger('dwcp-node')),
    );
  }

  /** Exports the records emitted so far. */
  forceFlush(): Promise<void> {
    return this.provider.forceFlush();
  }

  /** Flushes and shuts the provider (and its exporter) down. */
  shutdown(): Promise<void> {
    return this.provider.shutdown();
  }
}
