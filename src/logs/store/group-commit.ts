/**
 * Group commit for the SQLite log writer: batches handed in while a commit runs — or in the same turn of the
 * event loop — are written together in the next single transaction, and each batch's promise settles only after
 * the transaction holding it committed (or failed). better-sqlite3 commits synchronously, so the pushes that
 * arrive "during" a commit are the requests Node reads from its sockets right after it: the queue waits one
 * `setImmediate` (after the event loop's poll phase) before it takes a group, which lets every request read in
 * that phase reach the queue first.
 *
 * Bounds: at most `maxQueuedEntries` entries wait (a batch that would go beyond is refused at once with
 * {@link LimitExceededError}, nothing of it stored — the client retries; a single batch larger than the bound is
 * taken when the queue is empty), and one transaction holds at most `maxGroupEntries` entries (whole batches; a
 * larger batch alone). Order: batches commit in the order they were handed in. A failed group transaction is
 * retried batch by batch, so one bad batch fails alone and the others are stored as if each had come alone.
 * @see https://www.postgresql.org/docs/current/wal-async-commit.html (the same idea: commit_delay groups flushes)
 */
import { LimitExceededError } from '../../errors.ts';

/** Bounds of a {@link GroupCommit}. */
export interface GroupCommitLimits {
  /** Entries waiting for a commit at most (default {@link DEFAULT_MAX_QUEUED_ENTRIES}). */
  readonly maxQueuedEntries: number;
  /** Entries of one transaction at most, in whole batches (default {@link DEFAULT_MAX_GROUP_ENTRIES}). */
  readonly maxGroupEntries: number;
}

/**
 * Entries that may wait for a commit, over all waiting pushes: ~50 bodies of 1000 lines, a few tens of MB of
 * records held by the requests waiting anyway.
 */
export const DEFAULT_MAX_QUEUED_ENTRIES = 50_000;

/**
 * Entries written in one transaction at most: 16 bodies of 1000 lines, whose dirty pages (tens of MB at 16 KiB
 * per touched index leaf) stay within the connection's 64 MiB page cache, so SQLite does not spill them into the
 * WAL before the commit.
 */
export const DEFAULT_MAX_GROUP_ENTRIES = 16_000;

interface Waiting<T, R> {
  readonly batch: T;
  readonly size: number;
  readonly resolve: (r: R) => void;
  readonly reject: (e: unknown) => void;
}

/**
 * A bounded FIFO of batches committed in groups by `commit` (synchronous, all-or-nothing: it writes every batch
 * of the group in one transaction and returns one result per batch, in order).
 */
export class GroupCommit<T, R> {
  private readonly waiting: Waiting<T, R>[] = [];
  private queued = 0;
  private draining = false;

  /**
   * @param commit writes a group in one transaction; throws to roll all of it back
   * @param sizeOf entries of a batch
   * @param runExclusive runs the commit while holding the connection (kysely's), so nothing interleaves; when it
   *   fails without running it (the connection is gone), every waiting batch is rejected with its error
   */
  constructor(
    private readonly commit: (group: readonly T[]) => R[],
    private readonly sizeOf: (batch: T) => number,
    private readonly runExclusive: (fn: () => void) => Promise<void>,
    private readonly limits: GroupCommitLimits = {
      maxQueuedEntries: DEFAULT_MAX_QUEUED_ENTRIES,
      maxGroupEntries: DEFAULT_MAX_GROUP_ENTRIES,
    },
  ) {}

  /** Entries waiting for a commit now. */
  get queuedEntries(): number {
    return this.queued;
  }

  /**
   * Queues a batch; settles after the transaction that holds it committed.
   * @throws LimitExceededError (at once, nothing queued) when the batch would put more than `maxQueuedEntries`
   *   entries in the queue; the commit's error when the batch's own transaction fails
   */
  write(batch: T): Promise<R> {
    const size = this.sizeOf(batch);
    if (this.queued > 0 && this.queued + size > this.limits.maxQueuedEntries)
      return Promise.reject(
        new LimitExceededError(
          `the log store's write queue is full (${this.queued} entries waiting for a commit, at most ${this.limits.maxQueuedEntries}); retry later`,
        ),
      );
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ batch, size, resolve, reject });
      this.queued += size;
      if (!this.draining) {
        this.draining = true;
        void this.drain();
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.waiting.length > 0) {
        // after the poll phase: pushes read from the sockets meanwhile join this group
        await new Promise<void>((r) => setImmediate(r));
        try {
          await this.runExclusive(() => this.commitNext());
        } catch (e) {
          // commitNext settles its own group and never throws: the connection could not be had
          const all = this.waiting.splice(0);
          this.queued = 0;
          for (const w of all) w.reject(e);
        }
      }
    } finally {
      this.draining = false;
    }
  }

  /** Takes the next group (whole batches, at most `maxGroupEntries`, at least one) and commits it. */
  private commitNext(): void {
    let n = 0;
    let entries = 0;
    while (n < this.waiting.length) {
      const s = this.waiting[n]!.size;
      if (n > 0 && entries + s > this.limits.maxGroupEntries) break;
      entries += s;
      n++;
    }
    const group = this.waiting.splice(0, n);
    this.queued -= entries;
    let results: R[] | undefined;
    try {
      results = this.commit(group.map((w) => w.batch));
    } catch (e) {
      if (group.length === 1) group[0]!.reject(e);
      else this.commitAlone(group);
      return;
    }
    group.forEach((w, i) => w.resolve(results[i]!));
  }

  /** After a failed group: each batch in its own transaction, so only the batches that fail alone fail. */
  private commitAlone(group: readonly Waiting<T, R>[]): void {
    for (const w of group) {
      try {
        w.resolve(this.commit([w.batch])[0]!);
      } catch (e) {
        w.reject(e);
      }
    }
  }
}
