/**
 * The decoded rollup-row cache of range queries (src/store/tsdb/row-cache.ts): its byte bound holds under any
 * sequence of queries, fills, rewrites and deletions; a query whose rows do not fit is served partly uncached
 * (counted as bypassed) instead of evicting its own rows; stale fills are refused; dense rows are exact. Rows
 * read once are held compressed (their blob's bytes counted, a pooled driver buffer copied so it does not keep
 * its pool alive), and kept decoded from the read the cache's policy promotes them on (by default the second),
 * at most a read's promotion budget of decoded bytes per read.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  denseRow,
  ENTRY_OVERHEAD_BYTES,
  ownedBytes,
  RollupRowCache,
  rowKey,
  type CachedRow,
} from '../../../src/store/tsdb/row-cache.ts';

const MIN = 60_000;
const DAY = 86_400_000;

/** A row of `n` 1-minute buckets from `start`, values exact in float64 only (so 8 bytes per bucket). */
function row(start: number, n: number, seed = 0.1): CachedRow {
  const ts = Array.from({ length: n }, (_, i) => start + i * MIN);
  const last = ts.map((_, i) => i + seed);
  return { start, resolutionMs: MIN, values: denseRow(start, MIN, ts, last, n)!, lastBucket: ts[n - 1]! };
}

/** A row of `n` 1-minute buckets held as a blob of `bytes` bytes. */
function compressed(start: number, n: number, bytes: number): CachedRow {
  return {
    start,
    resolutionMs: MIN,
    values: undefined,
    blob: new Uint8Array(bytes),
    lastBucket: start + (n - 1) * MIN,
  };
}

