/**
 * The protobuf types of the two log receivers, loaded with protobufjs from official `.proto` files committed
 * under `./proto/` (see proto/SOURCE.md): the OTLP logs export service (opentelemetry-proto v1.11.0; its common
 * and resource imports resolve to the trace receiver's copies) and Loki's push API (`logproto.PushRequest`).
 * @see https://opentelemetry.io/docs/specs/otlp/#otlphttp
 * @see https://grafana.com/docs/loki/latest/reference/loki-http-api/#ingest-logs
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { PROTO_DIR as OTLP_PROTO_DIR } from '../traces/otlp/proto-root.ts';

const PROTO_DIR = fileURLToPath(new URL('./proto/', import.meta.url));
/** protobufjs ships google/protobuf/descriptor.proto (imported by gogo.proto) and the other well-known types. */
const PROTOBUFJS_DIR = dirname(createRequire(import.meta.url).resolve('protobufjs/package.json'));

/** The protobuf types the log receivers use. */
export interface LogProtoTypes {
  readonly otlpRequest: protobuf.Type;
  readonly otlpResponse: protobuf.Type;
  readonly lokiPushRequest: protobuf.Type;
}

let cached: LogProtoTypes | undefined;

function resolve(target: string): string {
  for (const dir of [PROTO_DIR, OTLP_PROTO_DIR, PROTOBUFJS_DIR]) {
    const p = join(dir, target);
    if (existsSync(p)) return p;
  }
  return join(PROTO_DIR, target);
}

/**
 * Loads (once per process) the OTLP logs service and Loki push definitions.
 * @throws Error when a `.proto` file is missing or does not parse (a broken installation).
 */
export function logProtoTypes(): LogProtoTypes {
  if (cached) return cached;
  const root = new protobuf.Root();
  root.resolvePath = (_origin: string, target: string): string => resolve(target);
  root.loadSync(['opentelemetry/proto/collector/logs/v1/logs_service.proto', 'loki/push.proto']);
  root.resolveAll();
  cached = {
    otlpRequest: root.lookupType('opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest'),
    otlpResponse: root.lookupType('opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse'),
    lokiPushRequest: root.lookupType('logproto.PushRequest'),
  };
  return cached;
}
