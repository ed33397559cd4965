import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deleteBeyondBudget } from '../../../src/store/system-db.ts';

/** Runs deleteBeyondBudget with a recorder as the delete callback. */
async function dropped(rows: { id: number; size_bytes: number }[], maxRows: number, maxBytes: number) {
  const calls: number[][] = [];
  const deleted = await deleteBeyondBudget(rows, maxRows, maxBytes, async (ids) => {
    calls.push(ids);
    return ids.length;
  });
  return { deleted, calls };
}

describe('deleteBeyondBudget', () => {
  it('keeps the newest rows within the row budget', async () => {
    const rows = [5, 4, 3, 2, 1].map((id) => ({ id, size_bytes: 10 }));
    assert.deepEqual(await dropped(rows, 3, 1000), { deleted: 2, calls: [[2, 1]] });
  });

  it('deletes every row from the first that takes the running size over the byte budget', async () => {
    const rows = [
      { id: 3, size_bytes: 40 },
      { id: 2, size_bytes: 60 },
      { id: 1, size_bytes: 1 },
    ];
    assert.deepEqual(await dropped(rows, 10, 99), { deleted: 2, calls: [[2, 1]] });
    assert.deepEqual(await dropped(rows, 10, 101), { deleted: 0, calls: [] });
  });

  it('deletes in batches of 500 ids and sums what the callback reports', async () => {
    const rows = Array.from({ length: 1201 }, (_, i) => ({ id: 1201 - i, size_bytes: 1 }));
    const { deleted, calls } = await dropped(rows, 1, 1_000_000);
    assert.equal(deleted, 1200);
    assert.deepEqual(
      calls.map((c) => c.length),
      [500, 500, 200],
    );
    assert.deepEqual(
      calls.flat(),
      rows.slice(1).map((r) => r.id),
    );
  });
});
