/**
 * The monitor's span model: one OTLP span after decoding and validation, with its resource (the emitting
 * process) and the DWCP attributes the store indexes. Pure data and helpers, no I/O.
 * @see https://github.com/open-telemetry/opentelemetry-proto/blob/v1.11.0/opentelemetry/proto/trace/v1/trace.proto
 */
import {
  ATTR_CLOUD_REGION,
  ATTR_DWCP_MODE,
  ATTR_DWCP_NODE_ID,
  ATTR_DWCP_REGION,
  ATTR_DWCP_VERSION,
  ATTR_DWCP_VM_ID,
  ATTR_HOST_NAME,
  ATTR_SERVICE_INSTANCE_ID,
} from '../model/trace-attributes.ts';

/** OTLP `Span.SpanKind`, by enum number (0 = unspecified). */
export const SPAN_KINDS = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'] as const;
export type SpanKindName = (typeof SPAN_KINDS)[number];

/** OTLP `Status.StatusCode`, by enum number (0 = unset). */
export const SPAN_STATUSES = ['unset', 'ok', 'error'] as const;
export type SpanStatusName = (typeof SPAN_STATUSES)[number];

/** A scalar attribute value. Integers outside ±2^53 are kept as decimal strings. */
export type AttributeScalar = string | number | boolean;
/** An attribute value: a scalar or a homogeneous-or-not array of scalars (nested maps are flattened to JSON text). */
export type AttributeValue = AttributeScalar | readonly AttributeScalar[];
export type Attributes = Readonly<Record<string, AttributeValue>>;

/** A span event (Jaeger: a log). */
export interface SpanEvent {
  /** Unix microseconds. */
  readonly timeUs: number;
  readonly name: string;
  readonly attributes: Attributes;
}

/** A link to another span (Jaeger: a FOLLOWS_FROM reference). */
export interface SpanLink {
  readonly traceId: string;
  readonly spanId: string;
  readonly attributes: Attributes;
}

/** The process that emitted a span: its OTLP resource. */
export interface SpanProcess {
  /** `service.name` (`unknown_service` when the resource has none, as the OTel SDKs default). */
  readonly service: string;
  /** Every resource attribute, `service.name` included. */
  readonly attributes: Attributes;
  /** Stable identity of the resource: its attributes as canonical JSON (sorted keys). */
  readonly key: string;
}

/** One validated span. Times in Unix microseconds (OTLP nanoseconds truncated). */
export interface SpanRecord {
  /** 32 lowercase hex digits, not all zero. */
  readonly traceId: string;
  /** 16 lowercase hex digits, not all zero. */
  readonly spanId: string;
  /** Parent span id, or null for a root span. */
  readonly parentSpanId: string | null;
  /** Operation name. */
  readonly name: string;
  readonly kind: SpanKindName;
  readonly startUs: number;
  readonly durationUs: number;
  readonly status: SpanStatusName;
  readonly statusMessage: string;
  readonly attributes: Attributes;
  readonly events: readonly SpanEvent[];
  readonly links: readonly SpanLink[];
  /** Instrumentation scope name and version. */
  readonly scope: { readonly name: string; readonly version: string };
  readonly process: SpanProcess;
}

/** The DWCP attributes of a span the store keeps in indexed columns (null when absent). */
export interface SpanIndexFields {
  readonly nodeId: string | null;
  readonly region: string | null;
  readonly vmId: string | null;
  readonly mode: string | null;
  readonly version: string | null;
}

function str(v: AttributeValue | undefined): string | null {
  if (v === undefined || Array.isArray(v)) return null;
  return String(v);
}

/**
 * The node that executed a span: its `dwcp.node.id` attribute, else the resource's `dwcp.node.id`, else
 * `service.instance.id` (what the DWCP SDK and the simulator set), else `host.name`; null when none is set.
 */
export function spanNodeId(s: SpanRecord): string | null {
  const r = s.process.attributes;
  return (
    str(s.attributes[ATTR_DWCP_NODE_ID]) ??
    str(r[ATTR_DWCP_NODE_ID]) ??
    str(r[ATTR_SERVICE_INSTANCE_ID]) ??
    str(r[ATTR_HOST_NAME])
  );
}

/**
 * The indexed DWCP fields of a span: span attributes first, then the resource (node: {@link spanNodeId};
 * `dwcp.region`, else `cloud.region`).
 */
export function indexFields(s: SpanRecord): SpanIndexFields {
  const a = s.attributes;
  const r = s.process.attributes;
  return {
    nodeId: spanNodeId(s),
    region: str(a[ATTR_DWCP_REGION]) ?? str(r[ATTR_DWCP_REGION]) ?? str(r[ATTR_CLOUD_REGION]),
    vmId: str(a[ATTR_DWCP_VM_ID]) ?? str(r[ATTR_DWCP_VM_ID]),
    mode: str(a[ATTR_DWCP_MODE]) ?? str(r[ATTR_DWCP_MODE]),
    version: str(a[ATTR_DWCP_VERSION]) ?? str(r[ATTR_DWCP_VERSION]),
  };
}

/**
 * The host a span ran on, for clock-skew adjustment (spans of one host share a clock): `service.instance.id`,
 * else `host.name`, else the resource key.
 */
export function hostKey(p: SpanProcess): string {
  return str(p.attributes[ATTR_SERVICE_INSTANCE_ID]) ?? str(p.attributes[ATTR_HOST_NAME]) ?? p.key;
}

/** Canonical JSON of an attribute map (keys sorted), the identity of a resource. */
export function canonicalAttributes(a: Attributes): string {
  const keys = Object.keys(a).sort();
  let out = '{';
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    out += (i > 0 ? ',' : '') + JSON.stringify(k) + ':' + JSON.stringify(a[k]);
  }
  return out + '}';
}

const HEX = /^[0-9a-f]+$/;

/** Whether `id` is `hexLength` lowercase hex digits and not all zero (W3C Trace Context's validity rule). */
export function isValidId(id: string, hexLength: 32 | 16): boolean {
  return id.length === hexLength && HEX.test(id) && !/^0+$/.test(id);
}
