/**
 * OTLP/JSON export requests for tests: spans with hex ids and decimal-string nanosecond times, as the OTLP/JSON
 * encoding writes them, and the protobuf encoding of the same request.
 */
import { otlpProtoTypes } from '../../src/traces/otlp/proto-root.ts';

export interface TestSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  startMs: number;
  durationMs: number;
  kind?: number;
  status?: { code: number; message?: string };
  attributes?: Record<string, string | number | boolean>;
}

/** An id of `hexLength` hex digits from a number (never all zero for n > 0). */
export function hexId(n: number, hexLength: 32 | 16): string {
  return n.toString(16).padStart(hexLength, '0');
}

function attr(key: string, v: string | number | boolean): Record<string, unknown> {
  if (typeof v === 'string') return { key, value: { stringValue: v } };
  if (typeof v === 'boolean') return { key, value: { boolValue: v } };
  return Number.isInteger(v) ? { key, value: { intValue: String(v) } } : { key, value: { doubleValue: v } };
}

/** An OTLP/JSON ExportTraceServiceRequest with one resource (service, instance, region) holding `spans`. */
export function otlpJson(
  spans: readonly TestSpan[],
  resource: Record<string, string> = {
    'service.name': 'dwcp-node',
    'service.instance.id': 'node-1',
    'cloud.region': 'us-east',
  },
): Record<string, unknown> {
  return {
    resourceSpans: [
      {
        resource: { attributes: Object.entries(resource).map(([k, v]) => attr(k, v)) },
        scopeSpans: [
          {
            scope: { name: 'test', version: '1.0.0' },
            spans: spans.map((s) => ({
              traceId: s.traceId,
              spanId: s.spanId,
              ...(s.parentSpanId !== undefined ? { parentSpanId: s.parentSpanId } : {}),
              name: s.name,
              kind: s.kind ?? 1,
              startTimeUnixNano: `${s.startMs}000000`,
              endTimeUnixNano: `${s.startMs + s.durationMs}000000`,
              attributes: Object.entries(s.attributes ?? {}).map(([k, v]) => attr(k, v)),
              ...(s.status ? { status: s.status } : {}),
            })),
          },
        ],
      },
    ],
  };
}

/** The binary protobuf encoding of an OTLP/JSON request built by {@link otlpJson} (ids hex → bytes). */
export function otlpProtobuf(json: Record<string, unknown>): Buffer {
  const t = otlpProtoTypes().exportRequest;
  const copy = JSON.parse(JSON.stringify(json), (k, v: unknown) =>
    (k === 'traceId' || k === 'spanId' || k === 'parentSpanId') && typeof v === 'string'
      ? Buffer.from(v, 'hex').toString('base64')
      : v,
  ) as Record<string, unknown>;
  return Buffer.from(t.encode(t.fromObject(copy)).finish());
}
