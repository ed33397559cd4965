/**
 * Decoding of OTLP/HTTP trace export bodies: content type → encoding (binary protobuf or JSON), optional gzip
 * (bounded decompression), decoding with protobufjs or JSON.parse, then per-span validation
 * (./normalize.ts). Also encodes the success response (`ExportTraceServiceResponse`, with partial success) in
 * the request's encoding.
 * @see https://opentelemetry.io/docs/specs/otlp/#otlphttp
 */
import { gunzipSync } from 'node:zlib';
import { InvalidInputError, PayloadTooLargeError } from '../../errors.ts';
import type { OtlpLimits, RequestRejectReason } from './limits.ts';
import { normalizeExportRequest, type NormalizedRequest } from './normalize.ts';
import { otlpProtoTypes } from './proto-root.ts';

/** The two OTLP/HTTP encodings. */
export type OtlpEncoding = 'protobuf' | 'json';

/** An export request refused as a whole, with the reason it is counted under. */
export class OtlpRequestError extends InvalidInputError {
  readonly reason: RequestRejectReason;
  constructor(reason: RequestRejectReason, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.reason = reason;
  }
}

/** The encoding of a `Content-Type` (parameters ignored): `application/x-protobuf` or `application/json`; undefined otherwise. */
export function otlpEncodingOf(contentType: string | undefined): OtlpEncoding | undefined {
  const base = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (base === 'application/x-protobuf' || base === 'application/protobuf') return 'protobuf';
  if (base === 'application/json') return 'json';
  return undefined;
}

/**
 * The body after `Content-Encoding` (none/identity or gzip), at most `limits.maxDecompressedBytes`.
 * @throws PayloadTooLargeError when the decompressed body exceeds the limit
 * @throws OtlpRequestError `unsupported_encoding` for another encoding, `decompression_failed` for bad gzip data
 */
export function decodeContentEncoding(
  body: Buffer,
  contentEncoding: string | undefined,
  limits: OtlpLimits,
): Buffer {
  const enc = (contentEncoding ?? '').trim().toLowerCase();
  if (enc === '' || enc === 'identity') return body;
  if (enc !== 'gzip')
    throw new OtlpRequestError(
      'unsupported_encoding',
      `unsupported Content-Encoding ${JSON.stringify(enc)} (gzip or none)`,
    );
  try {
    return gunzipSync(body, { maxOutputLength: limits.maxDecompressedBytes });
  } catch (e) {
    if ((e as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE')
      throw new PayloadTooLargeError(limits.maxDecompressedBytes, 'decompressed OTLP body');
    throw new OtlpRequestError(
      'decompression_failed',
      `gzip body could not be decompressed: ${(e as Error).message}`,
      { cause: e },
    );
  }
}

/**
 * Decodes and validates one export request body (already decompressed).
 * @param nowMs the receiver's clock, Unix ms (future/age limits)
 * @throws OtlpRequestError `malformed_protobuf` / `malformed_json` when the body does not decode or is not
 *   shaped like an ExportTraceServiceRequest
 */
export function decodeExportRequest(
  body: Buffer,
  encoding: OtlpEncoding,
  limits: OtlpLimits,
  nowMs: number,
): NormalizedRequest {
  let message: unknown;
  if (encoding === 'protobuf') {
    try {
      message = otlpProtoTypes().exportRequest.decode(body);
    } catch (e) {
      throw new OtlpRequestError(
        'malformed_protobuf',
        `body is not a protobuf ExportTraceServiceRequest: ${(e as Error).message}`,
        { cause: e },
      );
    }
  } else {
    try {
      message = JSON.parse(body.toString('utf8'));
    } catch (e) {
      throw new OtlpRequestError('malformed_json', `body is not valid JSON: ${(e as Error).message}`, {
        cause: e,
      });
    }
  }
  try {
    return normalizeExportRequest(message, limits, nowMs);
  } catch (e) {
    if (e instanceof InvalidInputError)
      throw new OtlpRequestError(encoding === 'json' ? 'malformed_json' : 'malformed_protobuf', e.message, {
        cause: e,
      });
    throw e;
  }
}

/**
 * The binary protobuf body of an error response: a `google.rpc.Status` (OTLP/HTTP: "The response body for all
 * HTTP 4xx and HTTP 5xx responses MUST be a Protobuf-encoded Status message"; JSON requests get the same
 * message as JSON, written by the HTTP layer).
 * @see https://opentelemetry.io/docs/specs/otlp/#failures-1
 */
export function encodeStatus(status: { readonly code: number; readonly message: string }): Buffer {
  const t = otlpProtoTypes().status;
  return Buffer.from(t.encode(t.fromObject({ code: status.code, message: status.message })).finish());
}

/** The body of a successful export response (partial success when spans were rejected). */
export function encodeExportResponse(
  encoding: OtlpEncoding,
  rejectedSpans: number,
  errorMessage: string,
): Buffer {
  const partial = rejectedSpans > 0 || errorMessage !== '' ? { rejectedSpans, errorMessage } : undefined;
  if (encoding === 'json') return Buffer.from(JSON.stringify(partial ? { partialSuccess: partial } : {}));
  const t = otlpProtoTypes().exportResponse;
  return Buffer.from(t.encode(t.fromObject(partial ? { partialSuccess: partial } : {})).finish());
}
