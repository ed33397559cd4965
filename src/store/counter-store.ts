/**
 * Saved values of the monitor's counters that describe stored state (anomalies detected, incidents opened,
 * notifications sent, failed and dropped), so they continue across restarts instead of starting from zero. One row
 * per counter series: name, labels as canonical JSON (keys sorted), value. Its own table and migrations
 * (`kysely_migration_counters`) beside the sample store, on SQLite or PostgreSQL.
 * @see https://prometheus.io/docs/concepts/metric_types/#counter (a counter only goes up, except on reset)
 */
import type { Kysely, Migration } from 'kysely';
import { InvalidInputError } from '../errors.ts';
import type { StoreDialect } from './migrations.ts';
import { openSystemDb, type SystemDb, type SystemDbLocation } from './system-db.ts';

/** One saved counter series. */
export interface CounterRow {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** The counter's value (≥ 0, finite). */
  readonly value: number;
}

/** Rows saved at most (a bound on label cardinality; beyond it the rest is not saved). */
export const MAX_SAVED_COUNTER_ROWS = 10_000;

interface CountersDb {
  monitor_counters: { name: string; labels: string; value: number };
}

/** The table's migrations (same SQL on both dialects). */
export function counterMigrations(dialect: StoreDialect): Record<string, Migration> {
  void dialect;
  return {
    '0001_monitor_counters': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('monitor_counters')
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('labels', 'text', (c) => c.notNull())
          .addColumn('value', 'double precision', (c) => c.notNull())
          .addPrimaryKeyConstraint('monitor_counters_pk', ['name', 'labels'])
          .execute();
      },
    },
  };
}

/** Labels as JSON with sorted keys, so one series always has one row. */
function canonicalLabels(labels: Readonly<Record<string, string>>): string {
  return JSON.stringify(
    Object.fromEntries(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
  );
}

/** The saved counters of one monitor. */
export class CounterStore {
  private constructor(private readonly sys: SystemDb<CountersDb>) {}

  /**
   * Opens (creating and migrating) the table at `location`.
   * @throws StoreError when the database cannot be opened or migrated.
   */
  static async open(location: SystemDbLocation): Promise<CounterStore> {
    return new CounterStore(await openSystemDb<CountersDb>(location, 'counters', counterMigrations));
  }

  /** Every saved row (rows whose labels do not parse as an object of strings are skipped). */
  async load(): Promise<CounterRow[]> {
    const rows = await this.sys.db
      .selectFrom('monitor_counters')
      .selectAll()
      .limit(MAX_SAVED_COUNTER_ROWS)
      .execute();
    const out: CounterRow[] = [];
    for (const r of rows) {
      let labels: unknown;
      try {
        labels = JSON.parse(r.labels);
      } catch {
        continue;
      }
      if (
        labels === null ||
        typeof labels !== 'object' ||
        Object.values(labels).some((v) => typeof v !== 'string')
      )
        continue;
      out.push({ name: r.name, labels: labels as Record<string, string>, value: Number(r.value) });
    }
    return out;
  }

  /**
   * Replaces the saved rows with `rows` in one transaction (at most {@link MAX_SAVED_COUNTER_ROWS}).
   * @throws InvalidInputError for a negative or non-finite value; StoreError on database errors.
   */
  async save(rows: readonly CounterRow[]): Promise<void> {
    for (const r of rows)
      if (!Number.isFinite(r.value) || r.value < 0)
        throw new InvalidInputError(
          `counter ${r.name}: value ${r.value} is not a finite non-negative number`,
        );
    const values = rows
      .slice(0, MAX_SAVED_COUNTER_ROWS)
      .map((r) => ({ name: r.name, labels: canonicalLabels(r.labels), value: r.value }));
    await this.sys.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('monitor_counters').execute();
      for (let i = 0; i < values.length; i += 500)
        await tx
          .insertInto('monitor_counters')
          .values(values.slice(i, i + 500))
          .execute();
    });
  }

  async close(): Promise<void> {
    await this.sys.close();
  }
}
