/**
 * The stream index's reads at the edges of a range (src/logs/store/stream-index.ts): entries whose times sit exactly
 * on a window's or a bucket's edge. Sealed blocks straddle the edges (many entries share a time, several blocks per
 * stream), and every range and bucket edge is an entry's time or one µs beside it, so a binary search over a
 * block's times that puts an entry on the wrong side of an edge changes the answer. Compared with the entries as
 * written: the entries a window visits, the runs of times counts read, and entry counts per bucket.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { countByStream } from '../../../../src/logs/store/counts.ts';
import { openSqliteLogStore } from '../../../../src/logs/store/open.ts';
import { logRecord, NOW, RETENTION } from '../../../helpers/log-store-fixtures.ts';

const COMPONENTS = ['transport', 'consensus', 'mode'];

/** Entries: a component and a time among 12 values 1 ms apart (so times repeat and blocks straddle edges). */
const entriesArb = fc.array(fc.record({ c: fc.nat(COMPONENTS.length - 1), ms: fc.nat(11) }), {
  minLength: 1,
  maxLength: 200,
});

/** An edge: an entry time (whole ms before NOW) or one µs beside it. */
const edgeArb = fc.record({ ms: fc.nat(12), shiftUs: fc.constantFrom(-1, 0, 0, 0, 1) });
const edgeUs = (e: { ms: number; shiftUs: number }) => (NOW - e.ms) * 1000 + e.shiftUs;

describe('stream index reads at range edges', () => {
  it('entries on a window or bucket edge fall on the side the range says', async () => {
    await fc.assert(
      fc.asyncProperty(
        entriesArb,
        fc.array(fc.tuple(edgeArb, edgeArb), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 2, max: 12 }),
        fc.constantFrom(1000, 2000, 3000),
        async (written, ranges, blockEntries, bucketUs) => {
          // small blocks, all sealed before the reads (open span 1: a block is sealed once any later entry is written)
          const st = await openSqliteLogStore(':memory:', {
            retentionMs: RETENTION,
            streamIndex: { blockEntries, maxOpenSpan: 1 },
          });
          try {
            await st.insertLogs(written.map((e) => logRecord(e.ms, { component: COMPONENTS[e.c]! })));
            await st.insertLogs([logRecord(0, { component: 'other' })]);
            const sid = new Map<string, number>();
            for (const c of COMPONENTS) {
              const ids = await st.streamIdsFor([{ label: 'component', in: [c] }]);
              if (ids !== undefined && ids.length === 1) sid.set(c, ids[0]!);
            }
            const sids = [...sid.values()];
            const index = st.streamIndex!;
            for (const [a, b] of ranges) {
              const [lo, hi] = [Math.min(edgeUs(a), edgeUs(b)), Math.max(edgeUs(a), edgeUs(b))];
              const want = written
                .map((e) => ({ s: sid.get(COMPONENTS[e.c]!)!, t: (NOW - e.ms) * 1000 }))
                .filter((e) => e.t >= lo && e.t < hi);
              const visited: number[] = [];
              index.visit(sids, lo, hi, (_, __, t) => visited.push(t));
              assert.deepEqual(
                visited.sort((x, y) => x - y),
                want.map((e) => e.t).sort((x, y) => x - y),
                `visit [${lo}, ${hi})`,
              );
              const runs: number[] = [];
              index.visitTimes(sids, lo, hi, (_, times, from, to, inRange) => {
                for (let i = from; i < to; i++)
                  if (inRange || (times[i]! >= lo && times[i]! < hi)) runs.push(times[i]!);
              });
              assert.deepEqual(
                runs.sort((x, y) => x - y),
                want.map((e) => e.t).sort((x, y) => x - y),
                `visitTimes [${lo}, ${hi})`,
              );
              // counts over (lo − 1, hi): buckets (origin + (k − 1)·w, origin + k·w], bucket ends on entry times
              const counts = await countByStream(st, {
                originUs: lo - 1,
                endUs: hi,
                bucketUs,
                labels: [{ label: 'component', in: COMPONENTS }],
                maxGroups: 10_000,
              });
              const wantCounts = new Map<string, number>();
              for (const e of want) {
                const k = Math.ceil((e.t - (lo - 1)) / bucketUs);
                const key = `${e.s}|${lo - 1 + k * bucketUs}`;
                wantCounts.set(key, (wantCounts.get(key) ?? 0) + 1);
              }
              const got = new Map<string, number>();
              for (const s of counts.streams) {
                const id = sid.get(s.labels.component)!;
                s.bucketEndsUs.forEach((end, i) => got.set(`${id}|${end}`, s.counts[i]!));
              }
              assert.deepEqual(
                [...got].sort(),
                [...wantCounts].sort(),
                `counts (${lo - 1}, ${hi}) by ${bucketUs}`,
              );
            }
          } finally {
            await st.close();
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
