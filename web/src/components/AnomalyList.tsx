import { useCallback, useEffect, useState } from 'react';
import { acknowledgeAnomaly, fetchAnomalies, liveUrl, type Anomaly, type LiveEvent } from '../api.ts';
import { AnomalyLinks } from './AnomalyLinks.tsx';
import {
  AnomalyFilters,
  anomalyNode,
  matchesFilter,
  seriesWindowHref,
  type AnomalyFilter,
} from './AnomalyFilters.tsx';

/** Anomalies kept in the page (newest first). */
const MAX_ANOMALIES = 100;

/** Four significant digits; an en dash for a number the API does not have (null). */
function fmt(v: number | null): string {
  if (v === null) return '–';
  return Number.isFinite(v) ? String(Number(v.toPrecision(4))) : String(v);
}

/** Which detectors voted (ensembles), else the detector's name. */
function votedBy(a: Anomaly): string {
  const voted = (a.votes ?? []).filter((v) => v.voted).map((v) => v.detector);
  return voted.length > 0 ? voted.join(' + ') : a.detector;
}

/**
 * Latest anomalies: loaded from /api/anomalies, then kept current by the /api/live websocket (reconnecting with
 * backoff up to 30 s; the list is reloaded after each reconnect). Acknowledge posts to the API. Rows show the node
 * (or instance), can be filtered by severity, state and text, and link to the metric's chart around the anomaly.
 */
export function AnomalyList() {
  const [items, setItems] = useState<readonly Anomaly[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [connected, setConnected] = useState(false);
  const [filter, setFilter] = useState<AnomalyFilter>({ severity: '', state: '', text: '' });

  const reload = useCallback(() => {
    fetchAnomalies(MAX_ANOMALIES).then(
      (a) => {
        setItems(a);
        setError(null);
      },
      (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
    );
  }, []);

  useEffect(() => {
    let ws: WebSocket | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let attempt = 0;
    let stopped = false;
    const open = (): void => {
      ws = new WebSocket(liveUrl());
      ws.onopen = () => {
        attempt = 0;
        setConnected(true);
        reload();
      };
      ws.onmessage = (msg: MessageEvent<string>) => {
        const e = JSON.parse(msg.data) as LiveEvent;
        if (e.type === 'anomaly') {
          setItems((prev) =>
            [e.anomaly, ...prev.filter((a) => a.id !== e.anomaly.id)].slice(0, MAX_ANOMALIES),
          );
        } else if (e.type === 'anomaly_resolved') {
          setItems((prev) =>
            prev.map((a) =>
              a.id === e.id
                ? {
                    ...a,
                    resolvedAtMs: e.resolvedAtMs,
                    ...(e.resolution !== undefined ? { resolution: e.resolution } : {}),
                  }
                : a,
            ),
          );
        }
      };
      ws.onclose = () => {
        setConnected(false);
        if (stopped) return;
        const delay = Math.min(30_000, 1000 * 2 ** attempt++);
        retry = setTimeout(open, delay);
      };
    };
    open();
    return () => {
      stopped = true;
      clearTimeout(retry);
      ws?.close();
    };
  }, [reload]);

  const acknowledge = async (id: number): Promise<void> => {
    try {
      const a = await acknowledgeAnomaly(id);
      setItems((prev) => prev.map((x) => (x.id === id ? a : x)));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  return (
    <section className="panel">
      <h2>
        Latest anomalies{' '}
        <span className={`badge ${connected ? 'health-up' : 'health-down'}`}>
          {connected ? 'live' : 'offline'}
        </span>
      </h2>
      {error && <p className="error">{error}</p>}
      <AnomalyFilters filter={filter} onChange={setFilter} />
      <table>
        <thead>
          <tr>
            <th>Started</th>
            <th>Severity</th>
            <th>Component</th>
            <th>Metric</th>
            <th>Node / instance</th>
            <th>Observed / band</th>
            <th>Deviation</th>
            <th>Detectors</th>
            <th>State</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {items
            .filter((a) => matchesFilter(a, filter))
            .map((a) => (
              <tr key={a.id} className={a.resolvedAtMs === null ? 'active' : 'resolved'}>
                <td>{new Date(a.startedAtMs).toLocaleTimeString()}</td>
                <td>
                  <span className={`badge sev-${a.severity}`}>{a.severity}</span>
                </td>
                <td>{a.component}</td>
                <td className="mono" title={`${a.summary}\n${a.seriesKey}`}>
                  <a href={seriesWindowHref(a)}>{a.metric}</a>
                  {a.detector === 'target_health' && <div className="muted">{a.summary}</div>}
                </td>
                <td>{anomalyNode(a)}</td>
                <td>
                  {fmt(a.observed)} / [{fmt(a.lower)}, {fmt(a.upper)}]
                </td>
                <td>
                  {a.deviation === null
                    ? '–'
                    : `${Math.abs(a.deviation) > 1000 ? (a.deviation > 0 ? '> +1000' : '< -1000') : fmt(a.deviation)}σ`}
                </td>
                <td title={`score ${fmt(a.score)}, confidence ${fmt(a.confidence)}`}>{votedBy(a)}</td>
                <td>
                  {a.resolvedAtMs === null
                    ? 'active'
                    : a.resolution !== undefined
                      ? `resolved (${a.resolution})`
                      : 'resolved'}
                </td>
                <td>
                  <AnomalyLinks anomaly={a} nowMs={Date.now()} />{' '}
                  {a.acknowledged ? (
                    <span className="muted">acknowledged</span>
                  ) : (
                    <button type="button" onClick={() => void acknowledge(a.id)}>
                      Acknowledge
                    </button>
                  )}
                </td>
              </tr>
            ))}
          {items.length === 0 && (
            <tr>
              <td colSpan={10}>No anomalies.</td>
            </tr>
          )}
        </tbody>
      </table>
    </section>
  );
}
