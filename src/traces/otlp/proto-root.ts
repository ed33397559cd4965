/**
 * The OTLP protobuf types, loaded with protobufjs from the official `.proto` files committed under
 * `./proto/` (opentelemetry-proto v1.11.0, see proto/SOURCE.md): the request and response of the trace export
 * service.
 * @see https://opentelemetry.io/docs/specs/otlp/#otlphttp-response
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

const PROTO_DIR = fileURLToPath(new URL('./proto/', import.meta.url));
const SERVICE_PROTO = 'opentelemetry/proto/collector/trace/v1/trace_service.proto';

/** The protobuf types the receiver uses. */
export interface OtlpProtoTypes {
  readonly exportRequest: protobuf.Type;
  readonly exportResponse: protobuf.Type;
}

let cached: OtlpProtoTypes | undefined;

/**
 * Loads (once per process) the OTLP trace service definitions from the committed `.proto` files.
 * @throws Error when a `.proto` file is missing or does not parse (a broken installation).
 */
export function otlpProtoTypes(): OtlpProtoTypes {
  if (cached) return cached;
  const root = new protobuf.Root();
  root.resolvePath = (_origin: string, target: string): string => join(PROTO_DIR, target);
  root.loadSync(SERVICE_PROTO);
  root.resolveAll();
  cached = {
    exportRequest: root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest'),
    exportResponse: root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse'),
  };
  return cached;
}
