/**
 * Float steps in segments (raw chunk format 2, value mode 4: one integer column per stretch between whole values):
 * full-precision counters that reset come back bit-exactly (fast-check) and take fewer bytes than one column
 * (mode 2), a mode-4 blob as written today decodes to the same values (known answer), and corrupt mode-4 blobs
 * raise StoreError.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { StoreError } from '../../../src/errors.ts';
import {
  compactChunk,
  decodeChunk,
  encodeChunk,
  readChunkHeader,
} from '../../../src/store/tsdb/codec/chunk.ts';
import { toFloatSteps } from '../../../src/store/tsdb/codec/float-delta.ts';
import { planIntColumn } from '../../../src/store/tsdb/codec/int-column.ts';
import { wholeValuesBytes } from '../../../src/store/tsdb/codec/whole-values.ts';

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const bitsOf = (v: number): string => {
  f64[0] = v;
  return `${u32[1]!.toString(16)}:${u32[0]!.toString(16)}`;
};
const valueMode = (blob: Uint8Array): number => blob[readChunkHeader(blob).tsEnd]!;
const stamps = (n: number): number[] => Array.from({ length: n }, (_, i) => 1_700_000_000_000 + i * 1000);

/**
 * A full-precision float counter that resets: it starts at `start`, adds a random full-precision increment per
 * sample, and falls back to `restart` at each index in `resets`.
 */
function resettingCounter(
  n: number,
  start: number,
  restart: number,
  increment: number,
  resets: readonly number[],
  seed: number,
): number[] {
  let s = seed;
  const rnd = (): number => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  let v = start;
  return Array.from({ length: n }, (_, i) => {
    v = resets.includes(i) ? restart + rnd() : v + increment * (0.9 + 0.2 * rnd()) + rnd();
    return v;
  });
}

/** Bytes the value section would take in mode 2 (one column for all steps). */
function oneColumnBytes(vs: readonly number[]): number {
  const fs = toFloatSteps(vs)!;
  return 2 + wholeValuesBytes(fs.wholeAt) + Math.ceil(planIntColumn(fs.steps)!.bits / 8);
}

const resetting = fc
  .record({
    n: fc.integer({ min: 3, max: 400 }),
    start: fc.double({ min: 1, max: 1e10, noNaN: true }),
    restart: fc.double({ min: 0, max: 1e6, noNaN: true }),
    increment: fc.double({ min: 1e-3, max: 1e8, noNaN: true }),
    seed: fc.integer({ min: 0, max: 2 ** 30 }),
    resets: fc.array(fc.integer({ min: 1, max: 399 }), { maxLength: 6 }),
  })
  .map((r) => resettingCounter(r.n, r.start, r.restart, r.increment, r.resets, r.seed));

