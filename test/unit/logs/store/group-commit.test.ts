/**
 * The log writer's group commit (src/logs/store/group-commit.ts): batches handed in together commit in one
 * transaction, in order; each settles only after the commit that holds it; the queue and the group are bounded;
 * a failing group is retried batch by batch so only the bad batch fails; a lost connection rejects everything
 * waiting. The last case is a fast-check walk over arrivals, sizes and failures.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { LimitExceededError } from '../../../../src/errors.ts';
import { GroupCommit } from '../../../../src/logs/store/group-commit.ts';

/** A batch: its id and entries; `bad` batches make any transaction holding them fail. */
interface Batch {
  readonly id: number;
  readonly size: number;
  readonly bad?: boolean;
}

/** A fake store: the committed batch ids in order and the groups as they were written. */
function fakeStore(limits = { maxQueuedEntries: 1000, maxGroupEntries: 1000 }) {
  const committed: number[] = [];
  const groups: number[][] = [];
  const events: string[] = [];
  const q = new GroupCommit<Batch, string>(
    (group) => {
      if (group.some((b) => b.bad)) throw new Error(`bad batch in ${group.map((b) => b.id).join(',')}`);
      groups.push(group.map((b) => b.id));
      committed.push(...group.map((b) => b.id));
      events.push(`commit ${group.map((b) => b.id).join(',')}`);
      return group.map((b) => `stored ${b.id}`);
    },
    (b) => b.size,
    async (fn) => fn(),
    limits,
  );
  return { q, committed, groups, events };
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('log writer group commit', () => {
  it('commits batches handed in in one turn as one transaction, in order, and settles each after it', async () => {
    const { q, groups, events } = fakeStore();
    const ps = [1, 2, 3].map((id) =>
      q.write({ id, size: 10 }).then((r) => {
        events.push(`ack ${id}`);
        return r;
      }),
    );
    assert.deepEqual(events, [], 'nothing is acknowledged before its commit');
    assert.deepEqual(await Promise.all(ps), ['stored 1', 'stored 2', 'stored 3']);
    assert.deepEqual(groups, [[1, 2, 3]]);
    assert.deepEqual(events, ['commit 1,2,3', 'ack 1', 'ack 2', 'ack 3']);
    // a batch arriving while the first group waits joins the next group only after that commit
    const a = q.write({ id: 4, size: 1 });
    await tick();
    const b = q.write({ id: 5, size: 1 });
    await Promise.all([a, b]);
    assert.deepEqual(groups.slice(1).flat(), [4, 5]);
  });

  it('refuses a batch beyond the queue bound at once and stores the others; one oversize batch alone goes', async () => {
    const { q, committed } = fakeStore({ maxQueuedEntries: 10, maxGroupEntries: 10 });
    const first = q.write({ id: 1, size: 6 });
    assert.equal(q.queuedEntries, 6);
    await assert.rejects(q.write({ id: 2, size: 5 }), (e) => {
      assert.ok(e instanceof LimitExceededError);
      assert.match(e.message, /write queue is full \(6 entries waiting for a commit, at most 10\)/);
      return true;
    });
    const third = q.write({ id: 3, size: 4 });
    assert.equal(q.queuedEntries, 10);
    await Promise.all([first, third]);
    assert.equal(q.queuedEntries, 0);
    await q.write({ id: 4, size: 25 });
    assert.deepEqual(committed, [1, 3, 4]);
  });

  it('writes at most maxGroupEntries per transaction, in whole batches', async () => {
    const { q, groups } = fakeStore({ maxQueuedEntries: 100, maxGroupEntries: 10 });
    await Promise.all([4, 4, 4, 12, 1].map((size, id) => q.write({ id, size })));
    assert.deepEqual(groups, [[0, 1], [2], [3], [4]]);
  });

  it('retries a failed group batch by batch: only the bad batch fails', async () => {
    const { q, committed } = fakeStore();
    const rs = await Promise.allSettled([
      q.write({ id: 1, size: 1 }),
      q.write({ id: 2, size: 1, bad: true }),
      q.write({ id: 3, size: 1 }),
    ]);
    assert.deepEqual(
      rs.map((r) => r.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
    assert.match(String((rs[1] as PromiseRejectedResult).reason), /bad batch in 2$/);
    assert.deepEqual(committed, [1, 3]);
  });

  it('rejects everything waiting when the connection cannot be had, and takes new batches after', async () => {
    let fail = true;
    const q = new GroupCommit<Batch, number>(
      (g) => g.map((b) => b.id),
      (b) => b.size,
      async (fn) => {
        if (fail) throw new Error('connection closed');
        fn();
      },
    );
    const rs = await Promise.allSettled([q.write({ id: 1, size: 1 }), q.write({ id: 2, size: 1 })]);
    assert.deepEqual(
      rs.map((r) => r.status),
      ['rejected', 'rejected'],
    );
    assert.equal(q.queuedEntries, 0);
    fail = false;
    assert.equal(await q.write({ id: 3, size: 1 }), 3);
  });

  it('property: every batch settles once, with its own result unless it is bad or refused; commits keep arrival order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ size: fc.integer({ min: 1, max: 12 }), bad: fc.boolean(), wait: fc.nat(2) }), {
          minLength: 1,
          maxLength: 40,
        }),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 30 }),
        async (arrivals, maxQueuedEntries, maxGroupEntries) => {
          const { q, committed, groups } = fakeStore({ maxQueuedEntries, maxGroupEntries });
          const settled: Promise<PromiseSettledResult<string>>[] = [];
          for (const [id, a] of arrivals.entries()) {
            for (let i = 0; i < a.wait; i++) await tick();
            settled.push(
              q
                .write({ id, size: a.size, bad: a.bad })
                .then((value) => ({ status: 'fulfilled' as const, value }))
                .catch((reason: unknown) => ({ status: 'rejected' as const, reason })),
            );
          }
          const rs = await Promise.all(settled);
          const stored = new Set<number>();
          rs.forEach((r, id) => {
            if (r.status === 'fulfilled') {
              assert.equal(r.value, `stored ${id}`);
              stored.add(id);
            } else if (!(r.reason instanceof LimitExceededError)) assert.ok(arrivals[id]!.bad);
          });
          // exactly the acknowledged batches are stored, each once, in arrival order
          assert.deepEqual(
            committed,
            [...stored].sort((x, y) => x - y),
          );
          for (const g of groups) {
            const size = g.reduce((s, id) => s + arrivals[id]!.size, 0);
            assert.ok(g.length === 1 || size <= maxGroupEntries, `group ${g} holds ${size} entries`);
          }
          assert.equal(q.queuedEntries, 0);
        },
      ),
      { numRuns: 200 },
    );
  });
});
