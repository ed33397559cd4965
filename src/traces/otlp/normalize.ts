/**
 * Turns a decoded OTLP `ExportTraceServiceRequest` — the protobufjs message of the binary encoding or the parsed
 * OTLP/JSON object, which share field names — into validated {@link SpanRecord}s. Invalid spans are rejected one
 * by one with a reason (the rest of the request is kept); a request whose structure is not OTLP at all throws.
 *
 * Differences between the two encodings handled here: ids are bytes (protobuf) or hex strings (JSON, as the
 * OTLP/JSON spec requires instead of protobuf's base64); 64-bit integers are `Long` objects (protobuf) or
 * decimal strings/numbers (JSON); a oneof member is set when it is an own property of the value.
 * @see https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding
 */
import { InvalidInputError } from '../../errors.ts';
import { ATTR_SERVICE_NAME } from '../../model/trace-attributes.ts';
import {
  canonicalAttributes,
  isValidId,
  SPAN_KINDS,
  SPAN_STATUSES,
  type AttributeScalar,
  type AttributeValue,
  type Attributes,
  type SpanEvent,
  type SpanLink,
  type SpanProcess,
  type SpanRecord,
} from '../span.ts';
import type { OtlpLimits, SpanRejectReason } from './limits.ts';
import { numberOfUntrusted, textOfUntrusted } from '../../model/untrusted-value.ts';

/** Spans of one request that passed validation, and what was rejected. */
export interface NormalizedRequest {
  readonly spans: SpanRecord[];
  /** Rejected spans by reason. */
  readonly rejected: ReadonlyMap<SpanRejectReason, number>;
  readonly rejectedCount: number;
  /** The first few rejection messages (span id and reason), for the partial-success message. */
  readonly messages: readonly string[];
}

/** Rejection messages kept per request. */
const MAX_MESSAGES = 5;
const hasOwn = Object.prototype.hasOwnProperty;

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

function listOf(v: unknown, where: string): readonly unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new InvalidInputError(`${where} must be an array`);
  return v;
}

/**
 * Lowercase hex of an id given as bytes or as a hex string; '' when absent (also protobufjs' default of an unset
 * bytes field, an empty array). Non-hex text is returned as is (and fails validation).
 */
function idOf(v: unknown): string {
  if (v === undefined || v === null || (Array.isArray(v) && v.length === 0)) return '';
  if (v instanceof Uint8Array)
    return v.length === 0 ? '' : Buffer.from(v.buffer, v.byteOffset, v.length).toString('hex');
  if (typeof v === 'string') return v.toLowerCase();
  return '?';
}

interface LongLike {
  readonly low: number;
  readonly high: number;
}

function isLong(v: unknown): v is LongLike {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as LongLike).low === 'number' &&
    typeof (v as LongLike).high === 'number'
  );
}

const DIGITS = /^\d{1,20}$/;

/** Unix nanoseconds (Long, decimal string or number) as whole microseconds; NaN when malformed. */
function microsOf(v: unknown): number {
  if (isLong(v)) return Math.floor((v.high >>> 0) * 4294967.296 + (v.low >>> 0) / 1000);
  if (typeof v === 'string') {
    if (!DIGITS.test(v)) return NaN;
    return v.length <= 3 ? 0 : Number(v.slice(0, -3));
  }
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? Math.floor(v / 1000) : NaN;
  return NaN;
}

/** A signed 64-bit integer value as a number when exact, else its decimal string. */
function intOf(v: unknown): AttributeScalar {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const n = Number(v);
    return Number.isSafeInteger(n) ? n : v;
  }
  if (isLong(v)) {
    const big = (BigInt(v.high) << 32n) | BigInt(v.low >>> 0);
    const n = Number(big);
    return Number.isSafeInteger(n) ? n : big.toString();
  }
  return textOfUntrusted(v);
}

/** Context of one request's normalisation. */
class Normalizer {
  readonly spans: SpanRecord[] = [];
  readonly rejected = new Map<SpanRejectReason, number>();
  rejectedCount = 0;
  readonly messages: string[] = [];
  private readonly limits: OtlpLimits;
  private readonly minEndUs: number;
  private readonly maxUs: number;

