/**
 * Decoding of OTLP/HTTP logs export bodies (`ExportLogsServiceRequest`, binary protobuf via protobufjs or
 * OTLP/JSON) into validated log records, entry by entry: labels from the resource (`service.name`,
 * `service.instance.id` / `dwcp.node.id` / `host.name`, `cloud.region` / `dwcp.region`), the component from the
 * record's `component` attribute or the instrumentation scope, the level from SeverityNumber (else
 * SeverityText, else info), the body as text (structured bodies as JSON). Also encodes the export response
 * (with partial success).
 * @see https://opentelemetry.io/docs/specs/otlp/#otlphttp
 * @see https://opentelemetry.io/docs/specs/otel/logs/data-model/
 */
import {
  ATTR_CLOUD_REGION,
  ATTR_DWCP_NODE_ID,
  ATTR_DWCP_REGION,
  ATTR_HOST_NAME,
  ATTR_SERVICE_INSTANCE_ID,
  ATTR_SERVICE_NAME,
} from '../../model/trace-attributes.ts';
import { EntryCollector, invalidUtf8Source, type DecodedEntries } from '../entry-builder.ts';
import type { LogLimits } from '../limits.ts';
import { logProtoTypes } from '../proto-root.ts';
import { levelOfSeverityNumber, levelOfText, type LogLevel } from '../record.ts';
import { LogRequestError } from '../request-error.ts';
import { numberOfUntrusted, textOfUntrusted } from '../../model/untrusted-value.ts';

/** The two OTLP/HTTP encodings. */
export type OtlpLogEncoding = 'protobuf' | 'json';

type Obj = Record<string, unknown>;
const hasOwn = Object.prototype.hasOwnProperty;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

function list(v: unknown, where: string): readonly unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new LogRequestError('malformed_json', `${where} must be an array`);
  return v;
}

function isLong(v: unknown): v is { low: number; high: number } {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as { low?: unknown }).low === 'number' &&
    typeof (v as { high?: unknown }).high === 'number'
  );
}

/** Unix ns (Long, decimal string or number) → µs; 0 when unset; NaN when malformed. */
function microsOf(v: unknown): number {
  if (v === undefined || v === null) return 0;
  if (isLong(v)) return Math.floor((v.high >>> 0) * 4294967.296 + (v.low >>> 0) / 1000);
  if (typeof v === 'string') return /^\d{1,20}$/.test(v) ? (v.length <= 3 ? 0 : Number(v.slice(0, -3))) : NaN;
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? Math.floor(v / 1000) : NaN;
  return NaN;
}

function idOf(v: unknown): string {
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.length).toString('hex');
  return typeof v === 'string' ? v.toLowerCase() : '';
}

/** An OTLP AnyValue as a plain JSON value. */
function plain(v: unknown): unknown {
  if (!isObj(v)) return null;
  if (hasOwn.call(v, 'stringValue')) return textOfUntrusted(v['stringValue']);
  if (hasOwn.call(v, 'boolValue')) return v['boolValue'] === true;
  if (hasOwn.call(v, 'intValue')) {
    const i = v['intValue'];
    if (isLong(i)) {
      const big = (BigInt(i.high) << 32n) | BigInt(i.low >>> 0);
      return Number.isSafeInteger(Number(big)) ? Number(big) : big.toString();
    }
    return typeof i === 'string' && Number.isSafeInteger(Number(i)) ? Number(i) : i;
  }
  if (hasOwn.call(v, 'doubleValue')) return numberOfUntrusted(v['doubleValue']);
  if (hasOwn.call(v, 'bytesValue'))
    return v['bytesValue'] instanceof Uint8Array
      ? Buffer.from(v['bytesValue']).toString('base64')
      : textOfUntrusted(v['bytesValue']);
  if (hasOwn.call(v, 'arrayValue'))
    return isObj(v['arrayValue']) && Array.isArray(v['arrayValue']['values'])
      ? (v['arrayValue']['values'] as unknown[]).map(plain)
      : [];
  if (hasOwn.call(v, 'kvlistValue')) {
    const out: Obj = {};
    const kv = v['kvlistValue'];
    if (isObj(kv) && Array.isArray(kv['values']))
      for (const e of kv['values'] as unknown[])
        if (isObj(e) && typeof e['key'] === 'string' && e['key'] !== '__proto__')
          out[e['key']] = plain(e['value']);
    return out;
  }
  return null;
}

/** An AnyValue as text: strings as they are, anything else as JSON. */
function textOf(v: unknown): string {
  const p = plain(v);
  if (typeof p === 'string') return p;
  return p === null ? '' : JSON.stringify(p);
}

function attributes(v: unknown, where: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of list(v, where))
    if (isObj(kv) && typeof kv['key'] === 'string' && kv['key'] !== '__proto__')
      out[kv['key']] = textOf(kv['value']);
  return out;
}

