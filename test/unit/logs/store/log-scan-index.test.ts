/**
 * The windows of a scan by stream through the stream index (src/logs/store/log-scan-index.ts): a window holds at
 * most its bound of entries (halved until it does, unless 1 µs wide), keeps its edge at the scan's start, and its
 * ids come in the scan's order; windows grow from the entries kept, at most 8 times.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  boundedWindow,
  MAX_WINDOW_CANDIDATES,
  windowGrowth,
} from '../../../../src/logs/store/log-scan-index.ts';
import { openSqliteLogStore } from '../../../../src/logs/store/open.ts';
import { logRecord, NOW, RETENTION } from '../../../helpers/log-store-fixtures.ts';

describe('scan by stream windows', () => {
  it('a window holds at most its bound of entries, in the scan order, its start edge kept', async () => {
    const st = await openSqliteLogStore(':memory:', {
      retentionMs: RETENTION,
      streamIndex: { blockEntries: 50, maxOpenSpan: 100 },
    });
    try {
      // 1000 entries of one stream, one per ms over the second before NOW, sealed and open blocks both
      await st.insertLogs(Array.from({ length: 1000 }, (_, i) => logRecord(i, { body: `line ${i}` })));
      const sids = (await st.streamIdsFor([{ label: 'node_id', in: ['node-1'] }]))!;
      const index = st.streamIndex!;
      const lo = (NOW - 999) * 1000;
      const hi = (NOW + 1) * 1000;
      for (const back of [true, false]) {
        const w = boundedWindow(index, sids, { lo, hi }, back, 100);
        assert.ok(w.ids.length <= 100 && w.ids.length > 0, `${w.ids.length} entries`);
        assert.equal(back ? w.hi : w.lo, back ? hi : lo);
        const all = boundedWindow(index, sids, { lo, hi }, back, MAX_WINDOW_CANDIDATES);
        assert.equal(all.ids.length, 1000);
        // the bounded window is the start of the whole range's order
        assert.deepEqual([...w.ids], [...all.ids.subarray(0, w.ids.length)]);
      }
      // entries sharing one µs are not split: a 1 µs window may exceed the bound
      await st.insertLogs(Array.from({ length: 30 }, () => logRecord(5000, { body: 'same time' })));
      const t = (NOW - 5000) * 1000;
      const same = boundedWindow(index, sids, { lo: t, hi: t + 1000 }, false, 10);
      assert.equal(same.ids.length, 30);
      assert.equal(same.hi - same.lo, 1);
    } finally {
      await st.close();
    }
  });

  it('windows grow from the entries kept, between 1 and 8 times', () => {
    assert.equal(windowGrowth(1000, 100, 50), 1);
    assert.equal(windowGrowth(1000, 5, 95), 8);
    assert.equal(windowGrowth(1000, 0, 100), 8);
    assert.equal(windowGrowth(250, 100, 100), 4);
    assert.equal(windowGrowth(0, 0, 1), 8);
  });
});