  constructor(limits: OtlpLimits, nowMs: number) {
    this.limits = limits;
    this.minEndUs = (nowMs - limits.maxAgeMs) * 1000;
    this.maxUs = (nowMs + limits.maxFutureMs) * 1000;
  }

  reject(reason: SpanRejectReason, what: string): void {
    this.rejected.set(reason, (this.rejected.get(reason) ?? 0) + 1);
    this.rejectedCount++;
    if (this.messages.length < MAX_MESSAGES) this.messages.push(`${what}: ${reason.replace(/_/g, ' ')}`);
  }

  text(v: unknown): string {
    const s = textOfUntrusted(v);
    return s.length > this.limits.maxValueLength ? s.slice(0, this.limits.maxValueLength) : s;
  }

  scalar(v: Obj): AttributeValue | undefined {
    if (hasOwn.call(v, 'stringValue')) return this.text(v['stringValue']);
    if (hasOwn.call(v, 'boolValue')) return v['boolValue'] === true;
    if (hasOwn.call(v, 'intValue')) return intOf(v['intValue']);
    if (hasOwn.call(v, 'doubleValue')) {
      const d = numberOfUntrusted(v['doubleValue']);
      return Number.isFinite(d) ? d : textOfUntrusted(v['doubleValue']);
    }
    if (hasOwn.call(v, 'bytesValue')) {
      const b = v['bytesValue'];
      return b instanceof Uint8Array ? Buffer.from(b).toString('base64') : this.text(b);
    }
    if (hasOwn.call(v, 'arrayValue')) {
      const arr = isObj(v['arrayValue']) ? listOf(v['arrayValue']['values'], 'arrayValue.values') : [];
      const out: AttributeScalar[] = [];
      for (const item of arr.slice(0, this.limits.maxAttributes)) {
        if (!isObj(item)) continue;
        const x = this.scalar(item);
        if (x !== undefined) out.push(Array.isArray(x) ? JSON.stringify(x) : (x as AttributeScalar));
      }
      return out;
    }
    if (hasOwn.call(v, 'kvlistValue')) {
      const kv = isObj(v['kvlistValue'])
        ? this.attributes(v['kvlistValue']['values'], 'kvlistValue.values')
        : {};
      return this.text(JSON.stringify(kv));
    }
    return undefined;
  }

  attributes(list: unknown, where: string): Attributes {
    const items = listOf(list, where);
    const out: Record<string, AttributeValue> = {};
    let n = 0;
    for (const kv of items) {
      if (n >= this.limits.maxAttributes) break;
      if (!isObj(kv)) throw new InvalidInputError(`${where}: an attribute must be an object`);
      const key = typeof kv['key'] === 'string' ? kv['key'] : '';
      if (key === '' || key === '__proto__') continue;
      const value = isObj(kv['value']) ? this.scalar(kv['value']) : undefined;
      if (value === undefined) continue;
      out[key] = value;
      n++;
    }
    return out;
  }

  process(resource: unknown): SpanProcess {
    const attributes = isObj(resource) ? this.attributes(resource['attributes'], 'resource.attributes') : {};
    const name = attributes[ATTR_SERVICE_NAME];
    const service = typeof name === 'string' && name !== '' ? name : 'unknown_service';
    const full = name === undefined ? { ...attributes, [ATTR_SERVICE_NAME]: service } : attributes;
    return { service, attributes: full, key: canonicalAttributes(full) };
  }

  events(list: unknown): SpanEvent[] {
    const out: SpanEvent[] = [];
    for (const e of listOf(list, 'span.events').slice(0, this.limits.maxEvents)) {
      if (!isObj(e)) throw new InvalidInputError('span.events: an event must be an object');
      const t = microsOf(e['timeUnixNano']);
      out.push({
        timeUs: Number.isFinite(t) ? t : 0,
        name: this.text(e['name']),
        attributes: this.attributes(e['attributes'], 'event.attributes'),
      });
    }
    return out;
  }

  links(list: unknown): SpanLink[] {
    const out: SpanLink[] = [];
    for (const l of listOf(list, 'span.links').slice(0, this.limits.maxLinks)) {
      if (!isObj(l)) throw new InvalidInputError('span.links: a link must be an object');
      const traceId = idOf(l['traceId']);
      const spanId = idOf(l['spanId']);
      if (!isValidId(traceId, 32) || !isValidId(spanId, 16)) continue;
      out.push({ traceId, spanId, attributes: this.attributes(l['attributes'], 'link.attributes') });
    }
    return out;
  }

