/**
 * Splits a `.cpuprofile` of range queries written by `bench/query-profile.ts <series> <file> [phase]` into the
 * pieces of a query: the database handing over the rows (statement stepping, row objects and blob buffers in the
 * driver), the per-row bookkeeping of the read in JavaScript (row-cache lookups and fills, grouping rows by
 * series, the per-series loop), decoding rollup blobs (the gap-free header check and the value decode), copying
 * kept decoded columns, the aggregation into steps, building the result (groups, result cache), garbage
 * collection, and the rest. Each sample goes to the first piece in that list (garbage collection first) whose
 * frame is on its stack; shares are of busy (non-idle) sampled time. Sampled time is wall time: on a loaded
 * machine compare shares, not milliseconds. Nothing is asserted.
 *
 * Run: `npx tsx bench/query-profile-summary.ts <file.cpuprofile> [--top N]` (N: also the N largest functions by
 * self time).
 */
import { parseArgs } from 'node:util';
import { readProfile } from './cpuprofile.ts';

/** A piece of a query and the frames (function@dir/file prefixes) that mark it. */
interface Piece {
  readonly name: string;
  readonly frames: readonly string[];
}

const PIECES: readonly Piece[] = [
  { name: 'garbage collection', frames: ['(garbage collector)@'] },
  {
    name: 'hand-over (statement stepping, rows, blob buffers)',
    frames: ['executeQuery@', 'all@', 'handleDataRow@', 'parseDataRowMessage@', 'parse@pg-protocol'],
  },
  {
    name: 'decode (gap-free header check, values)',
    frames: [
      'gapFreeRun@',
      'decodeLastStream@',
      'decodeRollupLastInto@',
      'decodeXorColumn@',
      'decodePackedInts@',
      'denseRunRow@',
      'denseRow@',
    ],
  },
  { name: 'copy of kept decoded columns', frames: ['copyRowDense@', 'expandRow@'] },
  {
    name: 'aggregation into steps',
    frames: ['addColumn@', 'addRateColumn@', 'add@store/query.ts', 'foldUniform', 'StepAlignment@'],
  },
  {
    name: 'result building (groups, result cache)',
    frames: ['finish@store/query.ts', 'flushFull@', 'shapeKey@', 'put@tsdb/result-cache.ts', 'groupKey@'],
  },
  {
    name: 'per-row bookkeeping (cache lookups and fills, rows by series, loop)',
    frames: [
      'gather@',
      'rollupDense@',
      'rollupSparse@',
      'visitDenseBuckets@',
      'visitLastBuckets@',
      'collectRollupRows@',
      'readRollupLasts@',
      'rollupReadParts@',
      'idReads@',
      '@tsdb/row-cache.ts',
      'keepRead@',
      'blobDense@',
      'blobAt@',
      'denseRunInto@',
    ],
  },
];

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '0' } },
});
const file = positionals[0];
if (file === undefined) throw new Error('usage: query-profile-summary.ts <file.cpuprofile> [--top N]');
const { profile: p, stackOf, isIdle } = readProfile(file);

const byPiece = new Map<string, number>();
const self = new Map<string, number>();
let busy = 0;
for (let i = 0; i < p.samples.length; i++) {
  const id = p.samples[i]!;
  if (isIdle(id)) continue;
  const dt = (p.timeDeltas[i + 1] ?? 0) / 1000;
  busy += dt;
  const stack = stackOf(id);
  self.set(stack[0]!, (self.get(stack[0]!) ?? 0) + dt);
  const piece =
    PIECES.find((pc) => pc.frames.some((f) => stack.some((s) => s.startsWith(f) || s.endsWith(f))))?.name ??
    'other';
  byPiece.set(piece, (byPiece.get(piece) ?? 0) + dt);
}
const line = (name: string, ms: number): string =>
  `  ${(ms / busy) * 100 < 9.95 ? ' ' : ''}${((ms / busy) * 100).toFixed(1)} %  ${ms.toFixed(0).padStart(6)} ms  ${name}\n`;
process.stdout.write(`busy sampled time ${busy.toFixed(0)} ms\n`);
for (const name of [...PIECES.map((pc) => pc.name), 'other'])
  process.stdout.write(line(name, byPiece.get(name) ?? 0));
const top = Number(values.top);
if (top > 0) {
  process.stdout.write('largest self time:\n');
  for (const [f, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top))
    process.stdout.write(line(f, ms));
}
