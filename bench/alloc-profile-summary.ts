/**
 * Where `serve` allocated its bytes over the probe's measured window: reads two sampled allocation profiles written
 * by `npm run bench:probe -- --alloc-prof DIR` (bench/alloc-profile-hook.ts; `alloc-<pid>-mark1.heapprofile` at the
 * window's start, `-mark2` at its end) and keeps the samples taken between them (by ordinal; each sample's size is
 * V8's estimate of the bytes it stands for). Prints the window's bytes (and per sample with `--samples N`, the
 * samples the monitor ingested in the window, from the probe's JSON), the monitor's pieces (probe-pieces.ts, first
 * match on the stack) and the top allocation sites (the allocating function and line, self bytes).
 *
 * Run: `npx tsx bench/alloc-profile-summary.ts <DIR>/alloc-<pid>-mark2.heapprofile --after
 * <DIR>/alloc-<pid>-mark1.heapprofile [--samples N] [--top 30]`.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { PIECES } from './probe-pieces.ts';

interface HeapNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children: readonly HeapNode[];
}
interface HeapProfile {
  readonly head: HeapNode;
  readonly samples: readonly { readonly size: number; readonly nodeId: number; readonly ordinal: number }[];
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { after: { type: 'string' }, samples: { type: 'string' }, top: { type: 'string', default: '30' } },
});
const file = positionals[0];
if (file === undefined)
  throw new Error(
    'usage: alloc-profile-summary.ts <end.heapprofile> [--after <start.heapprofile>] [--samples N]',
  );
const read = (f: string): HeapProfile => JSON.parse(readFileSync(f, 'utf8')) as HeapProfile;
const end = read(file);
const from =
  values.after === undefined ? -1 : Math.max(-1, ...read(values.after).samples.map((s) => s.ordinal));

const parent = new Map<number, HeapNode | undefined>();
const byId = new Map<number, HeapNode>();
const walk = (n: HeapNode, up: HeapNode | undefined): void => {
  byId.set(n.id, n);
  parent.set(n.id, up);
  for (const c of n.children) walk(c, n);
};
walk(end.head, undefined);
const frame = (n: HeapNode): string =>
  `${n.callFrame.functionName || '(anon)'}@${n.callFrame.url.split('/').slice(-2).join('/')}`;
const stack = (id: number): string[] => {
  const out: string[] = [];
  for (let n = byId.get(id); n !== undefined; n = parent.get(n.id)) out.push(frame(n));
  return out;
};

const pieces = new Map<string, number>();
const sites = new Map<string, number>();
let total = 0;
for (const s of end.samples) {
  if (s.ordinal <= from) continue;
  const frames = stack(s.nodeId);
  const piece = PIECES.find(([, test]) => test(frames))![0];
  pieces.set(piece, (pieces.get(piece) ?? 0) + s.size);
  const n = byId.get(s.nodeId)!;
  const site = `${frame(n)}:${n.callFrame.lineNumber + 1} < ${frames[1] ?? ''}`;
  sites.set(site, (sites.get(site) ?? 0) + s.size);
  total += s.size;
}
const perSample = values.samples === undefined ? undefined : Number(values.samples);
const show = (bytes: number): string =>
  `${((100 * bytes) / total).toFixed(1).padStart(5)} %${perSample === undefined ? '' : ` ${(bytes / perSample).toFixed(1).padStart(7)} B/sample`}`;
console.log(
  `window: ${(total / 2 ** 20).toFixed(1)} MiB sampled${perSample === undefined ? '' : `, ${(total / perSample).toFixed(1)} B per sample`}`,
);
console.log('\nby piece:');
for (const [k, v] of [...pieces].sort((a, b) => b[1] - a[1])) console.log(`${show(v)}  ${k}`);
console.log('\ntop sites (allocating function:line < caller):');
for (const [k, v] of [...sites].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top)))
  console.log(`${show(v)}  ${k}`);