  span(s: unknown, process: SpanProcess, scope: SpanRecord['scope']): void {
    if (!isObj(s)) throw new InvalidInputError('scopeSpans.spans: a span must be an object');
    const traceId = idOf(s['traceId']);
    const spanId = idOf(s['spanId']);
    const what = `span ${spanId || '(no id)'}`;
    if (this.spans.length >= this.limits.maxSpansPerRequest) return this.reject('too_many_spans', what);
    if (!isValidId(traceId, 32)) return this.reject('invalid_trace_id', what);
    if (!isValidId(spanId, 16)) return this.reject('invalid_span_id', what);
    const parent = idOf(s['parentSpanId']);
    if (parent !== '' && !isValidId(parent, 16)) return this.reject('invalid_parent_span_id', what);
    const name = this.text(s['name']);
    if (name === '') return this.reject('missing_name', what);
    const startUs = microsOf(s['startTimeUnixNano']);
    const endUs = microsOf(s['endTimeUnixNano']);
    if (!(startUs > 0) || !(endUs > 0) || endUs < startUs) return this.reject('invalid_timestamp', what);
    if (startUs > this.maxUs || endUs > this.maxUs) return this.reject('future_timestamp', what);
    if (endUs < this.minEndUs) return this.reject('too_old', what);
    const kindNo = numberOfUntrusted(s['kind'] ?? 0);
    const status = isObj(s['status']) ? s['status'] : undefined;
    const codeNo = numberOfUntrusted(status?.['code'] ?? 0);
    this.spans.push({
      traceId,
      spanId,
      parentSpanId: parent === '' ? null : parent,
      name,
      kind: SPAN_KINDS[kindNo] ?? 'unspecified',
      startUs,
      durationUs: endUs - startUs,
      status: SPAN_STATUSES[codeNo] ?? 'unset',
      statusMessage: status ? this.text(status['message']) : '',
      attributes: this.attributes(s['attributes'], 'span.attributes'),
      events: this.events(s['events']),
      links: this.links(s['links']),
      scope,
      process,
    });
  }
}

/**
 * Validates and converts every span of a decoded export request.
 * @param request the decoded message (protobuf) or parsed JSON object
 * @param nowMs the receiver's clock (Unix ms), for the future and age limits
 * @returns the valid spans and the rejected ones by reason
 * @throws InvalidInputError when the request is not shaped like an OTLP export request (not an object, a list
 *   that is not an array, a resource or scope element that is not an object); a malformed span (an attribute list
 *   that is not an array, ...) only rejects that span (`malformed_span`)
 */
export function normalizeExportRequest(
  request: unknown,
  limits: OtlpLimits,
  nowMs: number,
): NormalizedRequest {
  if (!isObj(request))
    throw new InvalidInputError('the request body must be an ExportTraceServiceRequest object');
  const n = new Normalizer(limits, nowMs);
  for (const rs of listOf(request['resourceSpans'], 'resourceSpans')) {
    if (!isObj(rs)) throw new InvalidInputError('resourceSpans: an element must be an object');
    const process = n.process(rs['resource']);
    for (const ss of listOf(rs['scopeSpans'], 'resourceSpans.scopeSpans')) {
      if (!isObj(ss)) throw new InvalidInputError('scopeSpans: an element must be an object');
      const sc = isObj(ss['scope']) ? ss['scope'] : {};
      const scope = { name: n.text(sc['name']), version: n.text(sc['version']) };
      for (const s of listOf(ss['spans'], 'scopeSpans.spans')) {
        try {
          n.span(s, process, scope);
        } catch (e) {
          if (!(e instanceof InvalidInputError)) throw e;
          n.reject(
            'malformed_span',
            `span ${isObj(s) ? idOf(s['spanId']) || '(no id)' : '(not an object)'} (${e.message})`,
          );
        }
      }
    }
  }
  return { spans: n.spans, rejected: n.rejected, rejectedCount: n.rejectedCount, messages: n.messages };
}
