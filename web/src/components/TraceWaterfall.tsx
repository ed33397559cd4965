import { useState } from 'react';
import { logsHref } from '../links.ts';
import { isErrorSpan, NODE_ID_TAG, tagValue, type JaegerSpan, type JaegerTrace } from '../tracesApi.ts';

/**
 * Slack around the trace when linking to a span's logs, ms: a span's lines may be written outside the span
 * itself (e.g. the outcome of a transfer logged when the whole migration ends) and are stamped by node clocks.
 */
const LOG_SLACK_MS = 30_000;

/** Spans in tree order (parents before children, siblings by start) with their depth. */
export function spanTree(trace: JaegerTrace): { readonly span: JaegerSpan; readonly depth: number }[] {
  const ids = new Set(trace.spans.map((s) => s.spanID));
  const children = new Map<string, JaegerSpan[]>();
  const roots: JaegerSpan[] = [];
  for (const s of trace.spans) {
    const parent = s.references.find((r) => r.refType === 'CHILD_OF' && ids.has(r.spanID))?.spanID;
    if (parent === undefined) roots.push(s);
    else children.set(parent, [...(children.get(parent) ?? []), s]);
  }
  const out: { span: JaegerSpan; depth: number }[] = [];
  const visit = (s: JaegerSpan, depth: number): void => {
    out.push({ span: s, depth });
    for (const c of (children.get(s.spanID) ?? []).sort((a, b) => a.startTime - b.startTime))
      visit(c, depth + 1);
  };
  for (const r of roots.sort((a, b) => a.startTime - b.startTime)) visit(r, 0);
  return out;
}

/** The node of a span: its `dwcp.node.id` tag, else its process's `service.instance.id`. */
export function spanNode(trace: JaegerTrace, s: JaegerSpan): string | undefined {
  return (
    tagValue(s.tags, NODE_ID_TAG) ?? tagValue(trace.processes[s.processID]?.tags ?? [], 'service.instance.id')
  );
}

function fmtUs(us: number): string {
  return us >= 1e6
    ? `${(us / 1e6).toFixed(2)} s`
    : us >= 1000
      ? `${(us / 1000).toFixed(1)} ms`
      : `${Math.round(us)} µs`;
}

/** One span's details: service, status, attributes (span and process), events, and a link to its logs over the trace's window. */
function SpanDetails({
  trace,
  span,
  bounds,
}: {
  trace: JaegerTrace;
  span: JaegerSpan;
  bounds: { startUs: number; endUs: number };
}) {
  const process = trace.processes[span.processID];
  return (
    <div className="span-details" data-testid="span-details">
      <p>
        <strong>{span.operationName}</strong> · {process?.serviceName} · {fmtUs(span.duration)} · status{' '}
        {tagValue(span.tags, 'otel.status_code') ?? 'UNSET'}
        {tagValue(span.tags, 'otel.status_description')
          ? `: ${tagValue(span.tags, 'otel.status_description')}`
          : ''}{' '}
        <a
          href={logsHref({
            traceId: trace.traceID,
            spanId: span.spanID,
            fromMs: bounds.startUs / 1000 - LOG_SLACK_MS,
            toMs: bounds.endUs / 1000 + LOG_SLACK_MS,
          })}
        >
          logs of this span
        </a>
      </p>
      <div className="details">
        <div>
          <strong>Attributes</strong>
          <table>
            <tbody>
              {[...span.tags, ...(process?.tags ?? [])].map((t, i) => (
                <tr key={`${t.key}-${i}`}>
                  <td className="mono">{t.key}</td>
                  <td className="mono">{String(t.value)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <div>
          <strong>Events ({span.logs.length})</strong>
          <ul>
            {span.logs.map((l, i) => (
              <li key={i}>
                +{fmtUs(l.timestamp - span.startTime)}{' '}
                {l.fields.map((f) => `${f.key}=${String(f.value)}`).join(' ')}
              </li>
            ))}
          </ul>
          {span.warnings && span.warnings.length > 0 && <p className="warning">{span.warnings.join('; ')}</p>}
        </div>
      </div>
    </div>
  );
}

/**
 * A trace as a waterfall: one row per span in tree order, a bar placed on the trace's time axis, service, node
 * and region; error spans marked. Clicking a span shows its details.
 */
export function TraceWaterfall({ trace }: { trace: JaegerTrace }) {
  const [selected, setSelected] = useState<string | null>(null);
  const rows = spanTree(trace);
  const start = Math.min(...trace.spans.map((s) => s.startTime));
  const end = Math.max(...trace.spans.map((s) => s.startTime + s.duration));
  const total = Math.max(1, end - start);
  const picked = trace.spans.find((s) => s.spanID === selected);
  return (
    <div data-testid="trace-waterfall">
      {trace.warnings && trace.warnings.length > 0 && <p className="warning">{trace.warnings.join('; ')}</p>}
      <table className="waterfall">
        <thead>
          <tr>
            <th>Span</th>
            <th>Service · node · region</th>
            <th>Duration</th>
            <th className="waterfall-axis">0 – {fmtUs(total)}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ span, depth }) => {
            const process = trace.processes[span.processID];
            const region =
              tagValue(span.tags, 'dwcp.region') ?? tagValue(process?.tags ?? [], 'cloud.region') ?? '';
            const error = isErrorSpan(span);
            return (
              <tr
                key={span.spanID}
                className={`span-row ${selected === span.spanID ? 'selected' : ''}`}
                onClick={() => setSelected(selected === span.spanID ? null : span.spanID)}
              >
                <td style={{ paddingLeft: `${0.5 + depth * 1.1}rem` }} className={error ? 'error' : ''}>
                  {error ? '⚠ ' : ''}
                  {span.operationName}
                </td>
                <td className="muted nowrap">
                  {process?.serviceName} · {spanNode(trace, span) ?? '?'} · {region}
                </td>
                <td className="nowrap">{fmtUs(span.duration)}</td>
                <td className="waterfall-axis">
                  <div
                    className={`span-bar ${error ? 'span-error' : ''}`}
                    style={{
                      left: `${((span.startTime - start) / total) * 100}%`,
                      width: `${Math.max(0.3, (span.duration / total) * 100)}%`,
                    }}
                    title={fmtUs(span.duration)}
                  />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {picked && <SpanDetails trace={trace} span={picked} bounds={{ startUs: start, endUs: end }} />}
    </div>
  );
}
