/**
 * Decoding of Loki push bodies (POST /loki/api/v1/push) into validated log records, entry by entry:
 * `application/json` (`{"streams":[{"stream":{labels},"values":[["<unix ns>","<line>",{metadata}?]]}]}`,
 * optionally gzip) and `application/x-protobuf` (a snappy block holding `logproto.PushRequest`). Structured
 * metadata become attributes (`trace_id`/`span_id` also fill the trace correlation fields); the level comes
 * from the stream's `level` label (or `detected_level`, `severity`), default info.
 * @see https://grafana.com/docs/loki/latest/reference/loki-http-api/#ingest-logs
 */
import { EntryCollector, invalidUtf8Source, type DecodedEntries } from '../entry-builder.ts';
import type { LogLimits } from '../limits.ts';
import { logProtoTypes } from '../proto-root.ts';
import { hasOwnKeys, levelOfText, type LogLevel } from '../record.ts';
import { LogRequestError } from '../request-error.ts';
import { parseLokiStreamsByPiece } from './json-streams.ts';
import { parseLabelString, streamFields, type StreamFields } from './labels.ts';

/** The two push encodings. */
export type LokiEncoding = 'protobuf' | 'json';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const NS = /^\d{1,20}$/;

function nsToMicros(v: unknown): number {
  if (typeof v !== 'string' || !NS.test(v)) return NaN;
  return v.length <= 3 ? 0 : Number(v.slice(0, -3));
}

function longToNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'object' && v !== null && typeof (v as { low?: unknown }).low === 'number') {
    const l = v as { low: number; high: number };
    return l.high * 4294967296 + (l.low >>> 0);
  }
  return NaN;
}

/** Validates and adds one entry of a stream with fields `f`; `index` names it in messages. */
function addEntry(
  c: EntryCollector,
  f: StreamFields,
  timeUs: number,
  line: unknown,
  metadata: Record<string, string>,
  what: string,
  index: number,
): void {
  // named (`<what> entry <i>`) only when a rejection message is kept
  if (typeof line !== 'string') return c.reject('malformed_entry', what, 1, index);
  // most entries carry no structured metadata: the stream's attributes are used as they are (add copies them)
  let traceId = '';
  let spanId = '';
  let attributes = f.attributes;
  let metaLevel: LogLevel | undefined;
  if (hasOwnKeys(metadata)) {
    const { trace_id: t = '', span_id: sp = '', ...meta } = metadata;
    traceId = t.toLowerCase();
    spanId = sp.toLowerCase();
    metaLevel = meta['level'] !== undefined ? levelOfText(meta['level']) : undefined;
    attributes = { ...f.attributes, ...meta };
  }
  c.add(
    {
      timeUs,
      level: f.level ?? metaLevel ?? 'info',
      service: f.service,
      nodeId: f.nodeId,
      region: f.region,
      component: f.component,
      traceId,
      spanId,
      body: line,
      attributes,
    },
    what,
    index,
  );
}

/** The metadata of entries without any (shared: never written to). */
const NO_METADATA: Record<string, string> = Object.freeze({}) as Record<string, string>;

function metadataOf(v: unknown): Record<string, string> | undefined {
  if (v === undefined) return NO_METADATA;
  if (!isObj(v)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) {
    if (typeof x !== 'string') return undefined;
    if (k !== '__proto__') out[k] = x;
  }
  return out;
}

/** Whether every own enumerable value of `o` is a string. */
function allStrings(o: Obj): boolean {
  for (const k of Object.keys(o)) if (typeof o[k] !== 'string') return false;
  return true;
}

/** Whether `v` is a JSON push entry: `[time, line]` or `[time, line, {metadata of strings}]`. */
function isEntry(v: unknown): v is [unknown, unknown, unknown?] {
  return (
    Array.isArray(v) &&
    v.length >= 2 &&
    v.length <= 3 &&
    (v[2] === undefined || (isObj(v[2]) && allStrings(v[2])))
  );
}

