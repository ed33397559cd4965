import { useEffect, useState } from 'react';
import type { DashboardData, DashboardLiveMessage } from '../../../src/contract/dashboards.ts';
import { dashboardLiveUrl } from './dashboardsApi.ts';
import type { SelectedVars } from './variables.ts';

/** State of a dashboard's live updates: the latest data (kept while disconnected), the last error, and whether the socket is open. */
export interface LiveState {
  readonly data: DashboardData | undefined;
  readonly error: string | null;
  readonly connected: boolean;
  /** When the latest data arrived (Unix ms). */
  readonly receivedAtMs: number | null;
}

/** Reconnect delay after the socket closes, ms. */
const RECONNECT_MS = 3000;

/**
 * Widget data of dashboard `id` over WS /ws/dashboards/{id}: the server pushes on connecting and at the
 * dashboard's refresh interval, evaluated with the selected variable values `vars`. A closed socket is reopened
 * every 3 s while mounted; `generation` or other `vars` force a new connection (e.g. after saving, so the new
 * widgets are evaluated at once).
 */
export function useDashboardLive(id: string, generation: number, vars: SelectedVars): LiveState {
  const varsKey = JSON.stringify(vars);
  const [state, setState] = useState<LiveState>({
    data: undefined,
    error: null,
    connected: false,
    receivedAtMs: null,
  });
  useEffect(() => {
    let socket: WebSocket | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const open = (): void => {
      socket = new WebSocket(dashboardLiveUrl(id, JSON.parse(varsKey) as SelectedVars));
      socket.onopen = () => setState((s) => ({ ...s, connected: true }));
      socket.onmessage = (ev: MessageEvent<string>) => {
        const msg = JSON.parse(ev.data) as DashboardLiveMessage;
        if (msg.type === 'data')
          setState({ data: msg.data, error: null, connected: true, receivedAtMs: Date.now() });
        else setState((s) => ({ ...s, error: msg.error }));
      };
      socket.onclose = () => {
        setState((s) => ({ ...s, connected: false }));
        if (!stopped) timer = setTimeout(open, RECONNECT_MS);
      };
    };
    open();
    return () => {
      stopped = true;
      clearTimeout(timer);
      socket?.close();
    };
  }, [id, generation, varsKey]);
  return state;
}
