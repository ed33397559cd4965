/**
 * The live-tail hub: entries reach the subscriptions whose LogQL query they match, grouped in Loki streams;
 * each limit holds (buffered entries per client with drops counted and the first ones reported, dropped
 * entries named per message, clients in all); bad queries are refused.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LimitExceededError } from '../../../src/errors.ts';
import type { LogRecord } from '../../../src/logs/record.ts';
import { LogTailHub } from '../../../src/logs/tail-hub.ts';

function rec(timeUs: number, body: string, over: Partial<LogRecord> = {}): LogRecord {
  return {
    timeUs,
    level: 'info',
    service: 'dwcp-node',
    nodeId: 'node-1',
    region: 'us-east',
    component: 'transport',
    traceId: '',
    spanId: '',
    body,
    attributes: {},
    ...over,
  };
}

describe('LogTailHub', () => {
  it('sends matching entries only, oldest first, grouped in streams', () => {
    const hub = new LogTailHub();
    let calls = 0;
    const sub = hub.subscribe('{service="dwcp-node", level=~"warn|error"} |= "timeout"', () => calls++);
    hub.publish([
      rec(3, 'peer timeout', { level: 'error' }),
      rec(1, 'timeout again', { level: 'warn', nodeId: 'node-2' }),
      rec(2, 'peer timeout', { level: 'info' }),
      rec(4, 'ok', { level: 'error' }),
    ]);
    hub.publish([rec(5, 'no match')]);
    assert.equal(calls, 1);
    assert.equal(sub.pending, 2);
    const msg = sub.take();
    assert.deepEqual(msg, {
      streams: [
        {
          stream: {
            service: 'dwcp-node',
            node_id: 'node-2',
            region: 'us-east',
            level: 'warn',
            component: 'transport',
          },
          values: [['1000', 'timeout again']],
        },
        {
          stream: {
            service: 'dwcp-node',
            node_id: 'node-1',
            region: 'us-east',
            level: 'error',
            component: 'transport',
          },
          values: [['3000', 'peer timeout']],
        },
      ],
      dropped_entries: [],
    });
    assert.equal(sub.pending, 0);
    assert.deepEqual(sub.take(), { streams: [], dropped_entries: [] });
  });

  it('holds at most maxBufferedEntries per client; the rest are dropped, counted and the first ones named', () => {
    const hub = new LogTailHub({ maxBufferedEntries: 3, maxDroppedReported: 2 });
    const slow = hub.subscribe('{node_id="node-1"}', () => undefined);
    const fast = hub.subscribe('{node_id="node-1"}', () => undefined);
    hub.publish([rec(1, 'a'), rec(2, 'b')]);
    assert.equal(fast.take().streams[0]?.values.length, 2);
    hub.publish([rec(3, 'c'), rec(4, 'd'), rec(5, 'e'), rec(6, 'f')]);
    assert.equal(slow.pending, 3);
    assert.equal(slow.droppedTotal, 3);
    assert.equal(fast.pending, 3);
    assert.equal(fast.droppedTotal, 1);
    const msg = slow.take();
    assert.deepEqual(
      msg.streams[0]?.values.map((v) => v[1]),
      ['a', 'b', 'c'],
    );
    assert.deepEqual(
      msg.dropped_entries.map((d) => d.timestamp),
      ['4000', '5000'],
    );
    assert.equal(msg.dropped_entries[0]?.labels['node_id'], 'node-1');
    assert.equal(hub.droppedTotal, 4);
    // After taking, the client has room again and no stale drop reports.
    hub.publish([rec(7, 'g')]);
    assert.deepEqual(slow.take(), {
      streams: [{ stream: msg.streams[0]!.stream, values: [['7000', 'g']] }],
      dropped_entries: [],
    });
  });

  it('reports every drop to onDropped, per client, and nothing when no entry is dropped', () => {
    const reported: number[] = [];
    const hub = new LogTailHub({ maxBufferedEntries: 2 }, (n) => reported.push(n));
    const slow = hub.subscribe('{node_id="node-1"}', () => undefined);
    hub.subscribe('{node_id="node-2"}', () => undefined);
    hub.publish([rec(1, 'a'), rec(2, 'b')]);
    assert.deepEqual(reported, []);
    hub.publish([rec(3, 'c'), rec(4, 'd'), rec(5, 'e', { nodeId: 'node-2' })]);
    assert.deepEqual(reported, [2]);
    slow.close();
    hub.publish([rec(6, 'f')]);
    assert.deepEqual(reported, [2]);
    assert.equal(hub.droppedTotal, 2);
  });

  it('take(skip) leaves out entries the client already has', () => {
    const hub = new LogTailHub();
    const sub = hub.subscribe('{node_id="node-1"}', () => undefined);
    hub.publish([rec(1, 'seen'), rec(2, 'new')]);
    const msg = sub.take(
      (timeUs, labels, line) => timeUs === 1 && labels['node_id'] === 'node-1' && line === 'seen',
    );
    assert.deepEqual(msg.streams[0]?.values, [['2000', 'new']]);
    assert.equal(sub.pending, 0);
  });

  it('refuses a client over maxClients and frees the slot on close', () => {
    const hub = new LogTailHub({ maxClients: 2 });
    const a = hub.subscribe('{level="error"}', () => undefined);
    hub.subscribe('{level="error"}', () => undefined);
    assert.throws(() => hub.subscribe('{level="error"}', () => undefined), LimitExceededError);
    assert.equal(hub.clients, 2);
    a.close();
    a.close();
    assert.equal(hub.clients, 1);
    hub.publish([rec(1, 'x', { level: 'error' })]);
    assert.equal(a.pending, 0);
    hub.subscribe('{level="error"}', () => undefined);
    assert.equal(hub.clients, 2);
  });

  it('refuses bad queries, metric queries and bad limits with InvalidInputError', () => {
    const hub = new LogTailHub();
    assert.throws(() => hub.subscribe('{level="error"', () => undefined), { code: 'DWCP_INVALID_INPUT' });
    assert.throws(() => hub.subscribe('rate({level="error"}[1m])', () => undefined), /not a metric query/);
    assert.equal(hub.clients, 0);
    assert.throws(() => new LogTailHub({ maxClients: 0 }), /maxClients must be a positive integer/);
    assert.throws(() => new LogTailHub({ maxBufferedEntries: 1.5 }), /maxBufferedEntries/);
  });
});
