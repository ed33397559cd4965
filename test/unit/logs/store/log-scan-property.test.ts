/**
 * Scans of the SQLite log store return what a plain scan of the same entries returns: every entry matching the
 * labels, words, substrings and time range, in time order (ties by id), the first `limit` of them. Random entries
 * over a few streams are written in random batches; label, word and line-filter scans in both directions are
 * compared with a filter and sort over the records in memory (the store's layout — by stream, by time, through
 * the full-text index — must not change an answer). Entries arrive in time order (the newest-first word search
 * returns the latest-arrived matches, which are then the latest by time). One node of six (a sixth of the streams)
 * is read by stream (with a trace id, through the trace index instead); two nodes, or no label, along the time index; a JS predicate
 * that keeps few of the rows read makes a scan read several pages.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { LogRecord } from '../../../../src/logs/record.ts';
import { textTokens } from '../../../../src/logs/store/log-rows.ts';
import { openSqliteLogStore } from '../../../../src/logs/store/open.ts';
import type { LabelSet } from '../../../../src/logs/store/streams.ts';
import { DAY, logRecord, RETENTION } from '../../../helpers/log-store-fixtures.ts';

const NODES = ['node-1', 'node-2', 'node-3', 'node-4', 'node-5', 'node-6'];
const LEVELS = ['info', 'warn', 'error'] as const;
const COMPONENTS = ['transport', 'consensus'];
const WORDS = ['transfer', 'timed', 'out', 'retrying', 'quorum', 'lost'];
/** Trace ids of entries (the empty one: no trace). */
const TRACES = [
  '',
  '4bf92f3577b34da6a3ce929d0e0e4736',
  '0af7651916cd43dd8448eb211c80319c',
  'b7ad6b7169203331b7ad6b7169203331',
];

interface Entry {
  readonly node: number;
  readonly level: number;
  readonly component: number;
  readonly words: readonly number[];
  readonly trace: number;
  /** ms after the previous entry (0: same timestamp) */
  readonly gapMs: number;
}

const entryArb: fc.Arbitrary<Entry> = fc.record({
  node: fc.nat(NODES.length - 1),
  level: fc.nat(LEVELS.length - 1),
  component: fc.nat(COMPONENTS.length - 1),
  words: fc.array(fc.nat(WORDS.length - 1), { minLength: 1, maxLength: 4 }),
  trace: fc.nat(TRACES.length - 1),
  gapMs: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 5000 })),
});

interface Query {
  readonly nodes: readonly number[] | undefined;
  readonly level: number | undefined;
  readonly word: number | undefined;
  /** a line filter: two adjacent words with the spaces around them */
  readonly contains: readonly [number, number] | undefined;
  /** a word the scan's JS predicate keeps lines by (rows read but not kept: more pages) */
  readonly accept: number | undefined;
  /** a trace id the entries must carry (never the empty one) */
  readonly trace: number | undefined;
  readonly backward: boolean;
  readonly limit: number;
  /** the range as fractions of the entries' span (the end may reach past the newest entry) */
  readonly from: number;
  readonly to: number;
}

const queryArb: fc.Arbitrary<Query> = fc.record({
  nodes: fc.option(fc.uniqueArray(fc.nat(NODES.length - 1), { minLength: 1, maxLength: 2 }), {
    nil: undefined,
    freq: 2,
  }),
  level: fc.option(fc.nat(LEVELS.length - 1), { nil: undefined, freq: 1 }),
  word: fc.option(fc.nat(WORDS.length - 1), { nil: undefined, freq: 1 }),
  contains: fc.option(fc.tuple(fc.nat(WORDS.length - 1), fc.nat(WORDS.length - 1)), {
    nil: undefined,
    freq: 1,
  }),
  accept: fc.option(fc.nat(WORDS.length - 1), { nil: undefined }),
  trace: fc.option(fc.integer({ min: 1, max: TRACES.length - 1 }), { nil: undefined, freq: 2 }),
  backward: fc.boolean(),
  limit: fc.oneof(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 100, max: 250 })),
  from: fc.double({ min: 0, max: 1, noNaN: true }),
  to: fc.double({ min: 0, max: 1.2, noNaN: true }),
});

