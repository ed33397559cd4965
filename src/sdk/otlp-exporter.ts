/**
 * The span exporter of DWCP nodes: the official OpenTelemetry OTLP/HTTP trace exporters, binary protobuf
 * (`@opentelemetry/exporter-trace-otlp-proto`) or JSON (`@opentelemetry/exporter-trace-otlp-http`), to any OTLP
 * endpoint — the monitor's own POST /v1/traces, an OpenTelemetry Collector, Jaeger or Tempo.
 * @see https://opentelemetry.io/docs/specs/otel/protocol/exporter/ (endpoint, protocol, compression)
 */
import { OTLPTraceExporter as OTLPJsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OTLPProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { InvalidInputError } from '../errors.ts';

/** OTLP protocols, named as `OTEL_EXPORTER_OTLP_PROTOCOL` names them. */
export const OTLP_PROTOCOLS = ['http/protobuf', 'http/json'] as const;
export type OtlpProtocol = (typeof OTLP_PROTOCOLS)[number];

/** Options of {@link createOtlpTraceExporter}. */
export interface OtlpExporterOptions {
  /** Full traces URL, e.g. `http://127.0.0.1:9500/v1/traces` (the monitor's default port). */
  readonly url: string;
  /** Default `http/protobuf` (the OTLP default). */
  readonly protocol?: OtlpProtocol;
  /** Gzip request bodies; default true. */
  readonly gzip?: boolean;
  /** Extra request headers (e.g. authentication for a collector). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Per-export timeout, ms; default 10 000. */
  readonly timeoutMillis?: number;
}

/** The checked settings every OTLP/HTTP exporter (traces, logs) is built from. */
export interface OtlpExporterSettings {
  readonly protocol: OtlpProtocol;
  readonly config: {
    url: string;
    compression: CompressionAlgorithm;
    timeoutMillis: number;
    headers?: Record<string, string>;
  };
}

/**
 * Checks exporter options and fills the defaults: `http/protobuf`, gzip, 10 s timeout.
 * @throws InvalidInputError for a URL that is not http(s) or an unknown protocol
 */
export function otlpExporterSettings(opts: OtlpExporterOptions): OtlpExporterSettings {
  let u: URL;
  try {
    u = new URL(opts.url);
  } catch {
    throw new InvalidInputError(`OTLP endpoint must be an http(s) URL, got ${JSON.stringify(opts.url)}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new InvalidInputError(`OTLP endpoint must be an http(s) URL, got ${JSON.stringify(opts.url)}`);
  const protocol = opts.protocol ?? 'http/protobuf';
  if (!(OTLP_PROTOCOLS as readonly string[]).includes(protocol))
    throw new InvalidInputError(`OTLP protocol must be one of ${OTLP_PROTOCOLS.join(', ')}, got ${protocol}`);
  return {
    protocol,
    config: {
      url: u.href,
      compression: (opts.gzip ?? true) ? CompressionAlgorithm.GZIP : CompressionAlgorithm.NONE,
      timeoutMillis: opts.timeoutMillis ?? 10_000,
      ...(opts.headers ? { headers: { ...opts.headers } } : {}),
    },
  };
}

/**
 * An OTLP/HTTP trace exporter.
 * @throws InvalidInputError for a URL that is not http(s) or an unknown protocol
 */
export function createOtlpTraceExporter(opts: OtlpExporterOptions): SpanExporter {
  const { protocol, config } = otlpExporterSettings(opts);
  return protocol === 'http/json' ? new OTLPJsonTraceExporter(config) : new OTLPProtoTraceExporter(config);
}
