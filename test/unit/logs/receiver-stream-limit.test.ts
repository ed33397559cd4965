/**
 * The receiver against a log store at its maximum of streams: entries of new label sets are refused per entry as
 * `stream_limit` (counted, named); the rest are stored and published.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { LogReceiver } from '../../../src/logs/receiver.ts';
import { LogRequestError } from '../../../src/logs/request-error.ts';
import { openSqliteLogStore } from '../../../src/logs/store/open.ts';
import { lokiJson } from '../../helpers/log-push.ts';

const NOW = Date.UTC(2026, 0, 1, 12);
const DAY = 86_400_000;

describe('stream limit of the store', () => {
  it('entries of new label sets beyond the cap are rejected as stream_limit (counted, named), the rest stored and published', async () => {
    const store = await openSqliteLogStore(':memory:', {
      retentionMs: { debug: DAY, info: DAY, warn: DAY, error: DAY, fatal: DAY },
      maxStreams: 1,
    });
    try {
      const registry = new Registry();
      const published: string[] = [];
      const rx = new LogReceiver(store, {
        registry,
        now: () => NOW,
        onStored: (rs) => published.push(...rs.map((r) => r.body)),
      });
      const push = (streams: Parameters<typeof lokiJson>[0]) =>
        rx.receiveLoki({
          body: lokiJson(streams),
          contentType: 'application/json',
          contentEncoding: undefined,
        });
      const r = await push([
        { labels: { service_name: 'a', node_id: 'n1' }, entries: [[NOW - 2000, 'kept']] },
        {
          labels: { service_name: 'a', node_id: 'n2' },
          entries: [
            [NOW - 1000, 'refused'],
            [NOW - 900, 'refused too'],
          ],
        },
      ]);
      assert.deepEqual([r.accepted, r.rejected], [1, 2]);
      assert.match(
        r.messages.join(),
        /2 entries refused: their label set is a new stream and the log store holds its maximum of streams/,
      );
      assert.deepEqual(published, ['kept']);
      await assert.rejects(
        push([{ labels: { service_name: 'a', node_id: 'n3' }, entries: [[NOW - 500, 'refused']] }]),
        (e: unknown) => e instanceof LogRequestError && /maximum of streams/.test(e.message),
      );
      const m = await registry.getSingleMetric('dwcp_monitor_log_entries_rejected_total')!.get();
      assert.equal(m.values.find((v) => v.labels['reason'] === 'stream_limit')?.value, 3);
      assert.equal(await store.count(), 1);
    } finally {
      await store.close();
    }
  });
});
