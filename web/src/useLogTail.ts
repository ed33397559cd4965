import { useEffect, useState } from 'react';
import { rowOfStream, type LogRow } from './components/LogLines.tsx';
import { tailUrl, type LokiTailMessage } from './logsApi.ts';

/** Lines kept by the live view (oldest are let go). */
export const MAX_TAIL_ROWS = 1000;

/** State of {@link useLogTail}. */
export interface TailState {
  /** Newest first. */
  readonly rows: readonly LogRow[];
  readonly connected: boolean;
  /** Entries the server dropped because this page fell behind. */
  readonly dropped: number;
  /** Why the server closed the tail (e.g. a query that does not parse), or null. */
  readonly error: string | null;
}

/**
 * Follows WS /loki/api/v1/tail for a LogQL query while `enabled`: the server's history first, then new lines;
 * keeps at most {@link MAX_TAIL_ROWS}. No reconnect: a closed tail shows its reason.
 */
export function useLogTail(query: string, enabled: boolean, historyLimit: number): TailState {
  const [state, setState] = useState<TailState>({ rows: [], connected: false, dropped: 0, error: null });
  useEffect(() => {
    if (!enabled) return undefined;
    setState({ rows: [], connected: false, dropped: 0, error: null });
    let seq = 0;
    const ws = new WebSocket(tailUrl(query, historyLimit));
    ws.onopen = () => setState((s) => ({ ...s, connected: true }));
    ws.onmessage = (msg: MessageEvent<string>) => {
      const m = JSON.parse(msg.data) as LokiTailMessage;
      const fresh: LogRow[] = [];
      for (const s of m.streams)
        for (const [ns, line] of s.values) fresh.push(rowOfStream(s.stream, ns, line, seq++));
      fresh.sort((a, b) => b.timeMs - a.timeMs);
      setState((s) => ({
        ...s,
        rows: [...fresh, ...s.rows].slice(0, MAX_TAIL_ROWS),
        dropped: s.dropped + m.dropped_entries.length,
      }));
    };
    ws.onclose = (e) =>
      setState((s) => ({
        ...s,
        connected: false,
        error:
          e.code === 1000 || e.code === 1005
            ? s.error
            : `live tail closed (${e.code}${e.reason ? `: ${e.reason}` : ''})`,
      }));
    ws.onerror = () => setState((s) => ({ ...s, error: 'live tail refused (check the query)' }));
    return () => ws.close();
  }, [query, enabled, historyLimit]);
  return state;
}
