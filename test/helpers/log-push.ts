/**
 * Log push bodies for tests: OTLP/JSON `ExportLogsServiceRequest`s (hex ids, decimal-string nanosecond times)
 * and their protobuf encoding; Loki push requests as JSON and as snappy-compressed protobuf built with
 * protobufjs from Loki's own push.proto.
 */
import snappy from 'snappyjs';
import { logProtoTypes } from '../../src/logs/proto-root.ts';

export interface TestLog {
  timeMs: number;
  body: string;
  severityNumber?: number;
  severityText?: string;
  traceId?: string;
  spanId?: string;
  attributes?: Record<string, string>;
}

/** An OTLP/JSON logs export with one resource holding `logs` under one scope. */
export function otlpLogsJson(
  logs: readonly TestLog[],
  resource: Record<string, string> = {
    'service.name': 'dwcp-node',
    'service.instance.id': 'node-1',
    'cloud.region': 'us-east',
  },
): Record<string, unknown> {
  const attrs = (o: Record<string, string>) =>
    Object.entries(o).map(([key, v]) => ({ key, value: { stringValue: v } }));
  return {
    resourceLogs: [
      {
        resource: { attributes: attrs(resource) },
        scopeLogs: [
          {
            scope: { name: 'transport' },
            logRecords: logs.map((l) => ({
              timeUnixNano: `${l.timeMs}000000`,
              ...(l.severityNumber !== undefined ? { severityNumber: l.severityNumber } : {}),
              ...(l.severityText !== undefined ? { severityText: l.severityText } : {}),
              body: { stringValue: l.body },
              attributes: attrs(l.attributes ?? {}),
              ...(l.traceId !== undefined ? { traceId: l.traceId } : {}),
              ...(l.spanId !== undefined ? { spanId: l.spanId } : {}),
            })),
          },
        ],
      },
    ],
  };
}

/** The binary protobuf encoding of an OTLP/JSON logs request (ids hex → bytes). */
export function otlpLogsProtobuf(json: Record<string, unknown>): Buffer {
  const t = logProtoTypes().otlpRequest;
  const copy = JSON.parse(JSON.stringify(json), (k, v: unknown) =>
    (k === 'traceId' || k === 'spanId') && typeof v === 'string'
      ? Buffer.from(v, 'hex').toString('base64')
      : v,
  ) as Record<string, unknown>;
  return Buffer.from(t.encode(t.fromObject(copy)).finish());
}

/** One Loki stream: labels and `[unix ms, line, structured metadata?]` entries. */
export interface TestStream {
  labels: Record<string, string>;
  entries: [number, string, Record<string, string>?][];
}

/** A Loki JSON push body. */
export function lokiJson(streams: readonly TestStream[]): Buffer {
  return Buffer.from(
    JSON.stringify({
      streams: streams.map((s) => ({
        stream: s.labels,
        values: s.entries.map(([ms, line, meta]) =>
          meta ? [`${ms}000000`, line, meta] : [`${ms}000000`, line],
        ),
      })),
    }),
  );
}

/** Prometheus label text of a label set (`{a="b", c="d"}`). */
export function labelText(labels: Record<string, string>): string {
  return `{${Object.entries(labels)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(', ')}}`;
}

/** A Loki protobuf push body (`logproto.PushRequest`), snappy-compressed as Loki clients send it. */
export function lokiSnappyProtobuf(streams: readonly TestStream[]): Buffer {
  const t = logProtoTypes().lokiPushRequest;
  const msg = t.fromObject({
    streams: streams.map((s) => ({
      labels: labelText(s.labels),
      entries: s.entries.map(([ms, line, meta]) => ({
        timestamp: { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 },
        line,
        structuredMetadata: Object.entries(meta ?? {}).map(([name, value]) => ({ name, value })),
      })),
    })),
  });
  return Buffer.from(snappy.compress(Buffer.from(t.encode(msg).finish())));
}
