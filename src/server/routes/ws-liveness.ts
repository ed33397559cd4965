/**
 * Liveness of the API's WebSocket clients (live events, the Loki live tail, dashboard live updates): a heartbeat
 * that pings every client each interval and terminates those that did not answer the previous ping, and the
 * wiring of one socket (pong marks it alive, close and error remove it, its messages are ignored).
 * @see https://github.com/websockets/ws#how-to-detect-and-close-broken-connections
 */
import type { WebSocket } from 'ws';

/** What the heartbeat keeps per client: whether it answered since the last ping. */
export interface Liveness {
  alive: boolean;
}

/**
 * Every `intervalMs`, terminates each client of `clients()` that has not answered the previous ping and pings
 * the others. The timer does not keep the process alive; clear it when the app closes.
 */
export function startHeartbeat(
  clients: () => Iterable<readonly [WebSocket, Liveness]>,
  intervalMs: number,
): NodeJS.Timeout {
  const ping = setInterval(() => {
    for (const [socket, state] of clients()) {
      if (!state.alive) {
        socket.terminate();
        continue;
      }
      state.alive = false;
      socket.ping();
    }
  }, intervalMs);
  ping.unref();
  return ping;
}

/**
 * Wires one client: `remove` on close, and on an error `remove` then terminate; a pong marks `state` alive;
 * messages from the client are ignored (ws caps their size).
 */
export function watchClient(socket: WebSocket, state: Liveness, remove: () => void): void {
  socket.on('close', remove);
  socket.on('error', () => {
    remove();
    socket.terminate();
  });
  socket.on('pong', () => {
    state.alive = true;
  });
  socket.on('message', () => undefined);
}
