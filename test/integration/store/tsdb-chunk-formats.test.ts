/**
 * Chunk formats in a chunks-layout SQLite file: the store writes cut and checkpointed chunks in format 2, and a
 * file whose chunk rows are in format 1 (written before format 2) reads back the same samples.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { decodeChunk, encodeChunk } from '../../../src/store/tsdb/codec/chunk.ts';
import { openChunkedSqliteStore } from '../../../src/store/tsdb/open.ts';

const T0 = 1_700_000_000_000;

describe('tsdb chunk formats in SQLite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dwcp-chunk-formats-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('writes format 2 and reads format-1 rows of an older file', async () => {
    const path = join(dir, 'chunks.db');
    const walDir = join(dir, 'wal');
    const n = 250; // one cut chunk of 200 samples, one open chunk checkpointed at close
    const ts = Array.from({ length: n }, (_, i) => T0 + i * 1000 + ((i * 7) % 4));
    const vs = Array.from({ length: n }, (_, i) => 1000 + i * 3 + (i % 5));
    let st = await openChunkedSqliteStore({
      path,
      walDir,
      retentionMs: 86_400_000,
      maxSamplesPerChunk: 200,
      now: () => T0,
    });
    for (let i = 0; i < n; i++)
      await st.append([{ name: 'dwcp_fmt', labels: { k: 'a' }, value: vs[i]!, timestampMs: ts[i]! }]);
    await st.close();

    const raw = new BetterSqlite3(path);
    const rows = raw.prepare('select id, data from tsdb_chunks order by start_ts').all() as {
      id: number;
      data: Buffer;
    }[];
    assert.equal(rows.length, 2);
    assert.deepEqual(
      rows.map((r) => r.data[0]),
      [2, 2],
      'cut and checkpointed chunks are stored in format 2',
    );
    // Rewrite the rows as an older version wrote them (format 1).
    for (const r of rows) {
      const d = decodeChunk(r.data);
      raw
        .prepare('update tsdb_chunks set data = ? where id = ?')
        .run(Buffer.from(encodeChunk(d.timestampsMs, d.values)), r.id);
    }
    assert.deepEqual(
      (raw.prepare('select data from tsdb_chunks').all() as { data: Buffer }[]).map((r) => r.data[0]),
      [1, 1],
    );
    raw.close();

    st = await openChunkedSqliteStore({
      path,
      walDir,
      retentionMs: 86_400_000,
      maxSamplesPerChunk: 200,
      now: () => T0,
    });
    try {
      const refs = await st.findSeries('dwcp_fmt', { k: 'a' }, 10);
      const [p] = await st.readPoints(refs, T0, T0 + n * 1000, 10_000);
      assert.deepEqual([...p!.timestampsMs], ts);
      assert.deepEqual([...p!.values], vs);
    } finally {
      await st.close();
    }
  });
});