function records(entries: readonly Entry[]): LogRecord[] {
  let t = 0;
  return entries.map((e) => {
    t += e.gapMs;
    return logRecord(DAY / 2 - t, {
      nodeId: NODES[e.node]!,
      level: LEVELS[e.level]!,
      component: COMPONENTS[e.component]!,
      traceId: TRACES[e.trace]!,
      body: `{"msg":" ${e.words.map((w) => WORDS[w]).join(' ')} "}`,
    });
  });
}

describe('log store scans against a plain scan (SQLite)', () => {
  it('label, word and line-filter scans return the entries a filter and sort over the records return', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(entryArb, { minLength: 1, maxLength: 300, size: 'max' }),
        fc.array(fc.integer({ min: 1, max: 120 }), { minLength: 1, maxLength: 6 }),
        fc.array(queryArb, { minLength: 1, maxLength: 8 }),
        async (entries, batchSizes, queries) => {
          const recs = records(entries);
          const st = await openSqliteLogStore(':memory:', { retentionMs: RETENTION });
          try {
            for (let i = 0, b = 0; i < recs.length; b++) {
              const n = batchSizes[b % batchSizes.length]!;
              await st.insertLogs(recs.slice(i, i + n));
              i += n;
            }
            // ids are given in arrival order from 1
            const stored = recs.map((r, i) => ({ ...r, id: i + 1 }));
            const t0 = recs[0]!.timeUs;
            const span = recs[recs.length - 1]!.timeUs - t0 + 1;
            for (const q of queries) {
              const startUs = t0 + Math.floor(Math.min(q.from, q.to) * span);
              const endUs = t0 + Math.ceil(Math.max(q.from, q.to) * span) + 1;
              const labels: LabelSet[] = [];
              if (q.nodes !== undefined) labels.push({ label: 'node_id', in: q.nodes.map((n) => NODES[n]!) });
              if (q.level !== undefined) labels.push({ label: 'level', in: [LEVELS[q.level]!] });
              const words = q.word === undefined ? [] : [WORDS[q.word]!];
              const contains =
                q.contains === undefined ? [] : [` ${WORDS[q.contains[0]]} ${WORDS[q.contains[1]]} `];
              const kept = q.accept === undefined ? undefined : ` ${WORDS[q.accept]} `;
              const got = await st.scan({
                startUs,
                endUs,
                labels,
                words,
                contains,
                containsWords: contains.flatMap(textTokens),
                direction: q.backward ? 'backward' : 'forward',
                limit: q.limit,
                maxScan: 1_000_000,
                ...(q.trace === undefined ? {} : { traceId: TRACES[q.trace]! }),
                ...(kept === undefined ? {} : { accept: (r: LogRecord) => r.body.includes(kept) }),
              });
              const want = stored
                .filter(
                  (r) =>
                    r.timeUs >= startUs &&
                    r.timeUs < endUs &&
                    (q.nodes === undefined || q.nodes.some((n) => NODES[n] === r.nodeId)) &&
                    (q.level === undefined || LEVELS[q.level] === r.level) &&
                    words.every((w) => textTokens(r.body).includes(w)) &&
                    contains.every((c) => r.body.includes(c)) &&
                    (kept === undefined || r.body.includes(kept)) &&
                    (q.trace === undefined || r.traceId === TRACES[q.trace]),
                )
                .sort((a, b) =>
                  q.backward ? b.timeUs - a.timeUs || b.id - a.id : a.timeUs - b.timeUs || a.id - b.id,
                )
                .slice(0, q.limit);
              assert.deepEqual(
                got.entries.map((e) => e.id),
                want.map((e) => e.id),
                JSON.stringify({ q, startUs, endUs }),
              );
              assert.deepEqual(
                got.entries.map((e) => [e.nodeId, e.level, e.component, e.body, e.timeUs]),
                want.map((e) => [e.nodeId, e.level, e.component, e.body, e.timeUs]),
              );
            }
          } finally {
            await st.close();
          }
        },
      ),
      { numRuns: 25, endOnFailure: true },
    );
  });
});