function levelOf(rec: Obj): LogLevel {
  const n = numberOfUntrusted(rec['severityNumber'] ?? 0);
  const fromText = typeof rec['severityText'] === 'string' ? levelOfText(rec['severityText']) : undefined;
  return levelOfSeverityNumber(n) ?? fromText ?? 'info';
}

function decodeMessage(body: Buffer, encoding: OtlpLogEncoding): unknown {
  if (encoding === 'protobuf') {
    try {
      return logProtoTypes().otlpRequest.decode(body);
    } catch (e) {
      throw new LogRequestError(
        'malformed_protobuf',
        `body is not a protobuf ExportLogsServiceRequest: ${(e as Error).message}`,
        { cause: e },
      );
    }
  }
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (e) {
    throw new LogRequestError('malformed_json', `body is not valid JSON: ${(e as Error).message}`, {
      cause: e,
    });
  }
}

/**
 * Decodes and validates one OTLP logs export body (already decompressed).
 * @param nowMs the receiver's clock, Unix ms (future/age limits)
 * @throws LogRequestError `malformed_protobuf` / `malformed_json` when the body does not decode or is not
 *   shaped like an ExportLogsServiceRequest
 */
export function decodeOtlpLogs(
  body: Buffer,
  encoding: OtlpLogEncoding,
  limits: LogLimits,
  nowMs: number,
): DecodedEntries {
  const message = decodeMessage(body, encoding);
  const bad = encoding === 'json' ? 'malformed_json' : 'malformed_protobuf';
  if (!isObj(message)) throw new LogRequestError(bad, 'body must be an ExportLogsServiceRequest object');
  const c = new EntryCollector(limits, nowMs, invalidUtf8Source(body));
  try {
    list(message['resourceLogs'], 'resourceLogs').forEach((rl, ri) => {
      if (!isObj(rl)) throw new LogRequestError(bad, `resourceLogs[${ri}] must be an object`);
      const res = attributes(
        isObj(rl['resource']) ? rl['resource']['attributes'] : undefined,
        'resource.attributes',
      );
      const service = res[ATTR_SERVICE_NAME] ?? '';
      list(rl['scopeLogs'], 'scopeLogs').forEach((sl, si) => {
        if (!isObj(sl)) throw new LogRequestError(bad, `scopeLogs[${si}] must be an object`);
        const scope =
          isObj(sl['scope']) && typeof sl['scope']['name'] === 'string' ? sl['scope']['name'] : '';
        list(sl['logRecords'], 'logRecords').forEach((rec, li) => {
          const what = `resourceLogs[${ri}].scopeLogs[${si}].logRecords[${li}]`;
          if (!isObj(rec)) return c.reject('malformed_entry', what);
          let attrs: Record<string, string>;
          try {
            attrs = attributes(rec['attributes'], 'attributes');
          } catch {
            return c.reject('malformed_entry', what);
          }
          const t = microsOf(rec['timeUnixNano']);
          const timeUs = t === 0 ? microsOf(rec['observedTimeUnixNano']) : t;
          c.add(
            {
              timeUs: timeUs === 0 ? NaN : timeUs,
              level: levelOf(rec),
              service,
              nodeId:
                attrs[ATTR_DWCP_NODE_ID] ??
                res[ATTR_SERVICE_INSTANCE_ID] ??
                res[ATTR_DWCP_NODE_ID] ??
                res[ATTR_HOST_NAME] ??
                '',
              region: attrs[ATTR_DWCP_REGION] ?? res[ATTR_CLOUD_REGION] ?? res[ATTR_DWCP_REGION] ?? '',
              component: attrs['component'] ?? attrs['dwcp.component'] ?? scope,
              traceId: idOf(rec['traceId']),
              spanId: idOf(rec['spanId']),
              body: textOf(rec['body']),
              attributes: attrs,
            },
            what,
          );
        });
      });
    });
  } catch (e) {
    if (e instanceof LogRequestError) throw e;
    throw new LogRequestError(bad, `body is not an ExportLogsServiceRequest: ${(e as Error).message}`, {
      cause: e,
    });
  }
  return c.result();
}

/** The body of a successful export response (partial success when entries were rejected). */
export function encodeOtlpLogsResponse(
  encoding: OtlpLogEncoding,
  rejectedLogRecords: number,
  errorMessage: string,
): Buffer {
  const partial =
    rejectedLogRecords > 0 || errorMessage !== '' ? { rejectedLogRecords, errorMessage } : undefined;
  if (encoding === 'json') return Buffer.from(JSON.stringify(partial ? { partialSuccess: partial } : {}));
  const t = logProtoTypes().otlpResponse;
  return Buffer.from(t.encode(t.fromObject(partial ? { partialSuccess: partial } : {})).finish());
}