describe('tsdb codec float steps in segments', () => {
  it('resetting float counters round-trip bit-exactly through whichever value mode is chosen', () => {
    const modes = new Map<number, number>();
    fc.assert(
      fc.property(resetting, (vs) => {
        const ts = stamps(vs.length);
        const v1 = encodeChunk(ts, vs);
        const v2 = compactChunk(v1);
        assert.ok(v2.length <= v1.length);
        if (v2[0] === 2) modes.set(valueMode(v2), (modes.get(valueMode(v2)) ?? 0) + 1);
        const d = decodeChunk(v2);
        assert.deepEqual([...d.timestampsMs], ts);
        assert.deepEqual([...d.values].map(bitsOf), vs.map(bitsOf));
      }),
      { numRuns: 500 },
    );
    assert.ok((modes.get(4) ?? 0) > 50, `mode 4 taken ${modes.get(4) ?? 0} times of 500: ${[...modes]}`);
  });

  it('a float counter restarting binades lower takes mode 4, fewer bytes than one column, every bit kept', () => {
    // As the benchmark's template: about 2e7 added per scrape, back to about 2e7 every 900 samples.
    const vs = resettingCounter(320, 1.7e10, 2e7, 2e7, [100], 7);
    const blob = compactChunk(encodeChunk(stamps(vs.length), vs));
    assert.equal(valueMode(blob), 4);
    const bytes = blob.length - readChunkHeader(blob).tsEnd;
    const single = oneColumnBytes(vs);
    assert.ok(bytes < single - 40, `${bytes} B in segments against ${single} B in one column`);
    assert.deepEqual([...decodeChunk(blob).values].map(bitsOf), vs.map(bitsOf));
    // Without a reset nothing is split: mode 2 as before.
    const plain = resettingCounter(320, 1.7e10, 2e7, 2e7, [], 7);
    assert.equal(valueMode(compactChunk(encodeChunk(stamps(plain.length), plain))), 2);
  });

  it('a mode-4 blob as written today decodes to its values (known answer)', () => {
    const vs = resettingCounter(100, 1.7e10, 2e7, 2e7, [60], 3);
    const now = compactChunk(encodeChunk(stamps(vs.length), vs));
    assert.equal(valueMode(now), 4);
    assert.equal(Buffer.from(now).toString('hex'), KNOWN);
    assert.deepEqual([...decodeChunk(Buffer.from(KNOWN, 'hex')).values].map(bitsOf), vs.map(bitsOf));
  });

  it('rejects corrupt mode-4 blobs with a StoreError', () => {
    const vs = resettingCounter(120, 1.7e10, 2e7, 2e7, [40, 90], 11);
    const good = compactChunk(encodeChunk(stamps(vs.length), vs));
    assert.equal(valueMode(good), 4);
    const vAt = readChunkHeader(good).tsEnd;
    for (let cut = vAt + 1; cut < good.length; cut++)
      assert.throws(() => decodeChunk(good.subarray(0, cut)), StoreError, `truncated at ${cut}`);
    const longer = Buffer.concat([good, Buffer.from([0])]);
    assert.throws(() => decodeChunk(longer), StoreError, 'a byte after the last segment');
    const badGuard = good.slice();
    badGuard[vAt + 1] = 9;
    assert.throws(() => decodeChunk(badGuard), StoreError, 'guard');
    fc.assert(
      fc.property(
        fc.integer({ min: vAt, max: good.length - 1 }),
        fc.integer({ min: 0, max: 255 }),
        (i, b) => {
          const bad = good.slice();
          bad[i] = b;
          try {
            decodeChunk(bad);
          } catch (e) {
            assert.ok(e instanceof StoreError, `byte ${i} = ${b}: ${String(e)}`);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

/** The blob of the known-answer test, written by the encoder of this change. */
const KNOWN =
  '02641701e80700ab179fcad0000000000000000000000000000004000800b653d907d9b30f423c80a8f10cd01273410180ec' +
  '557f6bfb824101c0a8a0d5edd28c410180d4455530f6924101a0460d5c430e984101c2fa04d464769c41016df897eb52c7a0' +
  '41b80267965a3ea58616d0e1d581a6eb9c885c66b28e88e53a741f32a77889145a8af6bc4114ea8108b2b5287863b2fc0e82' +
  'fd9ffffb242aeedf009e8db9589226863b2a250fb31dec796e0cff726de969a28eb4d1e4edb6413c172bd6a5f9f6ebb9c2a4' +
  '05505b4da6ba8c10cd6ca49f6ed6134680fc3f7054ef0d8558f678907ee3401bb15f4aac657e563925a2671fc7c4a8380e45' +
  'ebdb993876e70f56f78e74b86d0b48158c2ab49d772229c6bc9f6f8e0934f0635593742a79e5846c2d40046555e9b0177b78' +
  '362ffc179c74e2000000000002b2290258fef49e12d9fe040d9e57bc2d639343f168177d83c71731c248d28dc12d47c8193e' +
  '5348f7bff7e91a2e17cf8ac4a6e47949e472e71e983c1ab827d2307b14b8e908217eb1af2650c56952fbaf9b9a54f2ea37d6' +
  '217dbea48172cffd595fdab6cd7040ce016eaecb086361cfe7295a634701361843877d57ceab53674e2e56cd1c4b20049066' +
  'c581698301f364296dc5dc09fd23850547fff661be8cd354b34869f92eddc1c512faaee8221d3b81f820427a6c3fc8aa5288' +
  '00e7b77b390377cfcab3449fefe147a340093d48d7bd4bb76dbbdde2b84e40f30c19f845d87e6e04004fb19001ff79bb2564' +
  'a4561f7373a138a4a2e86b7a4080bea41321fef0b1914a30d7242471f0c2a000000000000000f36cadb8ff12b64f8ecc005b' +
  'f941dc7400ebd362f9423b21da53a418e1353b7b8f61e0';