/** The `streams` array of a JSON push body (stream by stream when the body is compact, else parsed whole). */
function jsonStreams(body: Buffer): unknown[] {
  const byPiece = parseLokiStreamsByPiece(body);
  if (byPiece !== undefined) return byPiece;
  let msg: unknown;
  try {
    msg = JSON.parse(body.toString('utf8'));
  } catch (e) {
    throw new LogRequestError('malformed_json', `body is not valid JSON: ${(e as Error).message}`, {
      cause: e,
    });
  }
  if (!isObj(msg) || !Array.isArray(msg['streams']))
    throw new LogRequestError('malformed_json', 'body must be {"streams": [...]}');
  return msg['streams'] as unknown[];
}

/**
 * One stream of a JSON push: entries of a wrong shape are rejected first (named by their index in `values`),
 * then the others are validated and added in order (named by their index among the well-formed ones), without
 * an intermediate entry object.
 */
function decodeJsonStream(c: EntryCollector, s: unknown, si: number): void {
  const what = `stream ${si}`;
  if (!isObj(s) || !Array.isArray(s['values'])) return c.reject('malformed_entry', what);
  const values = s['values'] as unknown[];
  let wellFormed = 0;
  for (let i = 0; i < values.length; i++)
    if (isEntry(values[i])) wellFormed++;
    else c.reject('malformed_entry', what, 1, i);
  const labels = s['stream'];
  if (!isObj(labels) || !allStrings(labels))
    return c.reject('invalid_labels', `${what} (${wellFormed} entries)`, wellFormed);
  if (wellFormed === 0) return;
  const f = streamFields(labels as Record<string, string>);
  let j = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!isEntry(v)) continue;
    addEntry(c, f, nsToMicros(v[0]), v[1], v[2] === undefined ? NO_METADATA : metadataOf(v[2])!, what, j++);
  }
}

function decodeJson(body: Buffer, c: EntryCollector): void {
  const streams = jsonStreams(body);
  for (let si = 0; si < streams.length; si++) decodeJsonStream(c, streams[si], si);
}

function decodeProtobuf(body: Buffer, c: EntryCollector): void {
  let msg: {
    streams?: {
      labels?: string;
      entries?: {
        timestamp?: { seconds?: unknown; nanos?: number };
        line?: string;
        structuredMetadata?: { name?: string; value?: string }[];
      }[];
    }[];
  };
  try {
    msg = logProtoTypes().lokiPushRequest.decode(body) as typeof msg;
  } catch (e) {
    throw new LogRequestError(
      'malformed_protobuf',
      `body is not a snappy-compressed protobuf PushRequest: ${(e as Error).message}`,
      { cause: e },
    );
  }
  (msg.streams ?? []).forEach((s, si) => {
    const what = `stream ${si}`;
    const entries = s.entries ?? [];
    const labels = parseLabelString(s.labels ?? '');
    if (labels === undefined)
      return c.reject('invalid_labels', `${what} (${entries.length} entries)`, entries.length);
    const f = streamFields(labels);
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i]!;
      const secs = longToNumber(e.timestamp?.seconds ?? 0);
      const nanos = e.timestamp?.nanos ?? 0;
      let metadata = NO_METADATA;
      const pairs = e.structuredMetadata;
      if (pairs !== undefined && pairs.length > 0) {
        metadata = {};
        for (const p of pairs) if (p.name && p.name !== '__proto__') metadata[p.name] = p.value ?? '';
      }
      const timeUs =
        e.timestamp === undefined || e.timestamp === null ? NaN : secs * 1e6 + Math.floor(nanos / 1000);
      addEntry(c, f, timeUs, e.line ?? '', metadata, what, i);
    }
  });
}

/**
 * Decodes and validates one Loki push body (JSON: after Content-Encoding; protobuf: after snappy).
 * @param nowMs the receiver's clock, Unix ms (future/age limits)
 * @throws LogRequestError `malformed_json` / `malformed_protobuf` when the body is not a push request
 */
export function decodeLokiPush(
  body: Buffer,
  encoding: LokiEncoding,
  limits: LogLimits,
  nowMs: number,
): DecodedEntries {
  const c = new EntryCollector(limits, nowMs, invalidUtf8Source(body));
  if (encoding === 'json') decodeJson(body, c);
  else decodeProtobuf(body, c);
  return c.result();
}
