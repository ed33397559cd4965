/**
 * Page fill of the chunk table in SQLite: chunk rows of mixed sizes (small integer-series blobs, 3 KiB blobs of
 * full-precision floats, in series order as a scrape delivers them), checkpointed and then cut, leave little of
 * the table's pages empty (rows packed into page-sized bins; a checkpoint row replaced by delete and append, not
 * grown in place), and read back unchanged. When full-precision floats are too many for small rows to fill the
 * pages beside them, their chunks are cut by stored size (`maxChunkBytes`), two to a page.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import type { Sample } from '../../../src/model/sample.ts';
import { openChunkedSqliteStore } from '../../../src/store/tsdb/open.ts';

const T0 = 1_700_000_000_000;
const SERIES = 240;
const STEPS = 400;

/** A deterministic hash of (i, k) in [0, 1). */
function unit(i: number, k: number, salt: number): number {
  let h = Math.imul(i + 1, 0x9e3779b1) ^ Math.imul(k + 1, 0x85ebca6b) ^ salt;
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  return (Math.imul(h ^ (h >>> 13), 0x297a2d39) >>> 0) / 2 ** 32;
}

/**
 * Value of series i at step k: every fifth series a random full-precision float (about 3.3 KiB per chunk of
 * 400), the others gauges of small random integers (a few hundred bytes per chunk).
 */
function valueOf(i: number, k: number): number {
  if (i % 5 === 0) return unit(i, k, 1) * 1000 + unit(i, k, 2) * 1e-6;
  return Math.floor(unit(i, k, 3) * 16);
}

/** The chunk table's leaf pages of a closed store's file (after a WAL checkpoint), and its rows over 2.5 KiB. */
function leafPages(path: string): { pages: number; bytes: number; unused: number; bigRows: number } {
  const raw = new BetterSqlite3(path);
  try {
    raw.pragma('wal_checkpoint(TRUNCATE)');
    const t = raw
      .prepare(
        "select count(*) as pages, sum(pgsize) as bytes, sum(unused) as unused from dbstat where name = 'tsdb_chunks' and pagetype = 'leaf'",
      )
      .get() as { pages: number; bytes: number; unused: number };
    const big = raw.prepare('select count(*) as n from tsdb_chunks where length(data) > 2500').get() as {
      n: number;
    };
    return { ...t, bigRows: big.n };
  } finally {
    raw.close();
  }
}

describe('tsdb chunk table page fill (SQLite)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dwcp-page-fill-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('mixed-size chunk rows, checkpointed then cut, leave at most 10 % of the table pages unused', async () => {
    const path = join(dir, 'chunks.db');
    let now = T0;
    const st = await openChunkedSqliteStore({
      path,
      walDir: join(dir, 'wal'),
      retentionMs: 30 * 86_400_000,
      maxSamplesPerChunk: STEPS,
      maxChunkBytes: 1 << 24, // cut by sample count only: 3 KiB float rows beside small ones
      now: () => now,
    });
    try {
      for (let k = 0; k <= STEPS; k++) {
        now = T0 + k * 1000;
        const batch: Sample[] = [];
        for (let i = 0; i < SERIES; i++)
          batch.push({ name: 'dwcp_fill', labels: { s: String(i) }, value: valueOf(i, k), timestampMs: now });
        await st.append(batch);
        if (k === STEPS / 2) await st.checkpoint(); // checkpoint rows, replaced by the cut chunks below
      }
      const refs = await st.findSeries('dwcp_fill', { s: '3' }, 10);
      const [p] = await st.readPoints(refs, T0, T0 + STEPS * 1000, 10_000);
      assert.deepEqual(
        [...p!.values],
        Array.from({ length: STEPS + 1 }, (_, k) => valueOf(3, k)),
      );
    } finally {
      await st.close();
    }
    const t = leafPages(path);
    assert.ok(t.bigRows >= SERIES / 5, `${t.bigRows} rows of full-precision floats over 2.5 KiB`);
    assert.ok(
      t.unused <= 0.1 * t.bytes,
      `${t.unused} of ${t.bytes} B of ${t.pages} leaf pages unused (${((100 * t.unused) / t.bytes).toFixed(1)} %)`,
    );
  });

  it('three in four series full-precision float counters: chunks cut by size leave at most 15 % of the table pages unused', async () => {
    // Cut by sample count only, the float rows (about 2.8 KiB) take a page each and the few small rows cannot fill
    // the kilobyte beside them: 26 % of the pages unused.
    const path = join(dir, 'floats.db');
    const series = 200;
    const steps = 960;
    const acc = new Float64Array(series).fill(1_770_668.1417100322);
    /** Series i % 4 ≠ 0: a counter adding a random full-precision amount per scrape; the others small integers. */
    const v = (i: number, k: number): number =>
      i % 4 !== 0 ? (acc[i]! += unit(i, k, 1) * 4096 + unit(i, k, 2) * 1e-7) : Math.floor(unit(i, k, 3) * 16);
    const written: number[] = [];
    let now = T0;
    const st = await openChunkedSqliteStore({
      path,
      walDir: join(dir, 'wal-floats'),
      retentionMs: 30 * 86_400_000,
      now: () => now,
    });
    try {
      for (let k = 0; k < steps; k++) {
        now = T0 + k * 1000 + 3;
        const batch: Sample[] = [];
        for (let i = 0; i < series; i++) {
          const value = v(i, k);
          if (i === 6) written.push(value);
          const timestampMs = T0 + k * 1000 + Math.floor(unit(i, k, 9) * 4); // 0-3 ms of scrape jitter
          batch.push({ name: 'dwcp_fill', labels: { s: String(i) }, value, timestampMs });
        }
        await st.append(batch);
      }
      const refs = await st.findSeries('dwcp_fill', { s: '6' }, 10);
      const [p] = await st.readPoints(refs, T0, T0 + steps * 1000, 10_000);
      assert.deepEqual([...p!.values], written);
    } finally {
      await st.close();
    }
    const t = leafPages(path);
    assert.ok(
      t.unused <= 0.15 * t.bytes,
      `${t.unused} of ${t.bytes} B of ${t.pages} leaf pages unused (${((100 * t.unused) / t.bytes).toFixed(1)} %)`,
    );
  });
});
