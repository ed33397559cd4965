/**
 * The durable outbox: a notification is inserted (and committed) before anything tries to send it, and deleted
 * only when it was delivered or dropped. Rows carry an idempotency key that is unique: enqueueing the same
 * notification twice (e.g. after a restart) stores it once. Bounded: beyond `maxRows` the oldest rows are
 * deleted and reported as dropped.
 * @see https://microservices.io/patterns/data/transactional-outbox.html
 */
import type { Kysely, Selectable } from 'kysely';
import { InvalidInputError, StoreError } from '../../errors.ts';
import type { OutboxMessage } from '../delivery/transport.ts';
import type { AlertingDatabase, OutboxTable } from '../store/schema.ts';

/** A notification to enqueue. */
export interface OutboxEntry {
  readonly idempotencyKey: string;
  readonly receiver: string;
  readonly incidentId: string;
  readonly kind: string;
  readonly message: OutboxMessage;
  readonly createdAtMs: number;
}

/** A stored notification. */
export interface OutboxRow extends OutboxEntry {
  readonly id: number;
  readonly nextAttemptAtMs: number;
  readonly attempts: number;
  readonly lastError: string | null;
}

/** Outcome of {@link OutboxStore.enqueue}. */
export interface EnqueueResult {
  readonly inserted: number;
  /** Entries whose idempotency key was already stored. */
  readonly duplicates: number;
  /** Oldest rows deleted to stay within `maxRows`, by receiver. */
  readonly evicted: ReadonlyMap<string, number>;
}

/** Pending notifications of one receiver. */
export interface PendingStats {
  readonly receiver: string;
  readonly count: number;
  readonly oldestCreatedAtMs: number;
}

function toRow(r: Selectable<OutboxTable>): OutboxRow {
  return {
    id: Number(r.id),
    idempotencyKey: r.idempotency_key,
    receiver: r.receiver,
    incidentId: r.incident_id,
    kind: r.kind,
    message: JSON.parse(r.message_json) as OutboxMessage,
    createdAtMs: Number(r.created_at),
    nextAttemptAtMs: Number(r.next_attempt_at),
    attempts: r.attempts,
    lastError: r.last_error,
  };
}

async function wrap<T>(what: string, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    throw new StoreError(`outbox: ${what} failed: ${(e as Error).message}`, { cause: e });
  }
}

/** The outbox table (see the module comment). */
export class OutboxStore {
  /** @throws InvalidInputError when maxRows is not a positive integer */
  constructor(
    private readonly db: Kysely<AlertingDatabase>,
    readonly maxRows: number,
  ) {
    if (!Number.isSafeInteger(maxRows) || maxRows < 1)
      throw new InvalidInputError(`outbox maxRows must be a positive integer, got ${maxRows}`);
  }

  /**
   * Stores entries in one transaction (each due at once). Entries whose key is stored already are skipped.
   * @throws StoreError on database failure (nothing stored)
   */
  async enqueue(entries: readonly OutboxEntry[]): Promise<EnqueueResult> {
    if (entries.length === 0) return { inserted: 0, duplicates: 0, evicted: new Map() };
    return wrap('enqueue', () =>
      this.db.transaction().execute(async (tx) => {
        let inserted = 0;
        for (const e of entries) {
          const res = await tx
            .insertInto('alert_outbox')
            .values({
              idempotency_key: e.idempotencyKey,
              receiver: e.receiver,
              incident_id: e.incidentId,
              kind: e.kind,
              message_json: JSON.stringify(e.message),
              created_at: e.createdAtMs,
              next_attempt_at: e.createdAtMs,
              attempts: 0,
              last_error: null,
            })
            .onConflict((oc) => oc.column('idempotency_key').doNothing())
            .executeTakeFirst();
          inserted += Number(res.numInsertedOrUpdatedRows ?? 0n);
        }
        const evicted = new Map<string, number>();
        const { n } = await tx
          .selectFrom('alert_outbox')
          .select((eb) => eb.fn.countAll<number | string>().as('n'))
          .executeTakeFirstOrThrow();
        const excess = Number(n) - this.maxRows;
        if (excess > 0) {
          const old = await tx
            .selectFrom('alert_outbox')
            .select(['id', 'receiver'])
            .orderBy('id')
            .limit(excess)
            .execute();
          for (const o of old) evicted.set(o.receiver, (evicted.get(o.receiver) ?? 0) + 1);
          await tx
            .deleteFrom('alert_outbox')
            .where(
              'id',
              'in',
              old.map((o) => o.id),
            )
            .execute();
        }
        return { inserted, duplicates: entries.length - inserted, evicted };
      }),
    );
  }

  /** The oldest row of each receiver (delivery is in order per receiver). */
  async heads(): Promise<OutboxRow[]> {
    return wrap('reading heads', async () => {
      const rows = await this.db
        .selectFrom('alert_outbox')
        .selectAll()
        .where('id', 'in', (eb) =>
          eb
            .selectFrom('alert_outbox')
            .select((e) => e.fn.min('id').as('id'))
            .groupBy('receiver'),
        )
        .orderBy('id')
        .execute();
      return rows.map(toRow);
    });
  }

  /** Deletes a delivered or dropped row. */
  async remove(id: number): Promise<void> {
    await wrap('delete', () => this.db.deleteFrom('alert_outbox').where('id', '=', id).execute());
  }

  /** Records a failed attempt and when to try again. */
  async reschedule(id: number, nextAttemptAtMs: number, attempts: number, lastError: string): Promise<void> {
    await wrap('reschedule', () =>
      this.db
        .updateTable('alert_outbox')
        .set({ next_attempt_at: Math.round(nextAttemptAtMs), attempts, last_error: lastError.slice(0, 500) })
        .where('id', '=', id)
        .execute(),
    );
  }

  /** Pending rows per receiver. */
  async pending(): Promise<PendingStats[]> {
    return wrap('counting', async () => {
      const rows = await this.db
        .selectFrom('alert_outbox')
        .select((eb) => [
          'receiver',
          eb.fn.countAll<number | string>().as('n'),
          eb.fn.min('created_at').as('oldest'),
        ])
        .groupBy('receiver')
        .execute();
      return rows.map((r) => ({
        receiver: r.receiver,
        count: Number(r.n),
        oldestCreatedAtMs: Number(r.oldest),
      }));
    });
  }

  /** Every row (tests and diagnostics), oldest first, at most `limit`. */
  async list(limit: number): Promise<OutboxRow[]> {
    return wrap('listing', async () =>
      (await this.db.selectFrom('alert_outbox').selectAll().orderBy('id').limit(limit).execute()).map(toRow),
    );
  }
}
