import { useEffect, useState, type FormEvent } from 'react';
import { LogLines, rowOfEntry, type LogRow } from '../components/LogLines.tsx';
import { ALL_LOGS_QUERY, LEVELS, searchLogs } from '../logsApi.ts';
import { TimeRangeSelect } from '../components/TimeRangeSelect.tsx';
import { routeHref, type Route } from '../route.ts';
import { windowOf } from '../timeWindow.ts';
import { useLogTail } from '../useLogTail.ts';

/** Lines one search shows. */
const SEARCH_LIMIT = 500;

/** The route parameters of this view (its URL state). */
const PARAMS = ['query', 'level', 'range', 'from', 'to', 'trace_id', 'span_id', 'live'] as const;

function paramsOf(route: Route): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const k of PARAMS) out[k] = route.params.get(k) ?? undefined;
  return out;
}

/** A log query narrowed to some levels by a label filter stage (the tail has no separate level parameter). */
function withLevels(query: string, levels: readonly string[]): string {
  return levels.length === 0 ? query : `${query} | level=~"${levels.join('|')}"`;
}

/**
 * The logs explorer (`#/logs?query=&level=&range=|from=&to=&trace_id=&span_id=&live=1`): a LogQL log query,
 * level filter and time window searched through GET /api/logs, newest first, each line expandable to all its
 * fields with a link to its trace; or a live tail of the query over WebSocket.
 */
export function LogsView({ route }: { route: Route }) {
  const p = paramsOf(route);
  const levels = (p['level'] ?? '').split(',').filter((l) => l !== '');
  const live = p['live'] === '1';
  const query = p['query'] ?? '';
  const [draft, setDraft] = useState(query);
  useEffect(() => setDraft(query), [query]);
  const [status, setStatus] = useState<{ error: string | null; note: string }>({ error: null, note: '' });
  const [tick, setTick] = useState(0);
  const key = route.params.toString();
  // The rows shown and the search they answer: until the current search's answer arrives, the rows of the previous
  // one stay on the page marked busy (aria-busy, dimmed), never passed off as the answer to the new one.
  const searchKey = `${key}#${tick}`;
  const [answer, setAnswer] = useState<{ key: string; rows: readonly LogRow[] }>({ key: '', rows: [] });
  const searching = answer.key !== searchKey;
  const rows = answer.rows;

  const go = (change: Record<string, string | undefined>): void => {
    location.hash = routeHref('logs', { ...p, ...change });
  };

  useEffect(() => {
    let cancelled = false;
    const w = windowOf(route.params, Date.now());
    setStatus({ error: null, note: 'searching…' });
    searchLogs({
      query,
      levels,
      traceId: p['trace_id'],
      spanId: p['span_id'],
      fromMs: w.fromMs,
      toMs: w.toMs,
      limit: SEARCH_LIMIT,
    }).then(
      (res) => {
        if (cancelled) return;
        setAnswer({ key: searchKey, rows: res.entries.map(rowOfEntry) });
        setStatus({
          error: null,
          note: `${res.entries.length} lines, ${res.scannedLines} scanned${res.truncated ? ' (scan bound reached: narrow the query or window)' : ''}`,
        });
      },
      (e: unknown) => {
        if (cancelled) return;
        setAnswer({ key: searchKey, rows: [] });
        setStatus({ error: e instanceof Error ? e.message : String(e), note: '' });
      },
    );
    return () => {
      cancelled = true;
    };
  }, [key, tick]);

  const tail = useLogTail(
    withLevels(query.trim() === '' ? ALL_LOGS_QUERY : query, levels),
    live && status.error === null,
    100,
  );
  const shown = live ? tail.rows : rows;

  const submit = (e: FormEvent): void => {
    e.preventDefault();
    if (draft === query) setTick((t) => t + 1);
    else go({ query: draft });
  };
  const toggleLevel = (level: string): void => {
    const next = levels.includes(level) ? levels.filter((l) => l !== level) : [...levels, level];
    go({ level: next.join(',') });
  };

  return (
    <section className="panel" data-testid="logs-view" aria-busy={!live && searching}>
      <h2>
        Logs
        {live && (
          <span className={`badge ${tail.connected ? 'health-up' : 'health-down'}`}>
            {tail.connected ? 'live' : 'offline'}
          </span>
        )}
      </h2>
      <form className="controls log-controls" onSubmit={submit}>
        <label className="grow">
          LogQL query
          <input
            className="mono"
            aria-label="LogQL query"
            value={draft}
            placeholder={`${ALL_LOGS_QUERY} |= "timeout"`}
            onChange={(e) => setDraft(e.target.value)}
          />
        </label>
        <TimeRangeSelect
          value={p['range'] ?? '1h'}
          fixedLabel={p['from'] && p['to'] ? 'linked window' : null}
          onChange={(range) => go({ range, from: undefined, to: undefined })}
        />
        <fieldset className="levels">
          <legend>Level</legend>
          {LEVELS.map((l) => (
            <label key={l}>
              <input type="checkbox" checked={levels.includes(l)} onChange={() => toggleLevel(l)} /> {l}
            </label>
          ))}
        </fieldset>
        <div className="buttons">
          <button type="submit">Search</button>
          <button type="button" aria-pressed={live} onClick={() => go({ live: live ? undefined : '1' })}>
            {live ? 'Stop live tail' : 'Live tail'}
          </button>
        </div>
      </form>
      {(p['trace_id'] || p['span_id']) && (
        <p className="muted">
          Lines of trace <span className="mono">{p['trace_id']}</span>
          {p['span_id'] ? (
            <>
              {' '}
              span <span className="mono">{p['span_id']}</span>
            </>
          ) : null}{' '}
          <a href={routeHref('logs', { ...p, trace_id: undefined, span_id: undefined })}>clear</a>
        </p>
      )}
      {status.error && <p className="error">{status.error}</p>}
      {live ? (
        <p className="muted">
          Following new lines
          {tail.dropped > 0 ? `; ${tail.dropped} dropped by the server because this page fell behind` : ''}.
          Live lines carry labels only: stop the tail to search with all fields.
          {tail.error && <span className="error"> {tail.error}</span>}
        </p>
      ) : (
        <p className="muted">{status.note}</p>
      )}
      <LogLines rows={shown} />
    </section>
  );
}
