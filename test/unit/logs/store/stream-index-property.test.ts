/**
 * The SQLite log store's stream index (blocks of entry ids per stream, the newest in memory) gives every read by
 * stream the answer plain SQL over the entry rows gives: pushes of entries over many streams with out-of-order
 * times, retention per level, the entry cap and reopening the store (a restart with blocks still open) in random
 * order, with small blocks and a short open span so blocks are sealed, cut and rebuilt often. After every step
 * the index holds exactly the stored entries (ids, streams and times), its open part stays within its bound, and
 * scans by stream (both directions, with words and line filters), entry counts per bucket and label reads are
 * compared with SQL that reads the entry table without the index.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { sql } from 'kysely';
import type { LogRecord } from '../../../../src/logs/record.ts';
import { countByStream } from '../../../../src/logs/store/counts.ts';
import type { LogStore } from '../../../../src/logs/store/log-store.ts';
import type { LogStoreOptions } from '../../../../src/logs/store/log-types.ts';
import { openSqliteLogStore } from '../../../../src/logs/store/open.ts';
import { logRecord, NOW } from '../../../helpers/log-store-fixtures.ts';

/** Twelve nodes, so one node's streams are most often under a quarter of all (the scan then reads by stream). */
const NODES = Array.from({ length: 12 }, (_, i) => `node-${i + 1}`);
const LEVELS = ['debug', 'info', 'error'] as const;
const COMPONENTS = ['transport', 'consensus'];
const WORDS = ['transfer', 'timed', 'out', 'retrying', 'quorum', 'lost'];
const MIN = 60_000;
const HOUR = 60 * MIN;
/** Retention per level (ms): entries are spread over the hour before NOW, so retention cuts into blocks. */
const RETENTION = { debug: 20 * MIN, info: 40 * MIN, warn: HOUR, error: 50 * MIN, fatal: HOUR };
const GROUP = 50;
/** Trace ids of entries (the empty one: no trace). */
const TRACES = ['', '4bf92f3577b34da6a3ce929d0e0e4736', '00f067aa0ba902b700f067aa0ba902b7'];

