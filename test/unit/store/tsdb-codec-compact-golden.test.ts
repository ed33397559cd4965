/**
 * The stored bytes of compacted chunks are fixed: a deterministic corpus of chunks of every kind (jittered and
 * drifting scrape timestamps, gaps; repeats, integer counters with resets, decimal gauges, stale markers,
 * full-precision float counters with and without resets, random doubles, values near the column limits; 3-480
 * samples) is compacted, as blobs and through the head's open chunk, and the SHA-256 of all the blobs and of every
 * integer-column plan is compared with the digest the codec produced before the append path was optimised. Any
 * change of a byte, of a chosen encoding or of a plan's order, centre, k or size changes the digest.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  ChunkAppender,
  compactChunk,
  encodeChunk,
  readChunkHeader,
} from '../../../src/store/tsdb/codec/chunk.ts';
import { planIntColumn } from '../../../src/store/tsdb/codec/int-column.ts';

/** Digest of the corpus as written by the codec before the change (the reference; never regenerate it). */
const CHUNKS_SHA256 = '2ad3bef1e0c3ee378f5eb4c623d2e144bfc6af796fb4851fdc483430b3a8f5cd';
const PLANS_SHA256 = 'db20d6b9f7c8432ef314978ffdb898d1c777cd0fa4096eb536e38292365d73c1';

let seed = 0x2545f491;
/** Deterministic uniform [0, 1) (LCG), so the corpus is the same on every run. */
const rnd = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
const STALE = new Float64Array(new Uint32Array([2, 0x7ff00000]).buffer)[0]!;

function timestamps(n: number, kind: number): number[] {
  const ts: number[] = [];
  let t = 1_700_000_000_000 + Math.floor(rnd() * 1e6);
  const step = [1000, 15_000, 60_000, 1000][kind % 4]!;
  for (let i = 0; i < n; i++) {
    if (kind === 0)
      ts.push(t + i * step + Math.floor(rnd() * 4)); // jitter around the grid
    else if (kind === 1)
      ts.push((t += step + Math.floor(rnd() * 6))); // drifting loop
    else if (kind === 2)
      ts.push((t += step * (rnd() < 0.05 ? 3 : 1))); // missed scrapes
    else ts.push((t += 1 + Math.floor(rnd() * 5000))); // irregular
  }
  return ts;
}

function values(n: number, kind: number): number[] {
  const vs: number[] = [];
  let v = Math.floor(rnd() * 1e6);
  let f = 1770668.1417100322 * (1 + rnd());
  for (let i = 0; i < n; i++) {
    switch (kind) {
      case 0: // repeats
        vs.push(42.5);
        break;
      case 1: // integer counter with resets
        v = rnd() < 0.01 ? Math.floor(rnd() * 10) : v + Math.floor(rnd() * 300);
        vs.push(v);
        break;
      case 2: // decimal gauge
        vs.push(Math.round((50 + 40 * Math.sin(i / 9) + rnd()) * 100) / 100);
        break;
      case 3: // counter with stale markers
        v += Math.floor(rnd() * 7);
        vs.push(i % 37 === 36 ? STALE : v);
        break;
      case 4: // full-precision float counter
        f += rnd() * 1000;
        vs.push(f);
        break;
      case 5: // full-precision float counter with resets
        f = rnd() < 0.03 ? rnd() * 100 : f + rnd() * 1000;
        vs.push(f);
        break;
      case 6: // random doubles
        vs.push((rnd() - 0.5) * 10 ** Math.floor(rnd() * 30 - 15));
        break;
      case 7: // near the column limits, with outliers
        vs.push(rnd() < 0.1 ? 2 ** 50 - Math.floor(rnd() * 1000) : Math.floor(rnd() * 2 ** 40) - 2 ** 39);
        break;
      case 8: // bucket-like slow counter
        if (rnd() < 0.2) v += 1;
        vs.push(v);
        break;
      default: // small gauge with three decimals and sign changes
        vs.push(Math.round((rnd() - 0.5) * 2000) / 1000);
    }
  }
  return vs;
}

describe('tsdb compacted chunk bytes', () => {
  it('a fixed corpus compacts to the same bytes and plans as before', () => {
    const chunks = createHash('sha256');
    const plans = createHash('sha256');
    const modes = new Set<string>();
    const sizes = [3, 4, 7, 16, 60, 120, 121, 240, 300, 480];
    for (const n of sizes)
      for (let tk = 0; tk < 4; tk++)
        for (let vk = 0; vk < 10; vk++) {
          const ts = timestamps(n, tk);
          const vs = values(n, vk);
          const blob = compactChunk(encodeChunk(ts, vs));
          chunks.update(blob);
          if (blob[0] === 2) {
            const h = readChunkHeader(blob);
            modes.add(`t${blob[h.tsStart]!}`).add(`v${blob[h.tsEnd]!}`);
          } else modes.add('format 1');
          const app = new ChunkAppender();
          for (let i = 0; i < n; i++) app.append(ts[i]!, vs[i]!);
          assert.deepEqual(app.compactBytes(), blob);
          for (const col of [ts, vs.map((x) => (Number.isFinite(x) ? Math.round(x) : 0))])
            plans.update(`${JSON.stringify(planIntColumn(col) ?? null)}\n`);
        }
    // Integer columns of every shape: constant, steps, squares (order 2), outliers, extremes, single values.
    for (let c = 0; c < 400; c++) {
      const n = 1 + Math.floor(rnd() * 300);
      const col: number[] = [];
      let x = Math.floor((rnd() - 0.5) * 2 ** (1 + Math.floor(rnd() * 50)));
      const shape = c % 6;
      for (let i = 0; i < n; i++) {
        if (shape === 0) col.push(x);
        else if (shape === 1) col.push((x += Math.floor(rnd() * 2 ** (c % 20))));
        else if (shape === 2) col.push(x + i * i * (c % 7));
        else if (shape === 3)
          col.push(rnd() < 0.05 ? 2 ** 51 * (rnd() < 0.5 ? 1 : -1) : Math.floor(rnd() * 64));
        else if (shape === 4) col.push(Math.floor((rnd() - 0.5) * 2 ** (c % 53)));
        else col.push(rnd() < 0.01 ? 2 ** 52 : Math.floor(rnd() * 9));
      }
      plans.update(`${JSON.stringify(planIntColumn(col) ?? null)}\n`);
    }
    // The corpus reaches every encoding (so the digest covers each one's bytes).
    assert.deepEqual([...modes].sort(), ['format 1', 't0', 't1', 'v0', 'v1', 'v2', 'v3', 'v4']);
    assert.equal(chunks.digest('hex'), CHUNKS_SHA256);
    assert.equal(plans.digest('hex'), PLANS_SHA256);
  });
});
