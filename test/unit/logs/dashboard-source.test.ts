/** The logs widget's source over a real SQLite log store: label and level matchers, words, window, order, bounds. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DashboardLogSource } from '../../../src/logs/dashboard-source.ts';
import { LogQueryService } from '../../../src/logs/query-service.ts';
import type { LogStore } from '../../../src/logs/store/log-store.ts';
import { openSqliteLogStore } from '../../../src/logs/store/open.ts';
import { InvalidInputError } from '../../../src/errors.ts';
import { NOW, logRecord } from '../../helpers/log-store-contract.ts';

const DAY = 86_400_000;

describe('DashboardLogSource', () => {
  let store: LogStore;
  let source: DashboardLogSource;
  before(async () => {
    store = await openSqliteLogStore(':memory:', {
      retentionMs: { debug: DAY, info: DAY, warn: DAY, error: DAY, fatal: DAY },
    });
    await store.insertLogs([
      logRecord(60_000, {
        body: 'transfer attempt 1 timed out, retrying',
        level: 'warn',
        nodeId: 'node-2',
        traceId: 'a'.repeat(32),
        spanId: 'b'.repeat(16),
      }),
      logRecord(30_000, { body: 'migration vm-7 failed', level: 'error', nodeId: 'node-2' }),
      logRecord(20_000, { body: 'migration vm-8 done', level: 'info', nodeId: 'node-1' }),
      logRecord(3_600_000, { body: 'migration vm-1 failed', level: 'error', nodeId: 'node-2' }),
    ]);
    source = new DashboardLogSource(new LogQueryService(store));
  });
  after(async () => {
    await store.close();
  });
  const window = { startMs: NOW - 600_000, endMs: NOW };

  it('matches labels and the level, newest first, inside the window', async () => {
    const lines = await source.search({ ...window, match: { node_id: 'node-2' }, limit: 10 });
    assert.deepEqual(
      lines.map((l) => [l.level, l.message]),
      [
        ['error', 'migration vm-7 failed'],
        ['warn', 'transfer attempt 1 timed out, retrying'],
      ],
    );
    assert.equal(lines[1]!.timeMs, NOW - 60_000);
    assert.equal(lines[1]!.labels.trace_id, 'a'.repeat(32));
    assert.equal(lines[0]!.labels.trace_id, undefined, 'no trace id label on a line outside a trace');
    const errors = await source.search({ ...window, match: { level: 'error' }, limit: 10 });
    assert.deepEqual(
      errors.map((l) => l.message),
      ['migration vm-7 failed'],
    );
  });

  it('requires every word and honours the limit', async () => {
    assert.deepEqual(
      (await source.search({ ...window, search: 'migration failed', match: {}, limit: 10 })).map(
        (l) => l.message,
      ),
      ['migration vm-7 failed'],
    );
    assert.equal((await source.search({ ...window, match: {}, limit: 2 })).length, 2);
  });

  it('refuses labels logs do not have and unknown levels', async () => {
    await assert.rejects(
      source.search({ ...window, match: { instance: 'x' }, limit: 10 }),
      (e: unknown) => e instanceof InvalidInputError && /no label "instance"/.test(e.message),
    );
    await assert.rejects(
      source.search({ ...window, match: { level: 'loud' }, limit: 10 }),
      (e: unknown) => e instanceof InvalidInputError && /unknown log level/.test(e.message),
    );
  });
});