const dir = mkdtempSync(join(tmpdir(), 'dwcp-log-stream-index-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The values an arbitrary generates. */
type ValueOf<A> = A extends fc.Arbitrary<infer T> ? T : never;

const entryArb = fc.record({
  node: fc.nat(NODES.length - 1),
  level: fc.nat(LEVELS.length - 1),
  component: fc.nat(COMPONENTS.length - 1),
  words: fc.array(fc.nat(WORDS.length - 1), { minLength: 1, maxLength: 3 }),
  trace: fc.nat(TRACES.length - 1),
  /** ms before NOW (out of order; whole 2 minutes, so entries often share a time or sit on a bound) */
  agoMs: fc.integer({ min: 0, max: 30 }).map((s) => s * 2 * MIN),
});

type Step =
  | { readonly kind: 'push'; readonly entries: readonly ValueOf<typeof entryArb>[] }
  | { readonly kind: 'retention'; readonly nowOffsetMs: number }
  | { readonly kind: 'reopen' };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('push' as const),
      entries: fc.array(entryArb, { minLength: 1, maxLength: 80 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('retention' as const),
      nowOffsetMs: fc.integer({ min: -15, max: 15 }).map((s) => s * 2 * MIN),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reopen' as const) }) },
);

const queryArb = fc.record({
  node: fc.nat(NODES.length - 1),
  level: fc.option(fc.nat(LEVELS.length - 1), { nil: undefined }),
  word: fc.option(fc.nat(WORDS.length - 1), { nil: undefined }),
  contains: fc.option(fc.nat(WORDS.length - 1), { nil: undefined }),
  trace: fc.option(fc.integer({ min: 1, max: TRACES.length - 1 }), { nil: undefined }),
  backward: fc.boolean(),
  limit: fc.integer({ min: 1, max: 150 }),
  fromMs: fc.integer({ min: 0, max: 30 }).map((s) => s * 2 * MIN),
  lenMs: fc.integer({ min: 1, max: 30 }).map((s) => s * 2 * MIN),
  bucketMs: fc.constantFrom(MIN, 2 * MIN, 5 * MIN, 17_000),
});

function toRecord(e: ValueOf<typeof entryArb>): LogRecord {
  return logRecord(e.agoMs, {
    nodeId: NODES[e.node]!,
    level: LEVELS[e.level]!,
    component: COMPONENTS[e.component]!,
    body: ` ${e.words.map((w) => WORDS[w]).join(' ')} `,
    traceId: TRACES[e.trace]!,
  });
}

/** Every (id, stream, time) the index holds equals the entry table's rows. */
async function assertIndexIsTheRows(st: LogStore, opts: LogStoreOptions): Promise<void> {
  const index = st.streamIndex!;
  const rows = await sql<{
    id: number;
    stream_id: number;
    time_us: number;
  }>`select id, stream_id, time_us from log_entries order by id`.execute(st.db);
  const sids = (await sql<{ id: number }>`select id from log_streams`.execute(st.db)).rows.map((r) =>
    Number(r.id),
  );
  const got: [number, number, number][] = [];
  index.visit(sids, -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, (s, id, t) => got.push([id, s, t]));
  got.sort((a, b) => a[0] - b[0]);
  assert.deepEqual(
    got,
    rows.rows.map((r) => [Number(r.id), Number(r.stream_id), Number(r.time_us)]),
  );
  assert.ok(index.openEntries < opts.streamIndex!.maxOpenSpan! + GROUP, `open entries ${index.openEntries}`);
  // streams without entries are removed by retention only; every stream with a block or open entries exists
  for (const s of index.streamsWithEntries()) assert.ok(sids.includes(s));
}

async function assertReads(st: LogStore, q: ValueOf<typeof queryArb>): Promise<void> {
  const startUs = (NOW - HOUR + q.fromMs) * 1000;
  const endUs = startUs + q.lenMs * 1000;
  const labels = [
    { label: 'node_id' as const, in: [NODES[q.node]!] },
    ...(q.level === undefined ? [] : [{ label: 'level' as const, in: [LEVELS[q.level]!] }]),
  ];
  const word = q.word === undefined ? undefined : WORDS[q.word]!;
  const contains = q.contains === undefined ? undefined : ` ${WORDS[q.contains]} `;
  const got = await st.scan({
    startUs,
    endUs,
    labels,
    ...(word === undefined ? {} : { words: [word] }),
    ...(contains === undefined ? {} : { contains: [contains] }),
    ...(q.trace === undefined ? {} : { traceId: TRACES[q.trace]! }),
    direction: q.backward ? 'backward' : 'forward',
    limit: q.limit,
    maxScan: 1_000_000,
  });
  const dir = sql.raw(q.backward ? 'desc' : 'asc');
  const want = await sql<{
    id: number;
  }>`select e.id from log_entries e join log_streams s on s.id = e.stream_id
    where s.node_id = ${NODES[q.node]!} ${q.level === undefined ? sql`` : sql`and s.level = ${LEVELS[q.level]!}`}
    and e.time_us >= ${startUs} and e.time_us < ${endUs}
    ${word === undefined ? sql`` : sql`and (' ' || e.body || ' ') like ${`% ${word} %`}`}
    ${contains === undefined ? sql`` : sql`and instr(e.body, ${contains}) > 0`}
    ${q.trace === undefined ? sql`` : sql`and e.trace_id = ${TRACES[q.trace]!}`}
    order by e.time_us ${dir}, e.id ${dir} limit ${q.limit}`.execute(st.db);
  assert.deepEqual(
    got.entries.map((e) => e.id),
    want.rows.map((r) => Number(r.id)),
    JSON.stringify({ q }),
  );
  // counts per stream and bucket over (start, end)
  const bucketUs = q.bucketMs * 1000;
  const counts = await countByStream(st, {
    originUs: startUs,
    endUs,
    bucketUs,
    labels,
    ...(contains === undefined ? {} : { contains: [contains] }),
    maxGroups: 1000,
  });
  const wantCounts = await sql<{ node_id: string; level: string; component: string; b: number; n: number }>`
    select s.node_id, s.level, s.component, (e.time_us - ${sql.lit(startUs - bucketUs + 1)}) / ${sql.lit(bucketUs)} as b, count(*) as n
    from log_entries e join log_streams s on s.id = e.stream_id
    where s.node_id = ${NODES[q.node]!} ${q.level === undefined ? sql`` : sql`and s.level = ${LEVELS[q.level]!}`}
    and e.time_us > ${startUs} and e.time_us < ${endUs}
    ${contains === undefined ? sql`` : sql`and instr(e.body, ${contains}) > 0`}
    group by s.id, b order by s.id, b`.execute(st.db);
  assert.deepEqual(
    counts.streams.flatMap((s) =>
      s.bucketEndsUs.map((b, i) => [s.labels.node_id, s.labels.level, s.labels.component, b, s.counts[i]]),
    ),
    wantCounts.rows.map((r) => [
      r.node_id,
      r.level,
      r.component,
      startUs + Number(r.b) * bucketUs,
      Number(r.n),
    ]),
  );
  // label values: the streams with an entry in [start, end)
  const values = await st.labelValues('level', startUs, endUs, 100);
  const wantValues = await sql<{ v: string }>`select distinct s.level as v from log_streams s
    where exists (select 1 from log_entries e where e.stream_id = s.id and e.time_us >= ${startUs} and e.time_us < ${endUs}) order by v`.execute(
    st.db,
  );
  assert.deepEqual(
    values,
    wantValues.rows.map((r) => r.v),
  );
}

describe('log store stream index against plain SQL (SQLite)', () => {
  it('pushes, retention, the cap and reopening keep every read by stream equal to plain SQL', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(stepArb, { minLength: 3, maxLength: 14 }),
        fc.array(queryArb, { minLength: 4, maxLength: 8 }),
        fc.integer({ min: 1, max: 25 }),
        fc.integer({ min: 5, max: 80 }),
        fc.option(fc.integer({ min: 40, max: 300 }), { nil: undefined }),
        // decoded blocks kept: a few small blocks (evictions) or all of them
        fc.constantFrom(400, 16 * 1024 * 1024),
        async (steps, queries, blockEntries, maxOpenSpan, maxEntries, cacheBytes) => {
          const path = join(dir, `s${run++}.db`);
          const opts: LogStoreOptions = {
            retentionMs: RETENTION,
            maxGroupEntries: GROUP,
            streamIndex: { blockEntries, maxOpenSpan, cacheBytes },
            ...(maxEntries === undefined ? {} : { maxEntries }),
          };
          let st = await openSqliteLogStore(path, opts);
          try {
            for (const step of steps) {
              if (step.kind === 'push') await st.insertLogs(step.entries.map(toRecord));
              else if (step.kind === 'retention') await st.applyRetention(NOW + step.nowOffsetMs);
              else {
                await st.close();
                st = await openSqliteLogStore(path, opts);
              }
              await assertIndexIsTheRows(st, opts);
              // a read between steps, so blocks decoded before retention or the cap rewrote them are read again
              await assertReads(st, queries[steps.indexOf(step) % queries.length]!);
              assert.ok(st.streamIndex!.cache.bytes <= cacheBytes);
            }
            for (const q of queries) await assertReads(st, q);
          } catch (e) {
            process.stderr.write(`${String((e as Error).stack ?? e)}\n`);
            throw e;
          } finally {
            await st.close();
            rmSync(path, { force: true });
            rmSync(`${path}-wal`, { force: true });
            rmSync(`${path}-shm`, { force: true });
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});
