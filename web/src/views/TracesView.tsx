import { useEffect, useState, type FormEvent } from 'react';
import { spanNode, TraceWaterfall } from '../components/TraceWaterfall.tsx';
import { logsHref } from '../links.ts';
import { TimeRangeSelect } from '../components/TimeRangeSelect.tsx';
import { routeHref, type Route } from '../route.ts';
import { fmtDateTime, windowOf } from '../timeWindow.ts';
import {
  fetchOperations,
  fetchServices,
  fetchTrace,
  isErrorSpan,
  searchTraces,
  type JaegerTrace,
} from '../tracesApi.ts';

/** Traces one search lists. */
const SEARCH_LIMIT = 50;
/** Slack around a trace when linking to its nodes' logs, ms. */
const LOG_SLACK_MS = 30_000;

const PARAMS = [
  'service',
  'operation',
  'minDuration',
  'error',
  'node',
  'range',
  'from',
  'to',
  'trace',
] as const;

function paramsOf(route: Route): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const k of PARAMS) out[k] = route.params.get(k) ?? undefined;
  return out;
}

/** A duration in ms as ms or s. */
function fmtMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`;
}

/** Summary of a trace for the result list. */
function summary(t: JaegerTrace) {
  const start = Math.min(...t.spans.map((s) => s.startTime));
  const end = Math.max(...t.spans.map((s) => s.startTime + s.duration));
  const root = t.spans.find((s) => s.references.length === 0) ?? t.spans[0];
  const services = [...new Set(t.spans.map((s) => t.processes[s.processID]?.serviceName ?? '?'))];
  const nodes = [...new Set(t.spans.map((s) => spanNode(t, s)).filter((n): n is string => n !== undefined))];
  return {
    startMs: start / 1000,
    endMs: end / 1000,
    durationMs: (end - start) / 1000,
    root: root?.operationName ?? '',
    services,
    nodes,
    errors: t.spans.filter(isErrorSpan).length,
  };
}

/** One trace: header with links to its logs and its nodes' logs, then the waterfall. */
function TraceDetail({ traceId }: { traceId: string }) {
  const [state, setState] = useState<{ trace?: JaegerTrace; error?: string; missing?: boolean }>({});
  useEffect(() => {
    let cancelled = false;
    setState({});
    fetchTrace(traceId).then(
      (trace) => !cancelled && setState(trace ? { trace } : { missing: true }),
      (e: unknown) => !cancelled && setState({ error: e instanceof Error ? e.message : String(e) }),
    );
    return () => {
      cancelled = true;
    };
  }, [traceId]);
  if (state.error) return <p className="error">{state.error}</p>;
  if (state.missing)
    return (
      <p className="error">
        Trace {traceId} is not stored: not sampled, past retention, or its spans have not ended and been
        exported yet.
      </p>
    );
  if (!state.trace) return <p className="muted">Loading trace…</p>;
  const s = summary(state.trace);
  return (
    <div data-testid="trace-detail">
      <p>
        Trace <span className="mono">{traceId}</span> · {s.root} · {fmtMs(s.durationMs)} ·{' '}
        {state.trace.spans.length} spans · {s.services.join(', ')} ·{' '}
        {s.errors > 0 ? <span className="error">{s.errors} error spans</span> : 'no errors'}
      </p>
      <p>
        <a href={logsHref({ traceId, fromMs: s.startMs - LOG_SLACK_MS, toMs: s.endMs + LOG_SLACK_MS })}>
          logs of this trace
        </a>
        {s.nodes.length > 0 && (
          <>
            {' · '}
            <a
              href={logsHref({
                nodeIds: s.nodes,
                fromMs: s.startMs - LOG_SLACK_MS,
                toMs: s.endMs + LOG_SLACK_MS,
              })}
            >
              logs of its nodes ({s.nodes.join(', ')})
            </a>
          </>
        )}
      </p>
      <TraceWaterfall trace={state.trace} />
    </div>
  );
}

/**
 * Trace search and view (`#/traces?service=&operation=&minDuration=&error=1&node=&range=|from=&to=&trace=`):
 * traces from GET /api/traces, most recent first; choosing one shows its waterfall.
 */
