/**
 * The SQLite writer resolves a stream id and builds the attributes' JSON once per run of consecutive entries of
 * one label set (and one attributes object): fast-check over batches whose entries differ from the one before in
 * any single label, share or do not share an attributes object, and meet the stream limit mid-run — every stored
 * entry reads back with exactly its own labels and attributes, and the refused ones are exactly the entries of
 * label sets beyond the limit.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { sql } from 'kysely';
import type { LogLevel, LogRecord } from '../../../../src/logs/record.ts';
import { openSqliteLogStore } from '../../../../src/logs/store/open.ts';
import { streamKeyOf } from '../../../../src/logs/store/streams.ts';
import { logRecord, RETENTION } from '../../../helpers/log-store-fixtures.ts';

const LEVELS: readonly LogLevel[] = ['info', 'warn'];
const SHARED: readonly Readonly<Record<string, string>>[] = [{}, { pod: 'a' }, { pod: 'b', zone: 'z1' }];

interface Step {
  /** which label of the entry before changes (5: none) */
  readonly change: number;
  readonly to: number;
  /** an attributes object shared with other entries (index into SHARED), or a fresh one with this pod */
  readonly attrs: { readonly shared: number } | { readonly own: string };
}

const stepArb: fc.Arbitrary<Step> = fc.record({
  change: fc.nat(5),
  to: fc.nat(1),
  attrs: fc.oneof(
    fc.record({ shared: fc.nat(SHARED.length - 1) }),
    fc.record({ own: fc.constantFrom('a', 'b', 'c') }),
  ),
});

/** The records of a walk over label sets: each entry changes at most one label of the one before. */
function recordsOf(steps: readonly Step[]): LogRecord[] {
  const labels = [0, 0, 0, 0, 0];
  return steps.map((s, i) => {
    if (s.change < 5) labels[s.change] = s.to;
    return logRecord(1000 - i, {
      // fresh strings for every entry: equal label sets need not be the same string objects
      service: `svc-${labels[0]}`,
      nodeId: `node-${labels[1]}`,
      region: ['r1', 'r2'][labels[2]!]!,
      level: LEVELS[labels[3]!]!,
      component: `comp-${labels[4]}`,
      body: `line ${i}`,
      attributes: 'shared' in s.attrs ? SHARED[s.attrs.shared]! : { pod: s.attrs.own },
    });
  });
}

describe('log writer: one stream lookup per run of entries', () => {
  it('stores every entry with its own labels and attributes; refuses exactly the label sets beyond the limit', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(stepArb, { minLength: 1, maxLength: 30 }), { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 1, max: 8 }),
        async (batches, maxStreams) => {
          const store = await openSqliteLogStore(':memory:', { retentionMs: RETENTION, maxStreams });
          try {
            const expected: { key: string; attrs: string }[] = [];
            const known = new Set<string>();
            for (const steps of batches) {
              const records = recordsOf(steps);
              const wantDropped: number[] = [];
              records.forEach((r, i) => {
                const key = streamKeyOf(r);
                if (!known.has(key) && known.size >= maxStreams) return wantDropped.push(i);
                known.add(key);
                expected.push({ key, attrs: JSON.stringify(r.attributes) });
              });
              const res = await store.storeLogs(records);
              assert.deepEqual(res.droppedForStreamLimit, wantDropped);
              assert.equal(res.stored, records.length - wantDropped.length);
            }
            const rows = (
              await sql<{
                service: string;
                node_id: string;
                region: string;
                level: string;
                component: string;
                attrs: string;
              }>`select s.service, s.node_id, s.region, s.level, s.component, e.attrs from log_entries e join log_streams s on s.id = e.stream_id order by e.id`.execute(
                store.db,
              )
            ).rows;
            assert.deepEqual(
              rows.map((r) => ({
                key: [r.service, r.node_id, r.region, r.level, r.component].join('\u0000'),
                attrs: r.attrs,
              })),
              expected,
            );
          } finally {
            await store.close();
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
