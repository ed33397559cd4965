/**
 * The chunked store's append shortcuts change nothing a caller can see: head series found from the previous
 * batch of the same shape (batch-handles.ts), the batch classification without maps (late-samples.ts), and cut
 * chunks written together at most every `chunkWriteIntervalMs` (tsdb-store.ts). Random batches (the caller's
 * keys or none, series dropped from a tiny head, duplicates and late samples, checkpoints, explicit or on the clock
 * and written a few series per append (checkpoint-slices.ts), crashes with the WAL replayed, a clock that may or may
 * not reach the write interval) are compared with a model: per series, the first value stored at each timestamp.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import type { Sample } from '../../../src/model/sample.ts';
import { SeriesKeyBuilder } from '../../../src/store/series-key-builder.ts';
import { openChunkedSqliteStore, type OpenedChunkedStore } from '../../../src/store/tsdb/open.ts';

const T0 = 1_700_000_000_000;
const HOUR = 3_600_000;
const SERIES = 7;
const labelsOf = Array.from({ length: SERIES }, (_, i) => ({ i: String(i) }));
const builder = new SeriesKeyBuilder();
const keyOf = labelsOf.map((l) => builder.key('dwcp_batching', l));

type Op =
  | {
      kind: 'append';
      series: number[];
      dts: number[];
      values: number[];
      withKeys: boolean;
      advanceMs: number;
    }
  | { kind: 'checkpoint' }
  | { kind: 'crash' };

const appendOp = fc.record({
  kind: fc.constant('append' as const),
  series: fc.array(fc.integer({ min: 0, max: SERIES - 1 }), { minLength: 1, maxLength: 12 }),
  dts: fc.array(fc.integer({ min: -4, max: 3 }), { minLength: 12, maxLength: 12 }),
  values: fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: 12, maxLength: 12 }),
  withKeys: fc.boolean(),
  advanceMs: fc.integer({ min: 0, max: 700 }),
});
const ops = fc.array(
  fc.oneof(
    { weight: 12, arbitrary: appendOp },
    { weight: 1, arbitrary: fc.constant({ kind: 'checkpoint' as const }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'crash' as const }) },
  ),
  { minLength: 1, maxLength: 40 },
);

describe('chunked store: batched appends behave as one append at a time', () => {
  const dirs: string[] = [];
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('stores, rejects, reads and counts exactly what the model says', async () => {
    await fc.assert(
      fc.asyncProperty(
        ops,
        fc.integer({ min: 2, max: 5 }),
        fc.integer({ min: 2, max: 6 }),
        fc.integer({ min: 1, max: 5000 }),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 500, max: 4000 }),
        fc.integer({ min: 1, max: 3 }),
        async (
          program: Op[],
          maxSamplesPerChunk,
          seriesCacheSize,
          chunkWriteIntervalMs,
          maxPendingChunks,
          checkpointIntervalMs,
          checkpointSliceSeries,
        ) => {
          const dir = mkdtempSync(join(tmpdir(), 'dwcp-batching-'));
          dirs.push(dir);
          let now = T0;
          const opts = {
            path: join(dir, 'db.sqlite'),
            walDir: join(dir, 'wal'),
            retentionMs: 24 * HOUR,
            maxSamplesPerChunk,
            seriesCacheSize,
            chunkWriteIntervalMs,
            maxPendingChunks,
            // Checkpoints start on the clock too, written a few series per append (crashes may land between slices).
            checkpointIntervalMs,
            checkpointSliceSeries,
            now: () => now,
          };
          let st: OpenedChunkedStore = await openChunkedSqliteStore(opts);
          const model = labelsOf.map(() => new Map<number, number>());
          // Per series, the timestamp the next sample is based on (mostly increasing; dts make duplicates and late ones).
          const clock = labelsOf.map(() => 0);
          try {
            for (const op of program) {
              if (op.kind === 'checkpoint') {
                await st.checkpoint();
                continue;
              }
              if (op.kind === 'crash') {
                st.samples.abandon(); // as kill -9 leaves it: head and waiting chunks lost, WAL on disk
                await st.close(); // closes only the database now
                st = await openChunkedSqliteStore(opts);
                continue;
              }
              now += op.advanceMs;
              const batch: Sample[] = [];
              const keys: string[] = [];
              let stored = 0;
              op.series.forEach((i, j) => {
                clock[i] = clock[i]! + 1;
                const ts = T0 + Math.max(0, clock[i]! + op.dts[j]!) * 1000;
                batch.push({
                  name: 'dwcp_batching',
                  labels: labelsOf[i]!,
                  value: op.values[j]!,
                  timestampMs: ts,
                });
                keys.push(keyOf[i]!);
                if (!model[i]!.has(ts)) {
                  model[i]!.set(ts, op.values[j]! + 0); // -0 is stored as +0
                  stored++;
                }
              });
              const r = await st.append(batch, op.withKeys ? keys : undefined);
              const dup = batch.length - stored;
              assert.deepEqual(r, { stored, rejected: dup > 0 ? { duplicate: dup } : {} });
            }
            const refs = await st.findSeries('dwcp_batching', {}, 100);
            const points = await st.readPoints(refs, T0 - HOUR, T0 + HOUR, 100_000);
            for (const p of points) {
              const want = [...model[Number(p.series.labels['i'])]!].sort((a, b) => a[0] - b[0]);
              assert.deepEqual(
                p.timestampsMs,
                want.map((w) => w[0]),
              );
              assert.deepEqual(
                p.values,
                want.map((w) => w[1]),
              );
            }
            assert.equal(refs.length, model.filter((m) => m.size > 0).length);
            const total = model.reduce((a, m) => a + m.size, 0);
            assert.equal(await st.countSamples(), total);
            assert.equal(st.samples.stats().chunkWriteErrors, 0);
          } finally {
            await st.close();
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
