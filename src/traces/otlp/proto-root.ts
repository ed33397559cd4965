/**
 * The OTLP protobuf types, loaded with protobufjs from the official `.proto` files committed under
 * `./proto/` (opentelemetry-proto v1.11.0, see proto/SOURCE.md): the request and response of the trace export
 * service, and `google.rpc.Status`, the body of OTLP/HTTP error responses (declared here field by field:
 * `int32 code = 1; string message = 2; repeated google.protobuf.Any details = 3;`).
 * @see https://opentelemetry.io/docs/specs/otlp/#otlphttp-response
 * @see https://github.com/googleapis/googleapis/blob/master/google/rpc/status.proto
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

/** Directory of the committed OpenTelemetry `.proto` files (also resolves the common and resource imports of other OTLP signals). */
export const PROTO_DIR = fileURLToPath(new URL('./proto/', import.meta.url));
const SERVICE_PROTO = 'opentelemetry/proto/collector/trace/v1/trace_service.proto';

/** The protobuf types the receiver uses. */
export interface OtlpProtoTypes {
  readonly exportRequest: protobuf.Type;
  readonly exportResponse: protobuf.Type;
  /** `google.rpc.Status`. */
  readonly status: protobuf.Type;
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
  root.loadSync('google/protobuf/any.proto');
  root.define('google.rpc').add(
    new protobuf.Type('Status')
      .add(new protobuf.Field('code', 1, 'int32'))
      .add(new protobuf.Field('message', 2, 'string'))
      .add(new protobuf.Field('details', 3, 'google.protobuf.Any', 'repeated')),
  );
  root.resolveAll();
  cached = {
    exportRequest: root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest'),
    exportResponse: root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse'),
    status: root.lookupType('google.rpc.Status'),
  };
  return cached;
}
