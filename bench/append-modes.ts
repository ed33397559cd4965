/**
 * How often a process runs a chunk-encoding loop in a slow mode: many short processes run the same loop over
 * bench:ingest's data (1476 series x 960 s, cut into chunks of 480 samples), each printing CPU ns per sample of
 * every pass; this prints the distribution over processes and how many are slow.
 *
 * `npx tsx bench/append-modes.ts [--path encode-chunk] [--procs 20] [--passes 4] [--slow-ns 180] [--flags="..."] [--status] [--blocks]`
 * - `--path`: the loop, one chunk at a time: `appender` (a new ChunkAppender and `append` per sample: the head's
 *   open chunk), `encode-chunk` (`encodeChunk`: the head's split and merge and late samples re-encode whole
 *   chunks this way), `rollup` (`encodeRollup` with the samples as 1-minute buckets: the downsampler);
 * - `--procs`: processes to run (one after the other, so at most one core is taken);
 * - `--passes`: passes over all chunks per process (pass 1 includes compilation; a slow process stays slow);
 * - `--slow-ns`: a process is slow when its median pass after the first costs more than this many ns per sample
 *   (fast: ~45-120 ns on this machine, slow: 240-380);
 * - `--flags=...`: V8 flags for the child processes, given with `=` (e.g. `--flags=--no-turbo-inlining`,
 *   `--max-inlined-bytecode-size=100`, `--no-use-osr`, `--maglev`, `--interpreted-frames-native-stack`);
 * - `--status`: each child also prints V8's optimization status of the append path's functions (adds
 *   `--allow-natives-syntax`; the harness only, never the product);
 * - `--blocks`: each child also prints the CPU ns per sample of every 100 chunks (when a slow mode starts and ends).
 * `--child` runs one process' loop (what the parent spawns). CPU is the child's own user + system time (its
 * compiler and GC threads included), so the figures survive a loaded machine better than wall-clock time; state
 * the load beside them.
 *
 * The slow mode it found (docs/storage.md, "A slow mode of the chunk encoders"): with a throw per check, each
 * message formatting the timestamp, TurboFan merged the two number-to-string conversions of an inlined
 * TimestampEncoder.write and scheduled the one left before both checks, so every sample was formatted as a
 * string. To see it: `perf record` a slow child (Builtins_NumberToString, v8::base::FastDtoa), or
 * `--trace-turbo --trace-turbo-filter=child` and look for `Call[Code:NumberToString` outside deferred blocks.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { BitWriter } from '../src/store/tsdb/codec/bits.ts';
import { ChunkAppender, encodeChunk } from '../src/store/tsdb/codec/chunk.ts';
import { encodeRollup } from '../src/store/tsdb/codec/rollup-chunk.ts';
import { TimestampEncoder } from '../src/store/tsdb/codec/timestamps.ts';
import { XorEncoder } from '../src/store/tsdb/codec/xor.ts';
import { loadTemplate, ReplayLoad } from './ingest-data.ts';

const { values: args } = parseArgs({
  options: {
    procs: { type: 'string', default: '20' },
    passes: { type: 'string', default: '4' },
    'slow-ns': { type: 'string', default: '180' },
    flags: { type: 'string', default: '' },
    status: { type: 'boolean', default: false },
    child: { type: 'boolean', default: false },
    blocks: { type: 'boolean', default: false },
    path: { type: 'string', default: 'appender' },
  },
});
const CHUNK = 480;

function cpuNs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) * 1000;
}

async function child(path: string, passes: number, status: boolean, showBlocks: boolean): Promise<void> {
  const t = await loadTemplate(2, 900);
  const l = new ReplayLoad(t, t.names.length);
  const ts: Float64Array[] = [];
  const vs: Float64Array[] = [];
  for (let i = 0; i < l.series; i++) {
    for (let k0 = 0; k0 < 960; k0 += CHUNK) {
      const ct = new Float64Array(CHUNK);
      const cv = new Float64Array(CHUNK);
      for (let k = 0; k < CHUNK; k++) {
        ct[k] = l.timestamp(i, k0 + k, 1_700_000_000_000, 1000);
        cv[k] = l.value(i, k0 + k);
      }
      ts.push(ct);
      vs.push(cv);
    }
  }
  const samples = ts.length * CHUNK;
  const run = pathOf(path);
  const out: string[] = [];
  let sink = 0;
  const BLOCK = 100;
  for (let p = 0; p < passes; p++) {
    const c0 = cpuNs();
    let b0 = c0;
    const blocks: string[] = [];
    for (let c = 0; c < ts.length; c++) {
      if (c % BLOCK === 0 && c > 0) {
        const b1 = cpuNs();
        blocks.push(((b1 - b0) / (BLOCK * CHUNK)).toFixed(0));
        b0 = b1;
      }
      sink += run(ts[c]!, vs[c]!);
    }
    out.push(((cpuNs() - c0) / samples).toFixed(1));
    if (showBlocks) process.stdout.write(`pass ${p + 1} blocks of ${BLOCK} chunks: ${blocks.join(' ')}\n`);
  }
  process.stdout.write(`ns ${out.join(' ')} sink ${sink}\n`);
  if (status) {
    // V8's %GetOptimizationStatus bits: 16 = optimized by TurboFan, 32 = Maglev, 8 = marked for optimization.
    const get = new Function('f', 'return %GetOptimizationStatus(f)') as (f: unknown) => number;
    const fns: [string, unknown][] = [
      ['ChunkAppender.append', ChunkAppender.prototype.append],
      ['TimestampEncoder.write', TimestampEncoder.prototype.write],
      ['XorEncoder.write', XorEncoder.prototype.write],
      ['BitWriter.writeBits', BitWriter.prototype.writeBits],
      ['BitWriter.writeBit', BitWriter.prototype.writeBit],
    ];
    process.stdout.write(`status ${fns.map(([n, f]) => `${n}=${get(f).toString(2)}`).join(' ')}\n`);
  }
}

/** One chunk through the chosen path; returns bytes written (kept so the work is not dead). */
function pathOf(name: string): (ct: Float64Array, cv: Float64Array) => number {
  switch (name) {
    case 'appender':
      // The head's open chunk (Head.append → ChunkAppender.append), a loop over the chunk's samples.
      return (ct, cv) => {
        const a = new ChunkAppender();
        for (let i = 0; i < ct.length; i++) a.append(ct[i]!, cv[i]!);
        return a.encodedBytes;
      };
    case 'encode-chunk':
      // encodeChunk: the head's split and merge paths and late samples re-encode whole chunks.
      return (ct, cv) => encodeChunk(ct, cv).length;
    case 'rollup':
      // encodeRollup: the downsampler's 1-minute rows (the chunk's samples as buckets).
      return (ct, cv) => {
        const r = encodeRollup({ timestampsMs: ct, count: ONES, min: cv, max: cv, sum: cv, last: cv });
        return r.last.length + r.rest.length;
      };
    default:
      throw new Error(`unknown --path ${name} (appender, encode-chunk, rollup)`);
  }
}
const ONES = new Float64Array(CHUNK).fill(1);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

