import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseMonitorConfig } from '../../../src/config.ts';
import { logStoreOptions, openLogStore } from '../../../src/compose/stores.ts';
import { LimitExceededError } from '../../../src/errors.ts';
import type { LogRecord } from '../../../src/logs/record.ts';
import { configError } from '../../helpers/config-error.ts';

function records(n: number, nowMs: number): LogRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    timeUs: (nowMs - 1000) * 1000 + i,
    level: 'info' as const,
    service: 'dwcp',
    nodeId: 'node-1',
    region: 'r1',
    component: 'transport',
    traceId: '',
    spanId: '',
    body: `line ${i}`,
    attributes: {},
  }));
}

describe('configuration: logs.maxQueuedEntries and logs.maxGroupEntries', () => {
  it('defaults to the store defaults and passes set values to the log store', () => {
    const d = logStoreOptions(parseMonitorConfig({}).logs);
    assert.equal(d.maxQueuedEntries, 50_000);
    assert.equal(d.maxGroupEntries, 16_000);
    const c = logStoreOptions(
      parseMonitorConfig({ logs: { maxQueuedEntries: 2000, maxGroupEntries: 500 } }).logs,
    );
    assert.equal(c.maxQueuedEntries, 2000);
    assert.equal(c.maxGroupEntries, 500);
  });

  it('refuses a bad value with an error naming the key', () => {
    for (const [key, value] of [
      ['maxQueuedEntries', 0],
      ['maxQueuedEntries', -5],
      ['maxQueuedEntries', 1.5],
      ['maxQueuedEntries', 'many'],
      ['maxGroupEntries', 0],
      ['maxGroupEntries', 2_000_000],
    ] as const) {
      const msg = configError({ logs: { [key]: value } });
      assert.match(msg, new RegExp(`logs\\.${key}`), msg);
      assert.doesNotMatch(msg, /unrecognized|unknown key/i, msg);
    }
  });

  it('a configured queue bound refuses a push beyond it at once, nothing of it stored', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dwcp-logs-queue-'));
    const config = parseMonitorConfig({ logs: { path: join(dir, 'logs.db'), maxQueuedEntries: 1000 } });
    const store = await openLogStore(config);
    assert.ok(store !== undefined);
    try {
      const now = Date.now();
      // handed in together: the first waits for its commit, the second would put 1200 entries in the queue
      const [a, b] = await Promise.allSettled([
        store.insertLogs(records(600, now)),
        store.insertLogs(records(600, now)),
      ]);
      assert.equal(a.status, 'fulfilled');
      assert.equal(b.status, 'rejected');
      assert.ok(b.reason instanceof LimitExceededError, String(b.reason));
      assert.equal(await store.count(), 600);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
