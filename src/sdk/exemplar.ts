/**
 * Trace exemplars of the SDK's latency histograms: the trace and span of one observed operation, attached to the
 * histogram bucket the observation fell in (OpenMetrics exemplars, rendered only in the OpenMetrics format).
 * Label names follow the OpenTelemetry → Prometheus convention (`trace_id`, `span_id`), which Grafana's
 * exemplar links read.
 * @see https://github.com/OpenObservability/OpenMetrics/blob/main/specification/OpenMetrics.md#exemplars
 * @see https://opentelemetry.io/docs/specs/otel/compatibility/prometheus_and_openmetrics/#exemplars
 */
import type { Histogram } from 'prom-client';

/** The span an observation belongs to: lowercase hex ids (32 and 16 digits). */
export interface TraceExemplar {
  readonly traceId: string;
  readonly spanId: string;
}

const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/**
 * The exemplar of a W3C `traceparent` header value when its span is sampled (flag 01), else undefined: an
 * exemplar must point at a trace the backend will have.
 * @see https://www.w3.org/TR/trace-context/#traceparent-header
 */
export function exemplarOfTraceparent(traceparent: string | undefined): TraceExemplar | undefined {
  const m = TRACEPARENT.exec(traceparent ?? '');
  if (!m || (parseInt(m[3]!, 16) & 1) === 0) return undefined;
  return { traceId: m[1]!, spanId: m[2]! };
}

/**
 * Observes `value` on a histogram created with exemplars enabled (catalog `exemplars: true`), with the
 * exemplar's `trace_id` and `span_id` when one is given (the bucket keeps its latest exemplar).
 */
export function observeWithExemplar(
  h: Histogram<string>,
  labels: Record<string, string>,
  value: number,
  exemplar: TraceExemplar | undefined,
): void {
  h.observe({
    labels,
    value,
    ...(exemplar ? { exemplarLabels: { trace_id: exemplar.traceId, span_id: exemplar.spanId } } : {}),
  });
}
