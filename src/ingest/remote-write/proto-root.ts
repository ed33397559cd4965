/**
 * The Prometheus remote-write protobuf types, loaded with protobufjs from the `.proto` files committed under
 * `./proto/` (Prometheus v2.42.0 `prompb/`, see proto/SOURCE.md). The files import `gogoproto/gogo.proto` for Go
 * code generation options that do not change the wire format; the import and the `[(gogoproto.…) = …]` options
 * are removed from the text before parsing.
 * @see https://prometheus.io/docs/concepts/remote_write_spec/
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

const PROTO_DIR = new URL('./proto/', import.meta.url);

/** The `.proto` text without gogoproto's import and field options. */
function withoutGogo(file: string): string {
  return readFileSync(fileURLToPath(new URL(file, PROTO_DIR)), 'utf8')
    .replace(/^import\s+"gogoproto\/gogo\.proto";\s*$/m, '')
    .replace(/\s*\[\(gogoproto\.[a-z_]+\)\s*=\s*[a-z]+\]/g, '');
}

let cached: protobuf.Type | undefined;

/**
 * The `prometheus.WriteRequest` type (loaded once per process).
 * @throws Error when a `.proto` file is missing or does not parse (a broken installation).
 */
export function writeRequestType(): protobuf.Type {
  if (cached) return cached;
  const root = new protobuf.Root();
  protobuf.parse(withoutGogo('types.proto'), root, { keepCase: false });
  protobuf.parse(withoutGogo('remote.proto').replace(/^import\s+"types\.proto";\s*$/m, ''), root, {
    keepCase: false,
  });
  root.resolveAll();
  cached = root.lookupType('prometheus.WriteRequest');
  return cached;
}
