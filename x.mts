import { encodeChunk, decodeChunk } from '/work/wt/r2-storage/src/store/tsdb/codec/chunk.ts';
import { encodeRollup, decodeRollupLast } from '/work/wt/r2-storage/src/store/tsdb/codec/rollup-chunk.ts';
const n = 480;
const ts = Array.from({length: n}, (_, i) => 1_700_000_000_000 + i * 1000 + (i % 3));
const cases: Record<string, number[]> = {
  noisy: Array.from({length: n}, () => 1.25e8 * (1 + 0.02 * Math.random())),
  counter: Array.from({length: n}, (_, i) => 1e9 + i * 1337),
  constant: Array.from({length: n}, () => 1),
  special: Array.from({length: n}, (_, i) => [NaN, Infinity, -Infinity, -0, 0, 5e-324][i % 6]!),
};
for (const [k, vs] of Object.entries(cases)) {
  const b = encodeChunk(ts, vs);
  const d = decodeChunk(b);
  const ok = d.values.every((v, i) => Object.is(v, vs[i])) && d.timestampsMs.every((t, i) => t === ts[i]);
  console.log(k, 'bytes/sample', (b.length / n).toFixed(2), ok);
}
const big = 2000, reps = 3000;
const tsb = Array.from({length: big}, (_, i) => i * 1000);
const vb = Array.from({length: big}, () => 1.25e8 * (1 + 0.02 * Math.random()));
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; }; let t0 = cpu(); let blob!: Uint8Array;
for (let r = 0; r < reps; r++) blob = encodeChunk(tsb, vb);
console.log('encode ns/sample', ((cpu() - t0) * 1e6 / (big * reps)).toFixed(1));
t0 = cpu();
for (let r = 0; r < reps; r++) decodeChunk(blob);
console.log('decode ns/sample', ((cpu() - t0) * 1e6 / (big * reps)).toFixed(1));
const rb = encodeRollup({ timestampsMs: tsb.map(t => t * 60), count: tsb.map(() => 60), min: vb, max: vb, sum: vb, last: vb });
t0 = cpu();
for (let r = 0; r < reps; r++) decodeRollupLast(rb.last);
console.log('rollup last decode ns/bucket', ((cpu() - t0) * 1e6 / (big * reps)).toFixed(1));
