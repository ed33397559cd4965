/**
 * The SQLite writer writes an entry without trace context or attributes through its statement with the empty
 * trace id, span id and `{}` as literals (three bindings fewer), and every other entry with all seven values bound:
 * fast-check over batches mixing entries with and without trace ids, span ids and attributes — the plain
 * statement runs exactly for the plain entries, and every stored entry row (values and SQLite types), stream row
 * and full-text match equals a store whose writer binds every value of every entry.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type BetterSqlite3 from 'better-sqlite3';
import fc from 'fast-check';
import type { Kysely } from 'kysely';
import type { LogRecord } from '../../../../src/logs/record.ts';
import { LogStore } from '../../../../src/logs/store/log-store.ts';
import { ENTRY_SQL, PLAIN_ENTRY_SQL } from '../../../../src/logs/store/log-writer.ts';
import { migrateLogStore } from '../../../../src/logs/store/migrations.ts';
import type { LogDatabase } from '../../../../src/logs/store/schema.ts';
import { openSqliteConnection } from '../../../../src/store/sqlite.ts';
import { logRecord, RETENTION } from '../../../helpers/log-store-fixtures.ts';

/**
 * An in-memory store whose connection counts the runs of the writer's plain statement; with `allBound` that
 * statement is replaced by the one binding every value (the rows the writer stored before the literals).
 */
async function store(
  allBound: boolean,
): Promise<{ store: LogStore; raw: BetterSqlite3.Database; plainRuns: () => number }> {
  const { db, raw } = openSqliteConnection<LogDatabase>(':memory:');
  await migrateLogStore(db as unknown as Kysely<unknown>, 'sqlite');
  let n = 0;
  const prepare = (source: string): BetterSqlite3.Statement => {
    if (source !== PLAIN_ENTRY_SQL) return raw.prepare(source);
    const st = allBound ? raw.prepare(ENTRY_SQL) : raw.prepare(source);
    return {
      run: (id: number, t: number, sid: number, body: string) => {
        n++;
        return allBound ? st.run(id, t, sid, '', '', body, '{}') : st.run(id, t, sid, body);
      },
    } as unknown as BetterSqlite3.Statement;
  };
  const counted = { prepare, transaction: raw.transaction.bind(raw) } as unknown as BetterSqlite3.Database;
  return {
    store: new LogStore(db, { dialect: 'sqlite', raw: counted }, { retentionMs: RETENTION }),
    raw,
    plainRuns: () => n,
  };
}

/** Every entry row with its values' SQLite types, every stream row and the full-text matches of two words. */
function rowsOf(raw: BetterSqlite3.Database): unknown {
  return {
    entries: raw
      .prepare(
        'select id, time_us, typeof(time_us) tt, stream_id, typeof(stream_id) st, trace_id, typeof(trace_id) tr, span_id, typeof(span_id) sp, body, typeof(body) bt, attrs, typeof(attrs) at from log_entries order by id',
      )
      .all(),
    streams: raw.prepare('select * from log_streams order by id').all(),
    fts: ['line', 'timed'].map((w) =>
      raw.prepare('select rowid from log_fts where log_fts match ? order by rowid').pluck().all(w),
    ),
  };
}

const entryArb = fc.record({
  trace: fc.constantFrom('', '4bf92f3577b34da6a3ce929d0e0e4736'),
  span: fc.constantFrom('', '00f067aa0ba902b7'),
  attrs: fc.constantFrom<Readonly<Record<string, string>>>({}, { pod: 'a' }, { k: '{}' }),
  node: fc.nat(2),
  timedOut: fc.boolean(),
});

describe('log writer: entries without trace context or attributes', () => {
  it('writes them with literals and stores the rows of a writer binding every value', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(entryArb, { minLength: 1, maxLength: 20 }), { minLength: 1, maxLength: 3 }),
        async (batches) => {
          const shipped = await store(false);
          const bound = await store(true);
          try {
            let plain = 0;
            let i = 0;
            for (const b of batches) {
              const records: LogRecord[] = b.map((e) =>
                logRecord(1000 - i++, {
                  nodeId: `node-${e.node}`,
                  traceId: e.trace,
                  spanId: e.span,
                  attributes: e.attrs,
                  body: `line ${i}${e.timedOut ? ' timed out' : ''}`,
                }),
              );
              plain += records.filter(
                (r) => r.traceId === '' && r.spanId === '' && Object.keys(r.attributes).length === 0,
              ).length;
              await shipped.store.storeLogs(records);
              await bound.store.storeLogs(records);
            }
            assert.equal(shipped.plainRuns(), plain, 'the plain statement runs once per plain entry');
            assert.deepEqual(rowsOf(shipped.raw), rowsOf(bound.raw));
          } finally {
            await shipped.store.close();
            await bound.store.close();
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