function parent(): void {
  const procs = Number(args.procs);
  const slowNs = Number(args['slow-ns']);
  const flags = args.flags.split(/\s+/).filter((f) => f !== '');
  if (args.status) flags.push('--allow-natives-syntax');
  const self = fileURLToPath(import.meta.url);
  const steady: number[] = [];
  let slow = 0;
  for (let p = 0; p < procs; p++) {
    const r = spawnSync(
      process.execPath,
      [
        ...flags,
        '--import',
        'tsx',
        self,
        '--child',
        '--path',
        args.path,
        '--passes',
        args.passes,
        ...(args.status ? ['--status'] : []),
      ],
      { encoding: 'utf8' },
    );
    if (r.status !== 0) throw new Error(`child ${p} failed: ${r.stderr}`);
    const line = r.stdout.split('\n').find((x) => x.startsWith('ns '))!;
    const passes = line.split(' ').slice(1, -2).map(Number);
    const m = median(passes.slice(1));
    steady.push(m);
    if (m > slowNs) slow++;
    const st = r.stdout.split('\n').find((x) => x.startsWith('status '));
    process.stdout.write(
      `proc ${p + 1}: ${passes.join(' ')} ns/sample${m > slowNs ? '  SLOW' : ''}${st ? `  ${st.slice(7)}` : ''}\n`,
    );
  }
  const s = [...steady].sort((a, b) => a - b);
  process.stdout.write(
    `flags [${flags.join(' ')}]: ${slow} of ${procs} processes slow (> ${slowNs} ns); steady ns/sample min ${s[0]!.toFixed(1)}, median ${median(s).toFixed(1)}, max ${s[s.length - 1]!.toFixed(1)}\n`,
  );
}

if (args.child) await child(args.path, Number(args.passes), args.status, args.blocks);
else parent();
