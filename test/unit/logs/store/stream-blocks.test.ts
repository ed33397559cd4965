/**
 * The stream index's open blocks (src/logs/store/stream-blocks.ts) and their memory bound: a block is sealed when
 * full or when its first id trails the newest by the open span, so a store's open blocks hold fewer entries than
 * the span (plus one commit's entries) however many streams write; blocks round-trip through their blobs.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { openSqliteLogStore } from '../../../../src/logs/store/open.ts';
import { blockRow, decodeNumbers, OpenBlocks } from '../../../../src/logs/store/stream-blocks.ts';
import { logRecord, RETENTION } from '../../../helpers/log-store-fixtures.ts';

describe('stream blocks', () => {
  it('a block row holds its entries exactly, by time then id, with their smallest and largest time and id', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 2 ** 40 }), fc.integer({ min: 0, max: 2 ** 52 })), {
          minLength: 1,
          maxLength: 50,
        }),
        (pairs) => {
          const ids = [...new Set(pairs.map((p) => p[0]))].sort((a, b) => a - b);
          const times = ids.map((_, i) => pairs[i % pairs.length]![1]);
          const r = blockRow(7, { ids, times });
          const want = ids
            .map((id, i) => [times[i]!, id] as const)
            .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
          assert.deepEqual(
            [...decodeNumbers(r.ids)],
            want.map((p) => p[1]),
          );
          assert.deepEqual(
            [...decodeNumbers(r.times)],
            want.map((p) => p[0]),
          );
          assert.equal(r.minTimeUs, Math.min(...times));
          assert.equal(r.maxTimeUs, Math.max(...times));
          assert.deepEqual([r.firstId, r.lastId, r.entries], [ids[0], ids[ids.length - 1], ids.length]);
        },
      ),
    );
  });

  it('open blocks are due in first-id order, also after entries were removed from them', () => {
    const open = new OpenBlocks({ blockEntries: 100, maxOpenSpan: 10 });
    open.append(1, 1, 0);
    open.append(2, 2, 0);
    open.append(1, 3, 0);
    // stream 1 loses its first entry: its block now starts after stream 2's
    open.retain((id) => id !== 1);
    assert.deepEqual(
      open.takeDue(12).map(([s, b]) => [s, b.ids]),
      [[2, [2]]],
    );
    assert.deepEqual(
      open.takeDue(13).map(([s, b]) => [s, b.ids]),
      [[1, [3]]],
    );
    assert.equal(open.entries, 0);
  });

  it('the open blocks of a store stay under the open span plus one commit, with many streams', async () => {
    const span = 500;
    const st = await openSqliteLogStore(':memory:', {
      retentionMs: RETENTION,
      streamIndex: { blockEntries: 1000, maxOpenSpan: span },
    });
    try {
      let most = 0;
      for (let push = 0; push < 30; push++) {
        // 200 entries over 50 streams (a node each), quiet streams included
        await st.insertLogs(
          Array.from({ length: 200 }, (_, i) =>
            logRecord(1000, { nodeId: `node-${(i * (push + 1)) % 50}`, body: `line ${push} ${i}` }),
          ),
        );
        most = Math.max(most, st.streamIndex!.openEntries);
        assert.ok(st.streamIndex!.openEntries < span, `open entries ${st.streamIndex!.openEntries}`);
      }
      assert.ok(most > 0);
    } finally {
      await st.close();
    }
  });
});
