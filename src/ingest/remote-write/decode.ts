/**
 * Decoding of Prometheus remote-write 1.0 bodies: Snappy block compression (bounded by the declared length),
 * then a protobuf `prometheus.WriteRequest` (./proto-root.ts), then per-series validation into samples. A body
 * that does not decompress or decode is refused as a whole; a series with a bad label set is refused with all of
 * its samples and counted by reason, and the rest of the request is kept (Prometheus' receiver semantics). NaN
 * and ±Inf values are legal here, as in Prometheus (stale markers are NaN); the store's policy applies later.
 * @see https://prometheus.io/docs/concepts/remote_write_spec/
 */
import snappy from 'snappyjs';
import { InvalidInputError, PayloadTooLargeError } from '../../errors.ts';
import type { Sample } from '../../model/sample.ts';
import type { ScrapeLimits } from '../../model/scrape-limits.ts';
import { writeRequestType } from './proto-root.ts';

/** Why a whole request is refused (HTTP 400, or 413 for `too_large`). */
export const REMOTE_WRITE_REQUEST_REJECTS = [
  'malformed_snappy',
  'malformed_protobuf',
  'too_large',
  'unsupported_media_type',
  'unsupported_encoding',
] as const;
export type RemoteWriteRequestReject = (typeof REMOTE_WRITE_REQUEST_REJECTS)[number];

/** Why the samples of one series are refused while the rest of the request is kept. */
export const REMOTE_WRITE_SAMPLE_REJECTS = [
  'missing_metric_name',
  'invalid_metric_name',
  'invalid_label_name',
  'duplicate_label_name',
  'label_limit',
  'invalid_timestamp',
  'native_histogram',
] as const;
export type RemoteWriteSampleReject = (typeof REMOTE_WRITE_SAMPLE_REJECTS)[number];

/** A request refused as a whole, with the reason it is counted under. */
export class RemoteWriteRequestError extends InvalidInputError {
  readonly reason: RemoteWriteRequestReject;
  constructor(reason: RemoteWriteRequestReject, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.reason = reason;
  }
}

/** A decoded request: the valid samples, in request order, and what was refused. */
export interface DecodedWrite {
  readonly samples: Sample[];
  readonly rejected: Partial<Record<RemoteWriteSampleReject, number>>;
  /** Time series in the request. */
  readonly series: number;
}

/** Limits of {@link decodeRemoteWrite}. */
export interface RemoteWriteLimits {
  /** Largest decompressed body, bytes (checked against the Snappy header before decompressing). */
  readonly maxDecompressedBytes: number;
  /** Label count and length limits per series (`sampleLimit` is not used here). */
  readonly labels: ScrapeLimits;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

interface WireLabel {
  name: string;
  value: string;
}
interface WireSeries {
  labels?: WireLabel[];
  samples?: { value?: number; timestamp?: number | { toNumber(): number } }[];
  histograms?: unknown[];
}

const toMs = (t: number | { toNumber(): number } | undefined): number =>
  t === undefined ? 0 : typeof t === 'number' ? t : t.toNumber();

/**
 * The series' metric name and labels, or the reason it is refused. Empty label values mean "no label"; the label
 * count and length limits are those of src/ingest/scrape-limits.ts (0 = none).
 */
function seriesIdentity(
  wire: readonly WireLabel[],
  limits: ScrapeLimits,
): { name: string; labels: Record<string, string> } | RemoteWriteSampleReject {
  let name: string | undefined;
  const labels: Record<string, string> = {};
  const { labelLimit, labelNameLengthLimit: nameMax, labelValueLengthLimit: valueMax } = limits;
  let n = 0;
  for (const l of wire) {
    if (l.name === '__name__') {
      if (name !== undefined) return 'duplicate_label_name';
      name = l.value;
      continue;
    }
    if (!LABEL_NAME.test(l.name) || l.name.startsWith('__')) return 'invalid_label_name';
    if (Object.hasOwn(labels, l.name)) return 'duplicate_label_name';
    if ((nameMax > 0 && l.name.length > nameMax) || (valueMax > 0 && l.value.length > valueMax))
      return 'label_limit';
    if (l.value !== '') {
      labels[l.name] = l.value;
      n++;
    }
  }
  if (name === undefined || name === '') return 'missing_metric_name';
  if (!METRIC_NAME.test(name)) return 'invalid_metric_name';
  if (labelLimit > 0 && n > labelLimit) return 'label_limit';
  return { name, labels };
}

/**
 * Decompresses, decodes and validates one remote-write body.
 * @throws PayloadTooLargeError when the declared decompressed length exceeds `maxDecompressedBytes`
 * @throws RemoteWriteRequestError `malformed_snappy` / `malformed_protobuf` when the body does not decode
 */
export function decodeRemoteWrite(body: Uint8Array, limits: RemoteWriteLimits): DecodedWrite {
  let raw: Uint8Array;
  try {
    raw = snappy.uncompress(body, limits.maxDecompressedBytes);
  } catch (e) {
    const msg = (e as Error).message;
    if (/too big/.test(msg))
      throw new PayloadTooLargeError(limits.maxDecompressedBytes, 'decompressed remote-write body');
    throw new RemoteWriteRequestError(
      'malformed_snappy',
      `body is not Snappy block-compressed data: ${msg}`,
      { cause: e },
    );
  }
  let message: { timeseries?: WireSeries[] };
  try {
    message = writeRequestType().decode(raw) as unknown as { timeseries?: WireSeries[] };
  } catch (e) {
    throw new RemoteWriteRequestError(
      'malformed_protobuf',
      `body is not a prometheus.WriteRequest: ${(e as Error).message}`,
      { cause: e },
    );
  }
  const samples: Sample[] = [];
  const rejected: Partial<Record<RemoteWriteSampleReject, number>> = {};
  const reject = (r: RemoteWriteSampleReject, n: number) => {
    if (n > 0) rejected[r] = (rejected[r] ?? 0) + n;
  };
  const series = message.timeseries ?? [];
  for (const ts of series) {
    const points = ts.samples ?? [];
    reject('native_histogram', ts.histograms?.length ?? 0);
    const id = seriesIdentity(ts.labels ?? [], limits.labels);
    if (typeof id === 'string') {
      reject(id, points.length);
      continue;
    }
    for (const p of points) {
      const timestampMs = toMs(p.timestamp);
      if (!Number.isSafeInteger(timestampMs)) {
        reject('invalid_timestamp', 1);
        continue;
      }
      samples.push({ name: id.name, labels: id.labels, value: p.value ?? 0, timestampMs });
    }
  }
  return { samples, rejected, series: series.length };
}
