/** The WebSocket heartbeat and client wiring shared by the live routes (src/server/routes/ws-liveness.ts). */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import type { WebSocket } from 'ws';
import { startHeartbeat, watchClient, type Liveness } from '../../../../src/server/routes/ws-liveness.ts';

/** A socket that records pings and terminations. */
class FakeSocket extends EventEmitter {
  pings = 0;
  terminated = 0;
  ping(): void {
    this.pings++;
  }
  terminate(): void {
    this.terminated++;
  }
}
const asWs = (s: FakeSocket) => s as unknown as WebSocket;

describe('WebSocket liveness', () => {
  it('pings every client; one that did not answer the previous ping is terminated, one that answers is kept', async () => {
    const answering = new FakeSocket();
    const silent = new FakeSocket();
    const clients = new Map<WebSocket, Liveness>([
      [asWs(answering), { alive: true }],
      [asWs(silent), { alive: true }],
    ]);
    const timer = startHeartbeat(() => clients, 20);
    try {
      for (let i = 0; i < 100 && silent.terminated === 0; i++) {
        await sleep(10);
        clients.get(asWs(answering))!.alive = true; // its pong
      }
    } finally {
      clearInterval(timer);
    }
    assert.equal(silent.pings, 1, 'pinged once, then terminated at the next beat');
    assert.ok(silent.terminated >= 1);
    assert.equal(answering.terminated, 0);
    assert.ok(answering.pings >= 2);
  });

  it('wires one client: pong marks it alive, close removes it, an error removes and terminates it', () => {
    const s = new FakeSocket();
    const state: Liveness = { alive: false };
    let removed = 0;
    watchClient(asWs(s), state, () => removed++);
    s.emit('pong');
    assert.equal(state.alive, true);
    s.emit('message', Buffer.from('ignored'));
    s.emit('close');
    assert.equal(removed, 1);
    s.emit('error', new Error('reset'));
    assert.deepEqual([removed, s.terminated], [2, 1]);
  });
});