describe('tsdb rollup-row cache', () => {
  it('never holds more than its bound, whatever the sequence of operations', () => {
    const op = fc.oneof(
      fc.record({
        k: fc.constant('query' as const),
        // (series, buckets, blob bytes): a row read from the database is held compressed when blob bytes > 0.
        rows: fc.array(
          fc.tuple(
            fc.integer({ min: 0, max: 40 }),
            fc.integer({ min: 1, max: 1440 }),
            fc.integer({ min: 0, max: 12_000 }),
          ),
          { maxLength: 30 },
        ),
      }),
      fc.record({
        k: fc.constant('write' as const),
        id: fc.integer({ min: 0, max: 40 }),
        n: fc.integer({ min: 1, max: 1440 }),
      }),
      fc.record({ k: fc.constant('delete' as const), before: fc.integer({ min: 0, max: 1440 }) }),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 200_000 }),
        fc.constantFrom(2, 3, 5, Infinity),
        fc.array(op, { maxLength: 40 }),
        (maxBytes, promoteAt, ops) => {
          const c = new RollupRowCache(maxBytes, promoteAt);
          for (const o of ops) {
            if (o.k === 'query') {
              const stamp = c.beginQuery();
              const epoch = c.epoch;
              for (const [id, n, z] of o.rows) {
                const key = rowKey(id, MIN, 0);
                const hit = c.get(key, stamp);
                if (hit === undefined) c.put(key, z > 0 ? compressed(0, n, z) : row(0, n), epoch, stamp);
                else if (c.promotes(hit, stamp)) c.put(key, row(0, n), epoch, stamp, true);
              }
            } else if (o.k === 'write') {
              const ts = Array.from({ length: o.n }, (_, i) => i * MIN);
              c.rowWritten(
                o.id,
                MIN,
                0,
                ts,
                ts.map((t) => t / 7),
                o.n,
              );
            } else c.rowsDeletedBefore(MIN, o.before * MIN);
            const s = c.stats();
            assert.ok(s.bytes <= maxBytes, `${s.bytes} B held, bound ${maxBytes}`);
            assert.ok(s.bytes >= 0);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps a compressed row decoded on the read it promotes on, never before; by default the second', () => {
    const blobRow = (): CachedRow => compressed(0, 1440, 1_600);
    for (const promoteAt of [undefined, 2, 3, 4, Infinity]) {
      const c =
        promoteAt === undefined ? new RollupRowCache(1 << 20) : new RollupRowCache(1 << 20, promoteAt);
      const key = rowKey(1, MIN, 0);
      c.put(key, blobRow(), c.epoch, c.beginQuery());
      for (let read = 2; read <= 8; read++) {
        const stamp = c.beginQuery();
        const hit = c.get(key, stamp)!;
        const promote = c.promotes(hit, stamp);
        assert.equal(promote, read >= (promoteAt ?? 2), `read ${read}, promote at ${promoteAt}`);
        if (promote) {
          assert.ok(c.put(key, row(0, 1440), c.epoch, stamp, true));
          break;
        }
        assert.equal(c.stats().bytes, ENTRY_OVERHEAD_BYTES + 1_600, 'still held compressed');
      }
      const s = c.stats();
      assert.equal(s.misses, 1, 'a promoting read is not counted as a miss again');
      assert.equal(s.compressed, promoteAt === Infinity ? 1 : 0);
    }
    assert.throws(() => new RollupRowCache(1).setPromoteAtRead(1), { code: 'DWCP_INVALID_INPUT' });
    assert.throws(() => new RollupRowCache(1).setPromoteAtRead(2.5), { code: 'DWCP_INVALID_INPUT' });
    assert.throws(() => new RollupRowCache(1, 2, 0), { code: 'DWCP_INVALID_INPUT' });
    assert.throws(() => new RollupRowCache(1).setPromoteBytesPerRead(1.5), { code: 'DWCP_INVALID_INPUT' });
  });

  it('keeps at most its budget of decoded bytes per read (plus the row crossing it), converging over reads', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 40_000 }),
        fc.integer({ min: 1, max: 1440 }),
        (rows, budget, n) => {
          const c = new RollupRowCache(64 << 20, 2, budget);
          const keys = Array.from({ length: rows }, (_, id) => rowKey(id, MIN, 0));
          const q1 = c.beginQuery();
          for (const k of keys) c.put(k, compressed(0, n, 100), c.epoch, q1);
          const rowBytes = row(0, n).values!.byteLength;
          let left = rows;
          for (let read = 2; left > 0; read++) {
            assert.ok(read <= rows + 2, 'every row is kept decoded after at most one read per row');
            const stamp = c.beginQuery();
            let kept = 0;
            for (const k of keys) {
              const hit = c.get(k, stamp)!;
              if (c.promotes(hit, stamp) && c.put(k, row(0, n), c.epoch, stamp, true)) kept++;
            }
            assert.ok(kept >= 1, `read ${read} keeps a row decoded`);
            assert.ok(
              (kept - 1) * rowBytes < budget,
              `read ${read} kept ${kept} rows of ${rowBytes} B against a budget of ${budget} B`,
            );
            left -= kept;
            assert.equal(c.stats().compressed, left);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a query larger than the cache keeps what fits and reads the rest uncached (bypassed), without evicting its own rows', () => {
    const perRow = ENTRY_OVERHEAD_BYTES + 1440 * 8;
    const c = new RollupRowCache(10 * perRow);
    const q = (ids: number[]): { hits: number; kept: number; refused: number } => {
      const stamp = c.beginQuery();
      const epoch = c.epoch;
      let hits = 0;
      let kept = 0;
      let refused = 0;
      for (const id of ids) {
        const key = rowKey(id, MIN, 0);
        if (c.get(key, stamp) !== undefined) hits++;
        else if (c.put(key, row(0, 1440), epoch, stamp)) kept++;
        else refused++;
      }
      return { hits, kept, refused };
    };
    const ids = Array.from({ length: 25 }, (_, i) => i);
    assert.deepEqual(q(ids), { hits: 0, kept: 10, refused: 15 });
    // Repeated: the ten kept rows are hits, the rest still bypass (no thrashing).
    assert.deepEqual(q(ids), { hits: 10, kept: 0, refused: 15 });
    const s = c.stats();
    assert.equal(s.bypassed, 30);
    assert.equal(s.misses, 40);
    assert.equal(s.hits, 10);
    assert.equal(s.evictions, 0);
    assert.equal(s.bytes, 10 * perRow);
    // Another query evicts the least recently used rows of earlier queries.
    assert.deepEqual(q([100, 101]), { hits: 0, kept: 2, refused: 0 });
    assert.equal(c.stats().evictions, 2);
    assert.ok(c.stats().bytes <= 10 * perRow);
  });

  it('refuses a row read before a rewrite, and replaces a cached row by the written one', () => {
    const c = new RollupRowCache(1 << 20);
    const stamp = c.beginQuery();
    const epoch = c.epoch;
    c.rowWritten(1, MIN, 0, [0], [5], 1); // a rollup wrote the row while the query read the old one
    assert.equal(c.put(rowKey(1, MIN, 0), row(0, 3), epoch, stamp), false);
    assert.equal(c.get(rowKey(1, MIN, 0), stamp), undefined);
    const s2 = c.beginQuery();
    assert.equal(c.put(rowKey(1, MIN, 0), row(0, 3), c.epoch, s2), true);
    c.rowWritten(1, MIN, 0, [0, 2 * MIN], [7, 9], 2);
    const got = c.get(rowKey(1, MIN, 0), s2)!;
    assert.deepEqual([...got.values!], [7, Number.NaN, 9]);
    c.rowsDeletedBefore(MIN, 3 * MIN);
    assert.equal(c.get(rowKey(1, MIN, 0), s2), undefined);
    assert.equal(c.stats().bytes, 0);
  });

  it('dense rows keep every value bit for bit (float32 only when exact), and refuse what they cannot represent', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 1439 }), { minLength: 1, maxLength: 60 }),
        fc.array(
          fc.oneof(
            fc.double({ noNaN: true }),
            fc.float({ noNaN: true }).map((x) => x),
          ),
          { minLength: 60, maxLength: 60 },
        ),
        (slots, vals) => {
          slots.sort((a, b) => a - b);
          const start = 3 * DAY;
          const ts = slots.map((k) => start + k * MIN);
          const last = slots.map((_, i) => vals[i]!);
          const d = denseRow(start, MIN, ts, last, ts.length)!;
          assert.ok(d !== undefined);
          const back: number[] = [];
          for (let k = 0; k < d.length; k++) if (!Number.isNaN(d[k]!)) back.push(d[k]!);
          assert.equal(back.length, last.length);
          back.forEach((v, i) => assert.ok(Object.is(v, last[i]), `${v} vs ${last[i]}`));
          if (last.some((v) => Math.fround(v) !== v)) assert.ok(d instanceof Float64Array);
        },
      ),
      { numRuns: 300 },
    );
    assert.equal(denseRow(0, MIN, [0, 30_000], [1, 2], 2), undefined); // off the grid
    assert.equal(denseRow(0, MIN, [0, MIN], [1, Number.NaN], 2), undefined); // NaN is the hole marker
    assert.equal(denseRow(0, MIN, [DAY], [1], 1), undefined); // past the row
  });

  it('holds a row read once compressed, counts its blob bytes, and keeps it decoded from its second read on', () => {
    const c = new RollupRowCache(1 << 20);
    const key = rowKey(7, MIN, 0);
    const q1 = c.beginQuery();
    assert.equal(c.put(key, compressed(0, 1440, 1800), c.epoch, q1), true);
    assert.deepEqual(
      { ...c.stats(), maxBytes: 0 },
      {
        maxBytes: 0,
        bytes: ENTRY_OVERHEAD_BYTES + 1800,
        entries: 1,
        compressed: 1,
        hits: 0,
        misses: 1,
        bypassed: 0,
        evictions: 0,
      },
    );
    const q2 = c.beginQuery();
    assert.ok(c.get(key, q2)!.blob !== undefined);
    assert.equal(c.put(key, row(0, 1440), c.epoch, q2, true), true);
    const s = c.stats();
    assert.equal(s.compressed, 0);
    assert.equal(s.entries, 1);
    assert.equal(s.bytes, ENTRY_OVERHEAD_BYTES + 1440 * 8);
    assert.equal(s.misses, 1, 'the second read is a hit, not a second miss');
    assert.equal(s.hits, 1);
    // Retention drops compressed rows by their last bucket too.
    c.put(rowKey(8, MIN, 0), compressed(0, 10, 100), c.epoch, q2);
    c.rowsDeletedBefore(MIN, 10 * MIN);
    assert.equal(c.get(rowKey(8, MIN, 0), q2), undefined);
  });

  it('keys rows one-to-one, as numbers inside the keyed range and strings outside it', () => {
    const HOUR = 3_600_000;
    const span = (res: number): number => (res === MIN ? DAY : 30 * DAY);
    const idArb = fc.oneof(fc.nat({ max: 100 }), fc.integer({ min: 2 ** 31 - 3, max: 2 ** 31 + 3 }));
    const rowArb = fc.oneof(
      fc.integer({ min: -3, max: 3 }),
      fc.integer({ min: 2 ** 20 - 3, max: 2 ** 20 + 3 }),
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(idArb, fc.constantFrom(MIN, HOUR), rowArb, fc.boolean()), { maxLength: 30 }),
        (rows) => {
          const seen = new Map<number | string, string>();
          for (const [id, res, r, negative] of rows) {
            const start = (negative ? -r : r) * span(res);
            const key = rowKey(id, res, start);
            const row = `${id}/${res}/${start}`;
            const inRange = id < 2 ** 31 && Math.abs(start / span(res)) < 2 ** 20 - 1;
            if (inRange) assert.equal(typeof key, 'number', row);
            if (typeof key === 'number') assert.ok(Number.isSafeInteger(key), row);
            const other = seen.get(key);
            assert.ok(other === undefined || other === row, `${row} and ${other} share key ${key}`);
            seen.set(key, row);
          }
        },
      ),
      { numRuns: 500 },
    );
    assert.notEqual(rowKey(5, MIN, 0), rowKey(5, HOUR, 0));
    assert.equal(typeof rowKey(5, MIN, 30_000), 'string'); // off the row grid
  });

  it('copies a blob that is a view of a larger (pooled) buffer, and keeps one that owns its bytes', () => {
    const pooled = Buffer.from('ab'.repeat(700), 'hex');
    assert.ok(pooled.buffer.byteLength > pooled.byteLength, 'Node pools small buffers');
    const own = ownedBytes(pooled);
    assert.equal(own.buffer.byteLength, 700);
    assert.deepEqual([...own], [...pooled]);
    const fresh = new Uint8Array(700);
    assert.equal(ownedBytes(fresh), fresh);
  });
});
