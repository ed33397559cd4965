/** A log push request refused as a whole, with the reason it is counted under; and body decompression. */
import { gunzipSync } from 'node:zlib';
import snappy from 'snappyjs';
import { InvalidInputError, PayloadTooLargeError } from '../errors.ts';
import type { LogRequestRejectReason } from './limits.ts';

/** A request refused as a whole (400 unless the reason says otherwise). */
export class LogRequestError extends InvalidInputError {
  readonly reason: LogRequestRejectReason;
  constructor(reason: LogRequestRejectReason, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.reason = reason;
  }
}

/**
 * The body after `Content-Encoding` (none/identity or gzip), at most `maxBytes`.
 * @throws PayloadTooLargeError when the decompressed body exceeds `maxBytes`
 * @throws LogRequestError `unsupported_encoding` for another encoding, `decompression_failed` for bad gzip data
 */
export function decodeContentEncoding(
  body: Buffer,
  contentEncoding: string | undefined,
  maxBytes: number,
): Buffer {
  const enc = (contentEncoding ?? '').trim().toLowerCase();
  if (enc === '' || enc === 'identity') return body;
  if (enc !== 'gzip')
    throw new LogRequestError(
      'unsupported_encoding',
      `unsupported Content-Encoding ${JSON.stringify(enc)} (gzip or none)`,
    );
  try {
    return gunzipSync(body, { maxOutputLength: maxBytes });
  } catch (e) {
    if ((e as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE')
      throw new PayloadTooLargeError(maxBytes, 'decompressed log push body');
    throw new LogRequestError(
      'decompression_failed',
      `gzip body could not be decompressed: ${(e as Error).message}`,
      { cause: e },
    );
  }
}

/**
 * Decompresses a snappy block (the Loki protobuf push body), at most `maxBytes`.
 * @see https://github.com/google/snappy/blob/main/format_description.txt
 * @throws PayloadTooLargeError when the uncompressed length exceeds `maxBytes`
 * @throws LogRequestError `decompression_failed` when the block is not valid snappy
 */
export function snappyUncompress(body: Buffer, maxBytes: number): Buffer {
  let out: Uint8Array;
  try {
    out = snappy.uncompress(body, maxBytes);
  } catch (e) {
    const msg = (e as Error).message;
    if (/too big/.test(msg)) throw new PayloadTooLargeError(maxBytes, 'snappy-decompressed log push body');
    throw new LogRequestError('decompression_failed', `snappy body could not be decompressed: ${msg}`, {
      cause: e,
    });
  }
  return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
}