export function TracesView({ route }: { route: Route }) {
  const p = paramsOf(route);
  const [services, setServices] = useState<readonly string[]>([]);
  const [operations, setOperations] = useState<readonly string[]>([]);
  const [status, setStatus] = useState<{ error: string | null; note: string }>({ error: null, note: '' });
  const [minDuration, setMinDuration] = useState(p['minDuration'] ?? '');
  const [node, setNode] = useState(p['node'] ?? '');
  const key = route.params.toString();
  // The trace list shown and the search it answers (the route without the opened trace): until the current
  // search's answer arrives, the previous list stays marked busy (aria-busy, dimmed).
  const searchKey = key.replace(/(^|&)trace=[^&]*/, '');
  const [answer, setAnswer] = useState<{ key: string; traces: readonly JaegerTrace[] }>({
    key: '',
    traces: [],
  });
  const searching = answer.key !== searchKey;
  const traces = answer.traces;
  const go = (change: Record<string, string | undefined>): void => {
    location.hash = routeHref('traces', { ...p, ...change });
  };

  useEffect(() => {
    fetchServices().then(setServices, () => setServices([]));
  }, []);
  useEffect(() => {
    if (!p['service']) return setOperations([]);
    fetchOperations(p['service']).then(setOperations, () => setOperations([]));
  }, [p['service']]);
  useEffect(() => {
    let cancelled = false;
    const w = windowOf(route.params, Date.now());
    setStatus({ error: null, note: 'searching…' });
    searchTraces({
      service: p['service'],
      operation: p['operation'],
      minDuration: p['minDuration'],
      errorOnly: p['error'] === '1',
      nodeId: p['node'],
      fromMs: w.fromMs,
      toMs: w.toMs,
      limit: SEARCH_LIMIT,
    }).then(
      (t) => {
        if (cancelled) return;
        setAnswer({ key: searchKey, traces: t });
        setStatus({ error: null, note: `${t.length} traces` });
      },
      (e: unknown) => {
        if (cancelled) return;
        setAnswer({ key: searchKey, traces: [] });
        setStatus({ error: e instanceof Error ? e.message : String(e), note: '' });
      },
    );
    return () => {
      cancelled = true;
    };
  }, [searchKey]);

  const submit = (e: FormEvent): void => {
    e.preventDefault();
    go({ minDuration: minDuration.trim() || undefined, node: node.trim() || undefined, trace: undefined });
  };

  return (
    <section className="panel" data-testid="traces-view" aria-busy={searching}>
      <h2>Traces</h2>
      <form className="controls" onSubmit={submit}>
        <label>
          Service
          <select
            aria-label="Service"
            value={p['service'] ?? ''}
            onChange={(e) => go({ service: e.target.value || undefined, operation: undefined })}
          >
            <option value="">all</option>
            {services.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <label>
          Operation
          <select
            aria-label="Operation"
            value={p['operation'] ?? ''}
            onChange={(e) => go({ operation: e.target.value || undefined })}
          >
            <option value="">all</option>
            {operations.map((o) => (
              <option key={o}>{o}</option>
            ))}
          </select>
        </label>
        <label>
          Min duration
          <input
            aria-label="Min duration"
            value={minDuration}
            placeholder="e.g. 250ms"
            onChange={(e) => setMinDuration(e.target.value)}
          />
        </label>
        <label>
          Node
          <input
            aria-label="Node"
            value={node}
            placeholder="e.g. node-1"
            onChange={(e) => setNode(e.target.value)}
          />
        </label>
        <TimeRangeSelect
          value={p['range'] ?? '1h'}
          fixedLabel={p['from'] && p['to'] ? 'linked window' : null}
          onChange={(range) => go({ range, from: undefined, to: undefined })}
        />
        <label className="inline">
          <input
            type="checkbox"
            checked={p['error'] === '1'}
            onChange={() => go({ error: p['error'] === '1' ? undefined : '1' })}
          />{' '}
          errors only
        </label>
        <div className="buttons">
          <button type="submit">Search</button>
        </div>
      </form>
      {p['trace'] && (
        <div className="trace-open">
          <TraceDetail traceId={p['trace']} />
          <a href={routeHref('traces', { ...p, trace: undefined })}>close trace</a>
        </div>
      )}
      {status.error ? <p className="error">{status.error}</p> : <p className="muted">{status.note}</p>}
      <table data-testid="trace-results">
        <thead>
          <tr>
            <th>Started</th>
            <th>Root operation</th>
            <th>Services</th>
            <th>Nodes</th>
            <th>Spans</th>
            <th>Duration</th>
            <th>Errors</th>
          </tr>
        </thead>
        <tbody>
          {[...traces]
            .map((t) => ({ t, s: summary(t) }))
            .sort((a, b) => b.s.startMs - a.s.startMs)
            .map(({ t, s }) => {
              return (
                <tr key={t.traceID} className={p['trace'] === t.traceID ? 'selected' : ''}>
                  <td className="nowrap">
                    <a href={routeHref('traces', { ...p, trace: t.traceID })}>{fmtDateTime(s.startMs)}</a>
                  </td>
                  <td>{s.root}</td>
                  <td>{s.services.join(', ')}</td>
                  <td>{s.nodes.join(', ')}</td>
                  <td>{t.spans.length}</td>
                  <td>{fmtMs(s.durationMs)}</td>
                  <td className={s.errors > 0 ? 'error' : ''}>{s.errors}</td>
                </tr>
              );
            })}
          {traces.length === 0 && (
            <tr>
              <td colSpan={7}>No traces.</td>
            </tr>
          )}
        </tbody>
      </table>
    </section>
  );
}
