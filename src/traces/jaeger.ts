/**
 * One stored trace as the Jaeger query API returns it: spans stitched into a tree (./stitch.ts: parent links,
 * orphans, clock-skew adjustment between hosts) and ordered parents first, OTLP attributes as typed tags, span
 * kind and status as the tags Jaeger's OTLP translation writes (`span.kind`, `otel.status_code`,
 * `otel.status_description`, `error`), events as logs, links as FOLLOWS_FROM references, resources as a process
 * table. Pure.
 * @see https://github.com/jaegertracing/jaeger/blob/main/cmd/query/app/internal/uimodel/model.go
 */
import type { JaegerTag, JaegerTrace } from '../contract/traces.ts';
import { hostKey, type AttributeValue, type Attributes, type SpanRecord } from './span.ts';
import { stitchTrace } from './stitch.ts';

/** Orphan span ids listed in a trace warning at most. */
const MAX_LISTED_ORPHANS = 10;

/** A Jaeger tag of one attribute (arrays as JSON text). */
export function toTag(key: string, v: AttributeValue): JaegerTag {
  if (typeof v === 'string') return { key, type: 'string', value: v };
  if (typeof v === 'boolean') return { key, type: 'bool', value: v };
  if (typeof v === 'number')
    return Number.isInteger(v) ? { key, type: 'int64', value: v } : { key, type: 'float64', value: v };
  return { key, type: 'string', value: JSON.stringify(v) };
}

function tagsOf(a: Attributes, skip?: string): JaegerTag[] {
  const out: JaegerTag[] = [];
  for (const k of Object.keys(a)) if (k !== skip) out.push(toTag(k, a[k]!));
  return out;
}

function spanTags(s: SpanRecord): JaegerTag[] {
  const tags = tagsOf(s.attributes);
  if (s.scope.name !== '') tags.push({ key: 'otel.scope.name', type: 'string', value: s.scope.name });
  if (s.scope.version !== '')
    tags.push({ key: 'otel.scope.version', type: 'string', value: s.scope.version });
  if (s.kind !== 'unspecified') tags.push({ key: 'span.kind', type: 'string', value: s.kind });
  if (s.status !== 'unset')
    tags.push({ key: 'otel.status_code', type: 'string', value: s.status.toUpperCase() });
  if (s.status === 'error') {
    tags.push({ key: 'error', type: 'bool', value: true });
    if (s.statusMessage !== '')
      tags.push({ key: 'otel.status_description', type: 'string', value: s.statusMessage });
  }
  return tags;
}

/**
 * Converts the spans of one trace (any order, at least one) into a Jaeger trace.
 * @returns the trace, and the ids of its orphan spans (parent not among `spans`)
 */
export function toJaegerTrace(spans: readonly SpanRecord[]): { trace: JaegerTrace; orphans: string[] } {
  const st = stitchTrace(
    spans.map((s) => ({
      spanId: s.spanId,
      parentSpanId: s.parentSpanId,
      startUs: s.startUs,
      durationUs: s.durationUs,
      host: hostKey(s.process),
    })),
  );
  const processIds = new Map<string, string>();
  const processes: JaegerTrace['processes'] = {};
  for (const s of spans) {
    if (processIds.has(s.process.key)) continue;
    const id = `p${processIds.size + 1}`;
    processIds.set(s.process.key, id);
    processes[id] = { serviceName: s.process.service, tags: tagsOf(s.process.attributes, 'service.name') };
  }
  // Parents before children: depth-first from the roots (earliest first), then anything left (duplicates).
  const order: number[] = [];
  const seen = new Uint8Array(spans.length);
  const stack = [...st.roots].reverse();
  while (stack.length > 0) {
    const i = stack.pop()!;
    if (seen[i]) continue;
    seen[i] = 1;
    order.push(i);
    const kids = st.children[i]!;
    for (let k = kids.length - 1; k >= 0; k--) stack.push(kids[k]!);
  }
  for (let i = 0; i < spans.length; i++) if (!seen[i]) order.push(i);
  const orphanSet = new Set(st.orphans);
  const dupSet = new Set(st.duplicates);
  const shift = new Map(st.adjustments.map((a) => [a.spanId, a.deltaUs]));
  const out = order.map((i) => {
    const s = spans[i]!;
    const warnings: string[] = [];
    if (orphanSet.has(i) && s.parentSpanId !== null)
      warnings.push(`parent span ${s.parentSpanId} is not in the trace`);
    if (dupSet.has(i)) warnings.push(`duplicate span id ${s.spanId}`);
    const delta = dupSet.has(i) ? 0 : (shift.get(s.spanId) ?? 0);
    if (delta !== 0) warnings.push(`start adjusted by ${delta} µs for clock skew between hosts`);
    return {
      traceID: s.traceId,
      spanID: s.spanId,
      operationName: s.name,
      references: [
        ...(s.parentSpanId !== null
          ? [{ refType: 'CHILD_OF' as const, traceID: s.traceId, spanID: s.parentSpanId }]
          : []),
        ...s.links.map((l) => ({ refType: 'FOLLOWS_FROM' as const, traceID: l.traceId, spanID: l.spanId })),
      ],
      startTime: st.adjustedStartUs[i]!,
      duration: s.durationUs,
      tags: spanTags(s),
      logs: s.events.map((e) => ({
        timestamp: e.timeUs + delta,
        fields: [{ key: 'event', type: 'string' as const, value: e.name }, ...tagsOf(e.attributes)],
      })),
      processID: processIds.get(s.process.key)!,
      warnings: warnings.length > 0 ? warnings : null,
    };
  });
  const orphans = st.orphans.filter((i) => spans[i]!.parentSpanId !== null).map((i) => spans[i]!.spanId);
  const warnings =
    orphans.length > 0
      ? [
          `${orphans.length} span(s) whose parent is not stored: ${orphans.slice(0, MAX_LISTED_ORPHANS).join(', ')}${orphans.length > MAX_LISTED_ORPHANS ? ', …' : ''}`,
        ]
      : null;
  return { trace: { traceID: spans[0]!.traceId, spans: out, processes, warnings }, orphans };
}
